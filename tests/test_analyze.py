"""``coalition analyze`` on tiny sweeps: intervals, arms, Sobol indices, PRIM boxes, the CLI."""

import re

import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main
from sim.runs import analyze as an
from sim.runs import parse_spec, run_sweep
from sim.runs.analyze_discovery import prim, sobol_note, sobol_table


def fake_run(scenario_name=None, steps=None, rng=None, leader="system", patience=52.0, initial_trust=0.35, **_):
    """A stand-in model with a known answer: a system leader helps only with patience over 50."""
    noise = np.random.default_rng(rng).normal(0, 0.01)
    rate = 0.3 - 0.1 * (leader == "system") * (patience > 50) - 0.2 * (initial_trust - 0.35) + noise
    return {
        "goal_reached": bool(rate < 0.25),
        "steps_to_goal": 10 if rate < 0.25 else None,
        "outcome_rate": rate,
        "exits": 1,
    }


def sweep(tmp_path, name, text):
    spec = parse_spec(__import__("tomllib").loads(text))
    run_sweep(spec, tmp_path / name, workers=0, run_fn=fake_run, progress=False)
    return tmp_path / name


GRID = """
scenario = "chicago_absenteeism"
replicates = 12
seed = 1
[parameters]
leader = ["system", "none"]
patience = [10, 100]
"""

SOBOL = """
scenario = "chicago_absenteeism"
seed = 2
design = "sobol"
samples = 64
[parameters]
patience = {min = 1, max = 40}
initial_trust = {min = 0, max = 1}
"""


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    return sweep(tmp_path_factory.mktemp("grid"), "grid", GRID)


def test_points_have_wilson_and_t_intervals(grid):
    s = an.load_sweep(grid)
    points = an.point_table(s, an.outcomes_of(s, None))
    assert len(points) == 4 and (points["runs"] == 12).all()
    best = points[(points["leader"] == "system") & (points["patience"] == 100)].iloc[0]
    assert best["p_goal"] == 1.0 and best["p_goal_low"] < 1.0 < best["p_goal_high"] + 1e-12
    assert best["outcome_rate_low"] < best["outcome_rate"] < best["outcome_rate_high"]
    assert best["outcome_rate"] == pytest.approx(0.2, abs=0.02)


def test_arms_show_an_effect_only_where_there_is_one(grid):
    s = an.load_sweep(grid)
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "outcome_rate")
    by = arms.set_index("patience")
    # the stand-in lowers the rate by 0.1 (noise sd 0.01): the interval is well below 0, the arms never overlap
    assert by.loc[100, "outcome_rate_diff_high"] < -0.05 and by.loc[100, "A"] == 0.0
    assert by.loc[10, "outcome_rate_diff_low"] < 0 < by.loc[10, "outcome_rate_diff_high"]
    with pytest.raises(an.AnalysisError, match="--compare: leader = point is not in this sweep"):
        an.parse_arms(s, "leader", "system,point")


def test_prim_boxes_the_cases_where_the_rate_is_low(grid):
    s = an.load_sweep(grid)
    result = prim(s.runs[s.varied], s.runs["outcome_rate"].to_numpy() < 0.25)
    box = result.box.set_index("parameter")
    assert box.loc["leader", "values"] == "system"
    assert box.loc["patience", "min"] > 10
    assert result.trajectory.loc[result.chosen, "density"] == 1.0


def test_prim_counts_an_event_that_never_happened_as_later_than_any_week(grid, tmp_path, capsys):
    """As A does: a goal never reached is above any week (NaN > 10 was False: such runs left out)."""
    never = int((~an.load_sweep(grid).runs["goal_reached"]).sum())
    args = ["analyze", str(grid), "--out", str(tmp_path / "a"), "--prim", "steps_to_goal", "--above", "10"]
    assert main(args) == 0
    assert f"steps_to_goal > 10 in {never} of 48 cases" in capsys.readouterr().out


