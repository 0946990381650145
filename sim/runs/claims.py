"""The chapter's claims as comparisons between arms, and their effect sizes.

Each :class:`Contrast` compares two arms of seeded replicates that share their seeds
(common random numbers): the difference in a run result (final rate, accuracy, ...) with
a paired t interval, and Vargha-Delaney A with a bootstrap interval; P(goal) with its
Wilson interval comes second. The validation tests, ``experiments/claims.py`` and the
boundary analysis read the same declarations, so a claim is stated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.runs import stats
from sim.scenario.roles import ROLE_TABLE

CROSS_BOUNDARY = ("chicago_absenteeism", "teen_substance_use", "traffic_fatalities", "homelessness_built_for_zero")


@dataclass(frozen=True)
class Contrast:
    """Arm ``better`` against arm ``worse`` on ``measure`` (``lower``: lower is better).

    Attributes:
        claim: the chapter's claim (DESIGN.md section 4), a few words.
        better: parameters of the arm the chapter says does better.
        worse: parameters of the other arm.
        measure: the run result compared.
        direction: ``"lower"`` or ``"higher"`` is better.
        scenario: the scenario both arms run.
        signature: further run results that show why, each with the direction it should move
            from ``better`` to ``worse`` (``+1``: up, ``-1``: down).
    """

    claim: str
    better: dict
    worse: dict
    measure: str = "final_rate"
    direction: str = "lower"
    scenario: str = "chicago_absenteeism"
    signature: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``better vs worse`` in parameter words."""
        return f"{_words(self.better)} vs {_words(self.worse)}"


