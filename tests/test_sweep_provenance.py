"""A sweep never mixes two models: changed inputs are refused, more replicates extend it."""

import json
import re

import pandas as pd
import pytest

from sim.cli.main import main
from sim.runs import load_spec, run_sweep
from sim.scenario.load import SCENARIO_DIR, load_scenario

SPEC = """scenario = "mine.toml"
steps = 8
replicates = 2
seed = 11
[parameters]
patience = [4, 26]
"""


@pytest.fixture
def sweep(tmp_path):
    (tmp_path / "mine.toml").write_text((SCENARIO_DIR / "single_agency.toml").read_text(encoding="utf-8"))
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    return tmp_path, spec


def refused(capsys, argv):
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def edit_scenario(folder):
    path = folder / "mine.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("target_rate = ", "target_rate = 0.5 #"))


def test_the_manifest_records_what_the_results_come_from(sweep):
    folder, spec = sweep
    run_sweep(load_spec(spec), folder / "out", workers=0, progress=False)
    manifest = json.loads((folder / "out" / "manifest.json").read_text())
    scenario = manifest["inputs"]["scenario"]
    assert scenario["path"] == str((folder / "mine.toml").resolve()) and len(scenario["sha256"]) == 64
    assert len(scenario["content_sha256"]) == 64 and len(manifest["code"]["sha256"]) == 64
    assert manifest["inputs"]["spec_file"]["sha256"] and manifest["code"]["coalition"]
    assert "revision" in manifest["code"]  # this checkout is a git work tree
    assert manifest["defaults"]["n_people"] == load_scenario(folder / "mine.toml").population.size


