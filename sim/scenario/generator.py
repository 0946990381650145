"""Random scenarios for scale and robustness tests: a ``[generator]`` table, expanded.

A scenario file with a ``[generator]`` table gets its population, organizations, leader
and community written by :func:`expand`, deterministically from the table's ``seed``::

    [generator]
    organizations = 40
    sectors = 6
    people = 20000
    seed = 7

The problem has ``circumstances - 1`` real causes and one *proxy* (like school
disengagement) that the causes raise and that weighs little; the first organization
records only the proxy, so with one owner's data the coalition blames the proxy. Every
role is held by at least one organization. Budgets and the price of a system change
scale with the number of people. The target is ``target_drop`` below the expected rate
with every circumstance at its prevalence, independently (:func:`independent_rate`).
``[network]``, ``[interventions]`` and ``[setbacks]`` may still be given; keys given there
win over generated ones.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, ValidationError

from sim.scenario.roles import ROLES
from sim.scenario.spec import Between, Section

REFERENCE_PEOPLE = 3000  # budgets below are per this many people (the teaching size)
WEEKLY_MONEY = 240.0  # all organizations together, per REFERENCE_PEOPLE people
SYSTEM_COST = 150.0  # price of a system change, per REFERENCE_PEOPLE people
BASELINE = -1.6  # log-odds of the outcome with no circumstance


class Generator(Section):
    """``[generator]``: a random problem of the real-world scenarios' shape."""

    organizations: Annotated[int, Between(1, 5000)] = Field(12, description="number of organizations")
    sectors: Annotated[int, Between(1, 1000)] = Field(4, description="number of sectors (at most one per organization)")
    people: Annotated[int, Between(1, 10_000_000)] = Field(3000, description="number of people")
    circumstances: Annotated[int, Between(2, 12)] = Field(6, description="circumstances: real causes plus one proxy")
    community: Annotated[int, Between(0, 20)] = Field(1, description="community groups")
    seed: Annotated[int, Between(0, 2**63 - 1)] = Field(0, description="the same seed writes the same scenario")
    target_drop: Annotated[float, Between(0.0, 0.95)] = Field(
        0.25, description="the target is this share below the expected rate of independent circumstances"
    )


def expand(data, steps: int, where) -> dict:
    """The scenario sections a ``[generator]`` table stands for.

    Args:
        data: the ``[generator]`` table as parsed.
        steps: the scenario's horizon (the goal must hold for at most that many weeks).
        where: a :class:`sim.scenario.messages.Where` for one-line errors.

    Returns:
        ``population``, ``organizations``, ``leader``, ``community`` and ``interventions`` (the
        price of a system change) as parsed TOML would hold them.
    """
    try:
        g = Generator.model_validate(data)
    except ValidationError as err:
        where.explain(err, Generator, loc_prefix=("generator",))
    n_orgs, people, k, n_community, drop = g.organizations, g.people, g.circumstances, g.community, g.target_drop
    n_sectors = min(g.sectors, n_orgs)
    hold = min(8, steps)
    rng = np.random.default_rng(g.seed)
    circs = _circumstances(rng, k)
    names = [c["name"] for c in circs]
    causes, proxy = names[:-1], names[-1]
    population = {
        "size": people,
        "outcome": "the outcome",
        "baseline": BASELINE,
        "circumstances": circs,
        "hold_steps": hold,
    }
    start = independent_rate(BASELINE, circs)
    rng.integers(2**32)  # the draw a sampled start once took: generated organizations stay as they were
    population["target_rate"] = round(start * (1.0 - drop), 4)
    population["target_source"] = (
        f"the generator's rule: {drop:.0%} below the expected rate of independent circumstances ({start:.4f})"
    )
    sectors = [f"sector {i + 1}" for i in range(n_sectors)]
    orgs = [
        _organization(rng, i, sectors[i % n_sectors], causes, proxy, people / REFERENCE_PEOPLE / n_orgs)
        for i in range(n_orgs)
    ]
    for role_index, role in enumerate(ROLES):  # every role held by someone
        _give_role(rng, orgs[role_index % n_orgs], role, causes)
    community = [
        {
            "name": f"community group {j + 1}",
            "reach": round(float(rng.uniform(0.05, 0.2)), 3),
            "knows": [str(c) for c in rng.choice(causes, min(2, len(causes)), replace=False)],
            "legitimacy": round(float(rng.uniform(0.3, 0.6)), 3),
        }
        for j in range(n_community)
    ]
    return {
        "population": population,
        "organizations": orgs,
        "community": community,
        "leader": {"name": "Backbone organization", "sector": sectors[0]},
        "interventions": {"system_cost": round(SYSTEM_COST * people / REFERENCE_PEOPLE, 4)},
    }


