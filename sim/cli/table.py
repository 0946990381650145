"""``coalition table SCENARIO``: who needs to be at the table? (Shapley values, see sim.analysis)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from sim.cli.common import (
    UsageError,
    check_horizon,
    horizon,
    parse_sets,
    path,
    positive_int,
    preset_name,
    seed_value,
    text_columns,
    whole_number,
    worker_count,
)
from sim.errors import one_line

MAX_REPLICATES = 1_000_000  # as a sweep's replicates
MAX_PERMUTATIONS = 100_000  # orderings: Monte Carlo error far below the replicates' noise by then


def probability(text: str) -> float:
    """An argparse type: a probability in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be in (0, 1]")
    return value


def add_parser(subparsers) -> None:
    """Register the ``table`` subcommand."""
    p = subparsers.add_parser(
        "table",
        help="who needs to be at the table: each organization's Shapley value for reaching the goal",
        description=(
            "Estimate each organization's contribution to the chance of reaching the goal (a Shapley "
            "value, Monte Carlo over orderings of organizations joining, common seeds for every "
            "coalition), with bootstrap intervals, and the smallest coalition found that reaches the "
            "goal with at least --threshold probability. The players are the organizations; the "
            "community partners take part in every coalition as the community parameter says "
            "(--set community=absent leaves them out)."
        ),
    )
    p.add_argument("scenario", help="a name from scenarios/ or a path to a TOML file")
    p.add_argument(
        "--replicates", type=whole_number(1, MAX_REPLICATES), default=16, help="seeded runs per coalition (default 16)"
    )
    p.add_argument(
        "--permutations",
        type=whole_number(1, MAX_PERMUTATIONS),
        default=24,
        help=f"orderings sampled (default 24, at most {MAX_PERMUTATIONS:,})",
    )
    p.add_argument("--seed", type=seed_value, default=0, help="master seed (default 0)")
    p.add_argument("--workers", type=worker_count, default=2, help="processes (default 2; 0: none)")
    p.add_argument("--threshold", type=probability, default=0.8, help="share of everyone's value to reach (0.8)")
    p.add_argument(
        "--value",
        choices=("reduction", "goal"),
        default="reduction",
        help="a coalition's value: how far the rate falls (default) or the chance of reaching the goal",
    )
    p.add_argument(
        "--steps",
        type=positive_int,
        help="horizon in steps, weeks unless the scenario says otherwise (default: the scenario's)",
    )
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a model parameter")
    p.add_argument(
        "--preset",
        type=preset_name,
        help="start from a preset: a shipped one's NAME (scenarios/presets/<scenario>/NAME.toml) or a preset file",
    )
    p.add_argument(
        "--csv",
        type=path,
        help="also write the ranked table as CSV (the browser app shows scenarios/tables/<scenario>.csv)",
    )
    p.set_defaults(handler=cmd_table)


def cmd_table(args) -> int:
    """Run the Shapley analysis and print the ranked table (the CSV's folder is checked first)."""
    from sim.cli.common import preset_file
    from sim.runs.outputs import Staged, prepare
    from sim.runs.progress import Progress, reporting
    from sim.runs.shapley import plan_problem, shapley_table
    from sim.scenario.load import load_scenario, scenario_path

    params = parse_sets(args.set)
    if args.preset:
        from sim.runs.presets import preset_parameters

        params = {**preset_parameters(args.scenario, args.preset), **params}  # --set wins
    if "missing_role" in params and params["missing_role"]:
        raise UsageError("--set missing_role: not allowed here; the table itself removes organizations")
    steps = horizon(args.steps, params)
    if steps is not None:
        params["steps"] = steps
    spec = load_scenario(args.scenario)  # a bad name or file: one line, exit 2
    check_horizon(steps, spec, "--steps" if args.steps is not None else "--set steps")
    option, problem = plan_problem(len(spec.organizations), args.permutations, args.replicates)
    if problem:  # refused before anything is made or run
        raise UsageError(f"--{option} {getattr(args, option)}: {problem}")
    csv = args.csv
    if csv is not None and csv.name in ("", ".", ".."):  # a folder by its name (an existing one: prepare says)
        raise UsageError(f"--csv {csv}: is a folder; name a file, e.g. {csv / 'table.csv'}")
    read = (scenario_path(args.scenario), preset_file(args.scenario, args.preset))
    made = prepare(csv.parent, f"--csv {csv}", files=(csv.name,), inputs=read) if csv is not None else ()
    if csv is not None:
        not_a_table(csv)  # (a file there: its folder was there, so nothing was made above)
    n = len(spec.organizations)
    # each sampled ordering's prefixes, then the prefixes of the ranked order (the smallest coalition)
    coalitions = min(2**n, (args.permutations + 1) * n + 1)
    # from here, an interruption leaves no folder made for the CSV
    with Staged(csv.parent, f"--csv {csv}", made) if csv is not None else contextlib.nullcontext() as staged:
        print(
            f"running up to {coalitions} coalitions x {args.replicates} replicates on {args.workers} worker(s)...",
            file=sys.stderr,
        )
        with reporting(Progress("table", coalitions * args.replicates, upto=True)):
            table = shapley_table(
                args.scenario,
                replicates=args.replicates,
                permutations=args.permutations,
                seed=args.seed,
                workers=args.workers,
                threshold=args.threshold,
                params=params,
                value=args.value,
            )
        print("\n".join(one_line(line) for line in table.format().splitlines()))
        if staged is not None:
            text_columns(table.to_frame()).to_csv(staged.path(csv.name), index=False)
            staged.commit()
    if csv is not None:
        print(f"wrote {one_line(csv)}")
    return 0


HEADER = b"rank,organization,shapley,"  # how a table this command wrote begins


def not_a_table(csv: Path) -> None:
    """Refuse to replace a file at ``--csv`` that is not a table this command wrote.

    Another command's record (a sweep's manifest.json, a calibration's abc.db, a run's
    steps.csv) was written over, and that sweep could no longer be resumed or analysed.
    """
    try:
        if not csv.is_file() or csv.is_symlink() or csv.stat().st_size == 0:  # missing or empty (mktemp): written
            return
        with csv.open("rb") as f:
            first = f.read(len(HEADER))
    except OSError:
        return  # unreadable: prepare says why
    if first != HEADER:
        raise UsageError(
            f"--csv {csv}: is there and is not a table `coalition table` wrote (it does not begin with "
            f"{HEADER.decode()}...); choose another file"
        )
