"""What a calibration found: the posterior's summary, its point estimate, and the fit.

From the last generation of ``DIR/posterior.parquet``:

* ``posterior.csv``: per parameter, the prior range, the weighted median and 90% interval,
  and how much of the prior the interval still spans (``spread``, on a log scale for a
  log-uniform prior: near 1, the data do not pin the parameter down);
* the point estimate, the particle where the weighted kernel density of the posterior is
  highest (it lies on any ridge of equally good values, where marginal medians may not);
* ``fit.csv``: each pattern's real value against the posterior predictive median and 90%
  band (runs of particles drawn by weight, with fresh seeds); held-out patterns are predicted;
* ``fit.png`` (real points over the predictive band) and ``pairs.png`` (pairwise posterior);
* ``preset.toml``: the point estimate with its provenance (:mod:`sim.runs.presets`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.model.params import PARAMETERS
from sim.runs.design import run_seed
from sim.runs.patterns import Patterns, fixed_values
from sim.runs.storage import write_parquet

PREDICTIVE_BASE = 10**15  # run ids of predictive runs, far from the generations'
NOT_PINNED = 0.6  # a 90% interval spanning more than this share of the prior: not pinned down


# the files of a calibration's report, written together (with its database and manifest, checked before any work)
REPORT_FILES = ("posterior.parquet", "posterior.csv", "fit.csv", "fit.png", "pairs.png", "preset.toml")


def weighted_quantile(values, weights, q) -> np.ndarray:
    """Quantiles ``q`` of ``values`` under ``weights`` (interpolated on the weighted CDF)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)


def last_generation(posterior: pd.DataFrame) -> pd.DataFrame:
    """The particles of the last generation."""
    return posterior[posterior["generation"] == posterior["generation"].max()].reset_index(drop=True)


def posterior_table(last: pd.DataFrame, patterns: Patterns) -> pd.DataFrame:
    """Per parameter: prior range, weighted median and 90% interval, and the spread left."""
    rows = []
    w = last["weight"].to_numpy(float)
    effective = float(w.sum() ** 2 / (w**2).sum())  # Kish's effective sample size of the last generation
    for name, prior in patterns.spec.parameters.items():
        lo, med, hi = weighted_quantile(last[name], last["weight"], [0.05, 0.5, 0.95])
        if prior.prior == "loguniform":  # on the prior's own scale
            spread = np.log(hi / lo) / np.log(prior.high / prior.low)
        else:
            spread = (hi - lo) / (prior.high - prior.low)
        rows.append(
            {
                "parameter": name,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "median": med,
                "q05": lo,
                "q95": hi,
                "spread": spread,
                "pinned_down": bool(spread < NOT_PINNED),
                "effective_sample": effective,
            }
        )
    return pd.DataFrame(rows)


def point_estimate(last: pd.DataFrame, patterns: Patterns) -> dict:
    """The particle where the weighted kernel density of the last generation is highest."""
    names = list(patterns.spec.parameters)
    spans = np.array([p.high - p.low for p in patterns.spec.parameters.values()])
    x = last[names].to_numpy(float) / spans
    w = last["weight"].to_numpy(float)
    try:
        from scipy.stats import gaussian_kde

        density = gaussian_kde(x.T, weights=w)(x.T)
        best = int(np.argmax(density))
    except (np.linalg.LinAlgError, ValueError):  # too few or collinear particles: the heaviest one
        best = int(np.argmax(w))
    kinds = {n: PARAMETERS[n].kind for n in names}
    row = last[names].to_numpy(float)[best]  # positional, as argmax counts
    values = {n: float(v) for n, v in zip(names, row, strict=True)}
    return {n: round(v) if kinds[n] == "int" else v for n, v in values.items()}


@dataclass
class Predictive:
    """Posterior predictive runs: summaries per run and the measures' series per run."""

    summaries: pd.DataFrame  # one row per run, one column per target
    series: dict  # measure -> array (runs x steps)


def predictive_chunk(patterns: Patterns, jobs: list) -> list:
    """Run ``(values, seed)`` jobs in a worker: each run's summaries and measure series."""
    from sim.runs.calibrate import PatternModel

    model = PatternModel(patterns)
    measures = sorted({t.measure for t in patterns.targets})
    out = []
    for values, seed in jobs:
        summary, series = model.run(values, seed)
        out.append((summary, {m: np.asarray(series[m], dtype=float) for m in measures}))
    return out


