"""Safe output paths: checked before any work starts, written whole or not at all.

- :func:`safe_name` turns a scenario's name into a file name (``../../tmp/x`` becomes
  ``tmp_x``); :func:`distinct_name` adds a short hash when that changed the name, so two
  names never share a folder; :func:`child` refuses anything that would land outside its folder.
- :func:`prepare` checks, before a run, that a folder can be created and written and that
  nothing (a folder, a pipe) stands where a file will go; a problem is one line
  (:class:`OutputError`, exit status 2).
- :class:`Staged` writes files under temporary names (starting with ``.``) and renames them
  into place only when all are written; on any failure, or Ctrl-C, the temporary files are
  removed, and so are the folders that were made for them and are still empty (never one
  that was there before).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import signal
import stat
import threading
import unicodedata
import uuid
from pathlib import Path
from typing import NamedTuple

from sim.errors import InputError
from sim.runs.table_folders import stray, sweep_table_holding

MAX_NAME = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class OutputError(InputError):
    """An output path that cannot be written; one line naming the path and why."""


@contextlib.contextmanager
def signals_held():
    """Within the block, SIGINT, SIGTERM and SIGHUP wait; the first that came acts when it ends.

    Their handlers are swapped for one that only notes the signal (Python runs signal handlers
    in the main thread, whichever thread the system gave the signal to), and the old handler
    is called at the end. Outside the main thread, where handlers cannot be set, a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    held = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    old = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if pending:
            handler = old[pending[0]]
            if callable(handler):
                handler(pending[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), pending[0])  # the default action, now


