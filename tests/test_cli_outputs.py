"""What the CLI writes: only inside the chosen folder, checked before the run, whole or not at all."""

import io
import json
import os
import re
import signal
import socket
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main
from sim.runs import progress
from sim.runs.outputs import distinct_name, safe_name
from sim.scenario.load import SCENARIO_DIR, load_scenario

SMALL = (SCENARIO_DIR / "single_agency.toml").read_text(encoding="utf-8")


def one_error(capsys, argv):
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def named(tmp_path, name):
    """single_agency under another [scenario] name."""
    path = tmp_path / "named.toml"
    path.write_text(SMALL.replace('name = "single_agency"', f"name = {json.dumps(name)}"), encoding="utf-8")
    assert load_scenario(path).name == name
    return path


@pytest.mark.parametrize("name", ["../../../../tmp/escape", "/tmp/absolute", "..", "a/../../b", "C:\\\\x", "é ü"])
def test_a_scenario_name_never_leads_outside_out(tmp_path, monkeypatch, capsys, name):
    monkeypatch.chdir(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    scenario = named(tmp_path, name)
    before = set(tmp_path.rglob("*"))
    assert main(["run", scenario, "--steps", "8"]) == 0
    created = {p for p in set(tmp_path.rglob("*")) - before if p.is_file()}
    assert created and all(p.is_relative_to(work / "out") for p in created), created
    assert {p.name for p in created} == {"steps.csv", "organizations.csv", "run.png", "run.json"}
    assert (work / "out" / distinct_name(name)).is_dir()
    assert "wrote out/" in capsys.readouterr().out


def test_names_made_file_safe_keep_distinct_folders():
    names = [".", "..", "", "日本語", "中文", "a b", "a_b", "a/b", "é", "e", "x" * 200, "x" * 201]
    folders = [distinct_name(n) for n in names]
    assert len(set(folders)) == len(names), folders
    assert all(f == safe_name(f) and 0 < len(f) <= 80 for f in folders), folders
    assert distinct_name("chicago_absenteeism") == "chicago_absenteeism"  # a safe name is kept as it is


@pytest.mark.parametrize(
    ("text", "expected"),
    [("../../x", "x"), ("/etc/passwd", "etc_passwd"), ("", "scenario"), ("...", "scenario"), ("a b\x00c", "a_b_c")],
)
def test_safe_names(text, expected):
    assert safe_name(text) == expected


def run_without_model(monkeypatch):
    """Make any model construction fail the test: the checks must come first."""

    def tripwire(*args, **kwargs):
        raise AssertionError("the run started before the output was checked")

    monkeypatch.setattr("sim.model.model.CoalitionModel.__init__", tripwire)


@pytest.mark.parametrize("case", ["file", "parent_file", "png_folder", "csv_fifo", "read_only"])
def test_each_write_error_is_one_line_before_the_run(tmp_path, monkeypatch, capsys, case):
    import os

    out = tmp_path / "out"
    if case == "file":
        out.write_text("x")
    elif case == "parent_file":
        (tmp_path / "f").write_text("x")
        out = tmp_path / "f" / "out"
    elif case == "png_folder":
        (out / "run.png").mkdir(parents=True)
    elif case == "csv_fifo":
        out.mkdir()
        os.mkfifo(out / "steps.csv")
    else:
        out = Path("/proc/coalition-out")  # not writable, even for root
    run_without_model(monkeypatch)
    line = one_error(capsys, ["run", "single_agency", "--steps", "8", "--out", out])
    assert f"--out {out}" in line
    if case == "png_folder":
        assert sorted(p.name for p in out.iterdir()) == ["run.png"], "nothing else written"


def test_a_write_error_after_the_run_leaves_no_partial_files(tmp_path, monkeypatch, capsys):
    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", full_disk)
    out = tmp_path / "new" / "out"
    line = one_error(capsys, ["run", "single_agency", "--steps", "8", "--out", out])
    assert "no space left" in line
    assert not out.exists(), "the folder made for the run is removed with its temporary files"
    assert not (tmp_path / "new").exists(), "and so is the parent made for it"


@pytest.mark.parametrize("command", ["run", "table", "table while it computes"])
def test_an_interrupted_write_leaves_none_of_the_folders_it_made(tmp_path, monkeypatch, capsys, command):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    where = "sim.runs.shapley.shapley_table" if command.endswith("computes") else "pandas.DataFrame.to_csv"
    monkeypatch.setattr(where, interrupted)
    (tmp_path / "kept").mkdir()
    out = tmp_path / "kept" / "a" / "b" / "c"
    argv = ["run", "single_agency", "--steps", "8", "--out", str(out)]
    if command.startswith("table"):
        argv = ["table", "single_agency", "--steps", "8", "--replicates", "1", "--csv", str(out / "t.csv")]
    assert main(argv) == 130
    assert "interrupted (SIGINT)" in capsys.readouterr().err
    assert list((tmp_path / "kept").iterdir()) == [], "the folders made for the files are gone, the one before kept"


def test_an_interrupted_run_through_dot_dot_leaves_none_of_the_folders_it_made(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("pandas.DataFrame.to_csv", interrupted)
    (tmp_path / "kept").mkdir()
    out = tmp_path / "kept" / "n1" / ".." / "n2" / "x"  # the system must make n1 to reach n2 through it
    assert main(["run", "single_agency", "--steps", "8", "--out", str(out)]) == 130
    assert list((tmp_path / "kept").iterdir()) == [], "n1, made only to pass through, is gone too"
    (tmp_path / "kept" / "D").mkdir()  # a folder that was there before, reached through a new one
    out = tmp_path / "kept" / "new" / ".." / "D" / "x"
    assert main(["run", "single_agency", "--steps", "8", "--out", str(out)]) == 130
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["D"], "new and D/x are gone, D is kept"
    assert list((tmp_path / "kept" / "D").iterdir()) == []


def test_a_check_that_fails_after_the_folders_were_made_removes_them(tmp_path, monkeypatch):
    from sim.runs import outputs

    def unwritable(folder):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs, "_probe", unwritable)
    (tmp_path / "D").mkdir()
    with pytest.raises(outputs.OutputError, match="cannot write there"):
        outputs.prepare(tmp_path / "new" / ".." / "D" / "a" / "b", "--out x")
    assert [p.name for p in tmp_path.iterdir()] == ["D"] and list((tmp_path / "D").iterdir()) == []
    monkeypatch.undo()
    assert outputs.prepare(tmp_path / "D", "--out D") == (), "nothing made where the folder was"
    made = [m.path for m in outputs.prepare(tmp_path / "new" / ".." / "D" / "a" / "b", "--out x")]
    assert made == [tmp_path / "new", tmp_path / "new" / ".." / "D" / "a", tmp_path / "new" / ".." / "D" / "a" / "b"]


def test_table_csv_is_checked_before_the_computation(tmp_path, monkeypatch, capsys):
    (tmp_path / "t.csv").mkdir()
    run_without_model(monkeypatch)
    assert "a folder stands where this file goes" in one_error(
        capsys, ["table", "single_agency", "--csv", tmp_path / "t.csv"]
    )
    (tmp_path / "file").write_text("x")
    assert "--csv" in one_error(capsys, ["table", "single_agency", "--csv", tmp_path / "file" / "t.csv"])


@pytest.mark.parametrize("there", ["manifest.json", "abc.db", "steps.csv", "notes.txt"])
def test_table_csv_replaces_only_a_table_it_wrote(tmp_path, monkeypatch, capsys, there):
    """An attacker's trial: --csv over a sweep's manifest.json left the sweep unresumable and unanalysable."""
    record = tmp_path / there
    record.write_bytes(b'{"spec": {}}\n' if there == "manifest.json" else b"SQLite format 3\x00")
    run_without_model(monkeypatch)
    line = one_error(capsys, ["table", "single_agency", "--csv", record])
    assert line.startswith(f"error: --csv {record}: is there and is not a table `coalition table` wrote"), line
    assert record.read_bytes().startswith(b'{"spec"' if there == "manifest.json" else b"SQLite")
    if there not in ("notes.txt", "steps.csv"):  # (the table is computed twice in all, not once a case)
        return
    monkeypatch.undo()
    earlier = tmp_path / "t.csv"  # an empty file (mktemp's), or an earlier table: replaced
    header = "rank,organization,shapley,low,high,roles,in_smallest_coalition,value\n"
    earlier.write_text("" if there == "notes.txt" else header)
    argv = ["table", "single_agency", "--replicates", "1", "--permutations", "1", "--steps", "8", "--workers", "0"]
    assert main([*argv, "--csv", str(earlier)]) == 0
    assert len(earlier.read_text().splitlines()) > 1


def test_an_output_file_that_is_a_symbolic_link_is_refused_and_left_as_it_was(tmp_path, monkeypatch, capsys):
    target = tmp_path / "elsewhere.csv"
    target.write_text("kept")
    (tmp_path / "t.csv").symlink_to(target)
    run_without_model(monkeypatch)
    line = one_error(capsys, ["table", "single_agency", "--csv", tmp_path / "t.csv"])
    assert "--csv" in line and "symbolic link" in line
    assert (tmp_path / "t.csv").is_symlink() and target.read_text() == "kept"


@pytest.mark.parametrize("flag", ["run", "table", "sweep"])
def test_a_name_too_long_for_the_file_system_is_one_line_naming_the_flag(tmp_path, monkeypatch, capsys, flag):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4]\n')
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    run_without_model(monkeypatch)
    long = "y" * 300
    argv = {
        "run": ["run", "single_agency", "--out", long],
        "table": ["table", "single_agency", "--csv", long],
        "sweep": ["sweep", spec, "--out", long],
    }[flag]
    line = one_error(capsys, argv)
    assert line.startswith(f"error: {'--csv' if flag == 'table' else '--out'} y") and "too long" in line, line
    assert list((tmp_path / "work").iterdir()) == []


