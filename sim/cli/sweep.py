"""``coalition sweep SPEC --out DIR``: run, resume or extend a parameter sweep.

Precedence: a flag (``--replicates``, ``--steps``) overrides the spec's key of the same
name; the spec's ``[fixed]`` and ``[parameters]`` override the scenario's values; anything
not given takes the parameter table's default (``sim/model/params.py``), and the run's row
records every one of them.
"""

from __future__ import annotations

import argparse
import sys


def shard_value(text: str) -> tuple[int, int]:
    """An argparse type: ``I/N`` with ``0 <= I < N`` (a Slurm array index and count)."""
    i, sep, n = text.partition("/")
    try:
        shard = (int(i), int(n))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N, e.g. 0/4") from None
    if not sep or shard[1] < 1 or not 0 <= shard[0] < shard[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: expected I/N with 0 <= I < N, e.g. 0/4")
    return shard


def add_parser(subparsers) -> None:
    """Register ``sweep`` on the ``coalition`` command."""
    from sim.cli.common import path, positive_int, scheduler_address, worker_count

    p = subparsers.add_parser("sweep", help="run, resume or extend a parameter sweep from a TOML spec")
    p.add_argument("spec", type=path, help="the sweep spec (TOML), see docs/sweeps.md")
    p.add_argument("--out", type=path, required=True, help="the sweep's folder (runs/ and manifest.json)")
    p.add_argument("--series-out", type=path, help="folder of the per-step series table (spec: series = true)")
    p.add_argument(
        "--organizations-out", type=path, help="folder of the per-organization table (spec: organizations = true)"
    )
    p.add_argument("--workers", type=worker_count, help="local worker processes (default: every core; 0: none)")
    p.add_argument("--scheduler", type=scheduler_address, help="a Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    p.add_argument("--shard", type=shard_value, help="run only block I of N (0-based), e.g. $SLURM_ARRAY_TASK_ID/8")
    p.add_argument("--replicates", type=positive_int, help="override the spec's replicates (more extend a sweep)")
    p.add_argument("--steps", type=positive_int, help="override the spec's steps")
    p.add_argument("--chunk-size", type=positive_int, help="runs per chunk (default: a few seconds' worth)")
    p.set_defaults(handler=cmd_sweep)


def cmd_sweep(args) -> int:
    """Run the sweep and print one line of what was done."""
    from sim.cli.common import UsageError, check_horizon, horizon, run_notes
    from sim.errors import one_line
    from sim.runs.executors import SweepError
    from sim.runs.spec import load_spec
    from sim.scenario.load import load_scenario

    if args.scheduler and args.workers is not None:
        raise UsageError("--workers and --scheduler: choose one (a Dask cluster has its own workers)")
    horizon(args.steps, {})
    spec = load_spec(args.spec).with_overrides(args.replicates, args.steps)
    scenario = load_scenario(spec.scenario)
    check_horizon(args.steps, scenario)
    given = {**spec.fixed, **spec.parameters}  # set by the spec in some or every run
    for note in spec.notes() + run_notes(scenario, given):
        print(note, file=sys.stderr)
    from sim.runs.engine import run_sweep  # the model and pandas only once the input is known to be good

    try:
        report = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            shard=args.shard,
            chunk_size=args.chunk_size,
            series_out=args.series_out,
            organizations_out=args.organizations_out,
        )
    except SweepError as err:
        raise UsageError(f"sweep {args.spec}: {err}") from None
    runs = f"{report.in_shard} run{'' if report.in_shard == 1 else 's'}"
    where = f" (shard {args.shard[0]}/{args.shard[1]}: {runs})" if args.shard else ""
    done = report.already_done + report.ran
    print(
        f"{one_line(str(report.out / 'runs'))}: {done} of {report.in_shard} runs done{where}; "
        f"ran {report.ran} in {report.seconds:.1f} s, {report.already_done} were already on disk"
    )
    return 0
