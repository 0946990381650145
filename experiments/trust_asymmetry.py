"""Trust asymmetry: trust after one betrayal and the weeks to recover, against the loss/build ratio.

Drives :class:`sim.model.trust.TrustLedger` directly: one tie at ``start_trust``; in week 0 the
partner breaks a commitment; from then on it honours one commitment a week. Recovery time is
the number of weeks until trust is back at its level before the betrayal.

Usage: ``python experiments/trust_asymmetry.py [--quick] [--out DIR]``
"""

import tomllib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import HERE, parse_args, save, write_summary

from sim.model.trust import TrustLedger

BOTH = np.array([True, True])


def after_betrayal(build: float, ratio: float, start: float, weeks: int) -> np.ndarray:
    """Trust of node 0 in node 1, week by week: a betrayal in week 0, then one honour a week."""
    ledger = TrustLedger(2, build, ratio)
    ledger.add_tie(0, 1, start, start)
    path = [start]
    for week in range(weeks):
        (ledger.broken if week == 0 else ledger.honoured)(1, 0)
        ledger.settle(BOTH)
        path.append(ledger.get(0, 1))
    return np.array(path)


def one_event(build: float, ratio: float, start: float, betray: bool) -> float:
    ledger = TrustLedger(2, build, ratio)
    ledger.add_tie(0, 1, start, start)
    (ledger.broken if betray else ledger.honoured)(1, 0)
    ledger.settle(BOTH)
    return abs(ledger.get(0, 1) - start)


def main():
    args = parse_args("trust_asymmetry", __doc__)
    cfg = tomllib.loads((HERE / "trust_asymmetry.toml").read_text())
    start, weeks = cfg["start_trust"], 40 if args.quick else cfg["weeks"]
    rows = []
    for build in cfg["build_rates"]:
        for ratio in cfg["loss_ratios"]:
            path = after_betrayal(build, ratio, start, weeks)
            back = np.flatnonzero(path[1:] >= start - 1e-12)
            rows.append(
                {
                    "build_rate": build,
                    "loss_ratio": ratio,
                    "trust_after_betrayal": path[1],
                    "loss_one_betrayal": one_event(build, ratio, start, True),
                    "gain_one_honour": one_event(build, ratio, start, False),
                    "recovery_weeks": int(back[0]) if back.size else np.nan,
                }
            )
    table = pd.DataFrame(rows)
    table["loss_over_gain"] = table["loss_one_betrayal"] / table["gain_one_honour"]
    write_summary(table, args)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.6))
    b0 = cfg["default_build_rate"]
    for ratio in cfg["trajectories"]:
        ax1.plot(after_betrayal(b0, ratio, start, min(weeks, 60)), label=f"loss/build = {ratio:g}")
    ax1.axhline(start, color="grey", lw=0.8, ls="--")
    ax1.set_xlabel("week (betrayal in week 0, then one honoured commitment a week)")
    ax1.set_ylabel("trust")
    ax1.set_title(f"trust after one betrayal (build rate {b0:g})")
    ax1.legend(fontsize=8)
    for build, rows_b in table.groupby("build_rate"):
        ax2.plot(rows_b["loss_ratio"], rows_b["recovery_weeks"], marker="o", label=f"build rate {build:g}")
    ax2.set_xlabel("loss ratio (trust lost per betrayal / build rate)")
    ax2.set_ylabel("weeks to recover the trust before the betrayal")
    ax2.set_title("recovery time")
    ax2.legend(fontsize=8)
    fig.suptitle(
        f"Trust asymmetry (start trust {start:g}, TrustLedger, deterministic{', QUICK' if args.quick else ''})"
    )
    save(fig, args, "trust_asymmetry")


if __name__ == "__main__":
    main()