@pytest.mark.parametrize("replicates", ["99999999999999999999", "1000001"])
def test_replicates_beyond_the_specs_range_leave_a_sweep_as_it_was(tmp_path, capsys, replicates):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4]\n')
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "0"]) == 0
    manifest = (tmp_path / "o" / "manifest.json").read_text()
    capsys.readouterr()
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o", "--workers", "0", "--replicates", replicates])
    assert f"--replicates {replicates}: out of range" in line
    assert (tmp_path / "o" / "manifest.json").read_text() == manifest
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "0"]) == 0  # still resumable


def test_a_damaged_or_stray_file_in_a_sweeps_runs_folder_is_one_line(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4, 8]\n')
    out = tmp_path / "o"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0", "--chunk-size", "1"]) == 0
    (out / "runs" / "README.txt").write_text("notes of mine")  # not a part: analyze never reads it
    assert main(["analyze", str(out), "--out", str(tmp_path / "a1")]) == 0
    # but pandas, DuckDB and Arrow would read it with the table: a resume says so, and leaves it be
    line = one_error(capsys, ["sweep", spec, "--out", out, "--workers", "0"])
    assert "runs/README.txt: not a part of the table" in line, line
    (out / "runs" / "README.txt").unlink()
    part = sorted((out / "runs").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])  # a copy cut short
    for argv in (["analyze", out, "--out", tmp_path / "a2"], ["sweep", spec, "--out", out, "--workers", "0"]):
        line = one_error(capsys, argv)
        assert line.startswith(f"error: {part}: (file): not a readable Parquet part"), line
    assert not (tmp_path / "a2").exists()
    part.unlink()  # as the message says: the resume runs its runs again
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0
    assert len(list((out / "runs").glob("part-*.parquet"))) == 2


