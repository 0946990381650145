"""Result 1: pooled data changes the diagnosis; accuracy grows with each data owner.

DESIGN.md section 4 and issue 12: with only the obvious owner's records (the schools') the
coalition blames the proxy (disengagement); as the other owners share, it finds the group
of real causes (instability). This must hold on every shipped scenario and on scenarios in
domains nobody tuned the diagnosis for, where a widely recorded proxy is correlated with a
narrowly recorded group of causes (tests/data/scenarios and generated ones below).
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import CoalitionModel
from sim.model.diagnosis import diagnose_people
from sim.model.people import People
from sim.scenario import scenario_from_dict

pytestmark = pytest.mark.validation

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "scenarios"
SCENARIOS = (
    "chicago_absenteeism",
    "teen_substance_use",
    "traffic_fatalities",
    "homelessness_built_for_zero",
    "domestic_violence_high_risk_team",
    str(FIXTURES / "childhood_asthma.toml"),
    str(FIXTURES / "youth_unemployment.toml"),
    # written by a reviewer from docs/scenarios.md alone: a widely recorded proxy the causes raise
    str(FIXTURES / "older_adult_food_insecurity.toml"),
    str(FIXTURES / "diabetes_repeat_ed.toml"),
)
SEEDS = range(6)
ORDERS = 3  # random orders of the other owners, besides the scenario's own
STEP_TOLERANCE = 0.03  # an owner whose records duplicate others' may leave accuracy flat


def owners(model):
    """The data owners in the scenario's order: the obvious owner (the schools) comes first."""
    return [m for m in model.members if m.records.size and m.reach.size]


def sequence(model, order):
    """Accuracy and group as the owners share one by one, in ``order``."""
    people, found = model.people, owners(model)
    sources, out = [], []
    for i in order:
        sources.append((found[i].reach, found[i].records))
        d = diagnose_people(people, sources)
        out.append((d.accuracy, d.group))
    return out


def curves(scenario):
    rows = []
    for seed in SEEDS:
        model = CoalitionModel(scenario, rng=seed)
        model.step()
        n = len(owners(model))
        rng = np.random.default_rng(seed)
        orders = [list(range(n))] + [[0, *(1 + rng.permutation(n - 1))] for _ in range(ORDERS)]
        rows += [sequence(model, order) for order in orders]
    return rows


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: Path(s).stem)
def test_accuracy_grows_with_each_owner_and_the_real_group_is_found(scenario):
    rows = curves(scenario)
    accuracy = np.array([[a for a, _ in r] for r in rows])
    mean = accuracy.mean(axis=0)
    msg = f"mean accuracy as owners share: {mean.round(2)}"
    assert np.all(np.diff(mean) >= -STEP_TOLERANCE), msg
    assert mean[-1] >= mean[0] + 0.3, msg
    proxy_group = rows[0][0][1]  # what the obvious owner's records alone point to
    found = [r[-1][1] != proxy_group for r in rows]
    assert np.mean(found) >= 0.9, f"{msg}; the obvious owner alone: {proxy_group}; all: {[r[-1][1] for r in rows]}"


def proxy_scenario(causes: int, wide: int, focus: float, weight: float, seed: int) -> dict:
    """A problem in no particular domain: ``causes`` related causes, each recorded by one
    narrow owner, and a proxy they raise, recorded by ``wide`` owners."""
    rng = np.random.default_rng(seed)
    names = [f"cause_{i}" for i in range(causes)]
    circs = [
        {
            "name": n,
            "group": "the causes",
            "prevalence": float(rng.uniform(0.05, 0.12)),
            "duration": float(rng.uniform(20, 60)),
            "weight": weight,
            "raises": {"proxy": float(rng.uniform(0.8, 2.0))},
        }
        for n in names
    ]
    circs.append({"name": "proxy", "group": "the proxy", "prevalence": 0.15, "duration": 10.0, "weight": 0.2})
    orgs = [
        {
            "name": f"wide {i}",
            "sector": "wide",
            "mission": {"proxy": 1.0},
            "budget": 10.0,
            "roles": ["data"],
            "reach": float(rng.uniform(0.2, 0.8)),
            "records": ["proxy"],
        }
        for i in range(wide)
    ]
    orgs += [
        {
            "name": f"narrow {n}",
            "sector": f"sector {n}",
            "mission": {n: 1.0},
            "budget": 10.0,
            "roles": ["data"],
            "reach": 0.03,
            "touches": [n],
            "focus": focus,
            "records": [n],
        }
        for n in names
    ]
    return {
        "scenario": {"name": "generated"},
        "population": {"size": 4000, "baseline": -2.0, "target_rate": 0.1, "circumstances": circs},
        "organizations": orgs,
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    causes=st.integers(2, 4),
    wide=st.integers(2, 6),
    focus=st.floats(0.4, 0.9),
    weight=st.floats(0.7, 1.4),
    seed=st.integers(0, 2**16),
)
def test_a_narrowly_recorded_group_beats_a_widely_recorded_proxy(causes, wide, focus, weight, seed):
    """Once the causes' owners share, the group of causes is named in most runs (3 or more of 5 populations)."""
    spec = scenario_from_dict(proxy_scenario(causes, wide, focus, weight, seed), label="generated")
    named = 0
    for run in range(5):
        rng = np.random.default_rng([seed, run])
        people = People(spec.population, spec.population.size, rng)
        for _ in range(4):
            people.change()
        people.draw_outcomes()
        sources = []
        for org in spec.organizations:
            touches = [people.names.index(c) for c in org.touches]
            reach = people.draw_reach(org.reach, touches, org.focus)
            sources.append((reach, np.array([people.names.index(c) for c in org.records])))
        named += diagnose_people(people, sources).group == "the causes"
    assert named >= 3, f"the group of causes named in {named} of 5 populations"