def predictive(pool, patterns: Patterns, last: pd.DataFrame, n: int, seed: int) -> Predictive:
    """``n`` runs of particles drawn by weight from the last generation, each with a fresh seed."""
    from sim.runs.calibrate_sampler import KeepOpen
    from sim.runs.executors import dispatch

    rng = np.random.default_rng(run_seed(seed, PREDICTIVE_BASE))
    picks = rng.choice(len(last), size=n, p=last["weight"].to_numpy(float) / last["weight"].sum())
    names = list(patterns.spec.parameters)
    jobs = [
        ({k: float(last.loc[i, k]) for k in names}, run_seed(seed, PREDICTIVE_BASE + 1 + j))
        for j, i in enumerate(picks)
    ]
    results: list = [None] * n
    size = max(1, n // (4 * max(pool.workers, 1)))
    chunks = (list(range(i, min(i + size, n))) for i in range(0, n, size))

    def done(chunk, outputs):
        for i, o in zip(chunk, outputs, strict=True):
            results[i] = o

    dispatch(KeepOpen.around(pool), chunks, lambda c: (predictive_chunk, patterns, [jobs[i] for i in c]), done)
    summaries = pd.DataFrame([r[0] for r in results])
    series = {m: np.vstack([r[1][m] for r in results]) for m in results[0][1]}
    return Predictive(summaries, series)


def fit_table(patterns: Patterns, pred: Predictive) -> pd.DataFrame:
    """Each pattern: real value, predictive median and 90% band, in the units people read.

    Series points and end levels stay in their units; milestones become days after the start,
    a run that never reached one counted at the horizon (``censored_share`` says how many).
    """
    rows = []
    for t in patterns.targets:
        sim = pred.summaries[t.key].to_numpy(float)
        scale = 1.0 if t.kind in ("point", "end_level") else patterns.days_per_step
        if scale != 1.0:
            sim = np.minimum(sim, patterns.steps + 1)
        lo, med, hi = np.quantile(sim, [0.05, 0.5, 0.95]) * scale
        real = t.observed * scale
        unit = "days after start" if scale != 1.0 else ("relative to first point" if t.reference else "level")
        rows.append(
            {
                "pattern": t.key,
                "kind": t.kind,
                "holdout": t.holdout,
                "unit": unit,
                "real": real,
                "median": med,
                "q05": lo,
                "q95": hi,
                "miss": med - real,
                "z": (med - real) / (t.sd * scale),
                "in_band": bool(lo <= real <= hi),
                "censored_share": float(np.mean(sim > patterns.steps)) if scale != 1.0 else 0.0,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Report:
    """The written report's tables and point estimate."""

    posterior: pd.DataFrame
    fit: pd.DataFrame
    point: dict


def write_report(out, patterns: Patterns, seed: int, pool, n_predictive: int, command: str = "", path=None) -> Report:
    """Write ``posterior.csv``, ``fit.csv``, ``fit.png``, ``pairs.png`` and ``preset.toml`` into ``out``.

    ``path``: where to write a file of that name (default ``out / name``; the calibration stages
    them all and renames them into place together, :class:`sim.runs.outputs.Staged`); the
    posterior is read from ``path("posterior.parquet")`` as :func:`write_posterior` wrote it.
    """
    path = path or (lambda name: Path(out) / name)
    from sim import __version__
    from sim.runs.calibrate_plots import plot_fit, plot_pairs
    from sim.runs.presets import write_preset

    last = last_generation(pd.read_parquet(path("posterior.parquet")))
    table = posterior_table(last, patterns)
    table.to_csv(path("posterior.csv"), index=False)
    point = point_estimate(last, patterns)
    pred = predictive(pool, patterns, last, n_predictive, seed)
    fit = fit_table(patterns, pred)
    fit.to_csv(path("fit.csv"), index=False)
    plot_fit(patterns, pred, fit).savefig(path("fit.png"), dpi=110, format="png")
    plot_pairs(last, patterns, point).savefig(path("pairs.png"), dpi=110, format="png")
    provenance = {
        "description": f"posterior point estimate: {patterns.spec.patterns.title or patterns.label}",
        "patterns": patterns.label,
        "patterns_sha256": patterns.sha256,
        "version": __version__,
        "date": dt.date.today(),
        "command": command,
        "days_per_step": patterns.days_per_step,  # its parameters are in this scenario's steps
    }
    # the model that was fitted: the patterns file's [fixed] values too (a smaller population, say)
    write_preset(path("preset.toml"), patterns.scenario, {**fixed_values(patterns), **point}, provenance)
    return Report(table, fit, point)


def write_posterior(out: Path, history, patterns: Patterns, seed: int, path=None) -> Path:
    """``DIR/posterior.parquet``: every generation's particles; provenance in the file metadata.

    ``path``: where to write it (default: through a temporary file into ``out``); returns the path written.
    """
    import pandas as pd

    from sim import __version__

    frames = []
    for t in range(history.max_t + 1):
        df, w = history.get_distribution(m=0, t=t)
        dist = history.get_weighted_distances(t=t)
        frame = pd.DataFrame({"generation": t, "particle": range(len(df)), "weight": w})
        for name in patterns.spec.parameters:
            frame[name] = df[name].to_numpy(dtype=float)
        frame["distance"] = dist["distance"].to_numpy(dtype=float)
        frames.append(frame)
    table = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
    meta = {
        "scenario": patterns.scenario,
        "patterns": patterns.label,
        "patterns_sha256": patterns.sha256,
        "coalition_version": __version__,
        "seed": str(seed),
    }
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), **{k.encode(): v.encode() for k, v in meta.items()}}
    )
    if path is not None:
        write_parquet(table, path)
        return path
    final, tmp = Path(out) / "posterior.parquet", Path(out) / f".posterior.parquet.{os.getpid()}.tmp"
    write_parquet(table, tmp)
    os.replace(tmp, final)
    return final