@pytest.mark.parametrize("fails", ["moving the old file aside", "putting the new file in place"])
def test_a_file_that_cannot_be_replaced_leaves_the_earlier_run_whole(tmp_path, monkeypatch, capsys, fails):
    import os

    out = tmp_path / "o"
    assert main(["run", "single_agency", "--steps", "8", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = os.replace

    def replace(src, dst):
        src, dst = Path(src), Path(dst)
        moving_aside = src.name == "run.json" and dst.name.endswith(".old")
        putting_in = dst.name == "run.json" and src.name.endswith(".tmp")
        if moving_aside if fails.startswith("moving") else putting_in:
            raise PermissionError(1, "Operation not permitted")  # chattr +i, another user's file
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert "run.json: cannot write" in one_error(capsys, ["run", "single_agency", "--steps", "9", "--out", out])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the first run's four files, nothing else


def test_an_output_that_is_the_commands_own_input_is_refused(tmp_path, monkeypatch, capsys):
    run_without_model(monkeypatch)
    scenario = tmp_path / "mine.toml"
    scenario.write_text((Path(__file__).parents[1] / "scenarios" / "single_agency.toml").read_text())
    text = scenario.read_text()
    line = one_error(capsys, ["table", scenario, "--csv", scenario])
    assert line.startswith(f"error: --csv {scenario}: mine.toml: is a file this command reads"), line
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "steps.csv").write_text(text)
    assert "steps.csv: is a file this command reads" in one_error(
        capsys, ["run", tmp_path / "o" / "steps.csv", "--out", tmp_path / "o"]
    )
    (tmp_path / "o" / "manifest.json").write_text(
        'scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4]\n'
    )
    assert "manifest.json: is a file this command reads" in one_error(
        capsys, ["sweep", tmp_path / "o" / "manifest.json", "--out", tmp_path / "o"]
    )
    assert scenario.read_text() == text and (tmp_path / "o" / "steps.csv").read_text() == text
    preset = tmp_path / "p.toml"  # a preset given by path is read too
    preset.write_text('[preset]\nscenario = "single_agency"\ndescription = "mine"\n[parameters]\npatience = 20\n')
    line = one_error(capsys, ["table", "single_agency", "--preset", preset, "--csv", preset])
    assert "p.toml: is a file this command reads" in line, line
    assert preset.read_text().startswith("[preset]")


def series_sweep(tmp_path) -> tuple:
    """A finished sweep of two runs, one part each, with a series table: ``(out, series, argv)``."""
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\nseries = true\n[parameters]\npatience = [4, 8]\n')
    out, series = tmp_path / "o", tmp_path / "se"
    argv = ["sweep", str(spec), "--out", str(out), "--series-out", str(series), "--workers", "0", "--chunk-size", "1"]
    assert main(argv) == 0
    return out, series, argv


def test_stray_and_foreign_files_in_a_sweeps_tables_are_one_line_or_left_alone(tmp_path, capsys):
    out, series, argv = series_sweep(tmp_path)
    # hidden names are left alone (every reader skips them), not a traceback
    for stray in (out / "runs" / ".part-abc.tmp", series / "series" / ".part-zz.tmp"):
        stray.write_text("mine")
    assert main(argv) == 0
    assert (out / "runs" / ".part-abc.tmp").exists() and (series / "series" / ".part-zz.tmp").exists()
    # a Parquet file not named as a part would add its rows to every reader's table: refused, left there
    first = sorted((series / "series").glob("part-*.parquet"))[0]
    for name in ("part-foo.parquet", "copy.parquet"):
        (series / "series" / name).write_bytes(first.read_bytes())
        assert f"series/{name}: not a part of the table" in one_error(capsys, argv)
        assert (series / "series" / name).read_bytes() == first.read_bytes()
        (series / "series" / name).unlink()
    # a folder named like a part, and a run twice (a part copied in): one line each, for analyze and a resume
    folder = out / "runs" / "part-0000000000-00001-x.parquet"
    folder.mkdir()
    assert "a folder named like a part" in one_error(capsys, ["analyze", out, "--out", tmp_path / "a"])
    assert "a folder named like a part" in one_error(capsys, argv)
    folder.rmdir()
    part = sorted((out / "runs").glob("part-*.parquet"))[0]
    copy = out / "runs" / "part-0000000000-00001-copied00.parquet"
    copy.write_bytes(part.read_bytes())
    # both parts are named (no file tells which is the copy), for analyze and a resume both
    for line in (one_error(capsys, ["analyze", out, "--out", tmp_path / "a"]), one_error(capsys, argv)):
        assert re.search(r"\.parquet: \(file\): holds run_id 0, which part-\S+\.parquet holds too", line), line
        assert copy.name in line and part.name in line
    assert not (tmp_path / "a").exists()


def test_a_companion_table_asked_for_without_its_folder_names_the_spec_file_and_line(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(
        'scenario = "single_agency"\nsteps = 8\nseed = 1\n\norganizations = true\n[parameters]\npatience = [4]\n'
    )
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o"])
    assert line.startswith(f"error: {spec}:5: organizations: true:") and "--organizations-out DIR" in line, line
    assert not (tmp_path / "o").exists()


def test_a_refused_sweep_removes_the_folders_it_made(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\nseries = true\n[parameters]\npatience = [4]\n')
    out = tmp_path / "o"
    assert main(["sweep", str(spec), "--out", str(out), "--series-out", str(tmp_path / "s1"), "--workers", "0"]) == 0
    # refused under the lock (the runs table was started with another series folder)
    line = one_error(capsys, ["sweep", spec, "--out", out, "--series-out", tmp_path / "new" / "deep"])
    assert "a new folder, but this sweep's runs table was started in" in line, line
    # refused while the folders are checked (the second cannot be made)
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o2" / "x", "--series-out", "/proc/coalition-s"])
    assert "cannot write there" in line, line
    # refused under the lock in a new --out: its lock file goes with it
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o3" / "a", "--series-out", tmp_path / "s1"])
    assert "a new folder, but this sweep's series table was started in" in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "s.toml", "s1"]
    assert (out / ".sweep.lock").exists()  # an --out that was there keeps its own
    # a folder of the user's that holds no sweep: refused, and left as it was (no lock file of ours)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "manifest.json").write_text("{}")
    plain = tmp_path / "plain.toml"
    plain.write_text(spec.read_text().replace("series = true\n", ""))
    line = one_error(capsys, ["sweep", plain, "--out", theirs])
    assert "not a sweep manifest" in line, line
    assert sorted(p.name for p in theirs.iterdir()) == ["manifest.json"]


def test_a_sweep_and_its_analysis_work_in_folders_whose_names_are_not_utf8(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\nseries = true\n[parameters]\npatience = [4, 8]\n')
    out, series = tmp_path / os.fsdecode(b"sw\xff"), tmp_path / os.fsdecode(b"se\xfe")
    argv = ["sweep", str(spec), "--out", str(out), "--series-out", str(series), "--workers", "0"]
    assert main(argv) == 0
    assert main(argv) == 0  # a resume reads the parts back
    assert main(["analyze", str(out)]) == 0
    parts = len(list((out / "runs").glob("part-*.parquet")))
    assert (out / "analysis" / "points.csv").is_file() and len(list((series / "series").glob("part-*"))) == parts >= 1


def test_a_table_folder_that_is_a_link_or_holds_other_files_is_refused(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4]\n')
    victim, out = tmp_path / "victim", tmp_path / "o"
    victim.mkdir()
    out.mkdir()
    (out / "runs").symlink_to(victim)
    assert "runs: a symbolic link" in one_error(capsys, ["sweep", spec, "--out", out, "--workers", "0"])
    assert list(victim.iterdir()) == [] and not (out / "manifest.json").exists()
    (out / "runs").unlink()
    (out / "runs").mkdir()
    (out / "runs" / "notes.txt").write_text("mine")
    assert "runs/notes.txt: not a part of the table" in one_error(capsys, ["sweep", spec, "--out", out])
    assert (out / "runs" / "notes.txt").read_text() == "mine" and not (out / "manifest.json").exists()
    (out / "runs" / "notes.txt").unlink()
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0
    (out / "analysis").symlink_to(victim)  # the default analysis folder, planted as a link
    assert "analysis: a symbolic link" in one_error(capsys, ["analyze", out])
    assert list(victim.iterdir()) == []


def test_a_resume_names_a_damaged_or_missing_companion_part(tmp_path, capsys):
    out, series, argv = series_sweep(tmp_path)
    whole = pd.read_parquet(series / "series").sort_values(["run_id", "step"]).reset_index(drop=True)
    part = sorted((series / "series").glob("part-*.parquet"))[0]
    good = part.read_bytes()
    part.write_bytes(b"")  # emptied: the runs part still says its runs are done
    line = one_error(capsys, argv)
    where = f"error: --series-out {series}: series/{part.name}"
    assert line.startswith(f"{where}: not a readable part of this table; remove it and "), line
    part.write_bytes((out / "runs" / part.name).read_bytes())  # the runs part copied over it
    assert one_error(capsys, argv).startswith(f"{where}: not a part of this table (its columns differ)")
    other = sorted((series / "series").glob("part-*.parquet"))[1]
    part.write_bytes(other.read_bytes())  # another chunk's series copied over it
    assert one_error(capsys, argv).startswith(f"{where}: holds other runs than ")
    part.write_bytes(good)
    assert main(argv) == 0
    part.unlink()
    assert "series/" + part.name + ": missing, though" in one_error(capsys, argv)
    (out / "runs" / part.name).unlink()  # as the message says
    assert main(argv) == 0
    again = pd.read_parquet(series / "series").sort_values(["run_id", "step"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(again, whole)


def test_a_run_replaces_an_earlier_runs_files_only(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = (SCENARIO_DIR / "single_agency.toml").read_text().replace('name = "single_agency"', 'name = "tiny"', 1)
    for folder, size in (("a", 2000), ("b", 1500), ("copy", 2000)):  # three files of one name, a and copy alike
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.toml").write_text(text.replace("size = 2000", f"size = {size}", 1))
    assert main(["run", "a/s.toml", "--steps", "8"]) == 0
    first = (tmp_path / "out" / "tiny" / "steps.csv").read_bytes()
    assert main(["run", "a/s.toml", "--steps", "8"]) == 0  # the same file again: its folder, replaced
    line = one_error(capsys, ["run", "b/s.toml", "--steps", "8"])
    assert line.startswith("error: out/tiny (the default --out): holds the run of another scenario"), line
    assert (tmp_path / "out" / "tiny" / "steps.csv").read_bytes() == first
    assert main(["run", "b/s.toml", "--steps", "8", "--out", "out/b"]) == 0
    assert main(["run", "copy/s.toml", "--steps", "8"]) == 0  # the same scenario elsewhere (another checkout)
    # a folder written before run.json was recorded holds the three files a run wrote then
    (tmp_path / "out" / "tiny" / "run.json").unlink()
    assert main(["run", "b/s.toml", "--steps", "8"]) == 0
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "steps.csv").write_text("my own table")
    assert "steps.csv is there and no run wrote it" in one_error(capsys, ["run", "a/s.toml", "--out", "mine"])
    assert (tmp_path / "mine" / "steps.csv").read_text() == "my own table"


def test_sweep_out_is_checked_before_the_first_run(tmp_path, monkeypatch, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4]\n')
    (tmp_path / "file").write_text("x")
    run_without_model(monkeypatch)
    assert "exists and is not a folder" in one_error(capsys, ["sweep", spec, "--out", tmp_path / "file"])
    (tmp_path / "o" / "runs").mkdir(parents=True)
    (tmp_path / "o" / "manifest.json").mkdir()
    assert "manifest.json: a folder stands" in one_error(capsys, ["sweep", spec, "--out", tmp_path / "o"])
    assert "cannot write there" in one_error(capsys, ["sweep", spec, "--out", "/proc/coalition-sweep"])


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "--steps", "9", "--set", "steps=10"], "two horizons"),
        (["run", "--set", "patience=5", "--set", "patience=6"], "given twice"),
        (["run", "--steps", "3"], "shorter than the scenario's population.hold_steps = 8"),
        (["run", "--set", "steps=3"], "--set steps 3: shorter"),
        (["run", "--steps", "10001"], "above the maximum"),
        (["table", "single_agency", "--steps", "4", "--set", "steps=9"], "two horizons"),
        (["scenarios", "show", "single_agency", "--steps", "2"], "shorter"),
        (["run", "--steps", "9", "--steps", "10"], "--steps: given twice"),
        (["run", "--seed", "1", "--seed=2"], "--seed: given twice"),
        (["run", "--out", "a", "--out", "b"], "--out: given twice"),
        (["sweep", "x.toml", "--out", "a", "--replicates", "1", "--replicates", "2"], "--replicates: given twice"),
        (["table", "single_agency", "--seed", "1", "--seed", "1"], "--seed: given twice"),
        (["run", "--out", ""], "--out: an empty path"),
        (["sweep", "x.toml", "--out", " "], "--out: an empty path"),
        (["analyze", "sweep", "--out", ""], "--out: an empty path"),
        (["table", "single_agency", "--csv", ""], "--csv: an empty path"),
        (["run", "--preset", ""], "--preset: an empty name"),
        (["table", "single_agency", "--csv", "."], "--csv .: is a folder; name a file"),
        (["table", "single_agency", "--preset", " "], "--preset: an empty name"),
        (["sweep", "x.toml", "--scheduler", "notaurl"], "'notaurl' is not a scheduler address"),
        (["sweep", "x.toml", "--scheduler", "tcp://[::1"], "is not a scheduler address"),
        (["sweep", "x.toml", "--scheduler", ""], "--scheduler: an empty address"),
        (["sweep", "x.toml", "--scheduler", " tcp://h:1"], "is not a scheduler address"),
        (["sweep", "x.toml", "--scheduler", "tcp://h:1?x=1"], "is not a scheduler address"),
        (["sweep", "x.toml", "--scheduler", "tcp://user@h:1"], "is not a scheduler address"),
        (["sweep", "x.toml", "--scheduler", "h:0"], "is not a scheduler address"),
        (["calibrate", "x", "--patterns", "p.toml", "--scheduler", "tcp://a b:1"], "is not a scheduler address"),
        (["analyze", "d", "--prim", "x", "--below", "0.3", "--min-coverage", "7"], "'7' must be a share from 0 to 1"),
        (["analyze", "d", "--prim", "x", "--below", "0.3", "--min-coverage", "-1"], "must be a share from 0 to 1"),
        (["analyze", "d", "--prim", "x", "--below", "0.3", "--min-coverage", "nan"], "'nan' is not a finite number"),
        (["analyze", "d", "--prim", "x", "--below", "nan"], "--below: 'nan' is not a finite number"),
        (["analyze", "d", "--prim", "x", "--above=-inf"], "--above: '-inf' is not a finite number"),
        (["analyze", "d", "--prim", "x", "--above", "-inf"], "is written --above=VALUE)"),
        (["sweep", "x.toml", "--shard", "-1/2"], "(a value that starts with '-' is written --shard=VALUE)"),
    ],
)
def test_conflicting_or_impossible_flags_are_refused(tmp_path, capsys, monkeypatch, argv, words):
    run_without_model(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert words in one_error(capsys, argv)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even in the current folder


def test_analyze_names_its_out_when_it_cannot_write_there(tmp_path, capsys):
    sweep = tmp_path / "sw"
    spec = tmp_path / "spec.toml"
    spec.write_text('scenario = "single_agency"\nseed = 1\nsteps = 10\n[parameters]\npatience = [4, 8]\n')
    assert main(["sweep", str(spec), "--out", str(sweep), "--workers", "0"]) == 0
    (tmp_path / "afile").write_text("")
    assert one_error(capsys, ["analyze", sweep, "--out", tmp_path / "afile"]).startswith(f"error: --out {tmp_path}")
    assert "--out /proc/an: cannot write there" in one_error(capsys, ["analyze", sweep, "--out", "/proc/an"])
    assert main(["analyze", str(sweep), "--out", str(tmp_path / "an")]) == 0
    # no temporary files; the hidden record of what it wrote
    assert sorted(p.name for p in (tmp_path / "an").iterdir()) == [
        ".coalition-analysis.json",
        "p_goal.png",
        "points.csv",
    ]


def test_control_characters_never_reach_the_terminal(tmp_path, capsys):
    line = one_error(capsys, ["run", "no\x1b[31mred\nline\x00"])
    assert "\x1b" not in line and "\x00" not in line and "\\x1b" in line
    assert main(["frobnicate\x1b[2J"]) == 2
    assert "\x1b" not in capsys.readouterr().err


def test_a_long_run_reports_progress_when_not_on_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(progress, "EVERY", 0.0)  # a line at every week instead of every 30 s
    assert main(["run", "single_agency", "--steps", "9", "--out", tmp_path]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("run: ")]
    assert len(lines) == 9 and lines[-1].startswith("run: 9/9 weeks (100%)"), lines


def test_the_plain_progress_line():
    stream = io.StringIO()
    bar = progress.Progress("sweep", 200, initial=50, stream=stream, every=0)
    bar.update(50)
    assert stream.getvalue().startswith("sweep: 100/200 runs (50%), ") and "left" in stream.getvalue()
    quiet = progress.Progress("sweep", 10, stream=stream, enabled=False, every=0)
    quiet.update(5)
    assert stream.getvalue().count("\n") == 1


def test_a_slow_build_is_announced_and_a_quick_one_is_not(tmp_path, capsys, monkeypatch):
    """A city of thousands of organizations built for a minute without a word: it looked hung."""
    import time

    from sim.model.model import CoalitionModel

    assert main(["run", "single_agency", "--steps", "8", "--out", str(tmp_path / "quick")]) == 0
    assert "building the model" not in capsys.readouterr().err
    build = CoalitionModel.__init__

    def slow(self, *args, **kwargs):
        time.sleep(0.5)
        build(self, *args, **kwargs)

    monkeypatch.setattr(CoalitionModel, "__init__", slow)
    monkeypatch.setattr(progress, "SLOW", 0.05)
    assert main(["run", "single_agency", "--steps", "8", "--out", str(tmp_path / "slow")]) == 0
    n = len(load_scenario("single_agency").organizations)
    assert f"run: building the model ({n} organization{'' if n == 1 else 's'}) ...\n" in capsys.readouterr().err


def test_scenarios_show_gives_the_do_nothing_baseline(capsys):
    assert main(["scenarios", "show", "chicago_absenteeism", "--people", "4000", "--steps", "52"]) == 0
    out = capsys.readouterr().out
    assert "do-nothing baseline" in out and "week 52 (the horizon)" in out and "steady state" in out
    pop = load_scenario("chicago_absenteeism").population
    assert f"target: chronic absence at or under {pop.target_rate * 100:g}% for {pop.hold_steps} weeks" in out
    assert "points" in out and "below the steady state" in out
    assert "housing_instability" in out and "Housing Authority" in out  # who records it
    assert "among 3,000 people strays about 0.84 points" in out and "noise alone" not in out
    budgets = sum(o.budget for o in load_scenario("chicago_absenteeism").organizations)
    assert f"money: the organizations' budgets add up to {budgets:g} a week; a system change costs 150" in out
    # each circumstance's part of the real cause, and by group: the parts add up to the whole
    parts = [int(m) for m in re.findall(r"[+-]\d\.\d\d +(\d+)% ", out)]
    assert len(parts) == len(pop.circumstances) and abs(sum(parts) - 100) <= len(parts)
    by_group = re.search(r"by group: instability \(housing_instability, [a-z_, ]+\) (\d+)%", out)
    assert by_group and int(by_group.group(1)) == max(int(g) for g in re.findall(r"(\d+)%", out.split("by group:")[1]))


def test_scenarios_show_names_groups_of_one_circumstance(tmp_path, capsys):
    # run and sweeps report a group's name (diagnosed_group) even when it holds one circumstance;
    # show left the names out unless some group held several, so nothing said what they meant
    text = (SCENARIO_DIR / "chicago_absenteeism.toml").read_text(encoding="utf-8")
    for i in range(4):
        text = text.replace('group = "instability"', f'group = "gap_{i}"', 1)
    path = tmp_path / "one_each.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["scenarios", "show", str(path)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("by group:"))
    assert "gap_0 (housing_instability)" in line and "logistics (transport_barrier)" in line
    assert "disengagement " in line and "disengagement (" not in line  # ungrouped: its own name, once


def test_scenarios_show_warns_when_noise_alone_could_meet_the_goal(tmp_path, capsys):
    # the docs' worked example once had a target 1.1 standard deviations of a week's draw below
    # the steady state, with 1,000 people: noise alone met the goal in some runs
    text = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = next(b.split("```", 1)[0] for b in text.split("```toml\n")[1:] if b.startswith("[scenario]"))
    (tmp_path / "tiny.toml").write_text(example, encoding="utf-8")
    assert main(["scenarios", "show", str(tmp_path / "tiny.toml")]) == 0
    assert "target: chronic absence at or under 14.1% for 4 weeks" in (out := capsys.readouterr().out)
    assert "noise alone" not in out
    noisy = example.replace("size = 5000", "size = 1000").replace("target_rate = 0.141", "target_rate = 0.15")
    (tmp_path / "tiny.toml").write_text(noisy, encoding="utf-8")
    assert main(["scenarios", "show", str(tmp_path / "tiny.toml")]) == 0
    out = capsys.readouterr().out
    assert "at or under 15% for 4 weeks" in out and "1.1 of them below the steady state" in out
    assert re.search(r"noise alone would meet the goal in at least [1-9]\d?% of runs over 104 weeks", out)
    # a handful of people: the chance is counted from the exact binomial, not a normal curve
    (tmp_path / "tiny.toml").write_text(noisy.replace("size = 1000", "size = 10"), encoding="utf-8")
    assert main(["scenarios", "show", str(tmp_path / "tiny.toml")]) == 0
    chance = re.search(
        r"noise alone would meet the goal in (at least (\d+)% of runs|nearly every run)", capsys.readouterr().out
    )
    assert chance and (chance.group(2) is None or int(chance.group(2)) >= 50)


def test_baseline_reads_the_stated_prevalence_as_the_steady_state_without_raises():
    from sim.model.baseline import do_nothing
    from sim.scenario.load import load_scenario

    base = do_nothing(load_scenario("chicago_absenteeism"), people=20_000)
    for c in base.circumstances:
        assert abs(c.steady - c.stated) < 0.06, c
    assert base.floor < base.steady and 0 < base.start < 1


def test_viz_port_in_use_is_one_line(capsys, monkeypatch):
    monkeypatch.setattr("os.execve", lambda *a: pytest.fail("the server was started"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert "already in use" in one_error(capsys, ["viz", "--port", port])
    assert one_error(capsys, ["viz", "--host", "192.0.2.1"]).startswith("error: --host 192.0.2.1: not an address")

    def unknown(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)  # a name no resolver knows, without asking one
    assert one_error(capsys, ["viz", "--host", "nosuchhost.invalid"]).startswith("error: --host nosuchhost.invalid:")


def test_workers_zero_runs_a_sweep_in_this_process(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4, 9]\n')
    assert main(["sweep", spec, "--out", tmp_path / "o", "--workers", "0"]) == 0
    assert len(pd.read_parquet(tmp_path / "o" / "runs")) == 2


@pytest.mark.parametrize("command", ["sweep", "calibrate", "table"])
def test_more_workers_than_four_a_core_is_refused_in_one_line(tmp_path, capsys, command):
    # --workers 100000 was taken: a process a chunk, 33 for a 210-run sweep on two cores
    import os

    cores = len(os.sched_getaffinity(0))
    first = {"sweep": ["s.toml", "--out", "o"], "calibrate": ["p.toml"], "table": ["chicago_absenteeism"]}[command]
    line = one_error(capsys, [command, *first, "--workers", str(4 * cores + 1)])
    most = 4 * cores
    assert f"--workers: '{most + 1}' is more than {most}, four processes for each of the {cores} cores" in line
    assert not (tmp_path / "o").exists()


def test_a_missing_optional_package_names_its_extra(tmp_path, monkeypatch, capsys):
    import sys

    for name in ("SALib", "distributed"):  # as if not installed: importing them raises ImportError
        monkeypatch.setitem(sys.modules, name, None)
    spec = tmp_path / "s.toml"
    spec.write_text(
        'scenario = "single_agency"\nsteps = 8\nseed = 1\ndesign = "sobol"\nsamples = 4\n'
        "[parameters]\npatience = {min = 4, max = 9}\n"
    )
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o"])
    assert "pip install 'coalition[sensitivity]'" in line and 'design = "sobol"' in line
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4]\n')
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o2", "--scheduler", "tcp://127.0.0.1:1"])
    assert "coalition[dask]" in line


SWEEP = 'scenario = "single_agency"\nseed = 1\nsteps = 10\n[parameters]\npatience = [4, 8]\n'


def test_an_unreachable_scheduler_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys):
    """A sweep refused there leaves no manifest that would refuse the next, corrected, spec."""
    from sim.errors import InputError
    from sim.runs import executors

    def unreachable(self, workers, scheduler, code=None):
        if scheduler:  # as Dask's Client says after its 20 s timeout, without waiting for it
            raise InputError(f"--scheduler {scheduler}: cannot connect: Timed out trying to connect")
        self.scheduler, self.client, self.workers, self.executor = None, None, 0, executors.InlineExecutor()

    monkeypatch.setattr(executors.WorkerPool, "__init__", unreachable)
    spec = tmp_path / "s.toml"
    spec.write_text(SWEEP)
    line = one_error(capsys, ["sweep", spec, "--out", tmp_path / "o", "--scheduler", "tcp://127.0.0.1:1"])
    assert "cannot connect" in line
    assert not (tmp_path / "o").exists()  # nothing: no manifest, no folder, no lock file
    spec.write_text(SWEEP.replace("seed = 1", "seed = 8"))  # corrected, and run here: not refused
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "0"]) == 0
    # finished: a rerun has nothing to do, and does not wait for a scheduler it would not use
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:1"]) == 0
    assert "2 of 2 runs done; ran 0" in capsys.readouterr().out