def test_a_changed_scenario_is_refused_on_resume(sweep, capsys):
    folder, spec = sweep
    assert main(["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "0/2"]) == 0
    capsys.readouterr()
    edit_scenario(folder)
    line = refused(capsys, ["sweep", spec, "--out", folder / "out", "--workers", "0"])
    assert "inputs: the scenario" in line and "mine.toml changed since this sweep started" in line


def test_a_changed_scenario_is_refused_on_a_second_shard(sweep, capsys):
    folder, spec = sweep
    assert main(["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "0/2"]) == 0
    edit_scenario(folder)
    capsys.readouterr()
    line = refused(capsys, ["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "1/2"])
    assert "mine.toml changed" in line
    assert len(pd.read_parquet(folder / "out" / "runs")) == 2, "nothing of the changed model was written"


def test_an_edited_comment_is_not_a_change(sweep, capsys):
    folder, spec = sweep
    assert main(["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "0/2"]) == 0
    path = folder / "mine.toml"
    path.write_text("# a new comment\n" + path.read_text(encoding="utf-8"))
    assert main(["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "1/2"]) == 0


def test_changed_code_and_an_older_format_are_refused(sweep, capsys):
    folder, spec = sweep
    out = folder / "out"
    run_sweep(load_spec(spec), out, workers=0, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    code = manifest["code"]
    for changed in ({"sha256": "0" * 64, "logic_sha256": "0" * 64}, {"sha256": "0" * 64, "logic_sha256": None}):
        # the code itself (its tokens), or the bytes of a sweep started before the tokens were recorded
        (out / "manifest.json").write_text(json.dumps({**manifest, "code": {**code, **changed}}))
        line = refused(capsys, ["sweep", spec, "--out", out, "--workers", "0"])
        assert "manifest.json: code: the model's code changed" in line, line  # named by the manifest's key
    # only the comments and docstrings changed (the bytes differ, the tokens not): the sweep goes on
    (out / "manifest.json").write_text(json.dumps({**manifest, "code": {**code, "sha256": "0" * 64}}))
    assert main(["sweep", spec, "--out", out, "--workers", "0", "--replicates", "3"]) == 0
    del manifest["format"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert "older version of coalition" in refused(capsys, ["sweep", spec, "--out", out, "--workers", "0"])


@pytest.mark.parametrize(
    "changed, counts", [("runs/record.py", True), ("runs/series.py", True), ("runs/analyze.py", False)]
)
def test_the_code_hash_covers_what_makes_a_row(tmp_path, monkeypatch, changed, counts):
    # record.py builds each sweep run's model: a change there was resumed into the same table (a researcher's trial)
    import shutil

    from sim.runs import provenance

    copy = tmp_path / "sim"
    shutil.copytree(provenance.SIM, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    monkeypatch.setattr(provenance, "SIM", copy)
    before = provenance.code_record()
    with (copy / changed).open("a", encoding="utf-8") as f:
        f.write("\nCHANGED = 1\n")
    after = provenance.code_record()
    assert (after["sha256"] != before["sha256"]) is counts
    assert (after["logic_sha256"] != before["logic_sha256"]) is counts


def test_the_codes_logic_hash_leaves_out_comments_docstrings_and_layout_only(tmp_path, monkeypatch):
    """A docstring reworded under sim/model stranded every sweep in progress (a reviewer's trial)."""
    import shutil

    from sim.runs import provenance

    copy = tmp_path / "sim"
    shutil.copytree(provenance.SIM, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    monkeypatch.setattr(provenance, "SIM", copy)
    before = provenance.code_record()
    source = copy / "model" / "community.py"
    text = source.read_text(encoding="utf-8")
    reworded = text.replace('"""Community partners:', '"""Community partners (reworded):', 1)
    reworded = reworded.replace("SECTOR = ", "# a comment of its own\nSECTOR =  ", 1)
    assert reworded != text
    source.write_text(reworded, encoding="utf-8")
    after = provenance.code_record()
    assert after["sha256"] != before["sha256"] and after["logic_sha256"] == before["logic_sha256"]
    source.write_text(text.replace('SECTOR = "community"', 'SECTOR = "communities"', 1), encoding="utf-8")
    assert provenance.code_record()["logic_sha256"] != before["logic_sha256"]


def test_a_resume_under_another_checkout_of_the_same_code_is_recorded(sweep, capsys):
    folder, spec = sweep
    out = folder / "out"
    assert main(["sweep", spec, "--out", out, "--workers", "0", "--shard", "0/2"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    here = manifest["code"]["revision"]
    started = {**manifest["code"], "revision": "0" * 40, "dirty": False}  # as if begun at another commit
    (out / "manifest.json").write_text(json.dumps({**manifest, "code": started}))
    for _ in range(2):  # the second resume under the same checkout adds nothing
        assert main(["sweep", spec, "--out", out, "--workers", "0"]) == 0
        after = json.loads((out / "manifest.json").read_text())
        assert after["code"]["revision"] == "0" * 40  # where the sweep started
        assert [r["revision"] for r in after["resumed_under"]] == [here]
        assert after["started"] == manifest["started"]


def test_more_replicates_extend_a_sweep_keeping_ids_and_seeds(sweep, capsys):
    folder, spec = sweep
    out = folder / "out"
    run_sweep(load_spec(spec), out, workers=0, progress=False)
    before = pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)
    report = run_sweep(load_spec(spec).with_overrides(replicates=5), out, workers=0, progress=False)
    assert report.ran == 6 and report.already_done == 4
    after = pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(after.iloc[:4], before)
    assert list(after["run_id"]) == list(range(10)) and list(after["replicate"]) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    fresh = folder / "fresh"
    run_sweep(load_spec(spec).with_overrides(replicates=5), fresh, workers=0, progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(fresh / "runs").sort_values("run_id").reset_index(drop=True), after)
    assert json.loads((out / "manifest.json").read_text())["spec"]["replicates"] == 5
    assert "already has 5 replicates" in refused(
        capsys, ["sweep", spec, "--out", out, "--workers", "0", "--replicates", "3"]
    )


def test_every_row_holds_every_parameter_resolved(sweep):
    from sim.model.params import PARAMETERS
    from sim.model.runner import run

    folder, spec = sweep
    run_sweep(load_spec(spec), folder / "out", workers=0, progress=False)
    row = pd.read_parquet(folder / "out" / "runs").iloc[1]
    params = {name: row[name] for name in PARAMETERS}
    assert all(v is not None and v == v for v in params.values()), params  # defaults included, none missing
    params = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
    again = run(scenario_name=str(folder / "mine.toml"), rng=int(row["seed"]), **params)
    assert again["final_rate"] == row["final_rate"] and again["mean_trust"] == row["mean_trust"]


def test_a_table_root_swapped_on_resume_is_refused(sweep, capsys):
    folder, spec = sweep
    spec.write_text("series = true\n" + SPEC)
    argv = ["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "0/2", "--series-out", folder / "s"]
    assert main(argv) == 0
    parts = sorted((folder / "s" / "series").glob("*.parquet"))
    line = refused(capsys, [*argv[:-1], folder / "s2"])
    assert "--series-out" in line and "a new folder" in line
    line = refused(capsys, ["sweep", spec, "--out", folder / "new", "--workers", "0", "--series-out", folder / "s"])
    assert "--out" in line and sorted((folder / "s" / "series").glob("*.parquet")) == parts, "nothing removed"


def test_a_changed_preset_is_refused_naming_it(sweep, capsys):
    folder, spec = sweep
    preset = folder / "slow.toml"
    preset.write_text('[preset]\nscenario = "mine"\n[parameters]\nbuild_rate = 0.1\n')
    spec.write_text(SPEC.replace("[parameters]", f'preset = "{preset}"\n[parameters]'))
    assert main(["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "0/2"]) == 0
    manifest = json.loads((folder / "out" / "manifest.json").read_text())
    assert manifest["inputs"]["preset"]["path"] == str(preset.resolve())
    assert manifest["spec"]["fixed"]["build_rate"] == 0.1
    capsys.readouterr()
    preset.write_text(preset.read_text().replace("0.1", "0.3"))
    line = refused(capsys, ["sweep", spec, "--out", folder / "out", "--workers", "0", "--shard", "1/2"])
    assert f"the preset {preset.resolve()} changed" in line


@pytest.mark.parametrize(
    "edit, resume, analysis",
    [
        (lambda m: m.update(inputs=5), "inputs: the scenario", True),
        (lambda m: m["inputs"].update(scenario=None), "inputs: the scenario", True),
        (lambda m: m.update(code="x"), "code: the model's code changed", True),
        (lambda m: m["spec"].update(parameters=5), "spec: not as coalition wrote it", False),
        (lambda m: m["spec"].update(replicates="1"), "spec.replicates: not as coalition wrote it", False),
        (lambda m: m.update(resumed_under="x"), "resumed_under: not as coalition wrote it", True),
        (lambda m: m.update(spec=[]), "not a sweep manifest", False),
        (lambda m: m.update(n_runs=-1), None, False),
    ],
)
def test_a_hand_edited_manifest_is_one_line_on_resume_and_analysis(sweep, capsys, edit, resume, analysis):
    # an attacker's trial and a reviewer's: a manifest edited by hand was an AttributeError or TypeError traceback
    folder, spec = sweep
    out = folder / "out"
    run_sweep(load_spec(spec), out, workers=0, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    edit(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest))
    if resume is not None:
        assert resume in refused(capsys, ["sweep", spec, "--out", out, "--workers", "0"])
    assert main(["analyze", str(out), "--out", str(folder / "analysis")]) == (0 if analysis else 2)
    err = capsys.readouterr().err.strip().splitlines()
    assert (err == []) if analysis else (len(err) == 1 and "manifest.json" in err[0]), err


def test_a_finished_sweep_is_analyzed_after_its_scenario_moved_and_a_stray_file_is_one_line(sweep, capsys):
    # a reviewer's probe: analyze rebuilt the plan from the scenario file, so a sweep copied off a cluster
    # (or whose scenario was renamed) could no longer be analyzed; and a part without run_id was a KeyError
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder, spec = sweep
    out = folder / "out"
    run_sweep(load_spec(spec), out, workers=0, progress=False)
    (folder / "mine.toml").rename(folder / "moved.toml")
    assert main(["analyze", str(out), "--out", str(folder / "a")]) == 0
    capsys.readouterr()
    pq.write_table(pa.table({"x": [1]}), out / "runs" / "part-9999999999-00001-stray.parquet")
    assert main(["analyze", str(out), "--out", str(folder / "b")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "part-9999999999-00001-stray.parquet: (file): not a part of this table" in line, line


def test_a_worker_running_other_model_code_is_refused_before_it_runs(sweep, tmp_path, monkeypatch, capsys):
    """A cluster researcher's trial: a Dask worker importing another checkout ran its own model into the
    table (13 of 120 runs differed), stamped with the client's code. Here the client's code is a copy
    with one changed line, and the worker processes import this checkout's."""
    import shutil

    from sim.runs import provenance

    folder, spec = sweep
    copy = tmp_path / "other" / "sim"
    shutil.copytree(provenance.SIM, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    trust = copy / "model" / "trust.py"
    trust.write_text(trust.read_text(encoding="utf-8") + "\nCHANGED = 1\n", encoding="utf-8")
    monkeypatch.setattr(provenance, "SIM", copy)
    line = refused(capsys, ["sweep", spec, "--out", folder / "out", "--workers", "1"])
    assert re.search(r"a worker \(.*process \d+\) runs model code \w{12} \(sim/ under .*\), where the sweep's is", line)
    assert "nothing it ran was written" in line and not list((folder / "out" / "runs").glob("part-*"))


def test_a_worker_with_the_same_logic_runs_and_one_with_other_logic_does_not(tmp_path, monkeypatch):
    import shutil

    from sim.runs import provenance
    from sim.runs.executors import SweepError, checked_code

    here = provenance.code_record()
    copy = tmp_path / "sim"
    shutil.copytree(provenance.SIM, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    monkeypatch.setattr(provenance, "SIM", copy)  # this "worker" imports the copy
    source = copy / "model" / "trust.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + "\n# a comment of its own\n", encoding="utf-8")
    assert checked_code(here, sum, [1, 2]) == 3  # other bytes, the same logic
    source.write_text(text + "\nCHANGED = 1\n", encoding="utf-8")
    with pytest.raises(SweepError, match=r"runs model code .* where the sweep's is"):
        checked_code(here, sum, [1, 2])


def test_a_sweep_moved_with_its_scenario_file_goes_on(sweep, capsys):
    """A cluster researcher's trial: spec, scenario and output moved together were refused ("changed: scenario");
    the scenario is named by a path, and what counts is its content."""
    import shutil

    folder, spec = sweep  # the spec names mine.toml beside it: a relative path
    run_sweep(load_spec(spec), folder / "out", workers=0, progress=False)
    moved = folder.parent / f"{folder.name}-moved"
    shutil.move(folder, moved)
    again = run_sweep(load_spec(moved / "spec.toml"), moved / "out", workers=0, progress=False)
    assert again.ran == 0 and again.already_done == 4
    edit_scenario(moved)  # its content changed: refused, naming it
    line = refused(capsys, ["sweep", moved / "spec.toml", "--out", moved / "out", "--workers", "0"])
    assert "inputs: the scenario" in line and "changed since this sweep started" in line
