"""``coalition analyze DIR``: tables with intervals for any sweep directory.

* :func:`point_table`: per design point, P(goal) with its Wilson interval and the mean of
  each outcome with a t interval (:mod:`sim.runs.stats`).
* :func:`compare_arms`: two arms of one varied parameter (``--by leader --compare
  system,none``), within each combination of the other varied parameters and pooled:
  P(goal) of each arm, the difference in mean outcome (a paired t interval over runs that
  share a seed when the sweep has ``common_seeds``, else Welch's: a sweep seeds every run on
  its own) and Vargha-Delaney A.
* Sobol indices and PRIM boxes are in :mod:`sim.runs.analyze_discovery`.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd
from scipy import stats as st

from sim.model.params import PARAMETERS
from sim.model.runner import EVENT_WEEKS
from sim.runs.stats import Estimate, difference, vargha_delaney, wilson

# the folder read back lives in sim.runs.sweep_folder; analyze's callers find it here too
from sim.runs.sweep_folder import AnalysisError, Sweep, load_sweep, resume_command, unfinished  # noqa: F401

DEFAULT_OUTCOMES = ("outcome_rate", "diagnosis_accuracy", "coalition_size", "mean_trust", "money_spent", "exits")


def mean_interval(values, confidence: float = 0.95) -> Estimate:
    """A mean with its t interval."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"))
    m = float(x.mean())
    if x.size < 2:  # one run has no spread to make an interval of: none, not a zero-width one
        return Estimate(m, float("nan"), float("nan"))
    if x.std() == 0:
        return Estimate(m, m, m)
    half = float(st.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return Estimate(m, m - half, m + half)


# columns that identify a run, not outcomes
RUN_KEYS = ("run_id", "point_id", "replicate", "seed")


def outcomes_of(sweep: Sweep, names: list[str] | None, flag: str = "--outcomes") -> list[str]:
    """The numeric outcome columns to summarise (checked against the table; ``flag`` names the option)."""
    if names is None:
        return [n for n in DEFAULT_OUTCOMES if n in sweep.runs]
    runs = sweep.runs
    numeric = [
        str(c) for c in runs if pd.api.types.is_numeric_dtype(runs[c]) and c not in PARAMETERS and c not in RUN_KEYS
    ]
    for n in names:
        if n not in numeric:
            close = difflib.get_close_matches(n, numeric, n=1, cutoff=0.75)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(numeric)}"
            raise AnalysisError(f"{flag}: {n!r} is not a numeric outcome column of {sweep.path}/runs; {hint}")
    return list(names)


def point_table(sweep: Sweep, outcomes: list[str]) -> pd.DataFrame:
    """One row per design point: its parameters, runs, P(goal) [Wilson] and mean outcomes [t]."""
    rows = []
    for point, g in sweep.runs.groupby("point_id", sort=True):
        row = {"point_id": point, **{p: g[p].iloc[0] for p in sweep.varied}, "runs": len(g)}
        p = wilson(int(g["goal_reached"].sum()), len(g))
        row.update(p_goal=p.value, p_goal_low=p.low, p_goal_high=p.high)
        for name in outcomes:
            m = mean_interval(g[name])
            row.update({name: m.value, f"{name}_low": m.low, f"{name}_high": m.high})
        rows.append(row)
    return pd.DataFrame(rows)


def arm_name(value) -> str:
    """A value of a varied parameter as an arm's name (missing_role's "" is "(none)", which --compare takes).

    A whole number reads as one (52, not 52.0), as it was written in the spec.
    """
    if value == "":
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_arms(sweep: Sweep, by: str, compare: str) -> tuple:
    """``--by`` and ``--compare a,b`` as two values of a varied parameter's column."""
    if by not in sweep.varied:
        raise AnalysisError(
            f"--by: {by!r} is not a varied parameter of this sweep; expected one of {', '.join(sweep.varied)}"
        )
    parts = ["" if s.strip() in ('""', "''", "(none)") else s.strip() for s in compare.split(",")]
    empty_allowed = "" in (PARAMETERS[by].choices or ())  # missing_role's "" (no role missing): "touch," or 'touch,""'
    if len(parts) != 2 or not all(parts) and not empty_allowed:
        raise AnalysisError(f"--compare: {compare!r}: expected two values of {by}, e.g. system,none")
    present = sweep.runs[by].unique()
    arms = []
    for text in parts:
        try:
            value = PARAMETERS[by].convert(text)
        except ValueError as err:
            raise AnalysisError(f"--compare: {by}: {err}") from None
        if value not in present:
            has = ", ".join(arm_name(v) for v in present)
            raise AnalysisError(f"--compare: {by} = {arm_name(value)} is not in this sweep; it has {has}")
        arms.append(value)
    if arms[0] == arms[1]:  # after reading them: 8 and 8.0 are one arm
        raise AnalysisError(f"--compare: {compare!r}: the same arm twice; name two different values of {by}")
    return tuple(arms)


