"""Figures of ``coalition analyze``: P(goal) per point, arm differences, Sobol indices, PRIM.

Made with :class:`matplotlib.figure.Figure`, so nothing here picks a backend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


def plot_points(points: pd.DataFrame, varied: list[str]) -> Figure:
    """P(goal) with Wilson intervals against the first varied parameter (one line per value of the second)."""
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    x = varied[0]
    numeric = pd.api.types.is_numeric_dtype(points[x])
    series = [("", points)]
    if len(varied) > 1 and points[varied[1]].nunique() <= 8:
        series = [(f"{varied[1]} = {k}", g) for k, g in points.groupby(varied[1], sort=True)]
    for label, g in series:
        g = g.sort_values(x)
        xs = g[x] if numeric else g[x].astype(str)
        err = [g["p_goal"] - g["p_goal_low"], g["p_goal_high"] - g["p_goal"]]
        style = "o-" if len(series) > 1 or len(g) < 30 else "o"
        ax.errorbar(xs, g["p_goal"], yerr=err, fmt=style, ms=3, capsize=2, label=label or None)
    ax.set_xlabel(x)
    ax.set_ylabel("P(goal), 95% Wilson interval")
    ax.set_ylim(-0.02, 1.02)
    if len(series) > 1:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_arms(arms: pd.DataFrame, outcome: str, label: str) -> Figure:
    """The difference in mean outcome between the arms, per stratum, with intervals."""
    counts = ("by", "arm_a", "arm_b", "pooled", "runs_a", "runs_b", "values_a", "values_b", "pairs")
    strata = [c for c in arms.columns if c not in counts and not c.startswith(("p_goal", outcome, "A"))]
    names = ["all" if r["pooled"] else ", ".join(f"{c}={r[c]}" for c in strata) for _, r in arms.iterrows()]
    fig = Figure(figsize=(6, 0.3 * len(arms) + 1.5))
    ax = fig.subplots()
    d = arms[f"{outcome}_diff"]
    err = [d - arms[f"{outcome}_diff_low"], arms[f"{outcome}_diff_high"] - d]
    ax.errorbar(d, np.arange(len(arms)), xerr=err, fmt="o", capsize=2)
    ax.axvline(0, color="gray", lw=1)
    ax.set_yticks(np.arange(len(arms)), names, fontsize=7)
    ax.invert_yaxis()
    ax.set_title(label, fontsize=9)
    ax.set_xlabel(f"difference in mean {outcome}, 95% interval")
    fig.tight_layout()
    return fig


def plot_sobol(table: pd.DataFrame, outcome: str) -> Figure:
    """First-order and total Sobol indices with their intervals."""
    fig = Figure(figsize=(1.2 * len(table) + 3, 3.6))
    ax = fig.subplots()
    i = np.arange(len(table))
    for offset, key, color in ((-0.18, "S1", "tab:blue"), (0.18, "ST", "tab:orange")):
        err = [table[key] - table[f"{key}_low"], table[f"{key}_high"] - table[key]]
        ax.bar(i + offset, table[key], width=0.36, yerr=err, color=color, capsize=3, label=key)
    ax.set_xticks(i, table["parameter"], rotation=20, fontsize=8)
    ax.set_ylabel(f"Sobol index of {outcome}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_prim(result, title: str) -> Figure:
    """PRIM's peeling trajectory (coverage against density), the chosen box marked."""
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
    t = result.trajectory
    ax.plot(t["coverage"], t["density"], "o-", ms=3, color="tab:blue")
    ax.plot([t.loc[result.chosen, "coverage"]], [t.loc[result.chosen, "density"]], "o", ms=9, mfc="none", mec="tab:red")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig
