"""Leadership: system vs point vs no leader, each skill off in turn, and the single-agency control.

Usage: ``python experiments/leadership.py [--quick] [--out DIR] [--workers N]``

The single-agency control runs the three leader modes on the shipped ``single_agency``
scenario: a problem inside one hospital, where point leadership should do as well.
"""

import matplotlib.pyplot as plt
import pandas as pd
from common import parse_args, save, spec_for, sweep, title_suffix, write_summary
from effects import outcome_table, plot_effects, plot_final_rates, plot_goal

SKILLS = ("translation", "trust_building", "shared_metric")


def main():
    args = parse_args("leadership", __doc__)
    spec = spec_for(args)
    frames = [sweep(args, spec).assign(arm=lambda d: d["leader"] + " leader")]
    for skill in SKILLS:
        arm = spec_for(args, parameters={"leader": ("system",)}, fixed={**spec.fixed, skill: 0.0})
        frames.append(sweep(args, arm, label=f"no_{skill}").assign(arm=f"system, no {skill}"))
    df = pd.concat(frames, ignore_index=True)
    table = outcome_table(df, ["arm"], reference="none leader")
    control = sweep(args, spec_for(args, scenario="single_agency"), label="control")
    control_table = outcome_table(control.assign(arm=lambda d: d["leader"] + " leader"), ["arm"], "none leader")
    write_summary(
        pd.concat([table.assign(scenario=spec.scenario), control_table.assign(scenario="single_agency")]), args
    )

    fig, axes = plt.subplots(2, 3, figsize=(17, 7.5))
    for row, (t, name) in enumerate(((table, spec.scenario), (control_table, "single_agency (control)"))):
        plot_final_rates(axes[row, 0], t, "arm")
        plot_effects(axes[row, 1], t, "arm", "no leader")
        plot_goal(axes[row, 2], t, "arm")
        axes[row, 0].set_title(name)
    fig.suptitle(f"Leadership {title_suffix(args, spec)}")
    fig.tight_layout()
    save(fig, args, "leadership")


if __name__ == "__main__":
    main()