def test_prim_names_no_role_missing_as_the_arms_do():
    # the kept category "" (no role missing) was an empty cell in prim_box.csv, "(none)" in arms.csv
    roles = ["", "touch", "data", "resources"] * 10
    x = pd.DataFrame({"missing_role": roles, "patience": np.linspace(10, 100, 40)})
    result = prim(x, np.array([r == "" for r in roles]))
    assert result.box.set_index("parameter").loc["missing_role", "values"] == "(none)"


def test_prim_on_few_cases_warns(grid, tmp_path, capsys):
    args = ["analyze", str(grid), "--out", str(tmp_path / "a"), "--by", "leader", "--compare", "system,none"]
    assert main([*args, "--prim", "difference", "--below", "-0.01"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"warning: --prim on \d cases \(strata\)", err), err
    assert main([*args, "--prim", "outcome_rate", "--below", "0.25"]) == 0  # 48 runs: no warning
    assert "warning: --prim" not in capsys.readouterr().err


def test_sobol_indices_find_the_parameter_that_matters(tmp_path, capsys):
    s = an.load_sweep(sweep(tmp_path, "sobol", SOBOL))
    table = sobol_table(s, "outcome_rate").set_index("parameter")
    assert table.loc["initial_trust", "ST_low"] > 0.7
    assert table.loc["patience", "ST"] < 0.1
    # the bootstrap intervals are seeded: the same sweep gives the same table every time
    pd.testing.assert_frame_equal(sobol_table(s, "outcome_rate"), sobol_table(s, "outcome_rate"))
    # an outcome that never varies has no indices (SALib gave 0 with [0, 0] intervals: certainty)
    with pytest.raises(an.AnalysisError, match=r"--sobol: exits is 1 at every design point .* undefined"):
        sobol_table(s, "exits")
    # an outcome missing in some runs (a goal never reached): each point's mean skipped them, or was
    # NaN, and SALib then gave every index 0 with [0, 0] intervals, without a word
    missing = int(s.runs["steps_to_goal"].isna().sum())
    assert 0 < missing < len(s.runs)
    with pytest.raises(an.AnalysisError, match=rf"steps_to_goal is missing in {missing} of .* --outcome goal_reached"):
        sobol_table(s, "steps_to_goal")
    # intervals too wide to rank the parameters are said (a researcher's N = 32 gave S1 = -1.87 without a word)
    width = max((table["S1_high"] - table["S1_low"]).max(), (table["ST_high"] - table["ST_low"]).max())
    note = sobol_note(table, 64)
    assert (note != "") == (width > 0.3)
    wide = table.assign(S1_low=table["S1"] - 0.5, S1_high=table["S1"] + 0.5)
    assert sobol_note(wide, 32).startswith(
        "note: an index's 95% interval is 1 wide: too few base samples (samples = 32)"
    )
    capsys.readouterr()
    assert main(["analyze", str(s.path), "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert ("note: an index's 95% interval" in out) == bool(note) and (not note or f"\n{note}\n" in out)


def test_cli_writes_tables_and_figures(grid, tmp_path, capsys):
    out = tmp_path / "analysis"
    args = ["analyze", str(grid), "--out", str(out), "--by", "leader", "--compare", "system,none"]
    assert main(args + ["--prim", "outcome_rate", "--below", "0.25"]) == 0
    text = capsys.readouterr().out
    assert (
        "4 design points" in text and "arms: leader: system minus none" in text and "PRIM: outcome_rate < 0.25" in text
    )
    for name in ("points.csv", "arms.csv", "prim_box.csv", "prim_trajectory.csv", "p_goal.png", "arms.png", "prim.png"):
        assert (out / name).stat().st_size > 0, name
    assert len(pd.read_csv(out / "points.csv")) == 4


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--by", "leader"], r"--by and --compare go together"),
        (["--by", "leeder", "--compare", "a,b"], r"--by: 'leeder' is not a varied parameter"),
        (["--outcome", "nope"], r"--outcome: 'nope' is not a numeric outcome column"),
        (["--outcomes", "outcome_rat"], r"--outcomes: 'outcome_rat' .* did you mean 'outcome_rate'\?"),
        (["--outcome", "seed"], r"--outcome: 'seed' is not a numeric outcome column"),
        (["--prim", "outcome_rate"], r"--prim: give --below X or --above X"),
        (["--sobol"], r"--sobol: .* is a grid design"),
        (["--by", "leader", "--compare", "system,point"], r"leader = point is not in this sweep"),
        (["--prim", "difference", "--below", "0"], r"--prim difference: needs --by and --compare"),
        (["--by", "leader", "--compare", "system,none", "--sobol"], r"--sobol: .* is a grid design"),
    ],
)
def test_cli_mistakes_are_one_line_and_write_nothing(grid, tmp_path, capsys, extra, message):
    assert main(["analyze", str(grid), "--out", str(tmp_path / "a"), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and re.search(message, err), err
    assert not (tmp_path / "a").exists()  # refused before any table or figure was written


def test_an_unfinished_sweep_is_analyzed_with_a_warning(grid, tmp_path, capsys):
    import json
    import shutil

    copy = shutil.copytree(grid, tmp_path / "grid")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["n_runs"] += 10  # as if ten runs were still to come
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert main(["analyze", str(copy), "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert f"48 of the {48 + 10} runs the sweep plans are finished" in err, err
    assert main(["analyze", str(grid), "--out", str(tmp_path / "b")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_resume_command_an_unfinished_sweep_is_told_works_as_given(tmp_path, capsys):
    # it said "coalition sweep SPEC --out DIR": refused for a sweep extended with --replicates,
    # and without its series folder
    import shlex

    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\nseries = true\n[parameters]\npatience = [4, 9]\n')
    out, series = tmp_path / "o", tmp_path / "se"
    argv = ["sweep", str(spec), "--out", str(out), "--series-out", str(series), "--replicates", "3", "--workers", "0"]
    assert main([*argv, "--chunk-size", "1"]) == 0
    sorted((out / "runs").glob("part-*.parquet"))[-1].unlink()  # as if killed before the last chunk
    capsys.readouterr()
    assert main(["analyze", str(out), "--out", str(tmp_path / "a")]) == 0
    told = re.search(
        r"resume it with (coalition sweep .*); a cluster's shards: add --shard I/N", capsys.readouterr().err
    )
    assert told, "no resume command"
    words = shlex.split(told.group(1))
    assert words[:2] == ["coalition", "sweep"] and "--replicates" in words and "--series-out" in words
    assert main([*words[1:], "--workers", "0"]) == 0
    assert "ran 1 in" in capsys.readouterr().out
    # a spec file edited since would be refused as a changed spec: the command then names no file
    sorted((out / "runs").glob("part-*.parquet"))[-1].unlink()
    spec.write_text(spec.read_text().replace("[4, 9]", "[4, 10]"))
    assert main(["analyze", str(out), "--out", str(tmp_path / "b")]) == 0
    assert f"resume it with coalition sweep SPEC --out {out}" in capsys.readouterr().err
    # the series folder given for the sweep's: it said "no finished runs yet"
    assert main(["analyze", str(series)]) == 2
    told = capsys.readouterr().err
    assert "the manifest of a sweep's series table, not of its runs" in told and f"--out folder, {out}" in told


def test_a_folder_that_is_no_sweep_is_refused(tmp_path, capsys):
    assert main(["analyze", str(tmp_path)]) == 2
    assert "not a sweep manifest" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: (folder): no such folder" in capsys.readouterr().err
    (tmp_path / "spec.toml").write_text("")  # the spec given for the sweep's folder
    assert main(["analyze", str(tmp_path / "spec.toml")]) == 2
    assert "spec.toml: (folder): a file, not a folder" in capsys.readouterr().err


def test_the_arms_table_keeps_one_type_a_column_and_the_pooled_row_apart(grid, tmp_path):
    out = tmp_path / "a"
    assert main(["analyze", str(grid), "--out", str(out), "--by", "leader", "--compare", "system,none"]) == 0
    arms = pd.read_csv(out / "arms.csv")
    assert arms["pooled"].tolist() == [True, False, False]
    assert pd.api.types.is_numeric_dtype(arms["patience"]) and arms["patience"].isna().tolist() == [True, False, False]
    assert arms.loc[arms["patience"] == 100, "runs_a"].item() == 12  # a filter on the number finds its row


def test_a_saved_arms_table_and_figure_say_what_was_compared(grid, tmp_path, monkeypatch):
    # arms.csv had no column for the arms, and arms.png's label named the output folder (a
    # variable of the same name was reused before the figure was drawn): files side by side
    # could not tell system minus none from none minus system
    from sim.runs import analyze_plots

    labels = []
    draw = analyze_plots.plot_arms

    def recorded(arms, outcome, label):
        labels.append(label)
        return draw(arms, outcome, label)

    monkeypatch.setattr(analyze_plots, "plot_arms", recorded)
    out = tmp_path / "a"
    assert main(["analyze", str(grid), "--out", str(out), "--by", "leader", "--compare", "none,system"]) == 0
    arms = pd.read_csv(out / "arms.csv")
    assert list(arms.columns[:3]) == ["by", "arm_a", "arm_b"]
    assert set(arms["by"]) == {"leader"} and set(arms["arm_a"]) == {"none"} and set(arms["arm_b"]) == {"system"}
    assert labels == ["leader: none minus system"]
    # its rows are named by the strata alone (the pairs count was read as one)
    s = an.load_sweep(grid)
    figure = analyze_plots.plot_arms(
        an.compare_arms(s, "leader", ("system", "none"), "outcome_rate"), "outcome_rate", ""
    )
    rows = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert rows[0] == "all" and all(re.fullmatch(r"patience=\d+", row) for row in rows[1:]), rows


def test_runs_without_a_value_do_not_count_for_the_difference_and_rank_last_for_a(grid):
    s = an.load_sweep(grid)
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "steps_to_goal")
    # with no leader the goal is never reached: no weeks to compare, so no difference in weeks
    assert (arms["values_b"] == 0).all() and arms["steps_to_goal_diff"].isna().all()
    assert (arms["runs_b"] > 0).all()
    # but A compares the arms where they differ most (a researcher's trial found it empty there): a goal
    # never reached is later than any week, so A (system's week later than none's) is half the share of
    # system runs that never reached it, ties counting half
    assert np.allclose(arms["A"], 0.5 * (1 - arms["p_goal_a"])), arms[["A", "p_goal_a"]]
    # an outcome that is no event's week keeps leaving missing values out of A (not ranking them last)
    runs = pd.DataFrame(
        {
            "leader": ["system", "system", "none", "none"],
            "goal_reached": [True, False, False, False],
            "outcome_rate": [0.1, np.nan, 0.2, 0.3],
            "steps_to_goal": [30.0, np.nan, np.nan, np.nan],
        }
    )
    row = an._arm_row(runs, "leader", "system", "none", "outcome_rate", {}, False, [])
    assert row["A"] == 0.0 and row["values_a"] == 1  # 0.1 is below both; the missing rate does not count
    row = an._arm_row(runs, "leader", "system", "none", "steps_to_goal", {}, False, [])
    assert row["A"] == 0.25  # week 30 earlier than never (0), never tied with never (1/2): of 4 pairs, 1/2 / 2


LHS = """
scenario = "chicago_absenteeism"
seed = 3
design = "lhs"
samples = 80
[parameters]
leader = ["system", "none"]
patience = {min = 40, max = 200}
community = ["partner", "absent"]
"""


def test_a_sampled_designs_ranges_are_averaged_over_and_its_listed_values_are_strata(tmp_path, capsys):
    folder = sweep(tmp_path, "lhs", LHS.replace('community = ["partner", "absent"]\n', ""))
    s = an.load_sweep(folder)
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "outcome_rate")
    # no two sampled points share a patience: strata of it would hold one run each (0 on one side)
    assert len(arms) == 1 and bool(arms["pooled"].iloc[0]) and (arms[["runs_a", "runs_b"]] > 0).all(axis=None)
    assert arms["outcome_rate_diff_high"].iloc[0] < 0  # the stand-in's system leader helps (patience > 50)
    argv = ["analyze", str(folder), "--by", "leader", "--compare", "system,none", "--prim", "difference"]
    assert main([*argv, "--below", "0", "--out", str(tmp_path / "an")]) == 2
    assert "no other varied parameter with listed values" in capsys.readouterr().err
    assert not (tmp_path / "an").exists()
    # a listed parameter of a sampled design takes few values: those are strata
    s = an.load_sweep(sweep(tmp_path, "lhs2", LHS))
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "outcome_rate")
    assert list(arms["pooled"]) == [True, False, False] and set(arms["community"].dropna()) == {"partner", "absent"}
    assert "patience" not in arms and (arms[["runs_a", "runs_b"]] > 3).all(axis=None)


def test_compare_names_the_empty_choice_of_missing_role():
    # missing_role's "" (no role missing) is an arm a researcher compares against: "touch," names it
    from types import SimpleNamespace

    s = SimpleNamespace(varied=["missing_role"], runs=pd.DataFrame({"missing_role": ["", "touch", "data"]}))
    for text in ("touch,", "touch,''", 'touch,""', " touch , ", "touch,(none)"):  # (none): as analyze names it
        assert an.parse_arms(s, "missing_role", text) == ("touch", "")
    with pytest.raises(an.AnalysisError, match="the same arm twice"):
        an.parse_arms(s, "missing_role", ",")
    patience = SimpleNamespace(varied=["patience"], runs=pd.DataFrame({"patience": [8.0, 13.0]}))
    with pytest.raises(an.AnalysisError, match="the same arm twice"):
        an.parse_arms(patience, "patience", "8,8.0")  # one value, written twice
    with pytest.raises(an.AnalysisError, match=r"missing_role = \(none\) is not in this sweep"):
        an.parse_arms(
            SimpleNamespace(varied=["missing_role"], runs=pd.DataFrame({"missing_role": ["data"]})),
            "missing_role",
            "data,",
        )
    with pytest.raises(an.AnalysisError, match="expected two values of leader"):
        an.parse_arms(SimpleNamespace(varied=["leader"], runs=pd.DataFrame({"leader": ["none"]})), "leader", "none,")


def test_few_runs_in_an_arm_are_noted(grid):
    s = an.load_sweep(grid)
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "outcome_rate")
    assert an.few_runs_note(arms) == ""  # 12 runs an arm
    few = arms.assign(runs_b=arms["runs_b"].where(arms["pooled"], 3))
    assert "only 3 runs" in an.few_runs_note(few) and "[1, 1]" in an.few_runs_note(few)


def test_one_run_has_no_interval_rather_than_a_zero_width_one():
    one = an.mean_interval([0.25])
    assert one.value == 0.25 and np.isnan(one.low) and np.isnan(one.high)
    two = an.mean_interval([0.2, 0.3])
    assert two.low < 0.25 < two.high


def shared_luck_run(scenario_name=None, steps=None, rng=None, leader="system", patience=52.0, **_):
    """A stand-in model where chance is large and shared: the seed's own luck, patience's +0.05, then a
    leader's -0.01 give or take the seed's own response to a leader (the same at every patience: the
    strata's differences are copies)."""
    luck, response = np.random.default_rng(rng).normal(0, [0.05, 0.005])
    rate = 0.3 + luck + 0.05 * (patience > 50) + (-0.01 + response) * (leader == "system")
    return {"goal_reached": bool(rate < 0.25), "steps_to_goal": None, "outcome_rate": rate, "exits": 0}


@pytest.mark.parametrize("common", [True, False])
def test_common_seeds_pair_the_arms_run_by_run(tmp_path, common):
    """With ``common_seeds`` replicate i of every point has one seed, and analyze differences pairs:
    the luck the arms share drops out; without, each run has its own luck. A seed is the unit: the
    pooled row averages each seed over the strata (copies of one another here), so its interval is a
    stratum's, not narrower for counting each seed twice."""
    text = GRID.replace("seed = 1", f"seed = 1\ncommon_seeds = {str(common).lower()}")
    spec = parse_spec(__import__("tomllib").loads(text))
    run_sweep(spec, tmp_path / "s", workers=0, run_fn=shared_luck_run, progress=False)
    s = an.load_sweep(tmp_path / "s")
    by_replicate = s.runs.groupby("replicate")["seed"].nunique()
    assert (by_replicate == (1 if common else 4)).all()
    arms = an.compare_arms(s, "leader", ("system", "none"), "outcome_rate")
    width = arms["outcome_rate_diff_high"] - arms["outcome_rate_diff_low"]
    if common:
        assert (arms["pairs"] == 12).all()  # 12 seeds, in the pooled row too
        assert width.iloc[0] == pytest.approx(width.iloc[1]) and width.iloc[0] < 0.01
        assert arms["outcome_rate_diff"].iloc[0] == pytest.approx(arms["outcome_rate_diff"].iloc[1])
    else:
        assert (arms["pairs"] == 0).all() and width.iloc[0] > 0.02


def test_common_seeds_is_part_of_the_spec_a_resume_compares(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    one_run_each = GRID.replace("replicates = 12", "replicates = 1").replace("patience = [10, 100]", "patience = [10]")
    spec.write_text(one_run_each)
    out = str(tmp_path / "out")
    assert main(["sweep", str(spec), "--out", out, "--steps", "8", "--workers", "0"]) == 0
    spec.write_text(spec.read_text().replace("seed = 1", "seed = 1\ncommon_seeds = true"))
    capsys.readouterr()
    assert main(["sweep", str(spec), "--out", out, "--steps", "8", "--workers", "0"]) == 2
    assert "different spec (changed: common_seeds: not given there, true here)" in capsys.readouterr().err


def test_arms_that_never_overlap_are_noted_and_whole_numbers_read_as_written(grid):
    s = an.load_sweep(grid)
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "outcome_rate")
    apart = arms[arms["patience"] == 100]
    assert apart["A"].iloc[0] == 0.0  # the leader helps with patience 100: every run lower
    note = an.separation_note(arms, "outcome_rate")
    assert f"in {int(arms['A'].isin((0.0, 1.0)).sum())} of 3 rows" in note
    assert an.separation_note(arms[arms["patience"] == 10], "outcome_rate") == ""
    assert an.arm_name(52.0) == "52" and an.arm_name(0.5) == "0.5" and an.arm_name("") == "(none)"


def test_a_file_no_analysis_wrote_is_never_replaced(grid, tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "points.csv").write_text("my,precious,data\n")
    assert main(["analyze", str(grid), "--out", str(mine)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "points.csv is there and no analysis wrote it" in err[0]
    assert (mine / "points.csv").read_text() == "my,precious,data\n" and sorted(p.name for p in mine.iterdir()) == [
        "points.csv"
    ]
    again = tmp_path / "again"  # an analysis's own files are replaced by the next analysis
    assert main(["analyze", str(grid), "--out", str(again)]) == 0
    assert main(["analyze", str(grid), "--out", str(again), "--by", "leader", "--compare", "system,none"]) == 0


def test_a_resume_with_the_parameters_in_another_order_is_refused_for_that_reason(tmp_path, capsys):
    """The order numbers the grid's points (run_id -> point): refused, but not as if the model had changed."""
    spec = tmp_path / "spec.toml"
    spec.write_text(GRID.replace("replicates = 12", "replicates = 1"))
    out = str(tmp_path / "out")
    assert main(["sweep", str(spec), "--out", out, "--steps", "8", "--workers", "0"]) == 0
    swapped = GRID.replace("replicates = 12", "replicates = 1").replace(
        'leader = ["system", "none"]\npatience = [10, 100]', 'patience = [10, 100]\nleader = ["system", "none"]'
    )
    assert swapped != spec.read_text()
    spec.write_text(swapped)
    capsys.readouterr()
    assert main(["sweep", str(spec), "--out", out, "--steps", "8", "--workers", "0"]) == 2
    assert "different spec (changed: the order of [parameters]" in capsys.readouterr().err


def test_an_unfinished_common_seeds_sweep_pairs_a_seed_only_where_both_arms_ran_it(tmp_path):
    """A missing run (a part not yet written) must not leave a seed's mean over two strata against one."""
    text = GRID.replace("seed = 1", "seed = 1\ncommon_seeds = true")
    spec = parse_spec(__import__("tomllib").loads(text))
    run_sweep(spec, tmp_path / "s", workers=0, run_fn=shared_luck_run, progress=False)
    s = an.load_sweep(tmp_path / "s")
    # drop the 'none' run at patience 100 of three seeds, as an unfinished sweep would lack them
    lost = s.runs[(s.runs.leader == "none") & (s.runs.patience == 100)].index[:3]
    s.runs = s.runs.drop(lost).reset_index(drop=True)
    arms = an.compare_arms(s, "leader", ("system", "none"), "outcome_rate")
    pooled = arms[arms["pooled"]].iloc[0]
    # the stand-in's strata are copies: each seed's difference is the same whichever strata count
    assert pooled["outcome_rate_diff"] == pytest.approx(arms["outcome_rate_diff"].iloc[1])
    assert pooled["pairs"] == 12 and arms["pairs"].tolist() == [12, 12, 9]


def test_arms_whose_runs_all_tie_are_noted(grid):
    # neither arm reaches the goal: every run ties on its week (a researcher read A = 0.5 [0.5, 0.5] as
    # "no difference" without a word)
    s = an.load_sweep(grid)
    s.runs["steps_to_goal"], s.runs["goal_reached"] = np.nan, False
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "steps_to_goal")
    assert (arms["A"] == 0.5).all() and (arms["A_low"] == 0.5).all()
    note = an.tied_note(arms, "steps_to_goal")
    assert note.startswith(
        f"note: in {len(arms)} of {len(arms)} rows every run of both arms has the same steps_to_goal"
    )
    assert "never happened" in note and "--outcome final_rate" in note
    rates = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "outcome_rate")
    assert an.tied_note(rates, "outcome_rate") == ""
    # every run reached the goal in the same week: a tie, but not "never" (a reviewer's probe)
    s.runs["steps_to_goal"], s.runs["goal_reached"] = 10, True
    arms = an.compare_arms(s, "leader", an.parse_arms(s, "leader", "system,none"), "steps_to_goal")
    note = an.tied_note(arms, "steps_to_goal")
    assert "every run of both arms has the same steps_to_goal: A = 0.5" in note and "never" not in note


def test_two_analyses_into_one_folder_leave_one_of_them_whole(grid, tmp_path, monkeypatch, capsys):
    """An attacker's trial: B computed, A committed arms.csv meanwhile, B committed beside it (a mix)."""
    out = tmp_path / "a"
    real = an.point_table
    other = ["analyze", str(grid), "--out", str(out), "--by", "leader", "--compare", "system,none"]

    def meanwhile(*args, **kwargs):  # A runs from start to end while B computes
        monkeypatch.setattr(an, "point_table", real)
        assert main(other) == 0
        return real(*args, **kwargs)

    monkeypatch.setattr(an, "point_table", meanwhile)
    assert main(["analyze", str(grid), "--out", str(out)]) == 0  # B: no --by
    assert "removed an earlier analysis's arms.csv, arms.png" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [".coalition-analysis.json", "p_goal.png", "points.csv"]
    assert main(other) == 0  # and the next analysis is not refused


@pytest.mark.parametrize("where", ["manifest.json", "analysis/.coalition-analysis.json"])
def test_a_pipe_where_analyze_reads_is_one_line_not_a_wait(grid, tmp_path, capsys, where):
    import os
    import shutil

    copy = tmp_path / "sweep"
    shutil.copytree(grid, copy)
    pipe = copy / where
    pipe.parent.mkdir(exist_ok=True)
    pipe.unlink(missing_ok=True)
    os.mkfifo(pipe)
    assert main(["analyze", str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(pipe.parent) in err and pipe.name in err and "not a regular file" in err
