"""``coalition calibrate SCENARIO --patterns FILE --out DIR``: ABC-SMC against real patterns."""

from __future__ import annotations

import shlex
import sys


def add_parser(subparsers) -> None:
    """Register ``calibrate`` on the ``coalition`` command."""
    from sim.cli.common import path, positive_int, seed_value

    p = subparsers.add_parser("calibrate", help="fit the model to real patterns (ABC-SMC), resumable")
    p.add_argument("scenario", help="the scenario the patterns file names (a check)")
    p.add_argument("--patterns", type=path, required=True, help="the patterns file (TOML), see docs/calibration.md")
    p.add_argument("--out", type=path, required=True, help="the calibration directory")
    p.add_argument("--workers", type=int, help="local worker processes (default: every core; 0: this process)")
    p.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    p.add_argument("--quick", action="store_true", help="a small calibration (minutes, for a first look)")
    p.add_argument("--population", type=positive_int, help="particles per generation")
    p.add_argument("--generations", type=positive_int, help="generations in all (a rerun with more continues)")
    p.add_argument("--budget", type=positive_int, help="stop starting generations after this many simulations")
    p.add_argument("--predictive", type=positive_int, help="posterior predictive runs for the report")
    p.add_argument("--seed", type=seed_value, default=0, help="master seed (default 0)")
    p.add_argument(
        "--save-preset",
        metavar="NAME",
        help="also install the point estimate as scenarios/presets/<scenario>/NAME.toml",
    )
    p.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args) -> int:
    """Run or resume the calibration and print what it found."""
    from sim.cli.common import UsageError
    from sim.runs.executors import SweepError
    from sim.runs.patterns import load_patterns
    from sim.runs.presets import preset_path, scenario_key, write_preset

    if args.scheduler and args.workers is not None:
        raise UsageError("--workers and --scheduler: choose one (a Dask cluster has its own workers)")
    if args.workers is not None and args.workers < 0:
        raise UsageError("--workers: must be 0 or more")
    patterns = load_patterns(args.patterns)
    if scenario_key(patterns.scenario) != scenario_key(args.scenario):
        raise UsageError(
            f"{args.patterns}: patterns.scenario: the file is for {patterns.scenario!r}, not {args.scenario!r}"
        )
    from sim.runs.calibrate import Settings, calibrate  # pyabc and the model once the input is good

    settings = Settings.of(
        args.quick,
        population=args.population,
        generations=args.generations,
        budget=args.budget,
        predictive=args.predictive,
        seed=args.seed,
    )
    command = "coalition calibrate " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    try:
        result = calibrate(
            args.patterns,
            args.out,
            settings=settings,
            workers=args.workers,
            scheduler=args.scheduler,
            log=lambda line: print(line, file=sys.stderr, flush=True),
            command=command,
        )
    except SweepError as err:
        raise UsageError(f"calibrate {args.patterns}: {err}") from None
    report = result.report
    assert report is not None  # calibrate() always writes the report
    print(
        f"{result.out}: {result.generations} generations, {result.simulations} simulations, "
        f"final epsilon {result.epsilon:.3g} (RMS of misses in sds), {result.seconds:.0f} s"
        + (f"; resumed after generation {result.resumed_from - 1}" if result.resumed_from else "")
    )
    print(report.posterior.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(report.fit.drop(columns=["unit"]).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if args.save_preset:
        target = preset_path(patterns.scenario, args.save_preset)
        from sim.runs.presets import load_preset

        written = load_preset(patterns.scenario, str(result.out / "preset.toml"))
        write_preset(target, patterns.scenario, written.parameters, written.provenance)
        print(f"wrote preset {target}")
    print(f"wrote {result.posterior}, posterior.csv, fit.csv, fit.png, pairs.png, preset.toml in {result.out}")
    return 0
