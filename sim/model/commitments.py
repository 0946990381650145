"""Small commitments: how trust is built (or lost) week by week.

Each week every member at the table makes a small commitment of its own with chance
``base_commitment_rate``, and one more with chance ``trust_building`` when the leader
works with it (brokering adds to what members do alone; it never replaces it). Making a
commitment, the member meets another member (a new tie, if they had none); it keeps it
with its ``reliability``. An active leader also keeps or breaks its own commitment: the
meeting it promised every ``meeting_interval`` weeks, held with chance ``leader_reliability``.
Everyone at the table tied
to the promisor sees each outcome (:meth:`sim.model.trust.TrustLedger.honoured_by_all`).
"""

from __future__ import annotations


def commitment_round(model, brokered: frozenset) -> None:
    """This week's small commitments; ``brokered`` holds the nodes the leader works with."""
    p, ledger, rng = model.params, model.trust, model.rng
    members = model.table_members()
    if members:
        # per member: its own commitment, a brokered one, whom it meets, whether it keeps each
        draws = rng.random((len(members), 5)).tolist()  # plain floats: the same values, cheaper to compare
        for promisor, (own, extra, meets, keeps_own, keeps_extra) in zip(members, draws, strict=True):
            made = [keeps_own] if own < p.base_commitment_rate else []
            if promisor.node in brokered and extra < p.trust_building:
                made.append(keeps_extra)
            if not made:
                continue
            other = members[int(meets * len(members))]
            if other is not promisor:
                model.meet(promisor, other)
            kept = sum([draw < promisor.reliability for draw in made])
            if kept:
                ledger.honoured_by_all(promisor.node, kept)
            if len(made) - kept:
                ledger.broken_by_all(promisor.node, len(made) - kept)
    leader = model.leader
    if leader.active and model.steps % p.meeting_interval == 0:
        if rng.random() < p.leader_reliability:
            ledger.honoured_by_all(leader.node)
        else:
            ledger.broken_by_all(leader.node)
            model.log(f"{leader.name} called a meeting and then cancelled it", minor=True)
