"""The sweep engine: same table for any worker count, scheduler, shard split or interruption."""

import functools
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import InputError
from sim.model.runner import run
from sim.runs import load_spec, run_sweep
from sim.runs.storage import ManifestError

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPEC = """
scenario = "chicago_absenteeism"
steps = {steps}
replicates = 3
seed = 2026
design = "grid"
[parameters]
patience = [4, 26]
initial_trust = [0.2, 0.6]
[fixed]
leader = "system"
"""


def table(out):
    df = pd.read_parquet(Path(out) / "runs")
    return df.sort_values("run_id").reset_index(drop=True)


def check_complete(df, n):
    assert list(df["run_id"]) == list(range(n)), "runs lost or duplicated"


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "grid.toml"
    path.write_text(SPEC.format(steps=12))
    return path


@pytest.fixture(scope="module")
def reference(spec_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "one"
    report = run_sweep(load_spec(spec_path), out, workers=1, chunk_size=2, progress=False)
    # 7 chunks, not 6: a stride of 6 gave each chunk two of the 4 points; 7 is prime to 4
    assert report.ran == 12 and report.parts == 7
    return table(out)


def test_table_has_ids_parameters_and_outcomes(reference, spec_path):
    check_complete(reference, 12)
    for col in (
        "run_id",
        "seed",
        "patience",
        "initial_trust",
        "leader",
        "goal_reached",
        "steps_to_goal",
        "outcome_rate",
        "mean_trust",
        "coalition_size",
        "roles_covered",
        "diagnosis_accuracy",
    ):
        assert col in reference.columns
    row = reference.iloc[7]  # any run is reproducible from its row alone
    again = run(
        steps=12, rng=int(row["seed"]), patience=row["patience"], initial_trust=row["initial_trust"], leader="system"
    )
    assert again["outcome_rate"] == row["outcome_rate"] and again["mean_trust"] == row["mean_trust"]


def test_one_and_two_workers_and_shards_give_the_same_table(reference, spec_path, tmp_path):
    spec = load_spec(spec_path)
    run_sweep(spec, tmp_path / "two", workers=2, chunk_size=3, progress=False)
    pd.testing.assert_frame_equal(table(tmp_path / "two"), reference)
    for i in range(3):
        run_sweep(spec, tmp_path / "shards", workers=1, shard=(i, 3), chunk_size=5, progress=False)
    pd.testing.assert_frame_equal(table(tmp_path / "shards"), reference)
    again = run_sweep(spec, tmp_path / "shards", workers=1, progress=False)
    assert again.ran == 0 and again.already_done == 12


def test_shards_run_apart_combine_into_the_first_shards_folder(reference, spec_path, tmp_path):
    # docs/sweeps.md's recipe without a shared file system: the other shards' parts copied into the first's folder
    spec = load_spec(spec_path)
    for i in range(3):
        run_sweep(spec, tmp_path / f"node{i}", workers=0, shard=(i, 3), chunk_size=5, progress=False)
    bare = tmp_path / "bare" / "runs"  # parts alone, no manifest: nothing to check them against
    bare.mkdir(parents=True)
    for i in (1, 2):
        for part in (tmp_path / f"node{i}" / "runs").glob("part-*.parquet"):
            shutil.copy(part, tmp_path / "node0" / "runs" / part.name)
            shutil.copy(part, bare / part.name)
    with pytest.raises(ManifestError, match="holds results but no manifest.json"):
        run_sweep(spec, tmp_path / "bare", workers=0, progress=False)
    again = run_sweep(spec, tmp_path / "node0", workers=0, progress=False)
    assert again.ran == 0 and again.already_done == 12
    pd.testing.assert_frame_equal(table(tmp_path / "node0"), reference)


@pytest.mark.parametrize("change", [("seed = 2026", "seed = 12345"), ("patience = [4, 26]", "patience = [5, 26]")])
def test_a_part_of_another_sweep_copied_in_is_refused_and_named(spec_path, tmp_path, change):
    # shards run into separate folders and merged by copying parts: a part of another sweep (another
    # seed, or other values) has run_ids this sweep plans too, and was counted as done
    spec = load_spec(spec_path)
    other = tmp_path / "other.toml"
    other.write_text(spec_path.read_text().replace(*change))
    run_sweep(spec, tmp_path / "mine", workers=0, shard=(0, 2), chunk_size=6, progress=False)
    run_sweep(load_spec(other), tmp_path / "theirs", workers=0, shard=(1, 2), chunk_size=6, progress=False)
    (foreign,) = (tmp_path / "theirs" / "runs").glob("part-*.parquet")
    shutil.copy(foreign, tmp_path / "mine" / "runs" / foreign.name)
    name = change[0].split(" =")[0]
    with pytest.raises(ManifestError, match=rf"{foreign.name}: \(file\): not a part of this sweep: it holds {name} "):
        run_sweep(spec, tmp_path / "mine", workers=0, progress=False)
    # and analyzed, not taken for this sweep's runs (an attacker's trial: analyze read another seed's runs)
    from sim.runs.analyze import load_sweep

    with pytest.raises(ManifestError, match=rf"{foreign.name}: \(file\): not a part of this sweep: it holds {name} "):
        load_sweep(tmp_path / "mine")
    # the same part of this sweep, copied from a shard's own folder, is welcome
    run_sweep(spec, tmp_path / "again", workers=0, shard=(1, 2), chunk_size=6, progress=False)
    (mine,) = (tmp_path / "again" / "runs").glob("part-*.parquet")
    (tmp_path / "mine" / "runs" / foreign.name).unlink()
    shutil.copy(mine, tmp_path / "mine" / "runs" / mine.name)
    assert run_sweep(spec, tmp_path / "mine", workers=0, progress=False).already_done == 12


@pytest.mark.parametrize("plan", ["steps", "scenario content"])
def test_a_shard_run_under_another_plan_is_refused_and_named(spec_path, tmp_path, plan):
    """An attacker's trial: a shard run with --steps 14, or with an edited copy of the scenario, merged silently."""
    from sim.runs.analyze import load_sweep

    scenario = tmp_path / "city.toml"
    scenario.write_text((ROOT / "scenarios" / "chicago_absenteeism.toml").read_text())
    text = spec_path.read_text().replace('"chicago_absenteeism"', f'"{scenario}"')
    (tmp_path / "mine.toml").write_text(text)
    run_sweep(
        load_spec(tmp_path / "mine.toml"), tmp_path / "mine", workers=0, shard=(0, 2), chunk_size=6, progress=False
    )
    if plan == "steps":
        other = load_spec(tmp_path / "mine.toml").with_overrides(None, 14)
    else:  # the same file name, another target
        elsewhere = tmp_path / "b"
        elsewhere.mkdir()
        edited = scenario.read_text().replace("target_rate = 0.2", "target_rate = 0.21")
        assert edited != scenario.read_text()
        (elsewhere / "city.toml").write_text(edited)
        (elsewhere / "mine.toml").write_text(text.replace(str(scenario), str(elsewhere / "city.toml")))
        other = load_spec(elsewhere / "mine.toml")
    run_sweep(other, tmp_path / "theirs", workers=0, shard=(1, 2), chunk_size=6, progress=False)
    (foreign,) = (tmp_path / "theirs" / "runs").glob("part-*.parquet")
    shutil.copy(foreign, tmp_path / "mine" / "runs" / foreign.name)
    said = rf"{foreign.name}: \(file\): not a part of this sweep: it holds runs made with {plan} "
    with pytest.raises(ManifestError, match=said):
        run_sweep(load_spec(tmp_path / "mine.toml"), tmp_path / "mine", workers=0, progress=False)
    with pytest.raises(ManifestError, match=said):
        load_sweep(tmp_path / "mine")


def test_a_companion_part_made_under_another_plan_is_refused_and_named(spec_path, tmp_path):
    """An analysis client's trial: series parts of a 14-week sweep, copied in under this sweep's
    names, passed the check (runs said 12 weeks, series went to 14 in a join)."""
    (tmp_path / "spec.toml").write_text("series = true\n" + spec_path.read_text())
    spec = load_spec(tmp_path / "spec.toml").with_overrides(None, 12)
    for name, plan in (("mine", spec), ("theirs", spec.with_overrides(None, 14))):
        run_sweep(plan, tmp_path / name, workers=0, chunk_size=6, progress=False, series_out=tmp_path / f"{name}-s")
    theirs = sorted((tmp_path / "theirs-s" / "series").glob("part-*.parquet"))
    mine = sorted((tmp_path / "mine-s" / "series").glob("part-*.parquet"))
    assert len(theirs) == len(mine) > 1
    shutil.copy(theirs[0], mine[0])  # the same runs and columns, under this sweep's name
    said = rf"series/{mine[0].name}: not a part of this sweep: it holds runs made with steps 14, where .* 12"
    with pytest.raises(InputError, match=said):
        run_sweep(spec, tmp_path / "mine", workers=0, progress=False, series_out=tmp_path / "mine-s")


def test_shards_run_apart_with_their_own_preset_file_and_the_scenarios_horizon_are_one_plan(tmp_path):
    """A reviewer's trial: the preset's path, and a horizon given on one shard and left out on the other."""
    from sim.runs.analyze import load_sweep

    spec = (
        'scenario = "single_agency"\nseed = 3\nreplicates = 2\npreset = "my.toml"\n[parameters]\npatience = [4, 26]\n'
    )
    preset = '[preset]\nscenario = "single_agency"\ndescription = "mine"\n[parameters]\ninitial_trust = 0.4\n'
    for node in ("a", "b"):  # two machines: the same files, at other paths
        (tmp_path / node).mkdir()
        (tmp_path / node / "spec.toml").write_text(spec)
        (tmp_path / node / "my.toml").write_text(preset)
    run_sweep(load_spec(tmp_path / "a" / "spec.toml"), tmp_path / "a" / "out", workers=0, shard=(0, 2), progress=False)
    given = load_spec(tmp_path / "b" / "spec.toml").with_overrides(None, 156)  # the scenario's own 156 weeks
    run_sweep(given, tmp_path / "b" / "out", workers=0, shard=(1, 2), progress=False)
    for part in (tmp_path / "b" / "out" / "runs").glob("part-*.parquet"):
        shutil.copy(part, tmp_path / "a" / "out" / "runs" / part.name)
    again = run_sweep(load_spec(tmp_path / "a" / "spec.toml"), tmp_path / "a" / "out", workers=0, progress=False)
    assert again.ran == 0 and again.already_done == 4
    assert len(load_sweep(tmp_path / "a" / "out").runs) == 4


def die_once_then_run(marker, **kwargs):
    """Kill the worker process (not the driver) the first time; then behave like sim.run."""
    if multiprocessing.parent_process() is not None:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.close(fd)
            os._exit(1)
    return run(**kwargs)


def test_a_worker_that_dies_mid_chunk_loses_and_duplicates_nothing(reference, spec_path, tmp_path):
    marker = tmp_path / "died"
    fn = functools.partial(die_once_then_run, str(marker))
    report = run_sweep(load_spec(spec_path), tmp_path / "out", workers=2, chunk_size=2, progress=False, run_fn=fn)
    assert marker.exists() and report.restarts >= 1
    pd.testing.assert_frame_equal(table(tmp_path / "out"), reference)


@pytest.mark.slow  # make validation
def test_sigkill_part_way_then_resume_gives_the_uninterrupted_table(tmp_path):
    spec = tmp_path / "slow.toml"
    spec.write_text("series = true\n" + SPEC.format(steps=30).replace("replicates = 3", "replicates = 5"))
    ref = tmp_path / "ref"
    run_sweep(load_spec(spec), ref, workers=0, chunk_size=4, progress=False, series_out=tmp_path / "ref-series")
    out = tmp_path / "out"
    cmd = [str(BIN / "coalition"), "sweep", str(spec), "--out", str(out), "--workers", "1", "--chunk-size", "1"]
    cmd += ["--series-out", str(tmp_path / "series")]
    proc = subprocess.Popen(cmd, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list((out / "runs").glob("part-*.parquet"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep, its forkserver and its workers
    proc.communicate()
    done_at_kill = len(pd.read_parquet(out / "runs"))
    assert 3 <= done_at_kill < 20, "the kill should land part-way"
    result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "no progress bar when stderr is not a terminal"
    assert f"{done_at_kill} were already on disk" in result.stdout
    assert not list((out / "runs").glob(".*")), "temporary files left behind"
    pd.testing.assert_frame_equal(table(out), table(ref))
    series = pd.read_parquet(tmp_path / "series" / "series").sort_values(["run_id", "step"]).reset_index(drop=True)
    assert len(series) == 20 * 31 and not series.duplicated(["run_id", "step"]).any()
    ref_series = pd.read_parquet(tmp_path / "ref-series" / "series")
    ref_series = ref_series.sort_values(["run_id", "step"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(series, ref_series)
    last = series[series["step"] == 30].set_index("run_id")["outcome_rate"]
    assert list(last) == list(table(out)["outcome_rate"])  # the series ends where the run's result does


def _popen(args):
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _wait_for(proc, pattern, timeout=60):
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        found = re.search(pattern, line)
        if found:
            return found
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"{proc.args} did not start")


@pytest.mark.skipif(shutil.which("dask", path=str(BIN)) is None, reason="dask extra not installed")
@pytest.mark.slow  # make validation
def test_a_real_dask_cluster_gives_the_same_table(reference, spec_path, tmp_path):
    dask = str(BIN / "dask")
    procs = []
    try:
        procs.append(_popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]))
        address = _wait_for(procs[0], r"Scheduler at:\s+(tcp://\S+)").group(1)
        worker = [
            dask,
            "worker",
            address,
            "--nthreads",
            "1",
            "--no-dashboard",
            "--memory-limit",
            "0",
            "--host",
            "127.0.0.1",
        ]
        procs += [_popen(worker), _popen(worker)]
        for proc in procs[1:]:
            _wait_for(proc, r"Registered to")
        report = run_sweep(load_spec(spec_path), tmp_path / "dask", scheduler=address, chunk_size=2, progress=False)
        assert report.ran == 12
        pd.testing.assert_frame_equal(table(tmp_path / "dask"), reference)
    finally:
        for proc in reversed(procs):  # the cluster this test started, nothing else
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            proc.stderr.close()


def test_series_orphans_from_a_kill_between_the_two_renames_are_removed(tmp_path):
    spec = tmp_path / "series.toml"
    spec.write_text("series = true\n" + SPEC.format(steps=8).replace("replicates = 3", "replicates = 1"))
    out, root = tmp_path / "out", tmp_path / "series-root"
    run_sweep(load_spec(spec), out, workers=0, chunk_size=2, progress=False, series_out=root)
    part = sorted((root / "series").glob("part-*.parquet"))[0]
    orphan = root / "series" / "part-0000000000-00002-deadbeef.parquet"  # its runs part never landed
    orphan.write_bytes(part.read_bytes())
    (root / "series" / ".part-0000000000-00002-cafecafe.parquet.tmp").write_bytes(b"half")
    again = run_sweep(load_spec(spec), out, workers=0, progress=False, series_out=root)
    assert again.ran == 0 and not orphan.exists() and not list((root / "series").glob(".*"))
    series = pd.read_parquet(root / "series")
    assert len(series) == 4 * 9 and not series.duplicated(["run_id", "step"]).any()
    assert series["steps_to_goal"].isna().all()  # all null, typed by the explicit schema


@pytest.mark.parametrize("ids", ["recorded", "not recorded (older sweeps)"])
def test_another_sweeps_series_folder_is_refused_and_left_whole(tmp_path, ids):
    import json

    spec = tmp_path / "series.toml"
    spec.write_text("series = true\n" + SPEC.format(steps=8).replace("replicates = 3", "replicates = 1"))
    for name in ("a", "b"):  # two sweeps of one spec, each with its own series folder
        run_sweep(load_spec(spec), tmp_path / name, workers=0, progress=False, series_out=tmp_path / f"s{name}")
    if ids != "recorded":
        for manifest in tmp_path.glob("*/manifest.json"):
            manifest.write_text(
                json.dumps({k: v for k, v in json.loads(manifest.read_text()).items() if k != "sweep_id"})
            )
    parts = sorted((tmp_path / "sa" / "series").iterdir())
    manifest = (tmp_path / "sa" / "manifest.json").read_text()
    with pytest.raises(ManifestError, match="--series-out .*another sweep than --out"):
        run_sweep(load_spec(spec), tmp_path / "b", workers=0, progress=False, series_out=tmp_path / "sa")
    assert sorted((tmp_path / "sa" / "series").iterdir()) == parts  # none taken for b's leftovers
    assert (tmp_path / "sa" / "manifest.json").read_text() == manifest


PROBE = run(steps=8, rng=1)


def instant_run(**kwargs):
    """A stand-in for sim.run with the same outputs, to measure the engine alone."""
    return dict(PROBE)


def memory_peaks(folder: str) -> dict:
    """Peak traced memory of sweeps of 100, 500 and 8,000 instant runs into ``folder``."""
    import tracemalloc

    peaks = {}
    for n in (100, 500, 8_000):  # the first one warms up: lazy imports, caches
        spec_path = Path(folder) / f"m{n}.toml"
        spec_path.write_text(SPEC.format(steps=8).replace("replicates = 3", f"replicates = {n // 4}"))
        tracemalloc.start()
        report = run_sweep(
            load_spec(spec_path), Path(folder) / f"m{n}", workers=0, chunk_size=125, run_fn=instant_run, progress=False
        )
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert report.ran == n
    return peaks


@pytest.mark.slow  # make validation
def test_memory_stays_flat_in_the_number_of_runs(tmp_path):
    # in a fresh interpreter: tracemalloc counts every thread's memory, and a thread an
    # earlier test left in this worker (a classroom's counterfactual runs) once made the
    # 8,000 runs look nine times the 500
    code = "import json, sys; from tests.test_sweep_engine import memory_peaks as m; print(json.dumps(m(sys.argv[1])))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=Path(__file__).parents[1],
    )
    assert done.returncode == 0, done.stderr
    peaks = {int(k): v for k, v in json.loads(done.stdout.splitlines()[-1]).items()}
    assert peaks[8_000] < 1.5 * peaks[500], peaks  # 16 times the runs, about the same memory


class PoolThatBreaksOnSubmit:
    """A pool whose executor breaks at the ``n``-th submit, as when a worker dies between two waits."""

    client = scheduler = None
    workers = 1

    def __init__(self, breaks_at: int):
        from sim.runs.executors import InlineExecutor

        self.submits, self.restarts, self.breaks_at = 0, 0, breaks_at
        pool = self

        class Breaking(InlineExecutor):
            def submit(self, fn, /, *args, **kwargs):
                pool.submits += 1
                if pool.submits == pool.breaks_at:
                    raise BrokenProcessPool("a child process terminated abruptly")
                return super().submit(fn, *args, **kwargs)

        self.executor = Breaking()

    def restart(self):
        self.restarts += 1

    def close(self, wait=True):
        pass


@pytest.mark.parametrize("breaks_at", [1, 2, 3, 4])
def test_a_pool_that_breaks_while_a_chunk_is_sent_loses_and_duplicates_nothing(breaks_at):
    from sim.runs.executors import dispatch

    pool, done = PoolThatBreaksOnSubmit(breaks_at), []
    chunks = iter([[1, 2], [3, 4], [5, 6], [7]])
    restarts = dispatch(pool, chunks, lambda chunk: (sum, chunk), lambda chunk, result: done.append((chunk, result)))
    assert sorted(done) == [([1, 2], 3), ([3, 4], 7), ([5, 6], 11), ([7], 7)]
    assert restarts == pool.restarts == 1


class ClusterThatLosesItsWorkers:
    """A Dask-like pool: no workers while ``gate`` is shut, then workers run what was queued."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self.gate, self.looks = threading.Event(), 0
        self.scheduler, self.workers = "tcp://cluster:8786", 1
        self.client = self
        self.executor = ThreadPoolExecutor(max_workers=1)

    def nthreads(self):
        self.looks += 1
        if self.looks == 2:  # the second look: a worker came back (as a batch system would start one)
            self.gate.set()
        return {"tcp://worker:1": 1} if self.gate.is_set() else {}

    def close(self, wait=True):
        self.executor.shutdown(wait=True)


def test_a_cluster_without_workers_is_said_once_and_again_when_they_return(monkeypatch, capsys):
    """Every Dask worker dead: the sweep waited without a word (the scheduler keeps the chunks)."""
    from sim.runs import executors, worker_watch

    monkeypatch.setattr(worker_watch, "WORKERLESS_CHECK", 0.05)
    pool, done = ClusterThatLosesItsWorkers(), []

    def run(chunk):
        pool.gate.wait()
        return sum(chunk)

    executors.dispatch(pool, iter([[1, 2], [3]]), lambda chunk: (run, chunk), lambda c, r: done.append(r))
    assert sorted(done) == [3, 3]
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "coalition: no Dask workers are connected to tcp://cluster:8786; waiting for workers "
        "(Ctrl-C stops; finished runs are kept)",
        "coalition: Dask workers are connected to tcp://cluster:8786; going on",
    ]


class ClusterThatLosesItsScheduler:
    """A Dask-like pool whose client lost its scheduler: Dask cancels every task."""

    scheduler, workers = "tcp://cluster:8786", 1

    def __init__(self):
        self.client = self.executor = self

    def nthreads(self):
        return {"tcp://worker:1": 1}

    def submit(self, fn, *args):
        from concurrent.futures import CancelledError, Future

        fut = Future()
        fut.set_exception(CancelledError())
        return fut

    def close(self, wait=True):
        pass


def test_a_lost_scheduler_is_one_line_saying_how_to_go_on():
    """A cluster researcher's trial: 36 lines of Dask's traceback, then 'runs 3..355 failed: CancelledError'."""
    from sim.runs.executors import SweepError, dispatch

    said = r"^lost the Dask scheduler tcp://cluster:8786 .*every finished chunk is kept.* same command to go on$"
    with pytest.raises(SweepError, match=said):
        dispatch(ClusterThatLosesItsScheduler(), iter([[1, 2], [3]]), lambda c: (sum, c), lambda c, r: None)


def test_workers_that_die_before_any_run_finishes_point_to_the_main_guard():
    """A script without `if __name__ == "__main__":` kills every worker at its start (they import it)."""
    from concurrent.futures.process import BrokenProcessPool

    from sim.runs.executors import MAX_RESTARTS, SweepError, dispatch

    class NeverStarts(PoolThatBreaksOnSubmit):
        def restart(self):
            self.restarts += 1

    pool = NeverStarts(0)

    def broken(*args):
        raise BrokenProcessPool("a child process terminated abruptly")

    pool.executor.submit = lambda fn, *args: broken()
    with pytest.raises(SweepError, match=r'before any run finished; .*if __name__ == "__main__":'):
        dispatch(pool, iter([[1], [2]]), lambda chunk: (sum, chunk), lambda chunk, result: None)
    assert pool.restarts == MAX_RESTARTS
