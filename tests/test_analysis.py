"""Fast checks of sim.analysis (Shapley values) and the ``coalition table`` command."""

import numpy as np
import pytest

from sim import run
from sim.cli import main as cli
from sim.runs.shapley import replicate_seeds, restrict, shapley_table
from sim.scenario.load import dump_scenario, load_scenario, parse_scenario

TOY_ORGS = ["Housing Authority", "Department of Public Health", "Community Foundation"]


def toy_spec():
    """Three Chicago organizations plus one with no role, an easier target, 80 weeks."""
    spec = restrict(load_scenario("chicago_absenteeism"), TOY_ORGS)
    nothing = dict(roles=(), budget=0.0, reach=0.0, touches=(), focus=0.0, records=(), authority=(), legitimacy=0.0)
    dummy = spec.organizations[0].model_copy(update=dict(name="Dummy", **nothing))
    pop = spec.population.model_copy(update=dict(target_rate=0.285, hold_steps=4))
    header = spec.header.model_copy(update={"steps": 80})
    return spec.model_copy(update=dict(organizations=spec.organizations + (dummy,), population=pop, header=header))


@pytest.fixture(scope="module")
def toy_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("toy") / "toy.toml"
    path.write_text(dump_scenario(toy_spec()), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def toy_table(toy_path):
    # the chance of reaching the goal: the toy reaches it in about 2 runs of 3 (the default value,
    # the fall in the rate, is checked on its own below)
    return shapley_table(toy_path, replicates=6, permutations=24, workers=0, params=dict(n_people=600), value="goal")


def test_replicate_seeds_are_stable_and_distinct():
    assert replicate_seeds(5) == replicate_seeds(5)
    assert replicate_seeds(3) == replicate_seeds(5)[:3]
    assert len(set(replicate_seeds(50))) == 50


def test_restrict_keeps_only_members_and_stays_loadable():
    spec = load_scenario("chicago_absenteeism")
    small = restrict(spec, ["Department of Public Health", "Housing Authority"])
    assert [o.name for o in small.organizations] == ["Department of Public Health", "Housing Authority"]
    # the leader's home sector (education) is gone: it moves to a sector that is left
    assert small.leader.sector in {o.sector for o in small.organizations}
    again = parse_scenario(dump_scenario(small))
    assert [o.name for o in again.organizations] == [o.name for o in small.organizations]
    everyone = restrict(spec, [o.name for o in spec.organizations])
    assert everyone.organizations == spec.organizations and everyone.leader == spec.leader
    with pytest.raises(ValueError):
        restrict(spec, [])


def test_efficiency_values_sum_to_grand_coalition(toy_table):
    total = sum(r.value for r in toy_table.rows)
    assert total == pytest.approx(toy_table.v_all - toy_table.v_empty, abs=1e-9)
    assert toy_table.v_empty == 0.0


def test_rows_ranked_with_roles_and_intervals(toy_table):
    values = [r.value for r in toy_table.rows]
    assert values == sorted(values, reverse=True)
    assert {r.name for r in toy_table.rows} == set(TOY_ORGS) | {"Dummy"}
    for r in toy_table.rows:
        assert r.low <= r.value + 1e-9 and r.value <= r.high + 1e-9
    roles = {r.name: r.roles for r in toy_table.rows}
    assert roles["Dummy"] == () and "data" in roles["Housing Authority"]
    text = toy_table.format()
    assert "Housing Authority" in text and "(no role)" in text and "smallest coalition" in text


def test_organization_without_roles_gets_about_zero(toy_table):
    """Tolerance 0.15: removing an organization reshuffles the random streams, so a dummy's
    marginal contributions are noise around 0 (common seeds cannot align them exactly)."""
    value = {r.name: r.value for r in toy_table.rows}
    assert abs(value["Dummy"]) <= 0.15, toy_table.format()
    assert value["Housing Authority"] > value["Dummy"] + 0.1, toy_table.format()


def test_smallest_coalition_reaches_threshold(toy_table):
    # The Dummy is not a null player: at the table it keeps small commitments, which builds
    # the others' trust (40 seeds: P(goal) 0.58 without it, 0.85 with it), so it may belong.
    assert toy_table.smallest is not None
    assert toy_table.smallest_value >= toy_table.threshold * toy_table.v_all
    assert set(toy_table.smallest) <= {r.name for r in toy_table.rows}
    assert "Housing Authority" in toy_table.smallest


def test_the_default_value_is_the_fall_in_the_rate(toy_path):
    params = dict(n_people=300, steps=30)
    table = shapley_table(toy_path, replicates=3, permutations=2, workers=0, params=params)
    runs = [run(scenario_name=toy_path, rng=seed, **params) for seed in replicate_seeds(3)]
    assert table.value == "reduction" and "how far the rate falls" in table.format()
    assert table.v_all == pytest.approx(np.mean([r["start_rate"] - r["final_rate"] for r in runs]), abs=1e-12)
    assert table.p_goal_all == np.mean([r["goal_reached"] for r in runs])
    assert sum(r.value for r in table.rows) == pytest.approx(table.v_all, abs=1e-12)
    assert (table.to_frame()["value"] == "reduction").all()


@pytest.mark.parametrize(
    "argv",
    [
        ["table", "no_such_scenario"],
        ["table", "chicago_absenteeism", "--replicates", "0"],
        ["table", "chicago_absenteeism", "--permutations", "x"],
        ["table", "chicago_absenteeism", "--threshold", "1.5"],
        ["table", "chicago_absenteeism", "--seed", "-1"],
        ["table", "chicago_absenteeism", "--set", "nope=1"],
        ["table", "chicago_absenteeism", "--set", "missing_role=data"],
    ],
)
def test_cli_bad_input_one_line_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_cli_prints_ranked_table(toy_path, capsys):
    argv = ["table", toy_path, "--replicates", "2", "--permutations", "2", "--workers", "0", "--steps", "20"]
    assert cli.main(argv + ["--set", "n_people=300"]) == 0
    out = capsys.readouterr().out
    assert "rank" in out and "Housing Authority" in out and "shapley" in out


def test_a_shapley_table_of_a_rare_outcome_shows_its_values():
    # an outcome of about 0.3% a week gives values of a few ten-thousandths: not "+0.000"
    from sim.runs.shapley_table import ShapleyRow, ShapleyTable

    rows = (ShapleyRow("Jail", ("data",), 0.00042, 0.0003, 0.0005), ShapleyRow("Police", ("data",), 0.00001, 0, 2e-5))
    text = ShapleyTable("opioids", rows, 0.00043, 0.0, 4, 6, 10, None, None, 0.8, 0.95).format()
    assert "+0.000420" in text and "[+0.000300, +0.000500]" in text and "+0.000 " not in text
    lines = text.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("rank"))
    rows = [line for line in lines if line.endswith("  data")]
    assert {line.index("data") for line in rows} == {header.index("roles")}  # the columns line up
    zero = ShapleyTable("x", (ShapleyRow("A", (), 0.0, 0.0, 0.0),), 0.0, 0.0, 4, 6, 10, None, None, 0.8, 0.95)
    assert "+0.000  " in zero.format()  # all zero: three decimals, not eight
