"""experiments/boundaries.py at CI size (a file of its own so that make test's workers share the experiments)."""

import runpy
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.experiments  # run by make validation, with the other experiments
ROOT = Path(__file__).resolve().parents[1]


def test_boundaries_runs_quick(tmp_path, monkeypatch):
    """The claims' boundaries at CI size: a Morris row per parameter per difference, Sobol and PRIM tables."""
    # in this process, as `python experiments/boundaries.py --quick` runs it (see tests/test_experiments.py)
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))
    monkeypatch.setattr(sys, "argv", ["boundaries.py", "--quick", "--out", str(tmp_path)])
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(ROOT / "experiments" / "boundaries.py"), run_name="__main__")
    from boundaries_arms import NOT_VARIED

    from sim.model.params import PARAMETERS

    varied = {n for n, p in PARAMETERS.items() if p.kind in ("int", "float")} - set(NOT_VARIED)
    assert len(varied) == 42  # every numeric behavioural parameter of Model 2
    morris = pd.read_csv(tmp_path / "boundaries-morris.csv")
    differences = {"leadership", "system_vs_point", "community", "partner_vs_consulted", "consulted_vs_absent"}
    differences |= {"roles_worst", "data_pooling"} | {
        f"role_{r}" for r in ("touch", "data", "resources", "legitimacy", "authority")
    }
    assert set(morris["difference"]) == differences
    assert len(morris) == len(varied) * len(differences)
    for _, t in morris.groupby("difference"):
        assert set(t["parameter"]) == varied
    assert morris["mu_star"].notna().all() and (morris["mu_star"] >= 0).all()
    sobol = pd.read_csv(tmp_path / "boundaries-sobol.csv")
    assert len(sobol) == 3 * len(differences) and sobol["ST"].notna().any()
    reference = pd.read_csv(tmp_path / "boundaries-reference.csv")
    assert (reference["low"] <= reference["value"]).all() and (reference["value"] <= reference["high"]).all()
    prim = pd.read_csv(tmp_path / "boundaries-prim.csv")
    assert set(prim["difference"]) == differences
    assert ((prim["share_failing"] >= 0) & (prim["share_failing"] <= 1)).all()
    for stem in ("morris", "sobol", "prim"):
        assert (tmp_path / f"boundaries-{stem}-chicago_absenteeism.png").exists()