# Reading the records: a quarter of them, and a circumstance's prevalence among the people
# whose records observe it (the defaults), against Model 2's first reading (one week, over
# everyone; docs/validation.md, Result 1, "Over a whole run").
FIRST_READING = {"diagnosis_window": 1, "diagnosis_prevalence": "everyone"}
END_SEEDS = range(700100, 700108)  # fresh: not the seeds the experiment reports
OTHER_DOMAINS = [s for s in SCENARIOS if s.endswith(".toml")]


def at_the_end(scenario, seed, **params):
    """Whether a run's last belief names the real group (largest true share in week 0), and how often it changed."""
    model = CoalitionModel(scenario, rng=seed, **params)
    people, groups = model.people, np.array(model.people.groups)
    truth = people.true_shares()
    real = max(set(people.groups), key=lambda g: truth[groups == g].sum())
    while model.running:
        model.step()
    return model.diagnosis.group == real, model.cause_changes


def test_reading_a_quarter_where_observed_keeps_the_real_group_at_the_end():
    """In the four other-domain fixtures, over 8 fresh seeds each (32 paired runs).

    Tolerance: the first reading names the real group at the end in about 0.4-0.6 of runs,
    the defaults in about 0.95 (docs/validation.md); the test asks for at least 0.8, at least
    0.15 more than the first reading, and belief changes cut by at least a quarter.
    """
    first = [at_the_end(s, seed, **FIRST_READING) for s in OTHER_DOMAINS for seed in END_SEEDS]
    reading = [at_the_end(s, seed) for s in OTHER_DOMAINS for seed in END_SEEDS]
    named_first, changes_first = np.mean(first, axis=0)
    named_reading, changes_reading = np.mean(reading, axis=0)
    assert named_reading >= 0.8, named_reading
    assert named_reading >= named_first + 0.15, (named_first, named_reading)
    assert changes_reading <= 0.75 * changes_first, (changes_first, changes_reading)


# Out of sample: falls among older people (a reviewer's fixture written later), where the
# owners' case work clears the real causes among the very people whose records observe them.
FALLS = [str(FIXTURES / "older_falls_isolation.toml"), str(FIXTURES / "older_falls_isolation_3000_scaled.toml")]


def names_the_leading_group_at_the_end(scenario, seed, **params):
    """Whether a run's last belief names the group with the largest true share when it ends."""
    model = CoalitionModel(scenario, rng=seed, **params)
    while model.running:
        model.step()
    people, groups = model.people, np.array(model.people.groups)
    truth = people.true_shares()
    return model.diagnosis.group == max(set(people.groups), key=lambda g: truth[groups == g].sum())


def test_reach_that_turns_over_keeps_the_real_group_in_view_to_the_end():
    """Both falls fixtures, 8 fresh seeds each (16 paired runs): reach redrawn yearly on average.

    Tolerance: with the reach drawn once the group still leading at the end is named in about
    0.2 of runs (7 and 1 of 20), with ``reach_turnover = 52`` in about 0.8 (13 and 18 of 20;
    docs/validation.md, Result 1, "Reach that turns over"); the test asks for at least 0.3 more.
    """
    fixed = [names_the_leading_group_at_the_end(s, seed) for s in FALLS for seed in END_SEEDS]
    turning = [names_the_leading_group_at_the_end(s, seed, reach_turnover=52) for s in FALLS for seed in END_SEEDS]
    assert np.mean(turning) >= np.mean(fixed) + 0.3, (np.mean(fixed), np.mean(turning))