def _circumstances(rng: np.random.Generator, k: int) -> list[dict]:
    out = []
    for i in range(k - 1):
        out.append(
            {
                "name": f"cause_{i + 1}",
                "group": "cause",
                "prevalence": round(float(rng.uniform(0.04, 0.15)), 4),
                "duration": round(float(rng.uniform(12, 52)), 1),
                "weight": round(float(rng.uniform(0.6, 1.4)), 3),
                "raises": {"proxy": round(float(rng.uniform(0.5, 2.0)), 3)},
            }
        )
    out.append({"name": "proxy", "group": "proxy", "prevalence": 0.08, "duration": 12.0, "weight": 0.2})
    return out


def independent_rate(baseline: float, circumstances: list[dict]) -> float:
    """The expected outcome rate if every circumstance were drawn alone at its prevalence.

    Exact, over every combination of circumstances (at most 2**12). It ignores ``raises``,
    which make the raised circumstances (the proxy) more common than their prevalence, so a
    population's real starting rate lies somewhat above it.
    """
    prevalence = np.array([c["prevalence"] for c in circumstances])
    weights = np.array([c["weight"] for c in circumstances])
    codes = np.arange(2 ** len(circumstances))
    bits = (codes[:, None] >> np.arange(len(circumstances))) & 1
    p_code = np.prod(np.where(bits == 1, prevalence, 1.0 - prevalence), axis=1)
    return float(p_code @ (1.0 / (1.0 + np.exp(-(baseline + bits @ weights)))))


def _organization(rng, i: int, sector: str, causes: list, proxy: str, scale: float) -> dict:
    focus_on = str(rng.choice(causes))
    org = {
        "name": f"organization {i + 1}",
        "sector": sector,
        "mission": {"outcome": round(float(rng.uniform(0, 1)), 3), focus_on: 1.0},
        "budget": round(float(WEEKLY_MONEY * scale * rng.uniform(0.5, 1.5)), 4),
        "metric": "outcome" if rng.random() < 0.4 else focus_on,
        "roles": [],
        "reach": round(float(rng.uniform(0.0, 0.05)), 4),
        "touches": [focus_on],
        "focus": round(float(rng.uniform(0.2, 0.7)), 3),
        "reliability": round(float(rng.uniform(0.85, 0.95)), 3),
        "funding_pool": f"pool {i % 3 + 1}",
    }
    if i == 0:  # the obvious owner: records only the proxy, as schools record disengagement
        org.update(mission={"outcome": 1.0, proxy: 0.5}, metric="outcome", touches=[proxy])
        _give_role(rng, org, "data", [proxy])
    for role in ROLES:
        if i > 0 and rng.random() < 0.35:
            _give_role(rng, org, role, causes)
    return org


def _give_role(rng, org: dict, role: str, causes: list) -> None:
    """Add ``role`` to ``org`` with what the role needs (records, authority, budget...)."""
    if role in org["roles"]:
        return
    org["roles"].append(role)
    if role == "data":
        org["records"] = org.get("records") or sorted({org["touches"][0], str(rng.choice(causes))})
    elif role == "authority":
        org["authority"] = [org["touches"][0] if org["touches"][0] in causes else str(rng.choice(causes))]
    elif role == "legitimacy":
        org["legitimacy"] = round(float(rng.uniform(0.2, 0.5)), 3)
    elif role == "touch":
        org["reach"] = max(org["reach"], 0.03)
    elif role == "resources":
        org["budget"] = max(org["budget"], 1e-3)
