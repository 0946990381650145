"""Reading a TOML file a person wrote, with one-line errors for every way it can go wrong.

Used for scenarios, sweep specs and calibration patterns: a missing or unreadable file, a
directory, a FIFO or device, a symbolic link that loops, a name too long, a file too big,
bytes that are not UTF-8, text that is not TOML, or a file with no settings.
"""

from __future__ import annotations

import errno
import re
import stat
import tomllib
from pathlib import Path

from sim.scenario.messages import ScenarioError

MAX_FILE_BYTES = 20_000_000
_WHY = {
    errno.ENOENT: "no such file",
    errno.ELOOP: "a symbolic link that loops",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EACCES: "permission denied",
    errno.ENOTDIR: "a part of the path is not a folder",
}


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (None when it can): it is never opened if not regular."""
    try:
        info = path.stat()
    except OSError as err:
        return _WHY.get(err.errno or 0, f"cannot read the file: {err.strerror or err}")
    if stat.S_ISDIR(info.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, socket or device); give a file"
    if info.st_size > MAX_FILE_BYTES:
        return f"{info.st_size:,} bytes; a file here is at most {MAX_FILE_BYTES:,}"
    return None


def read_text(path: Path, label: str) -> str:
    """The file as text (UTF-8, a byte-order mark allowed), or a one-line :class:`ScenarioError`."""
    problem = file_problem(path)
    if problem:
        raise ScenarioError(f"{label}: (file): {problem}")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ScenarioError(f"{label}: (file): cannot read the file: {err.strerror or err}") from None
    return decode(raw, label)


def decode(raw: bytes, label: str) -> str:
    """The file's bytes as text: UTF-8 (a byte-order mark is allowed), else a one-line error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ScenarioError(
            f"{label}:{line}: (file): not UTF-8 text (byte 0x{raw[err.start]:02x} at offset "
            f"{err.start}); save the file as UTF-8"
        ) from None


def parse_toml(text: str, label: str, what: str = "a TOML scenario (see docs/scenarios.md)") -> dict:
    """Parse TOML text; an empty file, a syntax error or a file of comments is one line naming ``what``."""
    if not isinstance(text, str):
        raise ScenarioError(f"{label}: (file): expected TOML text, got {type(text).__name__}")
    if not text.strip():
        raise ScenarioError(f"{label}: (file): the file is empty; expected {what}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        reason = str(err)
        found = re.search(r" \(at line (\d+), column (\d+)\)", reason)
        where = f"{label}:{found.group(1)}" if found else label
        if found:
            reason = reason.replace(found.group(0), f" (column {found.group(2)})")
        raise ScenarioError(f"{where}: (file): not valid TOML: {' '.join(reason.split())}") from None
    except (RecursionError, ValueError) as err:
        raise ScenarioError(f"{label}: (file): not valid TOML: {type(err).__name__}") from None
    if not data:
        raise ScenarioError(f"{label}: (file): the file has no settings, only comments or blank lines; expected {what}")
    return data
