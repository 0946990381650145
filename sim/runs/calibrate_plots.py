"""Figures of a calibration: the fit and the pairwise posterior.

The fit shows the real points over the posterior predictive band. Made with
:class:`matplotlib.figure.Figure`, so nothing here picks a backend.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.runs.patterns import Patterns


def plot_fit(patterns: Patterns, pred, fit: pd.DataFrame, title: str = "") -> Figure:
    """One panel per series (band, median, real points; held-out points hollow), one for milestones.

    Without a series, the first panel shows the measure's band with the milestones' real dates.
    """
    series = patterns.spec.series
    milestones = [t for t in patterns.targets if t.kind not in ("point", "end_level")]
    trajectory = not series
    panels = len(series) + (1 if milestones else 0) + trajectory
    fig = Figure(figsize=(8, 3.2 * panels))
    axes = np.atleast_1d(fig.subplots(panels, 1, squeeze=False)[:, 0])
    if trajectory:
        _plot_trajectory(axes[0], patterns, pred, milestones)
    for ax, s in zip(axes[trajectory:], series, strict=False):
        measure = s.measure or patterns.spec.patterns.measure
        runs = pred.series[measure]
        x = [patterns.date_of(i) for i in range(runs.shape[1])]
        targets = [t for t in patterns.targets if t.kind == "point" and t.key.startswith(f"{s.name}.")]
        reference = targets[0].reference if targets else None
        if s.relative and reference is not None:
            a, b = reference
            runs = runs / runs[:, a:b].mean(axis=1, keepdims=True)
        lo, med, hi = np.quantile(runs, [0.05, 0.5, 0.95], axis=0)
        ax.fill_between(x, lo, hi, color="tab:blue", alpha=0.25, label="model, 90% predictive band")
        ax.plot(x, med, color="tab:blue", lw=1.5, label="model, median")
        ref = s.points[0].value if s.relative else 1.0
        for p in s.points:
            when = p.date or pd.Timestamp(year=int(p.year or 0), month=7, day=1).date()
            face = "none" if p.holdout else "black"
            ax.plot([when], [p.value / ref], "o", mfc=face, mec="black")
        ax.plot([], [], "o", color="black", label="real (fitted)")
        if any(p.holdout for p in s.points):
            ax.plot([], [], "o", mfc="none", mec="black", label="real (held out, predicted)")
        ax.set_ylabel(f"{s.name}" + (" / first point" if s.relative else ""))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="upper right")
    if milestones:
        ax = axes[-1]
        for i, t in enumerate(milestones):
            row = fit[fit["pattern"] == t.key].iloc[0]
            start = patterns.start
            span = [start + pd.Timedelta(days=float(row[c])) for c in ("q05", "q95")]
            ax.plot(span, [i, i], color="tab:blue", lw=6, alpha=0.4)
            ax.plot([start + pd.Timedelta(days=float(row["median"]))], [i], "|", color="tab:blue", ms=14, mew=2)
            sd = t.sd * patterns.days_per_step
            ax.errorbar(
                [t.when],
                [i],
                xerr=[[pd.Timedelta(days=sd)], [pd.Timedelta(days=sd)]],
                fmt="*",
                color="black",
                mfc="none" if t.holdout else "black",
                ms=10,
            )
        ax.set_yticks(
            range(len(milestones)), [t.key + (" (held out)" if t.holdout else "") for t in milestones], fontsize=8
        )
        ax.set_ylim(-0.7, len(milestones) - 0.3)
        ax.axvline(patterns.date_of(patterns.steps), color="gray", ls=":", lw=1)
        ax.set_title("milestones: model 90% band (bar), median (|), real date and sd (*)", fontsize=9)
    for ax in axes:
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.suptitle(title or patterns.spec.patterns.title)
    fig.tight_layout()
    return fig


def _plot_trajectory(ax, patterns: Patterns, pred, milestones) -> None:
    measure = patterns.spec.patterns.measure
    runs = pred.series[measure]
    x = [patterns.date_of(i) for i in range(runs.shape[1])]
    lo, med, hi = np.quantile(runs, [0.05, 0.5, 0.95], axis=0)
    ax.fill_between(x, lo, hi, color="tab:blue", alpha=0.25, label="model, 90% predictive band")
    ax.plot(x, med, color="tab:blue", lw=1.5, label="model, median")
    start = float(np.median(runs[:, :4].mean(axis=1)))
    for t in milestones:
        ax.axvline(t.when, color="black", ls="--" if t.holdout else "-", lw=1)
        ax.annotate(t.key, (t.when, ax.get_ylim()[1]), fontsize=7, rotation=90, va="top", ha="right")
        if t.kind in ("goal", "level"):
            y = t.level if t.kind == "goal" else t.level * start
            ax.axhline(y, color="gray", ls=":", lw=1)
    ax.set_ylabel(measure)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("real dates (lines; dashed: held out) and the levels they stand for (dotted)", fontsize=9)


def plot_pairs(last: pd.DataFrame, patterns: Patterns, point: dict) -> Figure:
    """Pairwise posterior of the last generation over the prior ranges; the point estimate in red."""
    names = list(patterns.spec.parameters)
    k = len(names)
    fig = Figure(figsize=(2.4 * k + 0.6, 2.4 * k + 0.6))
    axes = fig.subplots(k, k, squeeze=False)
    w = last["weight"].to_numpy(float)
    for i, a in enumerate(names):
        pa = patterns.spec.parameters[a]
        for j, b in enumerate(names):
            ax = axes[i, j]
            pb = patterns.spec.parameters[b]
            if i == j:
                ax.hist(last[a], bins=15, range=(pa.low, pa.high), weights=w, color="tab:blue", alpha=0.7)
                ax.axvline(point[a], color="tab:red")
                ax.set_yticks([])
            elif i > j:
                ax.scatter(last[b], last[a], s=8 + 400 * w / w.max() / max(len(w) / 20, 1), alpha=0.5, color="tab:blue")
                ax.plot([point[b]], [point[a]], "x", color="tab:red", ms=8, mew=2)
                ax.set_xlim(pb.low, pb.high)
                ax.set_ylim(pa.low, pa.high)
            else:
                ax.axis("off")
            if i == k - 1:
                ax.set_xlabel(b, fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(a, fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle("posterior, last generation (x: point estimate; axes: prior ranges)", fontsize=10)
    fig.tight_layout()
    return fig