def ranged(sweep: Sweep) -> set:
    """The varied parameters a sampled design (lhs, sobol) draws from a range (a grid has none)."""
    if sweep.spec.get("design", "grid") not in ("lhs", "sobol"):
        return set()
    return {name for name, values in sweep.spec.get("parameters", {}).items() if isinstance(values, dict)}


FEW_RUNS = 10  # an arm with fewer runs than this gives intervals too rough to read as certain


def few_runs_note(arms: pd.DataFrame) -> str:
    """A note when an arm of :func:`compare_arms`'s table has fewer than :data:`FEW_RUNS` runs ("" otherwise)."""
    fewest = int(arms[["runs_a", "runs_b"]].min().min()) if len(arms) else FEW_RUNS
    if fewest >= FEW_RUNS:
        return ""
    return (
        f"note: an arm has only {fewest} runs: its intervals are rough, and a bootstrap interval of A shrinks to a "
        "single value when the arms never overlap ([0, 0] or [1, 1]), a difference's when both arms are constant; "
        "read them as no more than the runs show, or add replicates"
    )


def separation_note(arms: pd.DataFrame, outcome: str) -> str:
    """A note when some row's arms never overlap (A is 0 or 1): its bootstrap interval is then that value."""
    apart = arms[arms["A"].isin((0.0, 1.0))] if len(arms) else arms
    if apart.empty or few_runs_note(arms):  # with few runs the note on few runs says it
        return ""
    return (
        f"note: in {len(apart)} of {len(arms)} rows every run of one arm has the higher {outcome} (A = 0 or 1): "
        "a bootstrap interval of A is then that single value however many runs there are; "
        f"the interval of the difference says how far apart the arms are"
    )


def tied_note(arms: pd.DataFrame, outcome: str) -> str:
    """A note when some row's runs all tie (A is 0.5 with an interval of that one value): nothing to compare there."""
    tied = arms[(arms["A_low"] == 0.5) & (arms["A_high"] == 0.5)] if len(arms) else arms
    if tied.empty:
        return ""
    # the week of an event that never happened has no value: every such run counts as later than the horizon
    never = outcome in EVENT_WEEKS and bool(((tied["values_a"] == 0) & (tied["values_b"] == 0)).all())
    return (
        f"note: in {len(tied)} of {len(arms)} rows every run of both arms has the same {outcome}"
        f"{' (the event never happened in any run: each counts as later than the horizon)' if never else ''}: "
        "A = 0.5 [0.5, 0.5] there is a tie in every run, which says "
        "nothing of how far apart the arms are otherwise; compare them on another outcome (--outcome final_rate)"
    )


def compare_arms(sweep: Sweep, by: str, arms: tuple, outcome: str) -> pd.DataFrame:
    """Arm ``a`` against arm ``b`` of ``by``: per stratum of the other varied parameters, and pooled.

    Every row names the comparison (``by``, ``arm_a``, ``arm_b``: differences are a minus b).

    Strata are the combinations of the other varied parameters that take listed values; a
    sampled design's (lhs, sobol) ranges are averaged over, never strata (the runs sharing a
    drawn value are one point's replicates or a few Sobol points, too few to hold both arms).
    """
    a, b = arms
    drawn = ranged(sweep)
    others = [p for p in sweep.varied if p != by and p not in drawn]
    # common seeds: each seed's runs of arm a against its runs of arm b
    paired = bool(sweep.spec.get("common_seeds"))
    groups = [((), sweep.runs)] if not others else list(sweep.runs.groupby(others, sort=True))
    # the pooled row first: ``pooled`` is true and its other parameters are empty (a column keeps one type)
    pooled = {"pooled": True, **dict.fromkeys(others)}
    rows = [_arm_row(sweep.runs, by, a, b, outcome, pooled, paired, others)] if others else []
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        stratum = {"pooled": not others, **dict(zip(others, key, strict=False))}
        rows.append(_arm_row(g, by, a, b, outcome, stratum, paired, others))
    table = pd.DataFrame(rows)
    for p in others:  # one type a column (whole numbers stay whole), the pooled row's value missing
        table[p] = table[p].convert_dtypes()
    # what was compared, in every row: a saved arms.csv says which arm was subtracted from which
    table.insert(0, "arm_b", arm_name(b))
    table.insert(0, "arm_a", arm_name(a))
    table.insert(0, "by", by)
    return table


