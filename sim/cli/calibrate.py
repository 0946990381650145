"""``coalition calibrate SCENARIO --patterns FILE --out DIR``: ABC-SMC against real patterns."""

from __future__ import annotations

import os
import shlex
import sys
import unicodedata
from pathlib import Path


def add_parser(subparsers) -> None:
    """Register ``calibrate`` on the ``coalition`` command."""
    from sim.cli.common import path, positive_int, scheduler_address, seed_value, worker_count

    p = subparsers.add_parser("calibrate", help="fit the model to real patterns (ABC-SMC), resumable")
    p.add_argument("scenario", help="the scenario the patterns file names (a check)")
    p.add_argument("--patterns", type=path, required=True, help="the patterns file (TOML), see docs/calibration.md")
    p.add_argument("--out", type=path, required=True, help="the calibration directory")
    p.add_argument("--workers", type=worker_count, help="local worker processes (default: every core; 0: this process)")
    p.add_argument("--scheduler", type=scheduler_address, help="a Dask scheduler address, e.g. tcp://127.0.0.1:8786")
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
    from sim.runs.outputs import Staged, remove_made
    from sim.runs.patterns import load_patterns
    from sim.runs.presets import load_preset, scenario_key, write_preset

    if args.scheduler and args.workers is not None:
        raise UsageError("--workers and --scheduler: choose one (a Dask cluster has its own workers)")
    patterns = load_patterns(args.patterns)
    if scenario_key(patterns.scenario) != scenario_key(args.scenario):
        raise UsageError(
            f"{args.patterns}: patterns.scenario: the file is for {patterns.scenario!r}, not {args.scenario!r}"
        )
    # checked before any simulation; a folder made for the preset is removed if the calibration fails
    target, made = preset_target(args, patterns) if args.save_preset is not None else (None, ())
    try:
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
        remove_made(made)
        raise UsageError(f"calibrate {args.patterns}: {err}") from None
    except BaseException:
        remove_made(made)
        raise
    report = result.report
    assert report is not None  # calibrate() always writes the report
    print(
        f"{result.out}: {result.generations} generations, {result.simulations} simulations, "
        f"final epsilon {result.epsilon:.3g} (RMS of misses in sds), {result.seconds:.0f} s"
        + (f"; resumed after generation {result.resumed_from - 1}" if result.resumed_from else "")
    )
    print(report.posterior.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    effective, particles = float(report.posterior["effective_sample"].iloc[0]), settings.population
    if effective < particles / 3:  # a narrow interval from a few heavy particles is not a pinned parameter
        print(
            f"note: the last generation's weight sits on about {effective:.1f} of its {particles} particles "
            "(effective_sample): its intervals and pinned_down rest on those few; more generations or a "
            "larger --population spread it"
        )
    print(report.fit.drop(columns=["unit"]).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if target is not None:
        with Staged(target.parent, f"--save-preset {args.save_preset}", made) as staged:
            written = load_preset(patterns.scenario, str(result.out / "preset.toml"))
            write_preset(staged.path(target.name), patterns.scenario, written.parameters, written.provenance)
            staged.commit()
        print(f"wrote preset {target}")
    print(f"wrote {result.posterior}, posterior.csv, fit.csv, fit.png, pairs.png, preset.toml in {result.out}")
    return 0


def preset_target(args, patterns) -> tuple[Path, tuple]:
    """Check ``--save-preset`` before any simulation: the file it names and the folders made for it.

    The preset may not be empty, a folder, the scenario or the patterns file being calibrated,
    or inside the calibration directory (``--out``), and its folder must take a new file.

    Raises:
        UsageError: an empty name, or a path the calibration reads or writes.
        OutputError: a folder that cannot be made or written, or no regular file where the preset goes.
    """
    from sim.cli.common import UsageError
    from sim.runs.outputs import OutputError, prepare
    from sim.runs.presets import preset_path
    from sim.scenario.load import scenario_path

    name = args.save_preset
    label = f"--save-preset {name}"
    if not name.strip():
        raise UsageError("--save-preset: empty; give a preset name or a path to a .toml file")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise UsageError(
            f"--save-preset {name!r}: has a control or format character (a line break, a direction mark); "
            "name it plainly"
        )
    target = preset_path(patterns.scenario, name)
    if Path(name).name in ("", ".", "..") or target.name in ("", ".", "..") or name.endswith(("/", os.sep)):
        raise UsageError(f"{label}: is a folder; name a file, e.g. {Path(name) / 'calibrated.toml'}")
    inputs = {
        "the scenario being calibrated": [scenario_path(patterns.scenario), scenario_path(args.scenario)],
        "the patterns file": [Path(args.patterns)],
    }
    for what, paths in inputs.items():
        if any(_same_file(target, p) for p in paths):
            raise UsageError(f"{label}: is {what}; a preset needs a file of its own")
    try:
        inside = target.resolve().is_relative_to(Path(args.out).resolve())
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python 3.12)
        raise OutputError(f"{label}: cannot write there: a symbolic link that loops") from None
    if inside:
        raise UsageError(
            f"{label}: inside the calibration directory --out {args.out}, which has its preset.toml already; "
            "choose a path outside it"
        )
    if target.parent.exists() and not target.parent.is_dir():
        raise OutputError(f"{label}: {target.parent}: a file, not a folder; choose another path")
    if target.is_file() and not _is_preset(target):
        raise OutputError(f"{label}: {target} exists and is not a preset; choose another path, or move that file")
    return target, prepare(target.parent, label, files=(target.name,))


def _is_preset(path: Path) -> bool:
    """Whether ``path`` holds a preset (a TOML file with a ``[preset]`` table): one a new preset may replace."""
    import tomllib

    try:
        return isinstance(tomllib.loads(path.read_text(encoding="utf-8")).get("preset"), dict)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (after links, or as one file under two names)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python 3.12)
        return False