def safe_name(text: str, fallback: str = "scenario") -> str:
    """A file name made from ``text``: letters, digits, ``.``, ``_`` and ``-`` only, never hidden or empty."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    name = _UNSAFE.sub("_", ascii_text).strip("._-")[:MAX_NAME].strip("._-")
    return name or fallback


def distinct_name(text: str) -> str:
    """:func:`safe_name`, with a short hash of ``text`` when that changed it, so that names stay apart.

    ``"."``, ``"日本語"``, ``"a b"`` and ``"a_b"`` would otherwise share one folder.
    """
    name = safe_name(text)
    if name == text:
        return name
    return f"{name[: MAX_NAME - 9]}-{hashlib.sha256(str(text).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def child(folder: Path, name: str) -> Path:
    """``folder / distinct_name(name)``, checked to lie inside ``folder``."""
    path = Path(folder) / distinct_name(name)
    if not path.resolve().is_relative_to(Path(folder).resolve()):
        raise OutputError(f"{name!r}: would be written outside {folder}; choose --out")
    return path


def why(err: OSError) -> str:
    """An OSError in words, without the traceback."""
    words = {
        errno.EACCES: "permission denied",
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EEXIST: "exists and is not a folder",
        errno.ENAMETOOLONG: "the name is too long",
        errno.ELOOP: "a symbolic link that loops",
        errno.EISDIR: "is a folder",
        errno.ENOENT: "no such file or folder, and none can be made there",
    }
    return words.get(err.errno or 0, err.strerror or str(err))


def prepare(folder, label: str, files=(), folders=(), inputs=()) -> tuple[Made, ...]:
    """Create ``folder`` if needed and check it can take ``files``; return the folders it made.

    The folders this call made (:class:`Made`), outermost first (none when ``folder`` existed), so that
    :class:`Staged` can remove exactly them when the files are never written: never a folder
    that was there before, also on a path like ``new/../old/x`` (which makes ``new`` and
    ``old/x``). When a check fails after folders were made, they are removed again.

    Args:
        folder: the output folder.
        label: how the user named it, for messages (``--out out/x``).
        files: names of the files that will be written into it.
        folders: names of the folders that will be made in it.
        inputs: the files the command reads (its scenario, its spec): none may be written over.

    Raises:
        OutputError: the folder cannot be created or written, something that is not a
            regular file stands where one of ``files`` goes, or one of them is an input.
    """
    try:
        read = {Path(p).resolve() for p in inputs if p}  # None or "": no file
        for name in files:
            if (Path(folder) / name).resolve() in read:
                raise OutputError(f"{label}: {name}: is a file this command reads; write elsewhere")
        return _prepare(Path(folder), label, files, folders)
    except OSError as err:  # a path the system refuses outright (a name too long, a loop of links)
        raise OutputError(f"{label}: cannot write there: {why(err)}") from None
    except RuntimeError:  # Path.resolve on a loop of symbolic links (Python 3.12)
        raise OutputError(f"{label}: cannot write there: a symbolic link that loops") from None


def _prepare(folder: Path, label: str, files, folders) -> tuple[Made, ...]:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{label}: exists and is not a folder; choose another path")
    table = sweep_table_holding(folder)
    if table is not None:
        raise OutputError(
            f"{label}: is inside the table folder {table} of a sweep, which must hold its Parquet parts and nothing "
            "else; choose a folder outside it"
        )
    made: tuple[Made, ...] = ()
    try:
        made = make_folders(folder)
        _probe(folder)
        for name in files:
            _check_file(folder / name, label)
        for name in folders:
            if (folder / name).is_symlink():  # followed, the table would be written outside the folder given
                raise OutputError(
                    f"{label}: {name}: a symbolic link; this table folder must be a folder of its own inside "
                    f"{folder}, or its parts would be written elsewhere; remove the link"
                )
            if (folder / name).exists() and not (folder / name).is_dir():
                raise OutputError(f"{label}: {name}: a file stands where this folder goes; remove it or choose another")
            if (folder / name).is_dir():
                _only_parts(folder / name, label, name)
                try:  # an existing table folder must take new parts too, before anything is written
                    _probe(folder / name)
                except OSError as err:
                    raise OutputError(f"{label}: {name}: cannot write there: {why(err)}") from None
    except OSError as err:
        remove_made(made)
        raise OutputError(f"{label}: cannot write there: {why(err)}") from None
    except BaseException:  # a refusal, or Ctrl-C between making the folders and writing
        remove_made(made)
        raise
    return made


class Made(NamedTuple):
    """A folder :func:`make_folders` made: its path and which folder it was (device and inode)."""

    path: Path
    device: int
    inode: int


def make_folders(folder: Path) -> tuple[Made, ...]:
    """Make ``folder`` and its missing parents one at a time; return those made here, outermost first.

    The path is followed as written, so ``new/../old/x`` makes ``new`` (the system passes
    through it) and ``old/x``, and never counts ``old`` as made. On an error, what was made
    is removed again.
    """
    made: list[Made] = []
    try:
        for i, name in enumerate(folder.parts):
            part = Path(*folder.parts[: i + 1])
            if name == "..":
                continue
            try:
                part.mkdir()
            except OSError:
                if part.is_dir():  # there already (or a link to a folder)
                    continue
                raise
            info = os.stat(part)
            made.append(Made(part, info.st_dev, info.st_ino))
    except BaseException:
        remove_made(made)
        raise
    return tuple(made)


def _probe(folder: Path) -> None:
    """Create and remove a temporary file in ``folder`` (OSError if it cannot be written).

    Opened by the path as given, so that ``link/..`` is where the link leads, as the files
    will be (``tempfile`` tidies ``..`` away by name first).
    """
    probe = folder / f".probe-{uuid.uuid4().hex[:12]}"
    os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.unlink(probe)


def _only_parts(table: Path, label: str, name: str) -> None:
    """Refuse a table folder holding anything but its parts (:func:`sim.runs.table_folders.stray`)."""
    entry = stray(table)
    if entry is not None:
        raise OutputError(
            f"{label}: {name}/{entry}: not a part of the table; a table folder holds its parts only "
            "(pandas, DuckDB and Arrow read every file in it), so move it elsewhere"
        )


def _check_file(path: Path, label: str) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as err:
        raise OutputError(f"{label}: {path.name}: {why(err)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{label}: {path.name}: a folder stands where this file goes; remove it or choose another")
    if stat.S_ISLNK(info.st_mode):  # a rename would replace the link and leave its target as it was
        raise OutputError(f"{label}: {path.name}: a symbolic link; name the file it points to, or remove the link")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{label}: {path.name}: not a regular file (a pipe, socket or device); choose another")


def remove_made(made) -> None:
    """Remove the folders :func:`prepare` made (``made``, outermost first), innermost first.

    Each only if it is still empty and still the folder that was made there (a symbolic link
    switched on the way leads elsewhere: that folder is left alone).
    """
    for folder in reversed(tuple(made or ())):
        try:
            info = os.stat(folder.path)
            if (info.st_dev, info.st_ino) != (folder.device, folder.inode):
                return
            folder.path.rmdir()  # only if still empty
        except OSError:
            return


class Staged:
    """Files written under temporary names, renamed into place together by :meth:`commit`.

    Use as a context manager: leaving the block without :meth:`commit` (an error, Ctrl-C,
    SIGTERM) removes every temporary file, and the folders made for them, if still empty.

    Args:
        folder: where the files go (already checked by :func:`prepare`).
        label: how the user named it, for messages.
        made: what :func:`prepare` returned: the folders made for these files (None: none).
    """

    def __init__(self, folder, label: str, made=None):
        self.folder, self.label, self.made = Path(folder), label, tuple(made or ())
        self.staged: dict[Path, Path] = {}
        self.done = False
        self.removed: list[str] = []  # the stale files the commit removed

    def path(self, name: str) -> Path:
        """The temporary path to write ``name`` to (the same one when asked again, to read back what was written).

        The folder is made again if another process removed it.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / name
        if final in self.staged:
            return self.staged[final]
        tmp = self.folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
        self.staged[final] = tmp
        return tmp

    def commit(self, remove=()) -> list[Path]:
        """Rename every staged file into place; return the final paths.

        Ctrl-C, SIGTERM and SIGHUP are held back while the files are renamed, so that a signal
        does not leave some new files beside old ones; it takes effect right after. The files
        they replace are moved aside first and put back if any rename fails (a file that may
        not be replaced), so the folder holds one run's files or the other's, never a mix.
        Another process's commit into the same folder waits for this one (a lock on the folder).

        Args:
            remove: names of files in the folder that the new ones make stale, removed with them;
                or a function giving them, called once the folder is locked (what is stale depends
                on what another process committed there meanwhile). :attr:`removed` lists them.
        """
        from sim.runs.locks import folder_locked  # (locks reads this module's errors)

        # the lock first: waiting for it, Ctrl-C still acts
        with folder_locked(self.folder, self.label), signals_held():
            remove = list(remove() if callable(remove) else remove)
            self.removed = remove
            replaced: dict[Path, Path] = {}  # each final name that held a file -> where that file waits
            placed: list[Path] = []
            final = next(iter(self.staged), self.folder)
            try:
                for final in self.staged:  # first every old file aside, so that a refusal leaves all of them
                    if os.path.lexists(final):
                        replaced[final] = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.old")
                        os.replace(final, replaced[final])
                for final, tmp in self.staged.items():
                    os.replace(tmp, final)
                    placed.append(final)
            except OSError as err:
                for done in placed:  # back to its temporary name, removed on leaving the block
                    with contextlib.suppress(OSError):
                        os.replace(done, self.staged[done])
                for old, aside in replaced.items():
                    with contextlib.suppress(OSError):
                        os.replace(aside, old)
                raise OutputError(f"{self.label}: {final.name}: cannot write: {why(err)}") from None
            for aside in replaced.values():
                with contextlib.suppress(OSError):
                    aside.unlink()
            for name in remove:  # the new files are in place: a stale one that will not go is no failure
                with contextlib.suppress(OSError):
                    (self.folder / name).unlink()
        self.done = True
        return list(self.staged)

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind, err, tb) -> None:
        if not self.done:
            for tmp in self.staged.values():
                tmp.unlink(missing_ok=True)
            remove_made(self.made)
        if isinstance(err, OSError):
            raise OutputError(f"{self.label}: cannot write: {why(err)}") from None
