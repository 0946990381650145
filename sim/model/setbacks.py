"""What strikes the coalition from outside: setbacks and the competition for funding.

Each week a setback strikes with probability ``rate``; its kind is drawn with the
scenario's weights:

* **budget cut**: a member with resources loses ``budget_cut`` of its weekly budget;
* **staff turnover**: a member's trust in others moves ``turnover_reset`` of the way back
  to the starting level, and the new staff forget the shared metric;
* **data misuse**: a member that shares data misuses it; everyone at the table sees
  ``misuse_betrayals`` betrayals by it (trust loss is several times the gain of an honour).

Every ``funding_cycle`` weeks the organizations of each funding pool compete: the pool's
total is re-split with log-normal noise (``funding_noise``); a member at the table that
lost trusts the winners at the table less (one betrayal each). All are model parameters.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.roles import Capability


def strike(model) -> None:
    """Maybe strike one setback this week."""
    spec = model.spec.setbacks
    if model.rng.random() >= model.setback_rate:
        return
    kinds = ("budget_cut", "turnover", "misuse")
    weights = np.array([spec.budget_cut, spec.turnover, spec.misuse], dtype=float)
    if weights.sum() <= 0:
        return
    kind = kinds[int(model.rng.choice(3, p=weights / weights.sum()))]
    members = model.table_members()
    if kind == "budget_cut":
        victims = [m for m in members if m.can(Capability.PLEDGE_MONEY) and m.budget > 0]
        if victims:
            m = victims[int(model.rng.integers(len(victims)))]
            m.budget *= 1.0 - model.params.budget_cut
            model.log(f"setback: {m.name} had its budget cut by {model.params.budget_cut:.0%}")
    elif kind == "turnover":
        if members:
            m = members[int(model.rng.integers(len(members)))]
            model.trust.reset_towards(m.node, model.params.initial_trust, model.params.turnover_reset)
            m.use_shared_metric(False)
            model.log(f"setback: staff turnover at {m.name}; new people must build trust again")
    else:
        sharers = [m for m in members if m.sharing]
        if sharers:
            m = sharers[int(model.rng.integers(len(sharers)))]
            model.trust.broken_by_all(m.node, model.params.misuse_betrayals)
            model.log(f"setback: {m.name} misused shared data; trust in it fell")


def compete_for_funding(model) -> None:
    """Re-split each funding pool; losers at the table trust winners at the table less."""
    if model.steps == 0 or model.steps % model.params.funding_cycle:
        return
    pools: dict[str, list] = {}
    for org in model.organizations:
        if org.spec.funding_pool:
            pools.setdefault(org.spec.funding_pool, []).append(org)
    for name, orgs in pools.items():
        if len(orgs) < 2:
            continue
        budgets = np.array([o.budget for o in orgs])
        factors = np.exp(model.rng.normal(0.0, model.params.funding_noise, len(orgs)))
        new = factors * budgets
        new *= budgets.sum() / new.sum() if new.sum() > 0 else 0.0
        winners = [o for o, b0, b1 in zip(orgs, budgets, new, strict=True) if b1 > b0 and o.at_table]
        for org, b0, b1 in zip(orgs, budgets, new, strict=True):
            org.budget = float(b1)
            if b1 < b0 and org.at_table:
                for w in winners:
                    model.trust.broken(w.node, org.node)
        if winners:
            model.log(f"the {name} budget was divided up again between the organizations it funds", minor=True)