def test_a_sweep_running_into_a_folder_holds_it_against_a_second(tmp_path, capsys):
    """The same sweep (or shard) started twice at once would write every run twice."""
    from sim.runs.locks import sweep_lock

    spec = tmp_path / "spec.toml"
    spec.write_text(SWEEP.replace("[4, 8]", "[4, 8, 12]"))  # 3 runs: room for 3 shards
    out = tmp_path / "sw"
    out.mkdir()
    with sweep_lock(out, None):  # another process running the whole sweep
        assert "another coalition sweep is running a sweep into this folder now" in one_error(
            capsys, ["sweep", spec, "--out", out]
        )
    with sweep_lock(out, (0, 2), 3):  # another process running shard 0 of 2 of the 3 runs
        assert "shard 0/2" in one_error(capsys, ["sweep", spec, "--out", out, "--shard", "0/2"])
        assert "another coalition sweep" in one_error(capsys, ["sweep", spec, "--out", out])
        # shards of another count cover overlapping runs: refused while these run
        line = one_error(capsys, ["sweep", spec, "--out", out, "--shard", "1/3"])
        assert "--shard 1/3: shards of 2 of this sweep are running into it now" in line, line
        # a shard extending the sweep (6 runs) cuts other blocks than the shards of 3 runs: refused while they run
        line = one_error(capsys, ["sweep", spec, "--out", out, "--shard", "1/2", "--replicates", "2"])
        assert "--shard 1/2: shards of a plan of 3 runs are running into it now, and this one plans 6" in line, line
        (out / ".shards-of-5.lock").mkdir()  # a stray folder named like a lock blocks nothing
        (out / ".shards-of-2-in-3.lock").unlink()  # and a lock file taken away is made again
        (out / ".shards-of-2-in-3.lock").mkdir()  # but a folder where this count's lock goes is one line
        assert "cannot lock the sweep" in one_error(capsys, ["sweep", spec, "--out", out, "--shard", "1/2"])
        (out / ".shards-of-2-in-3.lock").rmdir()
        assert main(["sweep", str(spec), "--out", str(out), "--shard", "1/2", "--workers", "0"]) == 0
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0  # released: the rest runs
    assert sorted(pd.read_parquet(out / "runs")["run_id"]) == [0, 1, 2]


