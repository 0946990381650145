"""``coalition calibrate``: ABC-SMC (pyabc) of the model's parameters against a patterns file.

The model runs through the sweep engine's executors (:class:`sim.runs.executors.WorkerPool`,
by :class:`sim.runs.calibrate_sampler.SeededSampler`), each simulation seeded with the
model's one seed formula. The calibration directory holds::

    DIR/manifest.json      the scenario, the patterns file and its SHA-256, seed, sizes, the
                           scenario's content hash and the code (as a sweep records them), versions
    DIR/abc.db             pyabc's history (SQLite): every finished generation
    DIR/posterior.parquet  one row per particle: generation, particle, weight, distance, parameters
    DIR/...                the report (sim.runs.calibrate_report): tables, figures, preset.toml

A rerun of the same command resumes after the last finished generation (an interrupted one
is sampled again, with the same seeds, so it comes out the same). A directory started from
another scenario, patterns file, seed or population size, or before the scenario's content or
the model's code changed, is refused with one line.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.model.params import PARAMETERS
from sim.runs.calibrate_manifest import check_or_write_manifest, manifest_for, provenance_for
from sim.runs.calibrate_report import REPORT_FILES
from sim.runs.locks import calibration_lock
from sim.runs.outputs import OutputError, Staged, prepare
from sim.runs.patterns import Patterns, fixed_values, load_patterns
from sim.runs.storage import utf8_path
from sim.runs.summaries import distance, summarize

if TYPE_CHECKING:
    from sim.runs.calibrate_report import Report

SIZES = {  # population, generations, simulation budget, posterior predictive runs
    "quick": (30, 3, 250, 12),  # Sweden's 1,161-week runs (the longest shipped): under 5 minutes on 2 cores
    "full": (100, 6, 1600, 40),  # Sweden: 83 minutes measured on 2 cores (docs/calibration.md); Rockford 9-12
}

# pyabc's SQLite database and the files SQLite writes beside it (a link there would be written through)
DATABASE_FILES = ("abc.db", "abc.db-journal", "abc.db-wal", "abc.db-shm")


@dataclass(frozen=True)
class Settings:
    """How big a calibration is."""

    population: int
    generations: int
    budget: int
    predictive: int
    seed: int = 0
    batch: int = 2

    @classmethod
    def of(cls, quick: bool = False, **overrides) -> Settings:
        """The quick or full sizes, with any of the fields set (None: keep the size's)."""
        population, generations, budget, predictive = SIZES["quick" if quick else "full"]
        values = {"population": population, "generations": generations, "budget": budget, "predictive": predictive}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class PatternModel:
    """The model as pyabc calls it: parameters in, the summaries of one seeded run out."""

    def __init__(self, patterns: Patterns):
        self.scenario = patterns.scenario
        self.steps = patterns.steps
        self.fixed = fixed_values(patterns)
        self.targets = patterns.targets
        self.days_per_step = patterns.days_per_step

    def params(self, values: dict) -> dict:
        """Model keyword parameters: the fixed ones and ``values`` (pyabc's floats)."""
        out = dict(self.fixed)
        for name, value in values.items():
            p = PARAMETERS[name]
            out[name] = p.convert(round(float(value)) if p.kind == "int" else float(value))
        return out

    def run(self, values: dict, seed: int) -> tuple[dict, dict]:
        """One run: its summaries and its per-step series."""
        from sim.runs.record import run_series

        series = run_series(self.scenario, self.steps, seed, self.params(values))
        return summarize(series, self.targets, self.days_per_step), series

    def __call__(self, values) -> dict:
        """The model as pyabc calls it: the summaries of a run seeded by the running job."""
        from sim.runs.calibrate_sampler import current_seed

        return self.run(dict(values), current_seed())[0]


class PatternDistance:
    """The distance pyabc uses: the root mean square, over the fitted targets, of (model - real) / sd."""

    def __init__(self, patterns: Patterns):
        self.scales = {t.key: t.sd for t in patterns.fitted}

    def __call__(self, x: dict, x0: dict) -> float:
        """Distance between simulated and observed summaries."""
        return distance(x, x0, self.scales)


def observed(patterns: Patterns) -> dict:
    """The observed summaries (target key -> value in model units)."""
    return {t.key: float(t.observed) for t in patterns.targets}


def priors(patterns: Patterns):
    """The pyabc prior distribution of the parameters to infer."""
    import pyabc

    rvs = {}
    for name, p in patterns.spec.parameters.items():
        if p.prior == "loguniform":
            rvs[name] = pyabc.RV("loguniform", p.low, p.high)
        else:
            rvs[name] = pyabc.RV("uniform", p.low, p.high - p.low)
    return pyabc.Distribution(**rvs)


@dataclass
class CalibrationResult:
    """What :func:`calibrate` did."""

    out: Path
    generations: int
    resumed_from: int
    simulations: int
    seconds: float
    epsilon: float
    posterior: Path
    report: Report | None = None


def calibrate(
    patterns_file,
    out,
    *,
    settings: Settings | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    log=None,
    command: str = "",
) -> CalibrationResult:
    """Run or resume an ABC-SMC calibration into ``out``.

    Args:
        patterns_file: the patterns TOML file.
        out: the calibration directory.
        settings: sizes and seed (default: the full sizes, seed 0).
        workers: local processes (0: this process); ignored with ``scheduler``.
        scheduler: a Dask scheduler address.
        log: called with one line of progress per generation (default: silent).
        command: the command line, recorded in the preset's provenance.

    Raises:
        ScenarioError: a bad patterns file. ManifestError: ``out`` holds another calibration, or one
            started before its scenario or the model's code changed. OutputError: another calibration
            runs into ``out`` now, or its database cannot be read.
    """
    started = time.perf_counter()
    settings = settings or Settings.of()
    patterns = load_patterns(patterns_file)
    out = Path(out)
    provenance = provenance_for(patterns)
    try:  # a file, an unwritable folder or a name pyabc's SQLite URL cannot hold: one line, before any work
        if utf8_path(out.resolve()) is None:
            raise OutputError(f"--out {out}: a name that is not UTF-8; a calibration's database needs one that is")
        # no symbolic link, folder or pipe where a file goes: written through, it would land elsewhere
        prepare(out, f"--out {out}", files=("manifest.json", *DATABASE_FILES, *REPORT_FILES))
    except RuntimeError:  # Path.resolve on a loop of symbolic links (Python 3.12)
        raise OutputError(f"--out {out}: cannot write there: a symbolic link that loops") from None
    with calibration_lock(out):  # two at once into one folder wrote the same generations twice
        return _calibrate(out, patterns, settings, provenance, workers, scheduler, log, command, started)


def _calibrate(out, patterns, settings, provenance, workers, scheduler, log, command, started) -> CalibrationResult:
    """:func:`calibrate` once its folder is prepared and locked."""
    import pyabc

    from sim.runs.calibrate_report import write_posterior, write_report
    from sim.runs.calibrate_sampler import SeededSampler
    from sim.runs.executors import WorkerPool

    check_or_write_manifest(out, manifest_for(patterns, settings), settings, provenance)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    db_path = out / "abc.db"
    db = f"sqlite:///{db_path.resolve()}"
    done = _finished_generations(db_path)
    pool = WorkerPool(workers, scheduler, code=provenance["code"])  # workers with other model code are refused
    try:
        sampler = SeededSampler(pool, settings.seed, settings.batch)
        generation = done
        while generation < settings.generations:
            # a fresh ABCSMC per generation, loaded from the database: a resumed calibration
            # continues exactly as an uninterrupted one would
            t0 = time.perf_counter()
            abc = pyabc.ABCSMC(
                PatternModel(patterns),
                priors(patterns),
                PatternDistance(patterns),
                population_size=settings.population,
                sampler=sampler,
            )
            if db_path.exists():
                history = abc.load(db, 1)
            else:
                history = abc.new(db, observed(patterns))
            if history.total_nr_simulations >= settings.budget:
                if log is not None:
                    log(f"stopped: the budget of {settings.budget} simulations is spent")
                break
            abc.run(max_nr_populations=1)
            last = history.get_all_populations().iloc[-1]
            generation = int(last["t"]) + 1
            if log is not None:
                log(
                    f"generation {generation - 1}: epsilon {last['epsilon']:.3g}, "
                    f"{int(last['samples'])} simulations ({time.perf_counter() - t0:.0f} s)"
                )
        history = pyabc.History(db, _id=1)
        eps = float(history.get_all_populations()["epsilon"].iloc[-1])
        # the report's files renamed into place together: an interruption leaves the last report whole
        with Staged(out, f"--out {out}") as staged:
            write_posterior(out, history, patterns, settings.seed, path=staged.path("posterior.parquet"))
            report = write_report(out, patterns, settings.seed, pool, settings.predictive, command, path=staged.path)
            staged.commit()
        posterior = out / "posterior.parquet"
        return CalibrationResult(
            out,
            history.max_t + 1,
            done,
            int(history.total_nr_simulations),
            time.perf_counter() - started,
            eps,
            posterior,
            report,
        )
    finally:
        pool.close()


def _finished_generations(db: Path) -> int:
    """Generations already in a pyabc database; one left half-made (no generation yet) is removed."""
    if not db.exists():
        return 0
    import pyabc

    try:
        max_t = pyabc.History(f"sqlite:///{db.resolve()}", _id=1).max_t
    except Exception as err:  # noqa: BLE001 - pyabc's errors are SQLAlchemy's and its own
        if _holds_generations(db):  # never thrown away silently: it may hold hours of finished generations
            raise OutputError(
                f"{db}: pyabc cannot read this calibration's database ({type(err).__name__}); move it away to "
                "start the calibration again, or use another --out"
            ) from None
        max_t = None
    if max_t is None or max_t < 0:  # made, but interrupted before its first generation: start again
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
        return 0
    return int(max_t) + 1


def _holds_generations(db: Path) -> bool:
    """Whether ``db`` may hold finished generations: anything but an SQLite file without any (a half-made one)."""
    import contextlib
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(db)) as con:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "populations" not in tables:
                return False
            return con.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0] > 0
    except sqlite3.Error:  # not an SQLite database at all: not ours to remove
        return True
