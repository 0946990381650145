"""Each kind of mistake in a scenario gets one line naming the file, line and field."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario.load import available_scenarios, load_scenario, parse_scenario
from sim.scenario.messages import ScenarioError

ROOT = Path(__file__).resolve().parents[1]

# a frozen copy of a shipped scenario, so that the line numbers below do not move when the
# shipped file is edited
BASE = (Path(__file__).parent / "data" / "scenario_for_error_tests.toml").read_text(encoding="utf-8")
COALITION = Path(sys.executable).with_name("coalition")

# (what to replace in chicago_absenteeism.toml, with what, the expected message after "bad.toml")
MISTAKES = {
    "unknown key": (
        'reliability = 0.88\nfunding_pool = "state"',
        'patiense = 3\nreliability = 0.88\nfunding_pool = "state"',
        ":133: organizations[2].patiense: unknown key; did you mean 'patience'?",
    ),
    "wrong type": (
        "budget = 30",
        'budget = "thirty"',
        ":140: organizations[3].budget: expected a number between 0 and 1e+12, got the string 'thirty'",
    ),
    "out of range": (
        "prevalence = 0.14",
        "prevalence = 1.4",
        ":56: population.circumstances[1].prevalence: 1.4 is out of range; expected a number between 1e-06 and 0.999",
    ),
    "not a whole number": (
        "size = 3000",
        "size = 3000.5",
        ":39: population.size: expected a whole number between 1 and 10000000, got 3000.5",
    ),
    "a whole number written with a decimal point": (
        "size = 3000",
        "size = 3000.0",
        ":39: population.size: expected a whole number between 1 and 10000000, got 3000.0; write it without the "
        "decimal point (3000)",
    ),
    "a whole number written with a decimal point, out of range": (
        "size = 3000",
        "size = 1e9",
        ":39: population.size: 1e+09 is out of range; expected a whole number between 1 and 10000000",
    ),
    "a group named as another circumstance": (
        'name = "health_problem"\ngroup = "instability"',
        'name = "health_problem"\ngroup = "disengagement"',
        ":55: population.circumstances[1].group: 'disengagement' is also a circumstance's name, so reports could "
        "not tell the group from that circumstance; name the group apart (e.g. 'disengagement_group'), and give "
        "that group to 'disengagement' too if it belongs",
    ),
    "NaN": (
        "mission = { transport_barrier = 1.0 }",
        "mission = { transport_barrier = nan }",
        ":197: organizations[7].mission.transport_barrier: expected a finite number between 0 and 100, got nan",
    ),
    "infinity": (
        "weight = 0.6",
        "weight = inf",
        ":82: population.circumstances[4].weight: expected a finite number between -20 and 20, got inf",
    ),
    "missing required field": (
        'name = "Housing Authority"\nsector = "housing"\n',
        'name = "Housing Authority"\n',
        ":165: organizations[5].sector: missing required field",
    ),
    "unknown circumstance": (
        'records = ["health_problem"]',
        'records = ["helth_problem"]',
        ":161: organizations[4].records[0]: 'helth_problem' is not a circumstance; did you mean 'health_problem'?",
    ),
    "a group instead of a circumstance": (
        'records = ["health_problem"]',
        'records = ["instability"]',
        ":161: organizations[4].records[0]: 'instability' is not a circumstance; it is a group: name its "
        "circumstances instead (",
    ),
    "unknown organization in a tie": (
        "within_sector = 0.9",
        'within_sector = 0.9\nties = [["Housing Authority", "Housing Authorit"]]',
        ":236: network.ties[0]: 'Housing Authorit' is not an organization, community partner or the leader; "
        "did you mean 'Housing Authority'?",
    ),
    "unknown sector": (
        'sector = "education"\n\n[[organizations]]',
        'sector = "edu"\n\n[[organizations]]',
        ":93: leader.sector: 'edu' is not the sector of any organization; expected one of child services, "
        "community, education, health, housing, philanthropy, social services, transport",
    ),
    "role without what it needs": (
        'roles = ["touch", "data"]\nreach = 0.1',
        'roles = ["touch", "data", "authority"]\nreach = 0.1',
        ":151: organizations[4].authority: an organization with the authority role must name the circumstances "
        "it can change",
    ),
    "duplicate name": (
        'name = "Parents\' council"',
        'name = "Housing Authority"',
        ":229: community[0].name: 'Housing Authority' is already the name of an organization, the leader or "
        "another community partner; names must be unique",
    ),
    "a leader named as an organization reads": (
        'name = "Chronic absence working group"',
        'name = "HOUSING authority"',
        ":92: leader.name: 'HOUSING authority' reads as 'Housing Authority', the name of an organization; names "
        "must differ in more than case, spaces or character width",
    ),
    "a name that reads as another": (  # an attacker's trial: one organization twice in the table's ranking
        'name = "Parents\' council"',
        'name = "housing authority "',
        ":229: community[0].name: 'housing authority ' reads as 'Housing Authority', the name of an organization, "
        "the leader or another community partner; names must differ in more than case, spaces, character width or "
        "invisible characters",
    ),
    "unknown role": (
        'roles = ["touch"]',
        'roles = ["tuch"]',
        ":115: organizations[1].roles[0]: 'tuch' is not a role; did you mean 'touch'?",
    ),
    "control character in a name": (
        'name = "Housing Authority"',
        'name = "Housing\\u001b[31mAuthority"',
        ":166: organizations[5].name: must not contain control characters or line breaks",
    ),
    "impossible prevalence": (
        "prevalence = 0.14",
        "prevalence = 0.99",
        ":56: population.circumstances[1].prevalence: 0.99 cannot be kept up by people who keep it 20 weeks",
    ),
    "goal longer than the horizon": (
        "steps = 156",
        "steps = 4",
        ":43: population.hold_steps: 8 weeks is longer than the horizon scenario.steps = 4; the goal could "
        "never be reached",
    ),
    "not TOML": ("hold_steps = 8", "hold_steps = = 8", ":43: (file): not valid TOML: Invalid value (column 14)"),
}


def test_a_monthly_scenarios_mistakes_are_said_in_months():
    monthly = BASE.replace("[scenario]\n", "[scenario]\ndays_per_step = 30\n", 1)
    with pytest.raises(ScenarioError, match="hold_steps: 8 months is longer than the horizon scenario.steps = 4"):
        parse_scenario(monthly.replace("steps = 156", "steps = 4", 1), label="bad.toml")
    with pytest.raises(ScenarioError, match="keep it 20 months on average: it needs .* onsets per person and month"):
        parse_scenario(monthly.replace("prevalence = 0.14", "prevalence = 0.99", 1), label="bad.toml")


@pytest.mark.parametrize("kind", sorted(MISTAKES))
def test_each_kind_of_mistake_names_the_line_and_field(kind):
    old, new, expected = MISTAKES[kind]
    assert old in BASE
    with pytest.raises(ScenarioError) as err:
        parse_scenario(BASE.replace(old, new, 1), label="bad.toml")
    assert str(err.value).startswith("bad.toml" + expected)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "bad.toml: (file): the file is empty; expected a TOML scenario (see docs/scenarios.md)"),
        (b"  \n# only a comment\n", "bad.toml: (file): the file has no settings"),
        (b'[scenario]\nname = "caf\xe9"\n', "bad.toml:2: (file): not UTF-8 text (byte 0xe9 at offset 22)"),
        (b"<html>not toml</html>", "bad.toml:1: (file): not valid TOML"),
        (b"[scenario]\n", "bad.toml: population: missing required table"),
        (b"[scenario]\nsteps = 10\n[generator]\npeople = 0\n", "bad.toml:4: generator.people: 0 is out of range"),
    ],
)
def test_file_level_mistakes(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value).replace(str(tmp_path) + "/", "")
    assert message.startswith(expected) and len(message.splitlines()) == 1


def test_a_missing_file_lists_the_shipped_scenarios():
    with pytest.raises(ScenarioError, match=r"^chicago_absentism: \(file\): no such scenario file; shipped scenarios"):
        load_scenario("chicago_absentism")


@pytest.mark.parametrize("given", [5, None, "", " ", "a\0b"])
def test_something_that_is_not_a_scenario_is_named_as_the_scenario(given):
    with pytest.raises(ScenarioError, match=r"^scenario .*: expected a scenario name, a path to a \.toml file or a"):
        load_scenario(given)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert load_scenario(path).population == parse_scenario(BASE, label="base.toml").population


def test_generator_and_hand_written_sections_do_not_mix():
    text = '[scenario]\n[generator]\n[[organizations]]\nname = "x"\n'
    with pytest.raises(ScenarioError, match=r"^t\.toml:3: organizations: cannot be given together with \[generator\]"):
        parse_scenario(text, label="t.toml")


def test_the_cli_prints_one_line_and_exits_2(tmp_path):
    old, new, expected = MISTAKES["unknown key"]
    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    done = subprocess.run(
        [str(COALITION), "run", str(path), "--steps", "2", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"error: {path}{expected}"]


@pytest.mark.parametrize("kind", ["NaN", "not TOML", "missing required field"])
def test_the_cli_in_process_prints_the_same_line(tmp_path, capsys, kind):
    from sim.cli.main import main

    old, new, expected = MISTAKES[kind]
    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    assert main(["run", str(path), "--steps", "2", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {path}{expected}"]


# bad CLI values (--steps, --seed, --set) are tested once, in tests/test_cli.py


def test_coalition_scenarios_lists_every_scenario_on_one_line_each():
    done = subprocess.run([str(COALITION), "scenarios"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    for name in available_scenarios():  # the shipped set itself is checked in test_scenario_library
        assert sum(line.split()[0] == name for line in lines) == 1
    assert not any("broken" in line for line in lines)


def test_a_case_must_be_affordable_in_a_year_of_the_scenarios_own_steps():
    """75 a step in all: a case dearer than a year of it is refused, a year counted in the file's steps
    (an edge-case trial: 366-day steps took a case of 50 years' budgets, daily ones refused an affordable one)."""
    from sim import CoalitionModel
    from sim.runs.shapley import restrict

    text = (ROOT / "scenarios" / "single_agency.toml").read_text(encoding="utf-8")
    weekly = text.replace("case_cost = 1.0", "case_cost = 4000.0")  # 52.2 weeks x 75 = 3913
    with pytest.raises(ScenarioError, match=r"interventions\.case_cost: 4000 is more than a year .*\(3913\.\d+\)"):
        parse_scenario(weekly)
    daily = weekly.replace("steps = 156\n", "steps = 156\ndays_per_step = 1\n")  # a year: 365 x 75
    assert parse_scenario(daily).interventions.case_cost == 4000
    yearly = text.replace("steps = 156\n", "steps = 10\ndays_per_step = 366\n").replace(
        "case_cost = 1.0", "case_cost = 80.0"
    )
    with pytest.raises(ScenarioError, match=r"interventions\.case_cost: 80 is more than a year"):
        parse_scenario(yearly)
    # a smaller coalition of a checked scenario (coalition table) runs though it could not afford a case
    spec = parse_scenario(text.replace("case_cost = 1.0", "case_cost = 3000.0"))
    small = restrict(spec, [spec.organizations[2].name])  # 5 a step: 261 a year
    assert CoalitionModel(small, rng=1, n_people=200).spec.organizations == small.organizations


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('group = "instability"', 'group = "Instability"', r"circumstances\[\d+\]\.group: .* reads as"),
        ('sector = "health"', 'sector = "Health"', r"sector: '[Hh]ealth' reads as '[Hh]ealth', another sector"),
        ('name = "Housing Authority"', 'name = "Chicago Public Schools\\u200b"', r"name: .* reads as 'Chicago Public"),
        ('name = "Housing Authority"', 'name = "Housing \\u202eAuthority"', "text-direction overrides"),
    ],
)
def test_names_that_read_alike_or_print_backwards_are_refused(old, new, said):
    """An edge-case trial: 'Home' beside 'home', 'Education' beside 'education' (two silos), a zero-width
    space in a name, a direction override: all were accepted and printed as look-alikes."""
    text = (ROOT / "scenarios" / "chicago_absenteeism.toml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ScenarioError, match=said):
        parse_scenario(text.replace(old, new, 1))
