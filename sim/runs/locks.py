"""Locks on output folders: one process per shard, no shard beside a whole run, one shard plan at a time.

Held with ``fcntl.flock`` on small files beside the manifest (``.sweep.lock``,
``.shard-I-of-N.lock``, ``.shards-of-N-in-R.lock`` under ``.shards.gate``); the operating system
releases a lock whose process died, so a killed sweep never leaves its folder locked.
:func:`folder_locked` locks a folder itself (no file) while files are renamed into it.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from sim.errors import InputError
from sim.runs.outputs import OutputError, why

try:
    import fcntl
except ImportError:  # pragma: no cover - not on the supported platforms (Windows): no locks
    fcntl = None  # type: ignore[assignment]

CALIBRATION_LOCK = ".calibrate.lock"
# a lock file is opened where it is, never through a symbolic link (which could point outside the folder)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open_lock(path: Path, what: str, root: Path) -> int:
    """Open (or create) the lock file ``path``; a symbolic link there is refused in words.

    Raises:
        OutputError: it cannot be opened, or it is a symbolic link.
    """
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
    except OSError as err:
        if path.is_symlink():
            raise OutputError(
                f"--out {root}: {path.name}: a symbolic link; a lock file is never followed out of the folder, "
                "remove the link"
            ) from None
        raise OutputError(f"--out {root}: cannot lock the {what}: {path.name}: {why(err)}") from None


def _create_or_open_lock(path: Path, what: str, root: Path) -> tuple[int, bool]:
    """:func:`_open_lock`, saying whether this call created the file (so that a refusal can remove it)."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644), True
    except OSError:  # there already (or a link): opened as it is, or refused in words
        return _open_lock(path, what, root), False


def _hold(path: Path, mode: int, what: str, root: Path, busy: str) -> tuple[int, bool]:
    """Lock ``path`` (``fcntl`` ``mode``, without waiting); return its descriptor and whether this call made it.

    A refused command may remove the file between our open and our lock: then it is opened again.

    Raises:
        OutputError: ``busy`` when another process holds it; or it cannot be opened, or keeps being removed.
    """
    for _ in range(10):
        fd, made = _create_or_open_lock(path, what, root)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(busy) from None
        if _still_there(fd, path):
            return fd, made
        os.close(fd)  # locked a file no longer in the folder: a lock nobody else sees
    raise OutputError(f"--out {root}: cannot lock the {what}: {path.name} keeps being removed")


@contextlib.contextmanager
def sweep_lock(root: Path, shard: tuple[int, int] | None, runs: int | None = None):
    """Hold the sweep in ``root`` for this process: one writer per shard, and no shard beside a whole run.

    A whole sweep takes ``root/.sweep.lock`` exclusively; a shard takes it shared and its own
    ``root/.shard-I-of-N.lock`` exclusively, so that shards of one sweep run side by side (on
    one machine or, where the file system supports locks, on several) but the same shard, or
    the whole sweep, is never run twice at once into one folder. Shards running together must
    count the same N and plan the same ``runs`` (a shard extending the sweep with more
    replicates cuts other blocks). A lock held by a process that died is released by the
    operating system. Where ``fcntl`` is missing (Windows), no lock.

    Raises:
        OutputError: another process holds it.
    """
    if fcntl is None:  # pragma: no cover - not on the supported platforms
        yield
        return
    files = [(root / ".sweep.lock", fcntl.LOCK_EX if shard is None else fcntl.LOCK_SH)]
    if shard is not None:
        files.append((root / f".shard-{shard[0]}-of-{shard[1]}.lock", fcntl.LOCK_EX))
    held: list[int] = []
    try:
        # the lock says only that a sweep runs into this folder: the same one, or another spec
        what = (
            "a sweep into this folder"
            if shard is None
            else f"shard {shard[0]}/{shard[1]} of a sweep into this folder, or all of it,"
        )
        busy = (
            f"--out {root}: another coalition sweep is running {what} now; wait for it to finish, or use another --out"
        )
        for path, mode in files:
            held.append(_hold(path, mode, "sweep", root, busy)[0])
        if shard is not None:
            held.append(_one_shard_count(root, shard, runs))
        yield
    finally:
        for fd in held:
            os.close(fd)


@contextlib.contextmanager
def calibration_lock(root: Path):
    """Hold ``root/.calibrate.lock``: one calibration at a time into one folder.

    Two at once wrote the same generations into one database (a posterior of twice the weight).
    A lock held by a process that died is released by the operating system.

    Raises:
        OutputError: another process holds it.
    """
    if fcntl is None:  # pragma: no cover - not on the supported platforms
        yield
        return
    path = root / CALIBRATION_LOCK
    busy = (
        f"--out {root}: another coalition calibrate is running into this folder now; wait for it to finish, or "
        "use another --out"
    )
    fd, made = _hold(path, fcntl.LOCK_EX, "calibration", root, busy)
    try:
        yield
    except InputError:
        # refused (a folder of a sweep or a run, another calibration's): leave it as it was
        if made:
            with contextlib.suppress(OSError):
                path.unlink()  # while held: one that opens it now finds it gone
        raise
    finally:
        os.close(fd)