def test_a_scenario_edited_during_a_sweep_does_not_mix_two_models(tmp_path, monkeypatch):
    import sim.runs.engine as engine
    from sim.runs import load_spec, run_sweep

    scenario = tmp_path / "mine.toml"
    scenario.write_text(SMALL)
    spec = tmp_path / "spec.toml"
    spec.write_text(SWEEP.replace('"single_agency"', '"mine.toml"').replace("[4, 8]", "[4, 8, 13]"))
    run_sweep(load_spec(spec), tmp_path / "reference", workers=0, progress=False)
    read = engine.load_scenario

    def read_then_edit(path):
        checked = read(path)
        scenario.write_text(SMALL.replace("baseline = -", "baseline = 1 + -"))  # edited right after
        return checked

    assert "baseline = -" in SMALL
    monkeypatch.setattr(engine, "load_scenario", read_then_edit)
    run_sweep(load_spec(spec), tmp_path / "edited", workers=0, chunk_size=1, progress=False)
    runs = [
        pd.read_parquet(tmp_path / d / "runs").sort_values("run_id").reset_index(drop=True)
        for d in ("reference", "edited")
    ]
    assert runs[0].equals(runs[1])


def test_no_output_may_go_inside_a_sweeps_table_folder(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(SWEEP)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "sw"), "--workers", "0"]) == 0
    runs = tmp_path / "sw" / "runs"
    assert "inside the table folder" in one_error(capsys, ["analyze", tmp_path / "sw", "--out", runs])
    assert "inside the table folder" in one_error(capsys, ["sweep", spec, "--out", runs / "nested"])
    assert "inside the table folder" in one_error(capsys, ["run", "single_agency", "--steps", "8", "--out", runs])
    assert sorted(p.name for p in runs.iterdir()) == sorted(p.name for p in runs.glob("part-*.parquet"))


