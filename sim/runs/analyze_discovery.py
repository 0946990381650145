"""Sobol indices (SALib) and PRIM scenario discovery (the EMA workbench) of a sweep.

* :func:`sobol_table`: first-order and total indices with their intervals, for a ``sobol``
  design, from the mean outcome of each design point (the design's own SALib problem).
* :func:`prim`: the box of parameter values where a condition holds (an outcome under or
  over a threshold, or the difference between two arms), by the EMA workbench's PRIM: the
  peeling trajectory, and the densest box that still covers ``min_coverage`` of the cases.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.runner import EVENT_FLAGS
from sim.runs.analyze import AnalysisError, Sweep, arm_name


def sobol_table(sweep: Sweep, outcome: str) -> pd.DataFrame:
    """Sobol S1 and ST of ``outcome`` (the mean over each point's replicates) with 95% intervals."""
    from SALib.analyze import sobol

    from sim.runs.design import Design
    from sim.runs.spec import parse_spec

    if sweep.spec.get("design") != "sobol":
        raise AnalysisError(
            f'--sobol: {sweep.path} is a {sweep.spec.get("design")} design; Sobol indices need design = "sobol"'
        )
    design = sweep.design or Design(parse_spec({k: v for k, v in sweep.spec.items() if v is not None}, inputs=False))
    missing = int(sweep.runs[outcome].isna().sum())
    if missing:  # a point's mean would skip them (biased) or be NaN (SALib then gives every index 0)
        flag = EVENT_FLAGS.get(outcome)
        instead = f"analyse its flag, --outcome {flag} (the share of runs where it happens), " if flag else ""
        raise AnalysisError(
            f"--sobol: {outcome} is missing in {missing} of {len(sweep.runs)} runs"
            f"{' (the event never happened by the horizon)' if flag else ''}; Sobol indices need a value in "
            f"every run: {instead}or an outcome every run has, e.g. final_rate"
        )
    means = sweep.runs.groupby("point_id")[outcome].mean()
    if len(means) != design.n_points:
        raise AnalysisError(
            f"--sobol: {len(means)} of {design.n_points} design points are finished; finish the sweep first"
        )
    y = means.sort_index().to_numpy(float)
    if np.all(y == y[0]):  # no variance to share out: every index is 0/0, not 0
        raise AnalysisError(
            f"--sobol: {outcome} is {y[0]:g} at every design point of this sweep; its Sobol indices are undefined "
            "(choose an outcome that varies, e.g. outcome_rate, or a longer horizon)"
        )
    second = bool(sweep.spec.get("second_order"))
    # SALib draws its bootstrap from numpy's global state when the seed is 0 (it tests `if seed:`),
    # so the intervals would change from call to call: a nonzero seed from the sweep's own
    seed = int(np.random.SeedSequence(int(sweep.spec.get("seed") or 0)).generate_state(1)[0]) | 1
    si = sobol.analyze(design.problem(), y, calc_second_order=second, conf_level=0.95, seed=seed)
    return pd.DataFrame(
        {
            "parameter": design.names,
            "S1": si["S1"],
            "S1_low": si["S1"] - si["S1_conf"],
            "S1_high": si["S1"] + si["S1_conf"],
            "ST": si["ST"],
            "ST_low": si["ST"] - si["ST_conf"],
            "ST_high": si["ST"] + si["ST_conf"],
        }
    )


WIDE = 0.3  # an index's 95% interval wider than this (on a 0-1 scale) is too rough to rank parameters by


def sobol_note(table: pd.DataFrame, samples: int | None) -> str:
    """A note when a Sobol table's intervals are too wide to read ("" otherwise): too few base samples."""
    width = float(max((table["S1_high"] - table["S1_low"]).max(), (table["ST_high"] - table["ST_low"]).max()))
    if not np.isfinite(width) or width <= WIDE:
        return ""
    base = f" (samples = {samples})" if samples else ""
    return (
        f"note: an index's 95% interval is {width:.2g} wide: too few base samples{base} to rank the parameters "
        "(an S1 below 0 or STs that add up to well over 1 say the same); Saltelli's estimators usually need "
        "hundreds to thousands, a power of two: run a sweep with more samples"
    )


@dataclass
class PrimResult:
    """A PRIM run: the peeling trajectory, the chosen step and its box."""

    trajectory: pd.DataFrame
    chosen: int
    box: pd.DataFrame  # restricted parameters: min, max (or the categories kept)
    cases: int
    of_interest: int


def prim(x: pd.DataFrame, y: np.ndarray, min_coverage: float = 0.5) -> PrimResult:
    """PRIM boxes where ``y`` holds over the parameters ``x`` (one row per case).

    Raises:
        AnalysisError: ``y`` holds everywhere or nowhere (nothing to discover).
    """
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        where = "every" if y.all() else "no"
        raise AnalysisError(f"--prim: the condition holds in {where} case ({len(y)} cases); nothing to discover")
    x = x.reset_index(drop=True).copy()
    for col in x:
        if not pd.api.types.is_numeric_dtype(x[col]) or pd.api.types.is_bool_dtype(x[col]):
            x[col] = x[col].astype(str).astype("category")
        elif pd.api.types.is_integer_dtype(x[col]):
            x[col] = x[col].astype(float)  # PRIM's pasting writes midpoints (2.5) into the column
    with warnings.catch_warnings():
        # the EMA workbench 3.0 warns at import that an optional evaluator (ipyparallel) is
        # missing, and its PRIM calls DataFrame.drop(inplace=True), deprecated in pandas 3.1
        warnings.filterwarnings("ignore", "ipyparallel not installed", UserWarning)
        warnings.filterwarnings("ignore", "The inplace keyword in DataFrame.drop", DeprecationWarning)
        from ema_workbench.analysis import prim as ema_prim

        box = ema_prim.Prim(x, y).find_box()
    traj = box.peeling_trajectory.copy()
    ok = traj[traj["coverage"] >= min_coverage]
    chosen = int(ok["density"].idxmax()) if len(ok) else 0
    first, lims = box.box_lims[0], box.box_lims[chosen]
    rows = []
    for col in x:
        lo, hi = lims[col].iloc[0], lims[col].iloc[1]
        if isinstance(lo, set):
            if lo != first[col].iloc[0]:
                kept = ", ".join(sorted(arm_name(v) for v in lo))  # missing_role's "" is "(none)", as in the arms
                rows.append({"parameter": col, "min": "", "max": "", "values": kept})
        elif (lo, hi) != (first[col].iloc[0], first[col].iloc[1]):
            rows.append({"parameter": col, "min": float(lo), "max": float(hi), "values": ""})
    return PrimResult(
        traj, chosen, pd.DataFrame(rows, columns=["parameter", "min", "max", "values"]), len(y), int(y.sum())
    )