def _words(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"


def leadership(scenario: str = "chicago_absenteeism") -> list[Contrast]:
    """Result 5: a system leader beats a point leader and no leader across boundaries."""
    sig = {"coalition_size": -1, "first_commitment": +1}
    return [
        Contrast("system leader beats point leader", {}, {"leader": "point"}, scenario=scenario, signature=sig),
        Contrast("system leader beats no leader", {}, {"leader": "none"}, scenario=scenario, signature=sig),
    ]


def community() -> list[Contrast]:
    """Result 4: community as partner beats consulted beats absent."""
    return [
        Contrast("partner beats consulted", {}, {"community": "consulted"}, signature={"uptake": -1, "reach": -1}),
        Contrast(
            "consulted beats absent",
            {"community": "consulted"},
            {"community": "absent"},
            signature={"diagnosis_accuracy": -1},
        ),
    ]


def roles() -> list[Contrast]:
    """Result 3: removing any role lowers success, each with its own signature."""
    out = []
    for role in ROLE_TABLE:
        sign = +1 if role.signature in ("final_rate",) else -1
        out.append(
            Contrast(f"the {role.name} role matters", {}, {"missing_role": role.name}, signature={role.signature: sign})
        )
    return out


def mechanisms() -> list[Contrast]:
    """Each mechanism switched off: its own signature moves (issue 12's switch-off tests)."""
    return [
        Contrast("translation brings members sooner", {}, {"translation": 0.0}, "declines", "lower"),
        Contrast("brokered commitments build trust", {}, {"trust_building": 0.0}, "mean_trust", "higher"),
        Contrast(
            "a shared metric keeps members at the table",
            {"patience": 26},
            {"patience": 26, "shared_metric": 0.0},
            "exits",
            "lower",
        ),
        Contrast(
            "kept meetings build trust in the leader", {}, {"leader_reliability": 0.0}, "trust_in_leader", "higher"
        ),
        Contrast(
            "members invite members when nobody convenes",
            {"leader": "none"},
            {"leader": "none", "member_invite_rate": 0.0},
            "members_joined",
            "higher",
        ),
        Contrast("the belief waits for evidence", {}, {"belief_z": 0.0}, "cause_changes", "lower"),
        Contrast("system changes keep paying off", {}, {"system_returns": 0.0}, "system_changes", "higher"),
    ]


def crutches() -> list[Contrast]:
    """What a sceptic asks of claims 1, 2, 6 and 7: the effect on fresh seeds, and each crutch removed.

    Not every one is expected to hold: ``docs/validation.md`` reports which do. Pooled records
    judged by what the coalition acts on (``belief_accuracy``; ``diagnosis_accuracy`` is 0 by
    definition when nothing is pooled); patience and trust one step apart at the grid's ends;
    the trust gates on money and data opened (thresholds below the starting trust) and the
    system changes' lag removed, each on the weeks to halve the gap; the trust rule's
    asymmetry removed (``loss_ratio = 1``).
    """
    open_gates = {"commit_threshold": 0.3, "share_threshold": 0.3}  # below the starting trust 0.35
    return [
        Contrast(
            "pooled records make the belief acted on more accurate",
            {},
            {"missing_role": "data"},
            "belief_accuracy",
            "higher",
            signature={"final_rate": +1},
        ),
        Contrast("patience helps (52 vs 13 weeks)", {"patience": 52}, {"patience": 13}, signature={"exits": +1}),
        Contrast(
            "trust helps (initial 0.5 vs 0.2)",
            {"initial_trust": 0.5},
            {"initial_trust": 0.2},
            signature={"first_commitment": +1},
        ),
        Contrast(
            "trust gates delay the first commitment",
            {},
            open_gates,
            "first_commitment",
            "higher",
            signature={"first_share": +1},
        ),
        Contrast(
            "trust gates delay halving the gap",
            {},
            open_gates,
            "steps_to_half_gap",
            "higher",
            signature={"final_rate": +1},
        ),
        Contrast(
            "the system changes' lag delays halving the gap",
            {},
            {"system_lag": 0},
            "steps_to_half_gap",
            "higher",
            signature={"final_rate": +1},
        ),
        Contrast(
            "betrayals costing 3 honours lower trust",
            {},
            {"loss_ratio": 1.0},
            "mean_trust",
            "lower",
            signature={"final_rate": -1},
        ),
    ]


@dataclass(frozen=True)
class Effect:
    """A contrast measured over paired replicates."""

    contrast: Contrast
    difference: stats.Estimate  # better minus worse
    a_measure: stats.Estimate  # P(better's run scores better than worse's)
    goal_better: stats.Estimate
    goal_worse: stats.Estimate
    signature: dict

    @property
    def holds(self) -> bool:
        """The interval of the difference lies wholly on the claimed side of zero."""
        sign = -1.0 if self.contrast.direction == "lower" else 1.0
        return self.difference.excludes == sign

    def row(self) -> dict:
        """One flat row for a table."""
        c = self.contrast
        out = {
            "claim": c.claim,
            "scenario": c.scenario,
            "arms": c.label,
            "measure": c.measure,
            "difference": self.difference.value,
            "low": self.difference.low,
            "high": self.difference.high,
            "A": self.a_measure.value,
            "A_low": self.a_measure.low,
            "A_high": self.a_measure.high,
            "p_goal_better": self.goal_better.value,
            "p_goal_worse": self.goal_worse.value,
            "holds": self.holds,
        }
        out.update({f"{k} (better - worse)": v.value for k, v in self.signature.items()})
        return out


def values(runs: list[dict], key: str) -> np.ndarray:
    """A run result over replicates as floats (a missing week reads as the horizon)."""
    return np.array([float(r["steps"] if r[key] is None else r[key]) for r in runs])


def measure(contrast: Contrast, better: list[dict], worse: list[dict]) -> Effect:
    """The effect sizes of ``contrast`` from its two arms' runs (replicate i shares a seed)."""
    a, b = values(better, contrast.measure), values(worse, contrast.measure)
    # A: the chance a run of the better arm scores better (lower, if lower is better)
    a_measure = stats.vargha_delaney(-a, -b) if contrast.direction == "lower" else stats.vargha_delaney(a, b)
    goals = [stats.wilson(sum(bool(r["goal_reached"]) for r in arm), len(arm)) for arm in (better, worse)]
    signature = {k: stats.difference(values(better, k), values(worse, k)) for k in contrast.signature}
    return Effect(contrast, stats.difference(a, b), a_measure, goals[0], goals[1], signature)