def test_a_signal_while_files_are_renamed_waits_until_all_are_in_place(tmp_path, monkeypatch):
    import os
    import signal

    import sim.runs.outputs as outputs

    class Interrupted(Exception):
        pass

    def interrupted(signum, frame):
        raise Interrupted

    old = signal.signal(signal.SIGTERM, interrupted)
    try:
        real = os.replace
        calls = []

        def replace_then_signal(a, b):
            real(a, b)
            calls.append(b)
            if len(calls) == 1:
                os.kill(os.getpid(), signal.SIGTERM)  # lands between the two renames

        monkeypatch.setattr(outputs.os, "replace", replace_then_signal)
        for name in ("a.csv", "b.csv"):
            (tmp_path / name).write_text("old")
        with pytest.raises(Interrupted), outputs.Staged(tmp_path, "--out x") as staged:
            for name in ("a.csv", "b.csv"):
                staged.path(name).write_text("new")
            staged.commit()
        assert [(tmp_path / n).read_text() for n in ("a.csv", "b.csv")] == ["new", "new"]
    finally:
        signal.signal(signal.SIGTERM, old)


def test_an_analysis_interrupted_as_it_commits_leaves_no_stale_file_that_blocks_the_next(tmp_path, capsys, monkeypatch):
    # an attacker's trial: Ctrl-C between the commit and the removal of the earlier arms.csv left it unlisted
    # beside the new marker, and the next analysis refused it as a file no analysis wrote
    import pathlib

    spec = tmp_path / "spec.toml"
    spec.write_text(SWEEP.replace("patience = [4, 8]", 'patience = [4, 8]\nleader = ["system", "none"]'))
    assert main(["sweep", str(spec), "--out", str(tmp_path / "sw"), "--workers", "0"]) == 0
    by = ["--by", "leader", "--compare", "system,none"]
    assert main(["analyze", str(tmp_path / "sw"), *by]) == 0
    unlink = pathlib.Path.unlink

    def interrupted(self, *args, **kwargs):
        if self.name == "arms.csv":
            os.kill(os.getpid(), signal.SIGINT)
        return unlink(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "unlink", interrupted)
    assert main(["analyze", str(tmp_path / "sw")]) == 130
    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    assert not (tmp_path / "sw" / "analysis" / "arms.csv").exists()
    assert main(["analyze", str(tmp_path / "sw"), *by]) == 0


def test_a_commit_waits_for_another_into_the_same_folder(tmp_path):
    # two `coalition run --out X` at once: one's steps.csv beside the other's run.json
    import fcntl
    import threading

    from sim.runs import locks, outputs

    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process's commit, under way

    def commit():
        with outputs.Staged(tmp_path, "--out x") as staged:
            staged.path("a.csv").write_text("new")
            staged.commit()

    other = threading.Thread(target=commit)
    other.start()
    other.join(0.5)
    assert other.is_alive() and not (tmp_path / "a.csv").exists()  # waits
    os.close(fd)
    other.join(10)
    assert (tmp_path / "a.csv").read_text() == "new"
    # a holder that never lets go (stopped, or the file system's lock daemon gone) is refused, not waited for
    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(locks, "LOCK_WAIT", 0.2)
            with pytest.raises(
                outputs.OutputError, match=r"--out x: another command has been writing into this folder"
            ):
                with outputs.Staged(tmp_path, "--out x") as staged:
                    staged.path("b.csv").write_text("new")
                    staged.commit()
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # nothing half-written left


