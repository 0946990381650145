"""Sweep specs: bad ones give exit 2 and one line naming the file and the field."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.runs import Design, load_spec, parse_spec, run_seed
from sim.runs.design import shard_range
from sim.scenario.load import SCENARIO_DIR as SCENARIOS

GOOD = """
scenario = "chicago_absenteeism"
steps = 8
replicates = 1
seed = 7
design = "grid"
samples = 256
[parameters]
patience = [4, 8]
[fixed]
leader = "system"
"""


def write(tmp_path, text, name="spec.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def sweep_error(tmp_path, capsys, text, *extra):
    path = write(tmp_path, text)
    code = main(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1", *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.strip().splitlines() if not line.startswith("note: ")]  # notes may come first
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("colour = 3\n" + GOOD, "colour", "unknown key"),
        (GOOD + "colour = 3\n", "fixed.colour", "unknown parameter"),
        (GOOD.replace("patience = [4, 8]", "patiance = [4, 8]"), "parameters.patiance", "did you mean 'patience'"),
        (GOOD.replace("seed = 7", 'seed = "seven"'), "seed", "expected a whole number"),
        (GOOD.replace("patience = [4, 8]", 'patience = [4, "x"]'), "parameters.patience[1]", "got the string 'x'"),
        (GOOD.replace("[4, 8]", "[true, 8]"), "parameters.patience[0]", "the boolean true is not"),
        # a quoted number is text in TOML: refused, not quietly read as the number
        (GOOD.replace("patience = [4, 8]", 'patience = [4, "8"]'), "parameters.patience[1]", "without quotes"),
        (GOOD.replace("patience = [4, 8]", "patience = [4, 9999]"), "parameters.patience[1]", "above the maximum"),
        (GOOD.replace("patience = [4, 8]", "patience = 4"), "parameters.patience", "expected a list"),
        (GOOD.replace('leader = "system"', 'leader = "boss"'), "fixed.leader", "not one of"),
        (
            GOOD.replace('design = "grid"', 'design = "lhs"').replace("[4, 8]", "{min = 30, max = 5}"),
            "parameters.patience.min",
            "not below max",
        ),
        (
            GOOD.replace('design = "grid"', 'design = "sobol"')
            .replace("256", "100")
            .replace("[4, 8]", "{min = 3, max = 5}"),
            "samples",
            "power of two",
        ),
        (  # 50 million points of 4 parameters: 1.5 GB built whole before a run (and 2 GB in SALib), refused
            GOOD.replace('design = "grid"', 'design = "sobol"')
            .replace("256", "8388608")
            .replace("patience = [4, 8]", "patience = [4, 8]\ninitial_trust = [0.1, 0.5]\ntranslation = [0, 1]")
            .replace("[fixed]", "shared_metric = [0, 1]\n[fixed]"),
            "samples",
            "1.5 GB built in memory before the first run",
        ),
        (
            GOOD.replace("[parameters]", 'preset = "/dev/null"\n[parameters]'),
            "preset",
            "/dev/null is not a file (a folder or a device)",
        ),
        (
            GOOD.replace('design = "grid"', 'design = "lhs"').replace("[4, 8]", "{min = 3, mx = 5}"),
            "parameters.patience.mx",
            "unknown key",
        ),
        (GOOD.replace("patience = [4, 8]", "steps = [4, 8]"), "parameters.steps", "at the top"),
        (GOOD.replace('design = "grid"', 'design = "factorial"'), "design", "expected one of grid, lhs, sobol"),
        (GOOD.replace("seed = 7\n", ""), "seed", "missing"),
        (GOOD.replace("patience = [4, 8]", "patience = [4, 8, 4.0]"), "parameters.patience[2]", "4.0 is listed twice"),
        (GOOD.replace("patience = [4, 8]", "patience = [4, 4]"), "parameters.patience[1]", ": 4 is listed twice"),
        ("", "(file)", "the file is empty"),
        ("scenario = [unclosed", "(file)", "not valid TOML"),
    ],
)
def test_bad_spec_is_one_line_naming_file_and_field(tmp_path, capsys, text, field, words):
    line = sweep_error(tmp_path, capsys, text)
    assert re.search(rf"spec\.toml(:\d+)?: {re.escape(field)}:", line), line
    assert words in line, line


def test_a_sampled_design_may_weight_an_option_by_listing_it_twice():
    spec = parse_spec(
        {
            "scenario": "single_agency",
            "seed": 1,
            "design": "lhs",
            "samples": 8,
            "parameters": {"leader": ["system", "system", "none"], "patience": {"min": 4, "max": 50}},
        }
    )
    assert spec.parameters["leader"] == ("system", "system", "none")


def test_missing_spec_file(tmp_path, capsys):
    code = main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")])
    assert code == 2 and "nope.toml: (file): no such file" in capsys.readouterr().err


def test_bad_shard_and_unknown_scenario(tmp_path, capsys):
    assert "--shard" in sweep_error(tmp_path, capsys, GOOD, "--shard", "2/2")
    # more shards than runs: refused before any folder or lock file is made (an attacker's trial)
    line = sweep_error(tmp_path, capsys, GOOD, "--shard", "0/999999999999")
    assert line == "error: --shard 0/999999999999: more shards than the sweep's 2 runs; use at most 2"
    assert not (tmp_path / "out").exists()
    line = sweep_error(tmp_path, capsys, GOOD.replace("chicago_absenteeism", "atlantis"))
    assert "atlantis" in line
    # a path that leads nowhere names the spec, its line and the field, and where it looked
    line = sweep_error(tmp_path, capsys, GOOD.replace('"chicago_absenteeism"', '"../nosuch.toml"'))
    assert re.search(r"spec\.toml:\d+: scenario: '\.\./nosuch\.toml' is no scenario", line), line
    assert str(tmp_path / "../nosuch.toml") in line


def test_a_scenario_is_never_read_from_the_folder_the_command_runs_in(tmp_path, capsys, monkeypatch):
    # a spec's path fell back to the current folder, and a bare name to any file or folder of that
    # name there: the same spec ran different scenarios depending on where it was run
    single = (SCENARIOS / "single_agency.toml").read_text(encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    (here / "mine.toml").write_text(single, encoding="utf-8")
    (here / "chicago_absenteeism").write_text(single, encoding="utf-8")  # a stand-in without .toml
    specs = tmp_path / "specs"
    specs.mkdir()
    monkeypatch.chdir(here)
    line = sweep_error(specs, capsys, GOOD.replace('"chicago_absenteeism"', '"mine.toml"'))
    assert re.search(
        r"spec\.toml:\d+: scenario: 'mine\.toml' is no scenario: there is no file .*specs/mine\.toml", line
    )
    spec = load_spec(write(specs, GOOD))  # the bare name: the shipped scenario, not the file here
    assert spec.scenario == "chicago_absenteeism"
    from sim.scenario.load import load_scenario

    assert (
        load_scenario("chicago_absenteeism").population.size
        == load_scenario(SCENARIOS / "chicago_absenteeism.toml").population.size
    )
    assert load_scenario("chicago_absenteeism").name != load_scenario(here / "chicago_absenteeism").name
    (here / "theirs").write_text(single, encoding="utf-8")
    with pytest.raises(
        Exception,
        match=r"theirs: \(file\): no such scenario file \(to read the file theirs in this folder, write ./theirs\)",
    ):
        load_scenario("theirs")
    (here / "mine.toml").write_text(single, encoding="utf-8")  # named without its .toml: a researcher's slip
    with pytest.raises(Exception, match=r"mine: .* \(to read the file mine.toml in this folder, write ./mine.toml\)"):
        load_scenario("mine")


def test_a_spec_scenario_that_is_no_scenario_is_named_on_the_specs_field(tmp_path, capsys):
    (tmp_path / "notes.toml").write_text("title = 'my notes'\n", encoding="utf-8")
    line = sweep_error(tmp_path, capsys, GOOD.replace('"chicago_absenteeism"', '"notes.toml"'))
    assert re.search(r"spec\.toml:\d+: scenario: .*notes\.toml", line), line


def test_a_key_that_does_nothing_in_its_design_gets_a_note(tmp_path, capsys):
    # samples with a grid, second_order with lhs: accepted without a word, as if they did something
    path = write(tmp_path, GOOD)  # a grid with samples = 256
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 0
    assert 'note: samples: does nothing with design = "grid"' in capsys.readouterr().err
    lhs = GOOD.replace('design = "grid"', 'design = "lhs"\nsecond_order = true').replace("[4, 8]", "{min = 4, max = 8}")
    spec = load_spec(write(tmp_path, lhs, "lhs.toml"))
    assert spec.notes() == ['note: second_order: does nothing with design = "lhs" (sobol only)']
    assert load_spec(write(tmp_path, GOOD.replace("samples = 256\n", ""), "plain.toml")).notes() == []


def test_changed_spec_is_refused(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0"]) == 0
    capsys.readouterr()
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0"]) == 0  # same spec: fine, nothing to do
    assert "2 were already on disk" in capsys.readouterr().out
    write(tmp_path, GOOD.replace("[4, 8]", "[4, 9]"))
    line = sweep_error(tmp_path, capsys, GOOD.replace("[4, 8]", "[4, 9]"))
    assert "manifest.json: spec:" in line and "changed: parameters: " in line
    assert (
        "[4.0, 8.0]} there" in line and "[4.0, 9.0]} here" in line
    )  # what the folder holds and what this call asked (a shard's mistake)
    write(tmp_path, GOOD)
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0", "--replicates", "3"]) == 0
    assert "ran 4 in" in capsys.readouterr().out  # more replicates: only the new runs
    line = sweep_error(tmp_path, capsys, GOOD, "--replicates", "2")
    assert "replicates: this sweep already has 3" in line


def test_designs_are_deterministic_and_cover_the_ranges(tmp_path):
    grid = Design(load_spec(write(tmp_path, GOOD.replace("replicates = 1", "replicates = 3"))))
    assert grid.n_runs == 6
    assert [grid.run(i)["params"]["patience"] for i in range(6)] == [4, 8, 4, 8, 4, 8]  # replicate-major
    assert [grid.run(i)["replicate"] for i in range(6)] == [0, 0, 1, 1, 2, 2]
    assert grid.run(5)["seed"] == run_seed(7, 5) != run_seed(7, 4)
    for design, n in (("lhs", 16), ("sobol", 16 * 4)):
        text = GOOD.replace('design = "grid"', f'design = "{design}"').replace("256", "16")
        text = text.replace("[4, 8]", "{min = 4, max = 52}\ninitial_trust = {min = 0.1, max = 0.9}")
        a, b = Design(load_spec(write(tmp_path, text))), Design(load_spec(write(tmp_path, text, "b.toml")))
        assert a.n_runs == n
        points = [a.point(j) for j in range(a.n_points)]
        assert points == [b.point(j) for j in range(b.n_points)]
        assert all(4 <= p["patience"] <= 52 and 0.1 <= p["initial_trust"] <= 0.9 for p in points)


def test_shards_partition_the_runs():
    for n_runs in (0, 1, 7, 100):
        for n in (1, 2, 3, 8):
            ids = [i for s in range(n) for i in shard_range(n_runs, (s, n))]
            assert ids == list(range(n_runs))


@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    replicates=st.integers(1, 4),
    seed=st.integers(0, 2**32),
)
def test_grid_runs_cover_every_point_and_replicate_once(counts, replicates, seed):
    names = ["patience", "initial_trust", "translation"][: len(counts)]
    values = {"patience": [4, 8, 13, 26], "initial_trust": [0.1, 0.3, 0.5, 0.7], "translation": [0, 0.2, 0.4, 0.6]}
    params = {n: values[n][:c] for n, c in zip(names, counts, strict=True)}
    spec = parse_spec({"scenario": "chicago_absenteeism", "seed": seed, "replicates": replicates, "parameters": params})
    design = Design(spec)
    runs = [design.run(i) for i in range(design.n_runs)]
    combos = {(tuple(r["params"][n] for n in names), r["replicate"]) for r in runs}
    assert len(combos) == design.n_runs == replicates * math.prod(counts)
    assert len({r["seed"] for r in runs}) == design.n_runs  # distinct seeds
    assert [r["run_id"] for r in runs] == list(range(design.n_runs))


def test_overriding_the_horizon_is_checked_against_the_goals_hold_as_the_file_is():
    import pytest

    from sim.errors import InputError

    spec = parse_spec({"scenario": "chicago_absenteeism", "seed": 1, "parameters": {"patience": [4]}})
    with pytest.raises(InputError, match="--steps 4: shorter than the scenario's population.hold_steps = 8"):
        spec.with_overrides(steps=4)
    assert spec.with_overrides(steps=8).steps == 8
