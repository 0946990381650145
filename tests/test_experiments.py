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
