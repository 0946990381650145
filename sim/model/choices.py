"""Decisions a person can take for an agent (the participatory classroom), or leave to the model.

Every agent has ``choices``; a field left at ``None`` is decided by the model's own rules,
as in any run. A student playing an organization sets the member's fields for a round; a
student playing the convener sets the leader's. The mechanisms read these and nothing
else: the same run with every field ``None`` is the model's own run, draw for draw.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class MemberChoices:
    """What a person decides for a member (an organization or the community partner).

    Attributes:
        join: come to the table (accept an invitation, or come on one's own) or stay away.
        join_on_own: come to the table uninvited (True), or not (False); an invitation that
            arrives meanwhile is accepted with True and, with False, kept waiting for a
            decision on it (``join``), never declined for the member.
        commit: commit money and effort once at the table (also before trust says so).
        keep_pledges: pay each week's pledge (True) or break it (False).
        share: share the member's records (True) or keep or take them back (False).
        leave: leave now (True), or stay whatever the frustration (False).
    """

    join: bool | None = None
    join_on_own: bool | None = None
    commit: bool | None = None
    keep_pledges: bool | None = None
    share: bool | None = None
    leave: bool | None = None

    def clear(self) -> None:
        """Hand every decision back to the model."""
        for f in fields(self):
            setattr(self, f.name, None)


@dataclass
class LeaderChoices:
    """What a person decides for the convener.

    Attributes:
        invite: the nodes of the members to invite this week (the model's reach rules apply).
        broker: the nodes of the members to broker small commitments with.
        shared_metric: work on the shared measures this week, or not.
    """

    invite: frozenset | None = None
    broker: frozenset | None = None
    shared_metric: bool | None = None

    def clear(self) -> None:
        """Hand every decision back to the model."""
        for f in fields(self):
            setattr(self, f.name, None)
