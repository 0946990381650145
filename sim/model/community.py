"""Community partners: people who speak for those affected, joining like any member.

A community partner is an :class:`~sim.model.organization.Organization` whose mission is
the people's outcome itself. It comes to the table as any member does: invited (by the
leader or by a member it is tied to), or on its own (its mission distance, 0.29, is the
smallest a member can have, so it comes sooner than most). It builds trust by keeping its
small commitments, shares what it knows once its trust passes the sharing threshold, and
leaves when it loses patience.
What the community brings depends on the model's ``community`` mode, not on a free seat:

* *partner*: a genuine partner in diagnosis and solution: it shares what it knows
  (circumstances no agency records), lends its legitimacy (uptake of case work), and does
  case work for the people it reaches (roles data, legitimacy, touch);
* *consulted*: asked for its knowledge only (role data);
* *absent*: not part of the coalition at all (no agent).
"""

from __future__ import annotations

import numpy as np

from sim.model.organization import Organization
from sim.scenario.spec import OrganizationSpec

# the roles a community brings in each mode
MODE_ROLES = {"partner": ("touch", "data", "legitimacy"), "consulted": ("data",), "absent": ()}
SECTOR = "community"


def as_member(spec, mode: str) -> OrganizationSpec:
    """The organization a community partner joins as, in ``mode``."""
    return OrganizationSpec.model_construct(
        name=spec.name,
        short_name=spec.short_name,
        sector=SECTOR,
        mission={"outcome": 1.0},
        budget=0.0,
        metric="outcome",
        roles=MODE_ROLES[mode],
        reach=spec.reach,
        touches=(),
        focus=0.0,
        records=tuple(spec.knows) if "data" in MODE_ROLES[mode] else (),
        authority=(),
        legitimacy=spec.legitimacy if "legitimacy" in MODE_ROLES[mode] else 0.0,
        reliability=spec.reliability,
        patience=spec.patience,
        funding_pool="",
    )


class CommunityPartner(Organization):
    """A community organization or parents' council speaking for the people affected.

    Args:
        model: the :class:`sim.CoalitionModel`.
        spec: its :class:`sim.scenario.spec.CommunitySpec`.
        node: its node in the network.
        mode: ``"partner"`` or ``"consulted"`` (an absent community has no agent).
        reach: indices of the people it reaches.
        patience: weeks it tolerates without visible progress.
    """

    def __init__(self, model, spec, *, node: int, mode: str, reach: np.ndarray, patience: float):
        super().__init__(model, as_member(spec, mode), node=node, reach=reach, patience=patience)
        self.community_spec = spec
        self.mode = mode

    @property
    def knows(self) -> np.ndarray:
        """The circumstances it knows about (what it shares as records)."""
        return self.records