def test_a_new_analysis_removes_an_earlier_ones_files_it_did_not_remake(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(SWEEP.replace("patience = [4, 8]", 'patience = [4, 8]\nleader = ["system", "none"]'))
    assert main(["sweep", str(spec), "--out", str(tmp_path / "sw"), "--workers", "0"]) == 0
    assert main(["analyze", str(tmp_path / "sw"), "--by", "leader", "--compare", "system,none"]) == 0
    analysis = tmp_path / "sw" / "analysis"
    assert (analysis / "arms.csv").exists()
    assert main(["analyze", str(tmp_path / "sw")]) == 0
    assert sorted(p.name for p in analysis.iterdir()) == [".coalition-analysis.json", "p_goal.png", "points.csv"]
    assert "removed an earlier analysis's arms.csv, arms.png" in capsys.readouterr().out
    # a file of the user's that no analysis recorded writing is left alone, whatever its name
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "arms.csv").write_text("my,data\n")
    assert main(["analyze", str(tmp_path / "sw"), "--out", str(mine)]) == 0
    assert (mine / "arms.csv").read_text() == "my,data\n"
    assert "removed" not in capsys.readouterr().out


def test_only_the_folder_that_was_made_is_removed_even_when_a_link_is_switched(tmp_path):
    from sim.runs import outputs

    (tmp_path / "runA").mkdir()
    (tmp_path / "runB" / "new").mkdir(parents=True)  # someone else's, empty
    (tmp_path / "cur").symlink_to(tmp_path / "runA")
    made = outputs.prepare(tmp_path / "cur" / "new", "--out cur/new")
    (tmp_path / "cur").unlink()
    (tmp_path / "cur").symlink_to(tmp_path / "runB")  # switched while the run works
    outputs.remove_made(made)
    assert (tmp_path / "runB" / "new").is_dir(), "the folder now at that path was not made here: kept"


def test_a_folder_another_process_removed_is_made_again_for_the_files(tmp_path):
    from sim.runs import outputs

    folder = tmp_path / "shared" / "x"
    made = outputs.prepare(folder, "--out shared/x")
    outputs.remove_made(made)  # another run into the same new folder, interrupted, removed it (empty)
    with outputs.Staged(folder, "--out shared/x", ()) as staged:
        staged.path("run.json").write_text("{}")
        staged.commit()
    assert (folder / "run.json").read_text() == "{}"


def test_the_write_check_follows_a_link_before_dot_dot_as_the_files_will(tmp_path, monkeypatch):
    from sim.runs import outputs

    (tmp_path / "elsewhere" / "inner").mkdir(parents=True)
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "link").symlink_to(tmp_path / "elsewhere" / "inner")
    outputs.prepare(tmp_path / "here" / "link" / ".." / "Q", "--out link/../Q")
    assert (tmp_path / "elsewhere" / "Q").is_dir() and not (tmp_path / "here" / "Q").exists()

    def interrupted(folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "_probe", interrupted)  # Ctrl-C between making the folders and writing
    with pytest.raises(KeyboardInterrupt):
        outputs.prepare(tmp_path / "new" / "deep", "--out new/deep")
    assert not (tmp_path / "new").exists()


def test_a_lock_file_another_process_holds_is_never_removed(tmp_path):
    import multiprocessing

    from sim.runs.locks import remove_free_locks, sweep_lock

    ctx = multiprocessing.get_context("forkserver")
    ready, done = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_shard, args=(tmp_path, ready, done))
    holder.start()
    try:
        assert ready.wait(60)
        remove_free_locks(tmp_path)  # this process holds none: all of them are the other's
        assert (tmp_path / ".sweep.lock").exists() and (tmp_path / ".shard-0-of-2.lock").exists()
    finally:
        done.set()
        holder.join(60)
    with sweep_lock(tmp_path, None):
        pass
    remove_free_locks(tmp_path)
    assert list(tmp_path.iterdir()) == []


def _hold_shard(root, ready, done):
    from sim.runs.locks import sweep_lock

    with sweep_lock(root, (0, 2)):
        ready.set()
        done.wait(60)


def test_the_hint_for_a_value_starting_with_a_dash_comes_only_when_one_does(capsys):
    assert "is written --out=VALUE" not in one_error(capsys, ["run", "--out"])  # simply missing
    assert "is written --shard=VALUE" in one_error(capsys, ["sweep", "x.toml", "--shard", "-1/2"])
    assert "is written" not in one_error(capsys, ["analyze", "d", "--below", "--sobol"])  # forgotten, not negative


def test_a_prim_option_without_prim_is_refused(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('scenario = "single_agency"\nsteps = 8\nseed = 1\n[parameters]\npatience = [4, 8]\n')
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "0"]) == 0
    for flags in (["--below", "0.25"], ["--above", "0.1"], ["--min-coverage", "0.3"]):
        line = one_error(capsys, ["analyze", tmp_path / "o", *flags])
        assert line == f"error: {flags[0]}: a PRIM option; give --prim OUTCOME too, or leave it out", line
    assert not (tmp_path / "o" / "analysis").exists()


def test_a_lock_file_removed_between_open_and_lock_is_opened_again(tmp_path, monkeypatch):
    """A refused sweep removes its lock files: one that another sweep had opened but not yet locked."""
    import fcntl
    import threading

    from sim.runs.locks import remove_free_locks, sweep_lock
    from sim.runs.outputs import OutputError

    real = fcntl.flock
    opened, go = threading.Event(), threading.Event()

    def late(fd, mode):  # the first lock waits until the file has been removed
        if threading.current_thread().name == "A" and not go.is_set():
            opened.set()
            go.wait(30)
        return real(fd, mode)

    monkeypatch.setattr(fcntl, "flock", late)
    held, release = threading.Event(), threading.Event()

    def a():
        with sweep_lock(tmp_path, None):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=a, name="A")
    thread.start()
    try:
        assert opened.wait(30)
        remove_free_locks(tmp_path)  # the refused sweep, in the folder it made
        assert not (tmp_path / ".sweep.lock").exists()
        go.set()
        assert held.wait(30)
        assert (tmp_path / ".sweep.lock").exists()  # A holds the file in the folder, which others see
        with pytest.raises(OutputError, match="another coalition sweep is running"):
            with sweep_lock(tmp_path, None):
                pass
    finally:
        go.set()
        release.set()
        thread.join(30)


def test_run_says_when_the_target_needs_no_coalition(tmp_path, capsys):
    above = (Path(__file__).resolve().parent.parent / "scenarios" / "single_agency.toml").read_text(encoding="utf-8")
    pop = load_scenario("single_agency").population
    above = re.sub(r"(?m)^target_rate = .*$", "target_rate = 0.9", above)
    (tmp_path / "above.toml").write_text(above, encoding="utf-8")
    assert (
        main(["run", str(tmp_path / "above.toml"), "--steps", str(pop.hold_steps), "--out", str(tmp_path / "o")]) == 0
    )
    assert "note: the target is at or above the expected rate at the start" in capsys.readouterr().out
    assert main(["run", "single_agency", "--steps", str(pop.hold_steps), "--out", str(tmp_path / "p")]) == 0
    assert "note: the target" not in capsys.readouterr().out


def test_a_target_is_shown_as_the_file_states_it():
    from sim.model.events import target_percent

    shown = [target_percent(v) for v in (0.2, 0.0285, 5e-7, 0.99999, 0.9999999, 0.1234567, 1 / 3)]
    assert shown == [
        "20%",
        "2.85%",
        "0.00005%",
        "99.999%",
        "99.99999%",
        "12.34567%",
        "33.33333333%",
    ]  # never 1e-05%, never a rounded 100%


