"""Continuous outcomes and effect sizes of sweep tables, for the experiment scripts.

The headline measures are continuous (issue 12): the final rate with its 95% interval, the
weeks to halve the gap between the start and the target, and for each arm against a
reference arm the difference in final rate (Welch interval) and Vargha-Delaney A (the
chance that a run of the arm ends lower than a run of the reference; bootstrap interval).
P(goal) with its Wilson interval comes last.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.runs import stats


def outcome_table(df: pd.DataFrame, by: list, reference=None) -> pd.DataFrame:
    """Per group of ``by``: continuous outcomes first, then (with ``reference``, a group key) effects, then P(goal)."""
    rows = []
    groups = {(k if isinstance(k, tuple) else (k,)): g for k, g in df.groupby(by, sort=False, dropna=False)}
    ref = groups.get(reference if isinstance(reference, tuple) else (reference,))
    for key, g in groups.items():
        final = g["final_rate"].to_numpy(float)
        row = dict(zip(by, key, strict=True))
        mean = stats.difference(final, np.zeros_like(final), paired=True)
        halved = g["steps_to_half_gap"].dropna()
        goal = stats.wilson(int(g["goal_reached"].sum()), len(g))
        row.update(
            runs=len(g),
            final_rate=mean.value,
            final_low=mean.low,
            final_high=mean.high,
            half_gap_reached=len(halved) / len(g),
            median_weeks_to_half_gap=float(halved.median()) if len(halved) else np.nan,
        )
        if ref is not None:
            other = ref["final_rate"].to_numpy(float)
            d = stats.difference(final, other, paired=False)
            a = stats.vargha_delaney(-final, -other)
            row.update(
                difference=d.value, difference_low=d.low, difference_high=d.high, A=a.value, A_low=a.low, A_high=a.high
            )
        row.update(p_goal=goal.value, p_goal_low=goal.low, p_goal_high=goal.high)
        rows.append(row)
    return pd.DataFrame(rows)


def plot_effects(ax, table: pd.DataFrame, label: str, reference: str) -> None:
    """A forest plot: each arm's difference in final rate from ``reference``, with its interval."""
    y = np.arange(len(table))
    err = [table["difference"] - table["difference_low"], table["difference_high"] - table["difference"]]
    ax.errorbar(table["difference"], y, xerr=err, fmt="o", color="black", capsize=3)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, table[label])
    ax.invert_yaxis()
    ax.set_xlabel(f"difference in final rate from {reference} (95% interval)")


def plot_final_rates(ax, table: pd.DataFrame, label: str) -> None:
    """Each arm's mean final rate with its 95% interval."""
    y = np.arange(len(table))
    err = [table["final_rate"] - table["final_low"], table["final_high"] - table["final_rate"]]
    ax.errorbar(table["final_rate"], y, xerr=err, fmt="s", color="tab:red", capsize=3)
    ax.set_yticks(y, table[label])
    ax.invert_yaxis()
    ax.set_xlabel("final outcome rate (mean, 95% interval)")


def plot_goal(ax, table: pd.DataFrame, label: str) -> None:
    """P(goal) with its Wilson interval: shown beside the continuous measures, never alone."""
    y = np.arange(len(table))
    err = [table["p_goal"] - table["p_goal_low"], table["p_goal_high"] - table["p_goal"]]
    ax.errorbar(table["p_goal"], y, xerr=err, fmt="d", color="tab:blue", capsize=3)
    ax.set_xlim(-0.05, 1.05)
    ax.set_yticks(y, table[label])
    ax.invert_yaxis()
    ax.set_xlabel("P(goal) (Wilson 95% interval)")
