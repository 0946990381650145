"""A scenario written back out loads to the same scenario and the same model."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import CoalitionModel
from sim.model.organization import Organization
from sim.scenario import ScenarioError
from sim.scenario.load import available_scenarios, dump_scenario, load_scenario, parse_scenario
from tests.strategies import generated_document, generator_tables, odd_text, toml_text


@pytest.mark.parametrize("name", available_scenarios())
def test_load_dump_load_is_the_same_scenario(name):
    spec = load_scenario(name)
    again = parse_scenario(dump_scenario(spec), label="dumped.toml")
    assert again == spec
    assert dump_scenario(again) == dump_scenario(spec)


@pytest.mark.parametrize("name", ["chicago_absenteeism", "teen_substance_use", "random"])
def test_a_model_from_the_dumped_file_gives_identical_tables(name):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}_copy.toml"
        path.write_text(dump_scenario(load_scenario(name)), encoding="utf-8")
        models = [CoalitionModel(scenario, rng=7, steps=60) for scenario in (name, str(path))]
        for model in models:
            while model.running:
                model.step()
    tables = [m.datacollector.get_model_vars_dataframe() for m in models]
    assert tables[0].equals(tables[1])
    orgs = [m.datacollector.get_agenttype_vars_dataframe(Organization) for m in models]
    assert orgs[0].equals(orgs[1])


@settings(max_examples=30, deadline=None)
@given(generator=generator_tables)
def test_generated_scenarios_round_trip(generator):
    spec = parse_scenario(toml_text(generated_document(generator)))
    assert parse_scenario(dump_scenario(spec)) == spec


@settings(max_examples=200, deadline=None)
@given(
    title=odd_text.filter(str.strip),
    description=odd_text,
    org_name=odd_text.filter(str.strip),
    sector=odd_text.filter(str.strip),
    number=st.floats(0, 1),
)
def test_odd_text_and_numbers_round_trip(title, description, org_name, sector, number):
    spec = load_scenario("chicago_absenteeism")
    first = spec.organizations[0].model_copy(update=dict(name=org_name, sector=sector, reach=number))
    taken = {o.name for o in spec.organizations[1:]} | {spec.leader.name} | {c.name for c in spec.community}
    if org_name in taken:
        return
    header = spec.header.model_copy(update=dict(title=title, description=description))
    leader = spec.leader.model_copy(update=dict(sector=sector))
    spec = spec.model_copy(update=dict(header=header, organizations=(first,) + spec.organizations[1:], leader=leader))
    text = dump_scenario(spec)
    names = title + org_name + sector
    if any(ch.isspace() and ch not in " \u3000\xa0" or not ch.isprintable() for ch in names if ord(ch) < 0xA0):
        with pytest.raises(ScenarioError, match="control characters|must not be empty|text-direction overrides"):
            parse_scenario(text)
        return
    if any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in names):
        with pytest.raises(ScenarioError, match="text-direction overrides"):  # they turn a printed line backwards
            parse_scenario(text)
        return
    assert parse_scenario(text) == spec
