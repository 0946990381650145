"""The shipped scenarios: each loads and runs, and each real-world one shows that pooling changes the diagnosis."""

import re

import numpy as np
import pytest
from hypothesis import given, settings

from sim import CoalitionModel
from sim.model.diagnosis import diagnose_people
from sim.runs.presets import load_preset
from sim.scenario.load import available_scenarios, load_scenario, parse_scenario
from tests.strategies import generated_document, generator_tables, toml_text

OWN = (
    "teen_substance_use",
    "traffic_fatalities",
    "homelessness_built_for_zero",
    "domestic_violence_high_risk_team",
    "single_agency",
    "random",
)
# the real-world scenarios, the organization whose records are the obvious single-agency view,
# and the circumstance that view blames (raised by the real causes, weighing little itself)
OBVIOUS_OWNER = {
    "teen_substance_use": ("Schools", "truancy"),
    "traffic_fatalities": ("Police", "speeding"),
    "homelessness_built_for_zero": ("Emergency shelters", "substance_use"),
    "domestic_violence_high_risk_team": ("Police", "repeat_police_calls"),
    "chicago_absenteeism": ("Chicago Public Schools", "disengagement"),
    # a domain not shipped, written by a reviewer from docs/scenarios.md alone
    "tests/data/scenarios/repeat_evictions.toml": ("Municipal Housing Court", "lease_dispute"),
    "tests/data/scenarios/older_falls_isolation.toml": ("GP practices", "isolation"),
    "tests/data/scenarios/rural_youth_homelessness.toml": ("County police", "antisocial_behaviour"),
    # held out: written later, not used to build or tune any mechanism
    "tests/data/scenarios/child_lead_poisoning.toml": ("Paediatric clinics network", "iron_deficiency"),
    "tests/data/scenarios/tb_treatment_dropout.toml": ("Safety-net hospital", "harmful_alcohol_use"),
    # held out too: a researcher's, 3 December 2026, a real group each recorded by one or two members
    "tests/data/scenarios/student_food_insecurity.toml": ("Registrar and academic advising", "missed_classes"),
    "tests/data/scenarios/hf_readmissions.toml": ("Regional medical centre", "recent_ed_visit"),
    # and a researcher's of the next session: weekly, four groups; monthly, nine circumstances, one recorded by nobody
    "tests/data/scenarios/maternal_depression.toml": ("Paediatric clinics", "missed_well_child"),
    "tests/data/scenarios/opioid_overdose_monthly.toml": ("Hospital emergency departments", "ed_visit_drug_use"),
}


def test_the_library_is_complete():
    shipped = set(available_scenarios())
    assert set(OWN) | {"chicago_absenteeism"} <= shipped


@pytest.mark.parametrize("name", available_scenarios())
def test_every_shipped_scenario_loads_and_runs_a_few_steps(name):
    spec = load_scenario(name)
    assert spec.name == name and spec.title and spec.header.description
    model = CoalitionModel(name, rng=1, n_people=min(spec.population.size, 3000))
    for _ in range(5):
        model.step()
    assert model.steps == 5
    assert 0.0 <= model.outcome_rate <= 1.0


