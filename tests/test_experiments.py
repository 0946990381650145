"""Each experiment script runs at tiny size (--quick, shortened with --steps) and writes its figures and summary.

Marked ``experiments``: CI runs them with the claims' checks (``make validation``), which keeps
``make test`` under four minutes on two cores.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import CoalitionModel

pytestmark = pytest.mark.experiments
ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = [
    "patience_trust",
    "roles",
    "leadership",
    "data_pooling",
    "diagnosis_over_time",
    "community",
    "trust_asymmetry",
    "sensitivity",
]


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_runs_quick(name, tmp_path, monkeypatch, capsys):
    # in this process, as `python experiments/NAME.py` would run it: the script's folder first on the
    # path, its arguments in sys.argv (the claims report below runs as a separate process). --quick runs
    # 120 weeks so that the goal can be reached; CI shortens it (and checks --steps works)
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    monkeypatch.setattr(sys, "argv", [f"{name}.py", "--quick", "--steps", "20", "--out", str(tmp_path)])
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(ROOT / "experiments" / f"{name}.py"), run_name="__main__")
    assert f"wrote {tmp_path / name}.png and .svg" in capsys.readouterr().out
    figures = {p.suffix for p in tmp_path.glob(f"{name}.*")}
    assert {".png", ".svg"} <= figures
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert len(summary) > 0


def test_the_claims_report_runs_quick(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error"}
    cmd = [sys.executable, str(ROOT / "experiments" / "claims.py"), "--quick", "--workers", "0", "--out", str(tmp_path)]
    result = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    table = pd.read_csv(tmp_path / "claims.csv")
    assert {"difference", "low", "high", "A", "p_goal_better", "holds"} <= set(table.columns)
    assert len(table) >= 20 and (tmp_path / "claims.png").exists()


def test_the_diagnosis_over_a_run_checks_a_new_scenario_named_on_the_command_line(tmp_path, monkeypatch, capsys):
    fixture = ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml"
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    argv = ["diagnosis_over_time.py", "--quick", "--steps", "30", "--scenario", str(fixture), "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(ROOT / "experiments" / "diagnosis_over_time.py"), run_name="__main__")
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary["scenario"]) == {"youth_unemployment"} and (summary["runs"] == 2).all()


def test_data_pooling_checks_a_new_scenario_named_on_the_command_line(tmp_path, monkeypatch):
    fixture = ROOT / "tests" / "data" / "scenarios" / "childhood_asthma.toml"
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    argv = ["data_pooling.py", "--quick", "--scenario", str(fixture), "--weeks", "4", "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(ROOT / "experiments" / "data_pooling.py"), run_name="__main__")
    runs = pd.read_csv(tmp_path / "runs.csv")
    model = CoalitionModel(str(fixture), rng=0)
    owners = [m.name for m in model.members if m.records.size and m.reach.size]
    assert list(runs["added"].drop_duplicates()) == owners  # the fixture's owners, not Chicago's
    assert set(runs["real_group"]) <= set(model.people.groups)
    # fresh seeds of one's own, as many as asked
    monkeypatch.setattr(sys, "argv", [*argv, "--seed", "424242", "--replicates", "2", "--out", str(tmp_path / "s")])
    runpy.run_path(str(ROOT / "experiments" / "data_pooling.py"), run_name="__main__")
    seeds = set(pd.read_csv(tmp_path / "s" / "runs.csv")["seed"])
    assert len(seeds) == 2 and not seeds & set(runs["seed"])
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary["share_real_group"].between(0, 1).all()


def test_the_diagnosis_over_a_run_reads_a_monthly_scenario_at_the_same_real_times(tmp_path, monkeypatch):
    """Weeks are real time: a scenario in 28-day steps is read at week 40 (step 10) and pools 3 steps."""
    text = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text()
    assert "days_per_step" not in text
    monthly = tmp_path / "monthly.toml"
    monthly.write_text(text.replace("[scenario]\n", "[scenario]\ndays_per_step = 28\n", 1))
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    from diagnosis_over_time import in_steps, one_run

    assert in_steps(40, 7) == 40 and in_steps(40, 28) == 10 and in_steps(13, 28) == 3 and in_steps(1, 30) == 1
    windows = []
    real_init = CoalitionModel.__init__

    chances = []

    def spy(self, *args, **kwargs):
        windows.append((kwargs.get("diagnosis_window"), kwargs.get("steps")))
        chances.append(kwargs.get("base_commitment_rate"))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(CoalitionModel, "__init__", spy)
    row = one_run(str(monthly), 1, [40], 60)
    assert windows == [(3, 15)] and "named_week_40" in row
    assert chances[0] == pytest.approx(1 - 0.9**4)  # a weekly chance is rescaled too, not only spans of weeks
    windows.clear()
    one_run(str(ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml"), 1, [40], 60, diagnosis_window=1)
    assert windows == [(1, 60)]  # a weekly scenario runs as the .toml says
    turnovers = []
    monkeypatch.setattr(
        CoalitionModel,
        "__init__",
        lambda self, *a, **kw: turnovers.append(kw.get("reach_turnover")) or real_init(self, *a, **kw),
    )
    one_run(str(monthly), 1, [40], 60, reach_turnover=52)
    one_run(str(monthly), 1, [40], 60, reach_turnover=0)
    assert turnovers == [13, 0], "a variant's weeks are read as the scenario's steps; 0 (never) stays 0"


def test_the_diagnosis_over_a_run_takes_another_list_of_variants(tmp_path, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    config = ROOT / "experiments" / "reach_turnover.toml"
    fixture = ROOT / "tests" / "data" / "scenarios" / "older_falls_isolation.toml"
    argv = ["diagnosis_over_time.py", "--quick", "--steps", "30", "--config", str(config), "--scenario", str(fixture)]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(tmp_path)])
    runpy.run_path(str(ROOT / "experiments" / "diagnosis_over_time.py"), run_name="__main__")
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert len(summary) == 3 and "named_real_group_at_end" in summary.columns
    assert any("turnover 52" in v for v in summary["variant"])


def test_a_config_reads_its_scenario_files_from_its_own_folder(tmp_path, monkeypatch, capsys):
    """As a sweep spec does: a copied config with a scenario beside it was read from the checkout."""
    import shutil

    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    from diagnosis_over_time import read_config

    for shipped in ("diagnosis_over_time.toml", "reach_turnover.toml"):  # every file the shipped configs name exists
        files = [s for s in read_config(ROOT / "experiments" / shipped)["scenarios"] if s.endswith(".toml")]
        assert files and all(Path(f).is_file() for f in files), shipped
    study = tmp_path / "study"
    study.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml", study / "mine.toml")
    (study / "dot.toml").write_text(
        'scenarios = ["mine.toml"]\nfirst_seed = 5\nreplicates = 1\nweeks = [10]\n'
        '[[variants]]\nname = "defaults"\nparams = {}\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    script = str(ROOT / "experiments" / "diagnosis_over_time.py")
    monkeypatch.setattr(
        sys, "argv", ["x", "--steps", "20", "--config", "../study/dot.toml", "--out", str(tmp_path / "o")]
    )
    runpy.run_path(script, run_name="__main__")
    assert set(pd.read_csv(tmp_path / "o" / "summary.csv")["scenario"]) == {"mine"}
    (study / "dot.toml").write_text('scenarios = ["missing.toml"]\nfirst_seed = 5\nreplicates = 1\nweeks = [10]\n')
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(script, run_name="__main__")
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ../study/dot.toml: scenarios: ") and "missing.toml" in err and "\n" not in err


def test_the_claims_report_runs_on_a_scenario_of_ones_own_in_its_own_steps(tmp_path):
    """A researcher's new domain: every claim but the single-agency controls, on fresh seeds they choose."""
    text = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text()
    (tmp_path / "monthly.toml").write_text(text.replace("[scenario]\n", "[scenario]\ndays_per_step = 28\n", 1))
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error"}
    cmd = [sys.executable, str(ROOT / "experiments" / "claims.py"), "--quick", "--workers", "0", "--master", "91"]
    args = ["--scenario", "monthly.toml", "--only", "patience", "--out", "o"]
    result = subprocess.run([*cmd, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "master seed 91" in result.stdout
    table = pd.read_csv(tmp_path / "o" / "claims.csv")
    assert list(table["claim"]) == ["patience helps (52 vs 13 weeks)"]
    assert set(table["scenario"]) == {str(tmp_path / "monthly.toml")}
    sys.path.insert(0, str(ROOT / "experiments"))
    try:
        from claims import in_steps
    finally:
        sys.path.remove(str(ROOT / "experiments"))
    from sim.scenario.load import load_scenario

    monthly = in_steps(load_scenario(str(tmp_path / "monthly.toml")), {"patience": 52, "steps": 30})
    assert monthly["patience"] == pytest.approx(13) and monthly["steps"] in (7, 8)  # 52 weeks: 13 steps of 28 days
    missing = subprocess.run([*cmd, "--scenario", "gone.toml"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stderr.startswith("error: --scenario: ")
    assert missing.stderr.count("\n") == 1 and "gone.toml" in missing.stderr
