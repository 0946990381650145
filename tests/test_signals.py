"""SIGTERM and SIGHUP stop the CLI like Ctrl-C: workers stopped, temporary files removed, nothing left running."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sim.cli.main import Terminated, main

BIN = Path(sys.executable).parent
SPEC = """scenario = "chicago_absenteeism"
steps = 156
replicates = 3
seed = 5
[parameters]
patience = [13, 52]
initial_trust = [0.3, 0.6]
"""


def in_session(sid: int) -> list[str]:
    """Processes of session ``sid`` still alive (zombies excluded), as ``pid name``."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if int(rest[3]) == sid and rest[0] != "Z":
            alive.append(f"{stat.parent.name} {name}")
    return alive


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_stops_the_sweep_and_leaves_no_process(tmp_path, signum, status):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    cmd = [str(BIN / "coalition"), "sweep", str(spec), "--out", str(out), "--workers", "2", "--chunk-size", "1"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list((out / "runs").glob("part-*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(in_session(proc.pid)) >= 3, "the sweep, its forkserver and workers are running"
        os.kill(proc.pid, signum)  # the main process only, as timeout, Slurm or docker stop would
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == status, err
    assert err.strip().splitlines()[-1].startswith(f"interrupted ({signal.Signals(signum).name})"), err
    assert "Traceback" not in err
    left = in_session(proc.pid)
    deadline = time.monotonic() + 30
    while left and time.monotonic() < deadline:  # the resource tracker may take a moment to see its pipe close
        time.sleep(0.1)
        left = in_session(proc.pid)
    assert not left, left
    assert not list((out / "runs").glob(".*")), "temporary files left behind"
    done = len(list((out / "runs").glob("part-*.parquet")))
    assert 1 <= done < 12, "the signal landed part-way"
    # it says how many runs it kept (a researcher's Ctrl-C before any chunk was whole: "finished work is kept")
    assert f"; {done} new runs kept, {done} of 12 on disk" in err.strip().splitlines()[-1], err


def test_a_sweep_killed_outright_leaves_no_process_behind(tmp_path):
    """SIGKILL (or the out-of-memory killer) on the main process alone: its workers, forkserver and
    resource tracker end within seconds instead of waiting on a parent that is gone."""
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    cmd = [str(BIN / "coalition"), "sweep", str(spec), "--out", str(out), "--workers", "2", "--chunk-size", "1"]
    log = tmp_path / "stderr"
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while not list((out / "runs").glob("part-*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(in_session(proc.pid)) >= 4, "the sweep, its forkserver and workers are running"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = in_session(proc.pid)
        deadline = time.monotonic() + 15
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = in_session(proc.pid)
        assert not left, left
        # the helpers end quietly: the resource tracker warned of leaked semaphores in the killed command's log
        assert "leaked" not in log.read_text() and "Warning" not in log.read_text(), log.read_text()
    finally:
        if in_session(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)


def test_sigterm_during_a_run_leaves_no_partial_files(tmp_path, monkeypatch, capsys):
    def terminated(*args, **kwargs):
        raise Terminated(signal.SIGTERM)

    monkeypatch.setattr("sim.runs.plots.plot_run", terminated)  # after the CSVs were staged
    out = tmp_path / "new"
    assert main(["run", "single_agency", "--steps", "8", "--out", str(out)]) == 143
    assert "interrupted (SIGTERM)" in capsys.readouterr().err
    assert not out.exists()


def test_an_interruption_a_library_turned_into_its_own_error_is_still_an_interruption(tmp_path, monkeypatch, capsys):
    """pandas's C parser, interrupted while it is imported, raises ImportError from the KeyboardInterrupt."""

    def interrupted_import(*args, **kwargs):
        try:
            raise Terminated(signal.SIGTERM)
        except KeyboardInterrupt:
            raise ImportError("pd_parser.c could not import module pandas") from None

    monkeypatch.setattr("sim.runs.plots.plot_run", interrupted_import)
    out = tmp_path / "new"
    assert main(["run", "single_agency", "--steps", "8", "--out", str(out)]) == 143
    assert capsys.readouterr().err.strip().splitlines() == [
        "interrupted (SIGTERM); its files are written whole or not at all"
    ]
    assert not out.exists()

    def plain_bug(*args, **kwargs):
        raise ImportError("a real missing module")

    monkeypatch.setattr("sim.runs.plots.plot_run", plain_bug)
    with pytest.raises(ImportError, match="a real missing module"):
        main(["run", "single_agency", "--steps", "8", "--out", str(out)])


def test_a_signal_that_lands_in_a_weakref_callback_still_stops_the_command(tmp_path, monkeypatch, capsys):
    """Python drops an exception raised in a weakref's callback ("Exception ignored in"); it is delivered again."""
    import gc
    import os
    import time
    import weakref

    class Thing:
        pass

    def signal_inside_a_callback(*args, **kwargs):
        thing = Thing()
        keep = weakref.ref(thing, lambda ref: [os.kill(os.getpid(), signal.SIGTERM), sum(range(1000))])
        del thing
        gc.collect()
        assert keep() is None
        time.sleep(5)  # the run goes on working: the signal, delivered again, stops it here
        pytest.fail("the signal was dropped")

    monkeypatch.setattr("sim.runs.plots.plot_run", signal_inside_a_callback)
    out = tmp_path / "new"
    assert main(["run", "single_agency", "--steps", "8", "--out", str(out)]) == 143
    assert "interrupted (SIGTERM)" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_command_starts_ends_in_one_line(signum, status):
    # the window before main() installs its handlers: the subcommands are still being imported
    code = (
        "import os, signal, time\n"
        "from sim.cli import entry\n"
        "entry.install()\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "time.sleep(5)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == status
    assert done.stderr == f"interrupted ({signal.Signals(signum).name}) while starting; nothing was written\n"


def test_a_signal_the_process_was_started_ignoring_stays_ignored_while_it_starts():
    code = (
        "import os, signal\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"  # as sh -c does for a background job
        "from sim.cli import entry\n"
        "entry.install()\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "print('still here')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "still here\n", done.stderr


def test_the_command_is_started_through_the_entry_that_handles_early_signals():
    script = (BIN / "coalition").read_text()
    assert "sim.cli.entry" in script
    done = subprocess.run([sys.executable, "-m", "sim.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "usage: coalition" in done.stdout
    # the entry gives back the handlers it found, so main() sees Python's own SIGINT handler
    code = "import signal, sys\nfrom sim.cli import entry\nsys.argv = ['coalition', '--help']\n"
    code += "import sim.cli.main as m\n"
    code += "m.main = lambda **k: print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    code += "entry.main()\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_after_the_command_finished_leaves_its_exit_status(tmp_path, signum):
    """Once the files are written, a signal never kills the command without a word (it did in 16 of
    18 tries: Python's shutdown sets its handlers back to the default). While Python shuts down it
    is ignored (status 0); just before, as the command lets go of its model, it is the usual
    one-line interruption."""
    for delay in (0.0, 0.05):
        out = tmp_path / f"run-{delay}"
        cmd = [str(BIN / "coalition"), "run", "single_agency", "--steps", "8", "--out", str(out)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        for line in proc.stdout:
            if line.startswith("wrote"):  # the last line: the command is over
                time.sleep(delay)
                proc.send_signal(signum)
                break
        _, err = proc.communicate(timeout=60)
        name = signal.Signals(signum).name
        interrupted = (128 + signum, f"interrupted ({name}); its files are written whole or not at all\n")
        assert (proc.returncode, err) in ((0, ""), interrupted), (delay, proc.returncode, err)
        assert (out / "run.json").is_file()


@pytest.mark.parametrize("after", [0.5, 0.9, 1.2])
def test_ctrl_c_while_the_pool_starts_prints_no_traceback(tmp_path, after):
    """Ctrl-C reaches the whole process group: the fork server, still importing the model, and
    workers it starts as the parent stops the pool (their semaphores gone) printed tracebacks.

    ``after``: seconds from the start; on this machine the fork server imports at about 0.9 s
    and workers start at 1.1 s or later (a machine slower or faster shifts them; nothing may print).
    """
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    cmd = [str(BIN / "coalition"), "sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        time.sleep(after)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the kernel's view of a process (Linux)")
def test_the_fork_server_starts_with_ctrl_c_blocked():
    """A Ctrl-C while the fork server's interpreter sets itself up ended it with a fatal error and a
    traceback (5 of 40 interrupted sweeps): it must start with SIGINT blocked, as the resource tracker does.

    In a fresh interpreter: the pool reuses a fork server that another test in this process
    started (a forkserver context's Process), whatever that server's mask.
    """
    probe = textwrap.dedent(
        """
        import multiprocessing.forkserver
        from pathlib import Path
        from sim.runs import executors

        pool = executors.WorkerPool(1, None)
        try:
            pid = multiprocessing.forkserver._forkserver._forkserver_pid
            status = Path(f"/proc/{pid}/status").read_text()
            print(next(line for line in status.splitlines() if line.startswith("SigBlk:")).split()[1])
        finally:
            pool.close()
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    blocked = int(done.stdout.split()[-1], 16)
    assert blocked & (1 << (signal.SIGINT - 1)), done.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serving(port: int, seconds: float = 60) -> bool:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize(
    "command, signum, words",
    [
        ("classroom", signal.SIGHUP, "the game stopped"),  # was a 34-line traceback from the lifespan task
        ("viz", signal.SIGHUP, "the page stopped"),  # the process died of the signal, without a word
        ("viz", signal.SIGTERM, "the page stopped"),
    ],
)
def test_a_server_stopped_by_a_signal_says_so_in_one_line(command, signum, words):
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN / "coalition"), command, "--port", str(port)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _serving(port), "the server never came up"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    (line,) = err.strip().splitlines() or [""]
    assert proc.returncode == 128 + signum and line.startswith(f"interrupted ({signal.Signals(signum).name}); {words}")


def test_a_sighup_the_process_ignores_stays_ignored_while_a_command_runs():
    # under nohup a closed terminal stopped every command with 129 (a reviewer's probe)
    from sim.cli.main import signals_as_interrupts

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with signals_as_interrupts():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN  # the others are still handled
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)


def test_a_server_keeps_ignoring_a_signal_it_was_started_ignoring():
    # a script's background job starts with SIGINT ignored: the game stopped and exited 0 without a word
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN / "coalition"), "classroom", "--port", str(port)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert _serving(port), "the server never came up"
        proc.send_signal(signal.SIGINT)
        time.sleep(1.5)
        assert proc.poll() is None  # still serving
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143 and err.strip().startswith("interrupted (SIGTERM)"), (proc.returncode, err)
