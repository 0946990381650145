"""The README's Python examples run, so the docs cannot drift from the code."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("block", python_blocks(ROOT / "README.md"))
def test_readme_python_examples_run(block):
    exec(compile(block, "README.md", "exec"), {})


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, flags=re.S).group(1)
    assert first_block.splitlines()[0].startswith("make demo")
    assert first_block.splitlines()[1].startswith("make test")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_scenario_format_tables_are_made_from_the_schema():
    from sim.scenario.reference import refresh

    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert "<!-- fields: OrganizationSpec -->" in text and "<!-- roles -->" in text
    assert refresh(text) == text, "run: python -m sim.scenario.reference docs/scenarios.md"


def test_the_odd_parameter_table_is_made_from_the_parameter_table():
    from sim.model.reference import refresh

    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert "<!-- parameters -->" in text
    assert refresh(text) == text, "run: python -m sim.model.reference docs/ODD.md"


def test_every_parameter_says_where_its_default_comes_from():
    from sim.model.params import PARAMETERS

    for name, p in PARAMETERS.items():
        assert p.help and p.source and p.group, name
        assert p.kind in ("choice", "bool") or p.unit, name


def test_every_shipped_scenario_says_where_its_target_comes_from():
    from sim.scenario import available_scenarios, load_scenario

    for name in available_scenarios():
        assert load_scenario(name).population.target_source.strip(), name


def test_the_games_lesson_facts_are_what_the_game_gives():
    """docs/classroom.md, lesson 2: the block is what ``python -m tests.game_facts`` writes from the game."""
    from tests.game_facts import BEGIN, DOC, END, facts

    text = DOC.read_text(encoding="utf-8")
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == facts(), "run: python -m tests.game_facts"


def test_every_result_column_is_described_in_the_sweeps_doc():
    from sim.model.runner import run

    text = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    table = text.split("<!-- result columns")[1].split("\n\n")[0]
    described = {name for row in table.splitlines()[3:] for name in re.findall(r"`([^`]+)`", row.split(" | ")[0])}
    result = run("single_agency", steps=9, rng=1, n_people=200)
    table_name = {"steps": "steps_run"}  # the sweep table's name for it (steps is the horizon there)
    names = {"spent_on_<circumstance>" if k.startswith("spent_on_") else table_name.get(k, k) for k in result}
    assert names - described == set(), "describe these in docs/sweeps.md's result columns"
    assert described - names == set(), "these are described but not results"


def test_the_scenario_doc_lists_every_parameter_counted_in_weeks():
    from sim.model.params import PARAMETERS

    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    listed = text.split("<!-- weekly parameters")[1].split("-->", 1)[1].split(" with `--set`")[0]
    weekly = {n for n, p in PARAMETERS.items() if "week" in (p.unit or "")}
    assert set(re.findall(r"`([a-z_]+)`", listed)) == weekly
