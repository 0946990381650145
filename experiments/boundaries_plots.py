"""The figures of experiments/boundaries.py: Morris screening, Sobol indices, PRIM boxes per claim."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import save, sobol_bars
from matplotlib.patches import Rectangle


def plot_morris(args, study, table: pd.DataFrame, headline: tuple) -> None:
    """Mu* and sigma of the top parameters, one panel per difference in ``headline``."""
    fig, axes = plt.subplots(1, len(headline), figsize=(18, 5.5))
    for ax, name in zip(axes, headline, strict=True):
        t = table[table["difference"] == name].sort_values("mu_star", ascending=False).head(12)[::-1]
        y = np.arange(len(t))
        ax.barh(y, t["mu_star"], xerr=t["mu_star_conf"], color="tab:blue", alpha=0.7, label="mu* (95% conf)")
        ax.plot(t["sigma"], y, "o", color="tab:red", label="sigma")
        ax.set_yticks(y, t["parameter"], fontsize=8)
        ax.set_title(name)
        ax.set_xlabel("elementary effect over the range")
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Morris screening of the claims' differences, {study['tag']} ({study['size_text']})")
    fig.tight_layout()
    save(fig, args, f"boundaries-morris-{study['tag']}")


def plot_sobol(args, study, table: pd.DataFrame, headline: tuple) -> None:
    """First-order and total Sobol indices, one panel per difference in ``headline``."""
    fig, axes = plt.subplots(1, len(headline), figsize=(18, 4.6))
    for ax, name in zip(axes, headline, strict=True):
        sobol_bars(ax, table[table["difference"] == name], fontsize=8)
        ax.set_title(name)
        ax.legend(fontsize=7)
    fig.suptitle(f"Sobol indices of the claims' differences, {study['tag']} ({study['size_text']})")
    fig.tight_layout()
    save(fig, args, f"boundaries-sobol-{study['tag']}")


def plot_prim(
    args,
    study,
    points: pd.DataFrame,
    boxes: dict,
    ref: pd.DataFrame,
    morris: pd.DataFrame,
    claimed: dict,
    headline: tuple,
) -> None:
    """Per difference: where it fails (histogram) and the PRIM box on its two main parameters.

    ``claimed``: the sign each difference has where its claim holds.
    """
    fig, axes = plt.subplots(2, len(headline), figsize=(18, 8.5))
    for j, name in enumerate(headline):
        sign = claimed[name]
        values = points[name].to_numpy(float)
        ax = axes[0, j]
        ax.hist(values, bins=30, color="grey")
        ax.axvline(0, color="black", lw=1)
        default = ref.loc[ref["difference"] == name, "value"]
        if len(default):
            ax.axvline(float(default.iloc[0]), color="tab:green", lw=1.5, label="at the defaults")
            ax.legend(fontsize=7)
        side = ">= 0" if sign < 0 else "<= 0"
        ax.set_title(f"{name}: {np.mean(sign * values <= 0):.0%} of {len(values)} points {side}")
        ax.set_xlabel("difference (mean over replicates)")
        ax = axes[1, j]
        res = boxes.get(name)
        dims = list(res.box["parameter"][:2]) if res is not None else []
        ranked = morris[morris["difference"] == name].sort_values("mu_star", ascending=False)["parameter"]
        dims += [p for p in ranked if p not in dims][: 2 - len(dims)]
        fails = sign * values <= 0
        ax.scatter(points.loc[~fails, dims[0]], points.loc[~fails, dims[1]], s=8, color="tab:blue", label="holds")
        ax.scatter(points.loc[fails, dims[0]], points.loc[fails, dims[1]], s=14, marker="x", color="tab:red")
        if res is not None:
            lims = {b.parameter: (b.min, b.max) for b in res.box.itertuples()}
            lo = [lims.get(d, (points[d].min(), points[d].max())) for d in dims]
            ax.add_patch(Rectangle((lo[0][0], lo[1][0]), lo[0][1] - lo[0][0], lo[1][1] - lo[1][0], fill=False, lw=1.5))
            c = res.trajectory.loc[res.chosen]
            ax.set_title(f"PRIM box: coverage {c['coverage']:.2f}, density {c['density']:.2f}", fontsize=9)
        else:
            ax.set_title("no PRIM box (fails nowhere or everywhere)", fontsize=9)
        ax.set_xlabel(dims[0])
        ax.set_ylabel(dims[1])
    fig.suptitle(
        f"Where each difference vanishes or reverses (x), {study['tag']}: "
        f"Morris and Sobol points ({study['size_text']})"
    )
    fig.tight_layout()
    save(fig, args, f"boundaries-prim-{study['tag']}")
