"""A member's sense of progress: what it watches, its frustration, and when it leaves.

Kept apart from :mod:`sim.model.organization` (the member's other decisions) so that each
file holds one idea; :class:`PerceivesProgress` is mixed into :class:`~sim.model.organization.Organization`.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class PerceivesProgress:
    """Perceiving progress (a mixin of :class:`~sim.model.organization.Organization`).

    Attributes:
        model: the coalition model (its people, parameters, target, trust and shared measures).
        reach: the people it touches; ``metric``: the circumstance it watches (-1: the outcome).
        frustration: weeks without progress it could see; ``patience``: how many it bears.
        adopted_shared_metric: whether it watches the coalition's shared measures instead.
        choices: what a person decided for it (``leave``), else None.
    """

    model: Any
    reach: np.ndarray
    metric: int
    node: int
    patience: float
    frustration: float
    adopted_shared_metric: bool
    choices: Any
    _metric_ewma: dict
    _metric_best: dict

    at_table: Any  # a property of the member
    leave: Any  # the member's own leaving

    def indicators(self) -> dict:
        """What it watches: its own metric over the people it touches, or the shared measures.

        The shared measures are the coalition's dashboard (Kania & Kramer's shared
        measurement; Strive tracked 53 indicators): the outcome over everyone, and the
        prevalence of each circumstance the coalition believes holds at least
        ``min_system_share`` of the risk. Keys: ``-1`` for the outcome, else the circumstance.
        A member that touches nobody (its reach empty) has nothing of its own to watch: it
        watches the shared measures too.
        """
        people = self.model.people
        if self.adopted_shared_metric or self.reach.size == 0:
            return self.model.shared_measures()
        # counting is much cheaper than mean() on a bool array; a column view indexes fastest
        watched = people.outcome if self.metric < 0 else people.x[:, self.metric]
        return {self.metric: np.count_nonzero(watched[self.reach]) / self.reach.size}

    def perceive_progress(self) -> None:
        """Update frustration from what it watches; leave past its patience.

        Progress is any watched measure, smoothed, falling ``progress_margin`` below its best
        (or, on the shared measures, the outcome at or under the target).
        """
        if not self.at_table:
            return
        p = self.model.params
        a, margin = p.metric_smoothing, 1 - p.progress_margin
        ewmas, bests = self._metric_ewma, self._metric_best
        improved = False
        for key, value in self.indicators().items():
            ewma = value if key not in ewmas else (1 - a) * ewmas[key] + a * value
            best = bests.get(key, ewma)
            ewmas[key] = ewma
            if ewma < best * margin:
                improved = True
                best = ewma
            bests[key] = best
        # on the shared measures, a member also sees the coalition's target being met
        on_target = self.adopted_shared_metric and self._metric_ewma.get(-1, 1.0) <= self.model.target_rate
        if improved or on_target:
            self.frustration = 0.0
        else:
            honours = self.model.trust.observed_honours[self.node]
            self.frustration += 1.0 - min(p.max_relationship_relief, p.relationship_relief * honours)
        if self.choices.leave:
            self.leave("its players chose to leave", frustrated=False)
        elif self.frustration > self.patience and self.choices.leave is None:
            self.leave("lost patience")

    def use_shared_metric(self, adopted: bool) -> None:
        """Switch between the shared measures and its own; its memory of progress starts over."""
        if adopted != self.adopted_shared_metric:
            self.adopted_shared_metric = adopted
            self._metric_ewma, self._metric_best = {}, {}
