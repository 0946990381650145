"""Shared helpers of the experiment scripts: arguments, sweeps, intervals, figures, tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # scripts write files; they never open a window
matplotlib.rcParams["svg.hashsalt"] = "coalition"  # the same SVG from the same table
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.cli.common import worker_count  # noqa: E402
from sim.errors import one_line  # noqa: E402
from sim.runs import load_spec, run_sweep, stats  # noqa: E402

HERE = Path(__file__).resolve().parent

# sizes: replicates, horizon (None: the spec's), lhs/sobol samples, values kept a grid parameter
# quick's 120 weeks can reach the goal (in the default scenario it is first reached near week 100)
SIZES = {
    "quick": {"replicates": 2, "steps": 120, "samples": 4, "values": 3},
    "mid": {"replicates": 10, "steps": None, "samples": 32, "values": None},
}


def leading_group(people) -> str:
    """The group whose circumstances carry the largest true share of the outcome now (ties: the first listed)."""
    groups, shares = np.array(people.groups), people.true_shares()
    return max(dict.fromkeys(people.groups), key=lambda g: shares[groups == g].sum())


def fail(message: str):
    """Bad input to an experiment: ``error: <message>`` on one line and exit status 2, as the CLI's."""
    print(f"error: {one_line(message)}", file=sys.stderr)
    raise SystemExit(2)


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 0")
    return value


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def parse_args(name: str, doc: str, extra=None) -> argparse.Namespace:
    """Size (``--quick``, ``--mid``, or the spec's), ``--replicates``, ``--steps``, ``--out``, ``--workers``.

    ``extra``, if given, adds an experiment's own arguments to the parser.
    """
    p = argparse.ArgumentParser(prog=name, description=doc)
    if extra is not None:
        extra(p)
    size = p.add_mutually_exclusive_group()
    size.add_argument(
        "--quick", action="store_true", help="tiny size for CI: 2 replicates, 120 weeks, 3 values a parameter"
    )
    size.add_argument("--mid", action="store_true", help="mid size: 10 replicates, the full horizon, every value")
    p.add_argument("--replicates", type=positive, help="replicates a point (overrides the size's)")
    p.add_argument("--steps", type=positive, help="horizon in weeks (overrides the size's)")
    p.add_argument("--out", type=Path, help="output directory (default experiments/out/<name>[-quick|-mid])")
    p.add_argument("--workers", type=worker_count, default=None, help="worker processes (default: every core)")
    p.add_argument("--scheduler", help="run the sweeps on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    args = p.parse_args()
    args.name = name
    args.size = "quick" if args.quick else "mid" if args.mid else "full"
    args.out = args.out or HERE / "out" / (name + ("" if args.size == "full" else f"-{args.size}"))
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def spec_for(args, stem: str | None = None, **changes):
    """The experiment's spec (``experiments/<stem>.toml``) at the chosen size, with ``changes``."""
    spec = load_spec(HERE / f"{stem or args.name}.toml")
    size = SIZES.get(args.size)
    if size is not None:
        spec = spec.with_overrides(size["replicates"], size["steps"])
        if spec.design != "grid":
            spec = spec.model_copy(update={"samples": min(spec.samples, size["samples"]), "replicates": 1})
        elif size["values"]:  # at most 3 values a parameter: first, middle, last
            spec = spec.model_copy(update={"parameters": {k: _thin(v) for k, v in spec.parameters.items()}})
    spec = spec.with_overrides(getattr(args, "replicates", None), getattr(args, "steps", None))
    return spec.model_copy(update=changes) if changes else spec


def _thin(values: tuple) -> tuple:
    if not all(isinstance(v, (int, float)) for v in values):
        return values  # every choice is kept
    return values if len(values) <= 3 else (values[0], values[len(values) // 2], values[-1])


def sweep(args, spec, label: str = "sweep") -> pd.DataFrame:
    """Run (or resume) ``spec`` into ``<out>/<label>`` and return its table, sorted by run_id."""
    out = args.out / label
    workers = 0 if args.quick and args.workers is None else args.workers  # quick: no pool to start
    scheduler = getattr(args, "scheduler", None)
    report = run_sweep(spec, out, workers=None if scheduler else workers, scheduler=scheduler, progress=None)
    print(f"{args.name}/{label}: {report.ran} runs in {report.seconds:.1f} s ({report.already_done} already on disk)")
    return pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)


def wilson(k, n):
    """Wilson 95% intervals of proportions, row by row: (p, low, high) arrays (``sim.runs.stats.wilson``)."""
    rows = [stats.wilson(int(ki), int(ni)) for ki, ni in zip(np.atleast_1d(k), np.atleast_1d(n), strict=True)]
    return tuple(np.array([getattr(r, f) for r in rows]) for f in ("value", "low", "high"))


def success_table(df: pd.DataFrame, by: list, extra: tuple = ()) -> pd.DataFrame:
    """Per group: runs, successes, P(goal) with its Wilson interval, median weeks to goal, means of ``extra``."""
    g = df.groupby(by, sort=False, dropna=False)
    out = g.agg(
        runs=("run_id", "size"), successes=("goal_reached", "sum"), median_steps_to_goal=("steps_to_goal", "median")
    )
    for col in extra:
        out[f"mean_{col}"] = g[col].mean()
    out["p_goal"], out["ci_low"], out["ci_high"] = wilson(out["successes"], out["runs"])
    return out.reset_index()


def save(fig, args, stem: str) -> None:
    """Write ``stem.png`` and ``stem.svg`` into the output directory."""
    for ext in ("png", "svg"):
        fig.savefig(args.out / f"{stem}.{ext}", dpi=120, bbox_inches="tight", metadata=_metadata(ext))
    plt.close(fig)
    print(f"wrote {args.out / stem}.png and .svg")


def _metadata(ext: str) -> dict:
    # reproducible files: no creation date in the SVG
    return {"Date": None} if ext == "svg" else {}


def sobol_bars(ax, table: pd.DataFrame, **tick_text) -> None:
    """First-order and total Sobol indices of ``table``'s parameters (columns S1, ST and their _conf) as bars."""
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["S1"], 0.4, yerr=table["S1_conf"], capsize=3, label="first order S1")
    ax.bar(x + 0.2, table["ST"], 0.4, yerr=table["ST_conf"], capsize=3, label="total ST")
    ax.set_xticks(x, table["parameter"], rotation=25, ha="right", **tick_text)
    ax.axhline(0, color="grey", lw=0.8)


def write_summary(table: pd.DataFrame, args, stem: str = "summary") -> None:
    """Write the summary table as CSV."""
    table.to_csv(args.out / f"{stem}.csv", index=False, float_format="%.6g")
    print(f"wrote {args.out / stem}.csv")


def title_suffix(args, spec) -> str:
    """``(N replicates, W weeks, seed S)`` for figure titles."""
    quick = "" if args.size == "full" else f", {args.size.upper()}"
    return f"({spec.replicates} replicates, {spec.steps or 'scenario'} weeks, seed {spec.seed}{quick})"
