"""Patterns files: the shipped ones load, mistakes are one line naming file, line and field."""

import re
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.runs.patterns import load_patterns
from sim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios" / "patterns").glob("*.toml"))

GOOD = """\
[patterns]
scenario = "traffic_fatalities"
outcome = "in a serious crash"
start = 1997-10-01
end = 2005-12-31

[[series]]
name = "deaths"
sd = 0.1
points = [
  { year = 1997, value = 570 },
  { year = 2005, value = 440 },
]

[[milestones]]
name = "first"
kind = "first_commitment"
date = 1998-06-01
sd_days = 90

[parameters]
build_rate = { low = 0.01, high = 0.2 }
"""


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_patterns_load_with_their_sources(path):
    p = load_patterns(path)
    assert p.spec.patterns.sources, "every shipped patterns file cites its sources"
    assert p.fitted and p.steps > 52


def test_targets_are_in_model_units(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    p = load_patterns(path)
    point, first = p.targets
    assert point.key == "deaths.2005" and point.observed == pytest.approx(440 / 570)
    assert (
        point.reference == (0, 14)
        and point.window[0] == (p.start.replace(year=2005, month=1, day=1) - p.start).days // 7
    )
    assert first.kind == "first_commitment" and first.observed == pytest.approx(243 / 7)
    assert first.sd == pytest.approx(90 / 7)
    assert p.steps == (p.spec.patterns.end - p.start).days // 7 + 1
    assert len(p.sha256) == 64


@pytest.mark.parametrize(
    "old, new, line, field, problem",
    [
        ("sd_days = 90", "sd_days = 90\nwhen = 3", 20, "milestones[0].when", "unknown key"),
        (
            'kind = "first_commitment"',
            'kind = "first_comitment"',
            17,
            "milestones[0].kind",
            "did you mean 'first_commitment'",
        ),
        ("sd = 0.1", "sd = -0.1", 9, "series[0].sd", "out of range"),
        ("start = 1997-10-01", 'start = "1997-10-01"', 4, "patterns.start", "expected a date"),
        (
            'outcome = "in a serious crash"',
            'outcome = "killed"',
            3,
            "patterns.outcome",
            "not what traffic_fatalities models",
        ),
        ("build_rate = { low", "buld_rate = { low", 22, "parameters.buld_rate", "did you mean 'build_rate'"),
        ("high = 0.2 }", "high = 20.0 }", 22, "parameters.build_rate.high", "above the maximum 5"),
        ("low = 0.01, high = 0.2", "low = 0.3, high = 0.2", 22, "parameters.build_rate.low", "not below high"),
        ("date = 1998-06-01", "date = 1996-06-01", 18, "milestones[0].date", "before the start"),
        (
            "{ year = 2005, value = 440 }",
            "{ year = 2005, value = 440, date = 2005-01-01 }",
            10,
            "series[0].points[1]",
            "either year or date",
        ),
        ("[parameters]", "[fixed]\nsteps = 10\n[parameters]", 22, "fixed.steps", "horizon comes from the calendar"),
        # as a sweep spec says it: a file's "100" is text (it was taken for a number here, refused there)
        ("[parameters]", '[fixed]\nn_people = "100"\n[parameters]', 22, "fixed.n_people", "without quotes"),
        ('name = "deaths"', 'name = "deaths"\nmeasure = "deaths"', 9, "series[0].measure", "not a model reporter"),
        # two patterns of one name: the fit keyed them by name and silently left one out
        ('name = "first"', 'name = "deaths"', 16, "milestones[0].name", "is also the name of series[0]"),
        ('name = "first"', 'name = "end_level"', 16, "milestones[0].name", "is also the name of end_level"),
        # two values of one year were both fitted without a word (an attacker's trial)
        (
            "{ year = 2005, value = 440 }",
            "{ year = 1997, value = 440 }",
            10,
            "series[0].points[1].year",
            "1997 is the time of points[0] too",
        ),
        # a date inside a year given too, two dates of one model step (a reviewer's probe)
        ("{ year = 2005, value = 440 }", "{ date = 1997-11-01, value = 440 }", 10, "series[0].points[1].date", "time"),
        (
            "{ year = 2005, value = 440 }",
            "{ year = 2005, value = 440 },\n  { date = 2005-06-01, value = 430 }",
            10,
            "series[0].points[2].date",
            "2005-06-01 is the time of points[1] too",
        ),
        # a scenario that is no scenario: said on this file's field, not only on the scenario file's
        ('scenario = "traffic_fatalities"', 'scenario = "missing.toml"', 2, "patterns.scenario", "missing.toml"),
    ],
)
def test_mistakes_are_one_line_with_file_line_and_field(tmp_path, old, new, line, field, problem):
    assert old in GOOD
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(ScenarioError) as err:
        load_patterns(path)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{path}:{line}: {field}: "), text
    assert problem in text, text


def test_a_pattern_the_scenario_cannot_produce_is_refused(tmp_path):
    from sim.scenario import dump_scenario, load_scenario

    sc = load_scenario("single_agency")
    orgs = tuple(o.model_copy(update={"roles": tuple(r for r in o.roles if r != "data")}) for o in sc.organizations)
    (tmp_path / "no_data.toml").write_text(dump_scenario(sc.model_copy(update={"organizations": orgs})))
    text = GOOD.replace('"traffic_fatalities"', '"no_data.toml"').replace('outcome = "in a serious crash"\n', "")
    path = tmp_path / "p.toml"
    path.write_text(text.replace('kind = "first_commitment"', 'kind = "first_data_shared"'))
    with pytest.raises(
        ScenarioError, match=r"p.toml:16: milestones\[0\]\.kind: single_agency has no organization with the data role"
    ):
        load_patterns(path)


def test_consecutive_years_that_share_a_model_step_are_two_times(tmp_path):
    # a start in late December made 1997 one step, inside 1998's first: refused as "the same time"
    text = GOOD.replace("start = 1997-10-01", "start = 1997-12-29").replace("{ year = 2005,", "{ year = 1998,")
    path = tmp_path / "late.toml"
    path.write_text(text)
    patterns = load_patterns(path)
    assert [t.key for t in patterns.targets if t.kind == "point"]


def test_the_cli_refuses_a_bad_patterns_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("sd_days = 90", "sd_days = 0"))
    assert main(["calibrate", "traffic_fatalities", "--patterns", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(rf"error: {re.escape(str(path))}:19: milestones\[0\]\.sd_days: .*out of range.*", err), err
    assert not (tmp_path / "o").exists()


def test_a_bare_scenario_name_is_the_shipped_one_whatever_lies_beside_the_file(tmp_path):
    # a file without .toml beside the patterns file, named like the scenario, stood in for it
    path = tmp_path / "iceland_youth.toml"
    path.write_text((ROOT / "scenarios" / "patterns" / "iceland_youth.toml").read_text(encoding="utf-8"))
    (tmp_path / "teen_substance_use").write_text((ROOT / "scenarios" / "single_agency.toml").read_text())
    assert load_patterns(path).scenario == "teen_substance_use"