def test_a_scenario_in_months_with_weekly_defaults_gets_a_note(tmp_path, capsys):
    text = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = next(b.split("```", 1)[0] for b in text.split("```toml\n")[1:] if b.startswith("[scenario]"))
    (tmp_path / "weekly.toml").write_text(example, encoding="utf-8")
    (tmp_path / "monthly.toml").write_text(example.replace("steps = 104", "steps = 24\ndays_per_step = 30"))
    assert main(["scenarios", "show", str(tmp_path / "weekly.toml")]) == 0
    assert "keep the defaults made for 7-day steps" not in "".join(capsys.readouterr())
    assert main(["scenarios", "show", str(tmp_path / "monthly.toml")]) == 0
    assert "keep the defaults made for 7-day steps" in "".join(capsys.readouterr())
    assert main(["run", str(tmp_path / "monthly.toml"), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "a step is 30 days (a month), but patience" in err and "patience 52 means 52 months" in err


def test_the_chance_of_weeks_in_a_row_is_counted_exactly():
    # scenarios show's floor on noise alone meeting the goal: hold_steps weeks in a row within the horizon
    import numpy as np

    from sim.cli.scenarios import run_of

    rng = np.random.default_rng(7)
    for chance, length, weeks in ((0.5, 4, 4), (0.5, 4, 8), (0.3, 3, 50), (0.05, 1, 20)):
        hits = rng.random((40_000, weeks)) < chance
        streak, done = np.zeros(len(hits), dtype=int), np.zeros(len(hits), dtype=bool)
        for week in range(weeks):
            streak = np.where(hits[:, week], streak + 1, 0)
            done |= streak >= length
        assert run_of(chance, length, weeks) == pytest.approx(done.mean(), abs=0.01)
    assert run_of(0.5, 4, 4) == 0.5**4 and run_of(0.9, 9, 8) == 0.0


def test_the_monthly_note_names_only_what_needs_rescaling_and_run_png_counts_months(tmp_path, capsys, monkeypatch):
    """A default of 0 (never) means the same in any unit; one parameter left reads in the singular; run.png's
    axis and legend count months, not weeks."""
    import sim.runs.plots as plots
    from sim.cli.common import step_notes
    from sim.model.params import PARAMETERS
    from sim.scenario.load import load_scenario

    text = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = next(b.split("```", 1)[0] for b in text.split("```toml\n")[1:] if b.startswith("[scenario]"))
    monthly = tmp_path / "monthly.toml"
    monthly.write_text(example.replace("steps = 104", "steps = 24\ndays_per_step = 30"))
    spec = load_scenario(monthly)
    from sim.model.timescale import kind_of

    weekly = [n for n, p in PARAMETERS.items() if kind_of(n) and p.default is not None]
    assert PARAMETERS["reach_turnover"].default == 0 and "reach_turnover" in weekly
    assert "rate_smoothing" in weekly  # a running average's weight is per step too
    # the scenario leaves out its system_lag and setback rate: given here, so that only patience is noted
    all_but = {n: 1 for n in weekly if n not in ("reach_turnover", "patience")} | {"system_lag": 6, "setback_rate": 0.1}
    (note,) = step_notes(spec, all_but)
    assert "but patience keeps the default made for 7-day steps" in note and "rescale it" in note
    assert "reach_turnover" not in note
    assert step_notes(spec, {**all_but, "patience": 12}) == []
    # the weeks and weekly chances rescaled but a smoothing weight left: it is noted too (a reviewer's probe)
    weeks_only = {n: 1 for n, p in PARAMETERS.items() if p.unit in ("weeks", "per week") and p.default is not None}
    (note,) = step_notes(spec, {**weeks_only, "rate_smoothing": 0.3, "system_lag": 6, "setback_rate": 0.1})
    assert "but metric_smoothing keeps the default" in note
    drawn = []
    real = plots.plot_run
    monkeypatch.setattr(plots, "plot_run", lambda *a, **k: drawn.append(real(*a, **k)) or drawn[-1])
    assert main(["run", str(monthly), "--out", str(tmp_path / "o")]) == 0
    axes = drawn[0].axes
    words = [axes[-1].xaxis.label.get_text()] + [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert words[0] == "month" and "outcome rate (each month)" in words and not any("week" in w for w in words)


def test_an_error_with_stderr_full_or_closed_keeps_its_status_and_stays_out_of_stdout(tmp_path):
    """An attacker's trial: `2>/dev/full` made a usage error exit 1; with `2>&-` it went into the output file."""
    import subprocess
    import sys

    coalition = str(Path(sys.executable).parent / "coalition")
    with open("/dev/full", "w") as full:
        done = subprocess.run([coalition, "run", "--set", "steps=bad"], stdout=subprocess.DEVNULL, stderr=full)
    assert done.returncode == 2
    preset = tmp_path / "preset.toml"
    with open(preset, "w") as out:
        done = subprocess.run(
            [coalition, "scenarios", "preset", "nosuch"], stdout=out, timeout=120, preexec_fn=lambda: os.close(2)
        )
    assert done.returncode == 2 and preset.read_text() == ""


def test_a_umask_that_leaves_nobody_reading_is_refused_before_anything_is_written(tmp_path):
    """An attacker's trial: umask 777 wrote files of mode 000, and the next run called them not a run's record."""
    import subprocess
    import sys

    coalition = str(Path(sys.executable).parent / "coalition")
    done = subprocess.run(
        [coalition, "run", "single_agency", "--steps", "8", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o777),
    )
    assert done.returncode == 2 and done.stderr.startswith("error: umask 0777: the files `coalition run` writes")
    assert not (tmp_path / "o").exists()
    show = [coalition, "scenarios", "show", "single_agency"]  # a command that writes nothing is not refused
    shown = subprocess.run(show, capture_output=True, timeout=120, preexec_fn=lambda: os.umask(0o777))
    assert shown.returncode == 0


def test_environment_and_resources_the_libraries_fail_on_are_one_line(tmp_path, monkeypatch, capsys):
    """A bad MPLBACKEND, a full standard output and a machine out of memory were tracebacks or
    a line that did not say what failed (an attacker's trial)."""
    import subprocess
    import sys

    coalition = Path(sys.executable).parent / "coalition"
    env = {**os.environ, "MPLBACKEND": "nosuch"}
    done = subprocess.run(
        [str(coalition), "scenarios", "show", "single_agency"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: MPLBACKEND='nosuch' is not a matplotlib backend; unset it or use one such as Agg"
    ]
    # block-buffered, as in a terminal's redirection (PYTHONUNBUFFERED would hide a failure at exit)
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for argv in (["scenarios"], ["run", "single_agency", "--steps", "8", "--out", str(tmp_path / "full")]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [str(coalition), *argv], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, env=buffered
            )
        assert done.returncode == 2 and done.stderr.strip() == "error: stdout: No space left on device", done
    for argv, status in ((["scenarios", "show", "single_agency"], 2), (["run", "single_agency", "--steps", "8"], 0)):
        closed = subprocess.run(  # `>&-`: what scenarios prints would go nowhere; run's product is its files
            [str(coalition), *argv, *(["--out", str(tmp_path / "closed")] if status == 0 else [])],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=buffered,
            preexec_fn=lambda: os.close(1),
        )
        assert closed.returncode == status, closed
        assert closed.stderr == (
            "error: stdout: closed; `coalition scenarios` writes what it finds there (try > FILE)\n" if status else ""
        )
    assert (tmp_path / "closed" / "run.json").is_file()

    def hungry(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("sim.model.model.CoalitionModel.__init__", hungry)
    assert main(["run", "single_agency", "--steps", "8", "--out", str(tmp_path / "o")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: run: out of memory; try fewer people")


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--rounds", "99999999999"], "error: --rounds 99999999999 x --weeks-per-round 13 = "),
        (["--weeks-per-round", "999999"], "error: --rounds 12 x --weeks-per-round 999999 = "),
        (["--seed=-5"], "error: coalition classroom: argument --seed: '-5' is negative"),
        (["--host", "nosuchhost.invalid"], "error: --host nosuchhost.invalid: cannot use this address"),
    ],
)
def test_classroom_refusals_name_the_option_at_fault(flags, words, capsys):
    # they named the model's steps and rng, or --port for a bad host (an attacker's trial)
    assert main(["classroom", "--port", "0", *flags]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(words), line
