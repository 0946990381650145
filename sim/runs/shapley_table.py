"""The table of who needs to be at the table: organizations' Shapley values, ranked, in words.

:func:`sim.runs.shapley.shapley_table` computes it; ``coalition table`` prints
:meth:`ShapleyTable.format` and writes :meth:`ShapleyTable.to_frame` as CSV; the classroom
page reads the CSV (:mod:`sim.viz.advice`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

VALUES = {
    "reduction": "how far the rate falls over the run ({step} 0 minus the end)",
    "goal": "the chance of reaching the goal",
}


@dataclass(frozen=True)
class ShapleyRow:
    """One organization's contribution to a coalition's value."""

    name: str
    roles: tuple
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class ShapleyTable:
    """Shapley values of a scenario's organizations, ranked, with the smallest coalition found.

    Attributes:
        scenario: the scenario's name.
        rows: one per organization, highest value first.
        v_all: the value with every organization.
        v_empty: the value of the empty coalition (0 by convention).
        value: what a coalition's value is (a key of :data:`VALUES`).
        p_goal_all: the probability of reaching the goal with every organization.
        replicates: seeds per coalition (the same seeds for every coalition).
        permutations: orderings sampled (antithetic pairs: each with its reverse).
        coalitions_run: distinct coalitions evaluated.
        smallest: the smallest coalition found reaching ``threshold`` of ``v_all`` (None if none did).
        smallest_value: its value.
        threshold: the share of ``v_all`` the smallest coalition had to reach.
        confidence: the level of the intervals.

    """

    scenario: str
    rows: tuple
    v_all: float
    v_empty: float
    replicates: int
    permutations: int
    coalitions_run: int
    smallest: tuple | None
    smallest_value: float | None
    threshold: float
    confidence: float
    value: str = "reduction"
    p_goal_all: float = 0.0
    step: str = "week"  # the scenario's step in words (a month for a monthly scenario)

    def to_frame(self):
        """Return the ranked rows as a pandas DataFrame (what ``coalition table --csv`` writes)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "rank": range(1, len(self.rows) + 1),
                "organization": [r.name for r in self.rows],
                "shapley": [r.value for r in self.rows],
                "low": [r.low for r in self.rows],
                "high": [r.high for r in self.rows],
                "roles": [" ".join(r.roles) for r in self.rows],
                "in_smallest_coalition": [r.name in (self.smallest or ()) for r in self.rows],
                "value": self.value,
            }
        )

    def format(self) -> str:
        """Return the table in plain text, for the terminal."""
        width = max([len(r.name) for r in self.rows] + [12])
        pct = round(100 * self.confidence)
        label = "P(goal | {})" if self.value == "goal" else "reduction({})"
        # as many decimals as give the largest value three significant digits (a rare outcome's are small)
        largest = max([abs(r.value) for r in self.rows] + [abs(self.v_all)])
        d = min(max(3, 2 - math.floor(math.log10(largest))), 8) if largest > 0 else 3
        value_width, interval_width = d + 4, 2 * d + 10  # "+0.ddd", "[+0.ddd, +0.ddd]"
        lines = [
            f"Who needs to be at the table? {self.scenario}: each organization's Shapley value for "
            f"{VALUES[self.value].format(step=self.step)}",
            f"{self.replicates} seeded replicates per coalition (the same seeds for all), {self.permutations} "
            f"orderings, {self.coalitions_run} coalitions run; {pct}% bootstrap intervals over seeds and orderings",
            "",
            f"{'rank':>4}  {'organization':<{width}}  {'shapley':>{value_width}}  "
            f"{f'{pct}% interval':>{interval_width}}  roles",
        ]
        for i, r in enumerate(self.rows, 1):
            interval = f"[{r.low:+.{d}f}, {r.high:+.{d}f}]"
            lines.append(
                f"{i:>4}  {r.name:<{width}}  {r.value:>+{value_width}.{d}f}  {interval:>{interval_width}}  "
                f"{', '.join(r.roles) or '(no role)'}"
            )
        total = sum(r.value for r in self.rows)
        lines += [
            "",
            f"sum of the values {total:.{d}f} = {label.format('everyone')} {self.v_all:.{d}f} "
            f"- {label.format('nobody')} {self.v_empty:.{d}f}",
            f"everyone together reaches the goal in {self.p_goal_all:.0%} of the runs",
        ]
        if self.smallest is None:
            lines.append(f"no coalition smaller than everyone found reaching {self.threshold:.0%} of everyone's value")
        else:
            lines.append(
                f"smallest coalition found reaching {self.threshold:.0%} of everyone's value: {len(self.smallest)} of "
                f"{len(self.rows)} organizations, value {self.smallest_value:.3f} "
                "(greedy by Shapley rank, then pruned; a heuristic, not an exhaustive search):"
            )
            lines += [f"  - {name}" for name in self.smallest]
        return "\n".join(lines)