def _arm_row(g: pd.DataFrame, by: str, a, b, outcome: str, stratum: dict, paired: bool, strata: list) -> dict:
    xa, xb = g.loc[g[by] == a], g.loc[g[by] == b]
    pa = wilson(int(xa["goal_reached"].sum()), len(xa))
    pb = wilson(int(xb["goal_reached"].sum()), len(xb))
    # runs whose outcome is missing (a goal week never reached) do not count for the difference; for
    # A, the week of an event that never happened is later than any week (right-censored at the
    # horizon, every such run tied), so arms that differ in whether it happens at all still compare
    ya, yb = xa[outcome].to_numpy(float), xb[outcome].to_numpy(float)
    if outcome in EVENT_WEEKS:
        ranked_a, ranked_b = np.nan_to_num(ya, nan=np.inf), np.nan_to_num(yb, nan=np.inf)
    ya, yb = ya[np.isfinite(ya)], yb[np.isfinite(yb)]
    if outcome not in EVENT_WEEKS:
        ranked_a, ranked_b = ya, yb
    pairs = _by_seed(xa, xb, outcome, strata) if paired else None
    if pairs is not None:  # each seed's difference: chance the two arms share drops out
        d = difference(pairs[0], pairs[1], paired=True) if len(pairs[0]) > 1 else Estimate(np.nan, np.nan, np.nan)
    else:
        d = difference(ya, yb, paired=False) if len(ya) > 1 and len(yb) > 1 else Estimate(np.nan, np.nan, np.nan)
    A = vargha_delaney(ranked_a, ranked_b) if len(ranked_a) and len(ranked_b) else Estimate(np.nan, np.nan, np.nan)
    return {
        **stratum,
        "runs_a": len(xa),
        "runs_b": len(xb),
        "values_a": len(ya),
        "values_b": len(yb),
        "pairs": len(pairs[0]) if pairs is not None else 0,
        "p_goal_a": pa.value,
        "p_goal_a_low": pa.low,
        "p_goal_a_high": pa.high,
        "p_goal_b": pb.value,
        "p_goal_b_low": pb.low,
        "p_goal_b_high": pb.high,
        f"{outcome}_diff": d.value,
        f"{outcome}_diff_low": d.low,
        f"{outcome}_diff_high": d.high,
        "A": A.value,
        "A_low": A.low,
        "A_high": A.high,
    }


def _by_seed(xa: pd.DataFrame, xb: pd.DataFrame, outcome: str, strata: list) -> tuple:
    """Each seed's mean outcome in arm a and in arm b, over the strata both arms have it in.

    With common seeds a seed is the unit: its runs in the strata of a pooled row, or at the
    points of a sampled design, share their chance, so they are averaged, not counted apart;
    and only strata where both arms ran the seed count (an unfinished sweep's missing run
    would otherwise compare a seed's mean over two strata with its value in one). A run
    without the outcome (a goal week never reached) does not count.
    """
    keys = ["seed", *strata]
    ma = xa.loc[np.isfinite(xa[outcome].to_numpy(float))].groupby(keys, dropna=False)[outcome].mean()
    mb = xb.loc[np.isfinite(xb[outcome].to_numpy(float))].groupby(keys, dropna=False)[outcome].mean()
    both = pd.concat({"a": ma, "b": mb}, axis=1).dropna(subset=["a", "b"]).groupby(level="seed").mean()
    return both["a"].to_numpy(float), both["b"].to_numpy(float)