def _still_there(fd: int, path: Path) -> bool:
    """Whether the file open as ``fd`` is still the one at ``path`` (not removed or replaced)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _one_shard_count(root: Path, shard: tuple[int, int], runs: int | None = None) -> int:
    """Hold ``root/.shards-of-N[-in-R].lock`` shared, refusing while shards of another count or plan run.

    Shards of 2 and of 3 cover overlapping run_ids: run together, they would write runs twice;
    so would shards of 2 of a plan of 120 runs and of 180 (one extending it with ``--replicates``).
    The check is made under ``root/.shards.gate`` so that two starting shards never both pass.
    """
    n = shard[1]
    mine = f".shards-of-{n}{'' if runs is None else f'-in-{runs}'}.lock"
    gate = fd = None
    try:
        gate = _open_lock(root / ".shards.gate", "sweep", root)
        fcntl.flock(gate, fcntl.LOCK_EX)  # held for the few calls below
        fd = _open_lock(root / mine, "sweep", root)
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        for other in root.glob(".shards-of-*.lock"):
            if other.name == mine or not other.is_file():
                continue
            if not _free(other):
                count, _, planned = other.name.removeprefix(".shards-of-").removesuffix(".lock").partition("-in-")
                if count != str(n):
                    raise OutputError(
                        f"--out {root}: --shard {shard[0]}/{n}: shards of {count} of this sweep are running into it "
                        f"now; every shard of one folder must count the same N, or they would run some runs twice"
                    )
                raise OutputError(
                    f"--out {root}: --shard {shard[0]}/{n}: shards of a plan of {planned or 'other'} runs are running "
                    f"into it now, and this one plans {runs}; extend the sweep (--replicates) once they finish, "
                    "or they would run some runs twice"
                )
        held, fd = fd, None
        return held
    except OSError as err:  # an unwritable folder, a folder where a lock file goes
        raise OutputError(f"--out {root}: cannot lock the sweep: {err.filename}: {why(err)}") from None
    finally:
        for open_fd in (fd, gate):
            if open_fd is not None:
                os.close(open_fd)


def _free(path: Path) -> bool:
    """Whether no process holds ``path`` locked (probed with an exclusive lock, let go at once)."""
    probe = os.open(path, os.O_RDWR | _NOFOLLOW)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(probe)


LOCK_WAIT = 30.0  # seconds a commit waits for another's into the same folder before it refuses


@contextlib.contextmanager
def folder_locked(folder: Path, label: str):
    """Hold an exclusive ``flock`` on the folder itself while in the block (no lock file is made).

    Two commands committing into one folder at once (two ``coalition run --out X``) interleaved
    their renames: one's steps.csv beside the other's run.json. The other's commit is a few
    renames, so this waits for it, interruptibly, up to :data:`LOCK_WAIT` seconds (a holder that
    is stopped, or a file system's lock daemon that does not answer, is then refused in one
    line). Where a folder cannot be locked (no ``fcntl``, a file system without locks), nothing is held.
    """
    try:
        if fcntl is None:  # pragma: no cover - not on the supported platforms
            raise OSError
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(
                        f"{label}: another command has been writing into this folder for {LOCK_WAIT:g} s; "
                        "wait for it to finish, or choose another folder"
                    ) from None
                time.sleep(0.05)
            except OSError:  # no locks on this file system
                break
        yield
    finally:
        os.close(fd)


LOCK_FILES = (".sweep.lock", ".shard-*-of-*.lock", ".shards-of-*.lock", ".shards.gate")


def remove_free_locks(root: Path, keep: frozenset = frozenset()) -> None:
    """Remove the lock files in ``root`` that no process holds (a refused sweep's, in a folder it made).

    Each is taken exclusively before it is removed, and left if another process holds it.
    ``keep``: file names to leave (those that were there before the refused sweep began).
    Where ``fcntl`` is missing (Windows) nothing is removed.
    """
    if fcntl is None:  # pragma: no cover - not on the supported platforms
        return
    for pattern in LOCK_FILES:
        for path in root.glob(pattern):
            if path.name in keep:
                continue
            try:
                fd = os.open(path, os.O_RDWR | _NOFOLLOW)
            except OSError:  # gone, or a symbolic link (never followed)
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()  # while held: a process that opens it now finds it gone, or is refused
            except OSError:  # held by another process (BlockingIOError), or already gone
                pass
            finally:
                os.close(fd)
