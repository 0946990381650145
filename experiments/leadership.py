"""Leadership: system vs point vs no leader, and the system leader with each skill off in turn.

Usage: ``python experiments/leadership.py [--quick] [--out DIR] [--workers N]``

The single-agency control runs the three leader modes on the shipped ``single_agency``
scenario: a problem inside one hospital, where point leadership should do as well.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import parse_args, save, spec_for, success_table, sweep, title_suffix, write_summary

SKILLS = ("translation", "trust_building", "shared_metric")
EXTRA = ("final_rate", "coalition_size", "roles_covered", "exits")


def main():
    args = parse_args("leadership", __doc__)
    spec = spec_for(args)
    frames = [sweep(args, spec).assign(arm=lambda d: d["leader"] + " leader")]
    for skill in SKILLS:
        arm = spec_for(args, parameters={"leader": ("system",)}, fixed={**spec.fixed, skill: 0.0})
        frames.append(sweep(args, arm, label=f"no_{skill}").assign(arm=f"system, no {skill}"))
    arm = spec_for(args, scenario="single_agency")
    frames.append(sweep(args, arm, label="control").assign(arm=lambda d: "control: " + d["leader"]))
    df = pd.concat(frames, ignore_index=True)
    table = success_table(df, ["arm"], extra=EXTRA)
    write_summary(table, args)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 4.6))
    x = np.arange(len(table))
    err = [table["p_goal"] - table["ci_low"], table["ci_high"] - table["p_goal"]]
    colors = ["tab:orange" if a.startswith("control") else "tab:blue" for a in table["arm"]]
    ax1.bar(x, table["p_goal"], yerr=err, capsize=4, color=colors)
    ax1.set_xticks(x, table["arm"], rotation=25, ha="right")
    ax1.set_ylabel("P(goal) with 95% Wilson interval")
    ax1.set_ylim(0, 1.05)
    ax1.set_title("goal reached")
    groups = [df.loc[df["arm"] == a, "final_rate"] for a in table["arm"]]
    ax2.boxplot(groups)
    ax2.set_xticks(x + 1, table["arm"], rotation=25, ha="right")
    ax2.set_ylabel("outcome rate at the horizon")
    ax2.set_title("final outcome rate")
    fig.suptitle(f"Leadership, {spec.scenario} {title_suffix(args, spec)}")
    save(fig, args, "leadership")


if __name__ == "__main__":
    main()
