"""``coalition analyze DIR``: P(goal) and outcomes with intervals, arms, Sobol, PRIM for a sweep."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from sim.cli.common import finite_number, path, share

# every file an analysis can write
ANALYSIS_FILES = (
    "points.csv",
    "p_goal.png",
    "arms.csv",
    "arms.png",
    "sobol.csv",
    "sobol.png",
    "prim_box.csv",
    "prim_trajectory.csv",
    "prim.png",
)


MARKER = ".coalition-analysis.json"  # the files the last analysis in a folder wrote


def _written_before(out) -> set:
    """The files an earlier analysis recorded writing in ``out`` (none recorded: an empty set)."""
    if not (out / MARKER).is_file():  # none, or a pipe (reading it waited for ever): nothing recorded
        return set()
    try:
        return set(json.loads((out / MARKER).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def add_parser(subparsers) -> None:
    """Register ``analyze`` on the ``coalition`` command."""
    p = subparsers.add_parser("analyze", help="tables and figures with intervals for a sweep directory")
    p.add_argument("sweep", type=path, help="a directory made by coalition sweep")
    p.add_argument("--out", type=path, help="where the CSV tables and PNG figures go (default DIR/analysis)")
    p.add_argument("--outcomes", help="outcome columns to average per point, comma-separated")
    p.add_argument(
        "--outcome", default="outcome_rate", help="the outcome for arms, Sobol and PRIM (default outcome_rate)"
    )
    p.add_argument("--by", help="the varied parameter whose values are the arms, e.g. leader")
    p.add_argument(
        "--compare",
        help="the two arms, e.g. system,none (a minus b); an empty value as in touch, (missing_role: none missing)",
    )
    p.add_argument("--sobol", action="store_true", help="Sobol indices (a sobol design; on by default for one)")
    p.add_argument(
        "--prim", metavar="OUTCOME", help="PRIM on an outcome column, or 'difference' (needs --by/--compare)"
    )
    bound = p.add_mutually_exclusive_group()
    bound.add_argument("--below", type=finite_number, help="PRIM: the cases where the value is below this")
    bound.add_argument("--above", type=finite_number, help="PRIM: the cases where the value is above this")
    p.add_argument(
        "--min-coverage", type=share, help="PRIM: the densest box covering at least this share (default 0.5)"
    )
    p.set_defaults(handler=cmd_analyze)


def cmd_analyze(args) -> int:
    """Check every option and compute every table asked for, then write them and draw the figures.

    Nothing is written until then, so a wrong option leaves no partial analysis behind.
    """
    import sys

    import pandas as pd

    from sim.cli.common import UsageError
    from sim.runs import analyze as an
    from sim.runs import analyze_plots as plots
    from sim.runs.outputs import Staged, prepare

    sweep = an.load_sweep(args.sweep)
    out = args.out or args.sweep / "analysis"
    outcomes = an.outcomes_of(sweep, args.outcomes.split(",") if args.outcomes else None)
    outcome = an.outcomes_of(sweep, [args.outcome], "--outcome")[0]
    if bool(args.by) != bool(args.compare):
        raise UsageError("--by and --compare go together, e.g. --by leader --compare system,none")
    prim_only = {"--below": args.below, "--above": args.above, "--min-coverage": args.min_coverage}
    given = [flag for flag, value in prim_only.items() if value is not None]
    if given and not args.prim:
        raise UsageError(f"{given[0]}: a PRIM option; give --prim OUTCOME too, or leave it out")
    if args.prim and args.below is None and args.above is None:
        raise UsageError("--prim: give --below X or --above X, the condition whose cases PRIM boxes in")
    if args.prim == "difference" and not args.by:
        raise UsageError("--prim difference: needs --by and --compare")
    tables: list[tuple[str, pd.DataFrame, str]] = []  # (file, table, title)
    figures: list[tuple[str, Callable[[], Any]]] = []  # (file, what draws it)

    points = an.point_table(sweep, outcomes)
    tables.append(("points.csv", points, f"{sweep.path}: {len(sweep.runs)} runs, {len(points)} design points"))
    figures.append(("p_goal.png", lambda: plots.plot_points(points, sweep.varied)))
    arms = sobol = None
    if args.by:
        pair = an.parse_arms(sweep, args.by, args.compare)
        arms = an.compare_arms(sweep, args.by, pair, outcome)
        compared = f"{args.by}: {an.arm_name(pair[0])} minus {an.arm_name(pair[1])}"
        how = "paired by seed" if sweep.spec.get("common_seeds") else "Welch"
        title = f"arms: {compared} (difference: {how}; A: chance a run of the first has the higher {outcome})"
        tables.append(("arms.csv", arms, title))
        figures.append(("arms.png", lambda: plots.plot_arms(arms, outcome, compared)))
    if args.sobol or sweep.spec.get("design") == "sobol":
        from sim.runs.analyze_discovery import sobol_table

        sobol = sobol_table(sweep, outcome)
        tables.append(("sobol.csv", sobol, f"Sobol indices of {outcome} (95% intervals)"))
        figures.append(("sobol.png", lambda: plots.plot_sobol(sobol, outcome)))
    if args.prim:
        prim_tables, prim_figure = run_prim(args, sweep, arms, outcome)
        tables += prim_tables
        figures.append(prim_figure)

    # every file is written under a temporary name and renamed into place together
    label = f"--out {out}" if args.out else str(out)
    if not args.out and out.is_symlink():  # the default folder inside DIR: followed, it writes elsewhere
        raise UsageError(f"{out}: a symbolic link; the default analysis folder must be a folder inside {args.sweep}")
    names = [name for name, _, _ in tables] + [name for name, _ in figures]
    earlier = _written_before(out) if out.is_dir() else set()
    theirs = [name for name in names if (out / name).exists() and name not in earlier]
    if theirs:  # a file of the user's (or of another command) by the name of one this writes: never replaced
        raise UsageError(
            f"{label}: {theirs[0]} is there and no analysis wrote it ({MARKER} does not list it); "
            "choose another --out, or move that file"
        )
    made = prepare(out, label, files=[*names, MARKER])
    with Staged(out, label, made) as staged:
        staged.path(MARKER).write_text(json.dumps({"files": names}) + "\n", encoding="utf-8")
        for name, frame, title in tables:
            frame.to_csv(staged.path(name), index=False)
            if title:
                print(f"\n{title}\n" + frame.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        for name, draw in figures:
            draw().savefig(staged.path(name), dpi=110, format="png")

        # an earlier analysis's files that this one did not make (arms.csv without --by now) would
        # sit beside the new ones as if current: removed with the commit (an interruption between
        # the two left them, and the next analysis refused them), but only those it recorded writing,
        # read once the folder is locked (another analysis may have committed there since this began)
        def stale() -> list[str]:
            before = _written_before(out)
            return [name for name in ANALYSIS_FILES if name in before and name not in names and (out / name).is_file()]

        staged.commit(remove=stale)
    notes = (
        [] if arms is None else [an.few_runs_note(arms), an.separation_note(arms, outcome), an.tied_note(arms, outcome)]
    )
    if sobol is not None:
        from sim.runs.analyze_discovery import sobol_note

        notes.append(sobol_note(sobol, sweep.spec.get("samples")))
    for note in notes:
        if note:
            print(f"\n{note}")
    print(
        f"\nwrote {', '.join(names)} in {out}"
        + (f"; removed an earlier analysis's {', '.join(staged.removed)}" if staged.removed else "")
    )
    warning = an.unfinished(sweep)
    if warning:
        print(warning, file=sys.stderr)
    return 0


FEW_CASES = 20  # PRIM's boxes over fewer cases than this are anecdotes


def run_prim(args, sweep, arms, outcome) -> tuple:
    """PRIM on an outcome per run, or on the arms' difference per stratum: ``(tables, figure)``."""
    import numpy as np

    from sim.cli.common import UsageError
    from sim.model.runner import EVENT_WEEKS
    from sim.runs import analyze as an
    from sim.runs.analyze_discovery import prim
    from sim.runs.analyze_plots import plot_prim

    if args.prim == "difference":
        drawn = an.ranged(sweep)
        strata = [p for p in sweep.varied if p != args.by and p not in drawn]
        if not strata:
            ranges = f" (a sampled design's ranges, {', '.join(sorted(drawn))}, are not strata)" if drawn else ""
            raise UsageError(
                f"--prim difference: no other varied parameter with listed values to box in{ranges}; "
                f"use --prim {outcome}"
            )
        rows = arms[~arms["pooled"]]
        x, value, what = rows[strata], rows[f"{outcome}_diff"].to_numpy(float), f"{outcome} difference"
    else:
        column = an.outcomes_of(sweep, [args.prim], "--prim")[0]
        x, value, what = sweep.runs[sweep.varied], sweep.runs[column].to_numpy(float), column
        if column in EVENT_WEEKS:  # an event that never happened is later than any week, as for A
            value = np.nan_to_num(value, nan=np.inf)
    condition = value < args.below if args.below is not None else value > args.above
    sign = f"< {args.below:g}" if args.below is not None else f"> {args.above:g}"
    result = prim(x, condition, 0.5 if args.min_coverage is None else args.min_coverage)
    if result.cases < FEW_CASES:
        print(
            f"warning: --prim on {result.cases} cases ({'strata' if args.prim == 'difference' else 'runs'}): "
            f"a box found among fewer than {FEW_CASES} says little; sweep more points",
            file=sys.stderr,
        )
    stats = result.trajectory.loc[result.chosen]
    title = (
        f"PRIM: {what} {sign} in {result.of_interest} of {result.cases} cases; box: coverage {stats['coverage']:.2f}, "
        f"density {stats['density']:.2f}, mass {stats['mass']:.2f}"
    )
    tables = [("prim_box.csv", result.box, title), ("prim_trajectory.csv", result.trajectory, "")]
    return tables, ("prim.png", lambda: plot_prim(result, title))