@pytest.mark.parametrize("name", OWN)
def test_every_scenario_file_has_a_readme_header(name):
    from sim.scenario.load import SCENARIO_DIR

    text = (SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    joined = "\n".join(header)
    assert len(header) >= 10, "a README-style header of comments comes first"
    assert "What it shows" in joined and "Numbers" in joined
    assert "real-world.md" in joined, "the header says where the numbers come from"


def _diagnoses(name, owner_name, seed=1):
    model = CoalitionModel(name, n_people=20_000, rng=seed)
    people = model.people
    owners = [o for o in model.organizations if "data" in o.roles]

    def diagnosis(orgs):
        return diagnose_people(people, [(o.reach, o.records) for o in orgs])

    alone = diagnosis([o for o in owners if o.name == owner_name])
    return people, alone, diagnosis(owners)


@pytest.mark.parametrize("name", sorted(OBVIOUS_OWNER))
def test_pooling_data_changes_what_the_coalition_believes(name):
    owner, proxy = OBVIOUS_OWNER[name]
    people, alone, pooled = _diagnoses(name, owner)
    truth = dict(zip(people.names, people.true_shares(), strict=True))
    proxy_group = people.groups[people.names.index(proxy)]
    assert alone.cause == proxy, f"with {owner}'s records alone the coalition should blame {proxy}"
    assert truth[proxy] < 0.1, "the obvious record weighs little in truth"
    assert pooled.cause != proxy and truth[pooled.cause] >= 0.15, "pooled records find a real cause"
    assert pooled.group != proxy_group, "and a group of real causes"
    assert pooled.accuracy > alone.accuracy + 0.4


@pytest.mark.parametrize("seed", range(4))
def test_single_agency_needs_nobody_else_s_data(seed):
    """The control case: the hospital's own records give about the pooled diagnosis.

    Its three real causes weigh about the same (0.30-0.32 each), so which of them leads is
    a matter of sampling; what matters is that the hospital alone blames a real cause and is
    about as accurate as everyone's records pooled.
    """
    people, alone, pooled = _diagnoses("single_agency", "City General Hospital", seed)
    truth = dict(zip(people.names, people.true_shares(), strict=True))
    assert truth[alone.cause] >= 0.15 and truth[pooled.cause] >= 0.15
    assert alone.accuracy > 0.7 and abs(alone.accuracy - pooled.accuracy) < 0.1
    spec = load_scenario("single_agency")
    hospital = spec.organizations[0]
    assert set(hospital.roles) == {"touch", "data", "resources", "legitimacy", "authority"}
    assert hospital.sector == spec.leader.sector
    outsiders = [o for o in spec.organizations if o.sector != spec.leader.sector]
    assert outsiders and all(not o.roles and o.budget == 0 for o in outsiders)


def test_the_random_generator_is_deterministic_and_seeded():
    doc = {"organizations": 30, "sectors": 5, "people": 10_000, "seed": 3}
    a = parse_scenario(toml_text(generated_document(doc)))
    b = parse_scenario(toml_text(generated_document(doc)))
    c = parse_scenario(toml_text(generated_document({**doc, "seed": 4})))
    assert a == b and a != c
    assert len(a.organizations) == 30 and len({o.sector for o in a.organizations}) == 5
    assert a.population.size == 10_000
    roles = {r for o in a.organizations for r in o.roles}
    assert roles == {"touch", "data", "resources", "legitimacy", "authority"}


@settings(max_examples=40, deadline=None)
@given(generator=generator_tables)
def test_every_generator_table_gives_a_valid_scenario(generator):
    spec = parse_scenario(toml_text(generated_document(generator)))
    assert len(spec.organizations) == generator["organizations"]
    assert 0 < spec.population.target_rate < 1


def test_a_generated_scenario_at_scale_runs():
    from sim.scenario.load import SCENARIO_DIR

    text = (SCENARIO_DIR / "random.toml").read_text(encoding="utf-8")
    text = text.replace("organizations = 12", "organizations = 200").replace("people = 3000", "people = 50000")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.toml"
        path.write_text(text, encoding="utf-8")
        model = CoalitionModel(str(path), rng=2)
        model.step()
        model.step()
    assert len(model.organizations) == 200 and model.n_people == 50_000
    assert np.isfinite(model.outcome_rate)


def test_the_worked_example_in_the_docs_loads_and_runs(tmp_path):
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = next(b.split("```", 1)[0] for b in docs.split("```toml\n")[1:] if b.startswith("[scenario]"))
    path = tmp_path / "tiny.toml"
    path.write_text(example, encoding="utf-8")
    spec = load_scenario(path)
    assert spec.name == "tiny" and len(spec.organizations) == 2
    model = CoalitionModel(str(path), rng=1)
    for _ in range(3):
        model.step()
    # the preset example beside it is for a scenario of its own name: saved as such, it loads
    preset = next(b.split("```", 1)[0] for b in docs.split("```toml\n")[1:] if b.startswith("[preset]"))
    scenario = tmp_path / "lead_poisoning.toml"
    scenario.write_text(example.replace('name = "tiny"', 'name = "lead_poisoning"'), encoding="utf-8")
    (tmp_path / "lead_monthly.toml").write_text(preset, encoding="utf-8")
    assert load_preset(str(scenario), str(tmp_path / "lead_monthly.toml")).parameters["diagnosis_window"] == 3


RULE = r"(\d+)% (?:below|lower than) the (?:simulated )?start"  # a target stated as a rule, not a source's number
RULED = [n for n in available_scenarios() if re.search(RULE, load_scenario(n).population.target_source)]


def test_targets_stated_as_a_rule_are_found():
    assert {"single_agency", "traffic_fatalities"} <= set(RULED)


@pytest.mark.parametrize("name", RULED)
def test_a_target_stated_as_a_rule_follows_it(name):
    """A target written as "N% below the start" is N% below the start the model simulates (not a number tuned apart)."""
    population = load_scenario(name).population
    share = int(re.search(RULE, population.target_source).group(1)) / 100
    start = np.mean([CoalitionModel(name, rng=seed, n_people=3000).start_rate for seed in range(3)])
    assert population.target_rate == pytest.approx((1 - share) * start, abs=0.005)


@pytest.mark.parametrize("name", ["chicago_absenteeism", "chicago_city"])
def test_the_classrooms_missions_say_what_each_member_wants_less_of(name):
    """A teacher read "Less child welfare" and "Less health problem" as the opposite of what was meant."""
    from sim.classroom.briefing import mission_words

    model = CoalitionModel(name, rng=1, n_people=200)
    missions = {m.name: mission_words(model, m.spec.mission) for m in model.members}
    services = next(text for who, text in missions.items() if "Children and Family" in who)
    assert services == "Less child-welfare involvement above all; also less parental mental illness."
    assert "Less untreated illness" in " ".join(missions.values())
