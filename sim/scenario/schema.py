"""Strict reading of TOML tables with one-line errors naming the file, line and field.

:class:`Table` wraps one parsed table and its path (``organizations[2].budget``); its
getters check type and range and raise :class:`ScenarioError` with a message a person
can act on::

    scenarios/mine.toml:57: organizations[2].budget: expected a number between 0 and 1e+12, got a string

The line number is found by :class:`Locator`, a light scan of the TOML text (``tomllib``
keeps no positions); where no line can be found the message is ``<file>: <field>: ...``.
Used by scenarios and sweep specs alike.
"""

from __future__ import annotations

import difflib
import math
import re

from sim.errors import InputError


class ScenarioError(InputError):
    """A scenario or sweep file that cannot be used; the message is always one line."""


def type_name(value) -> str:
    """A TOML value as error messages call it: ``the string 'ten'``, ``2.5``, ``a table``."""
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, (int, float)):
        return _short(value)
    names = {list: "a list", dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__} value")


def suggest(value, choices) -> str:
    """``did you mean 'x'?`` when ``value`` is close to one of ``choices``, else the list of them."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.7)
    return f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(choices)}"


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def key_text(key) -> str:
    """A key as it would be written in TOML: bare when possible, else quoted."""
    key = str(key)
    return key if _BARE.match(key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PART_TEXT = r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'"""
_KEY = re.compile(rf"""^\s*((?:{_PART_TEXT})(?:\s*\.\s*(?:{_PART_TEXT}))*)\s*=(.*)$""")
_PART = re.compile(_PART_TEXT)


def _parts(dotted: str) -> list[str]:
    return [p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(dotted)]


class Locator:
    """Finds the line of a field path (``organizations[2].roles``) in TOML text.

    A best-effort scan: table headers, arrays of tables and ``key =`` lines at the start
    of a line, skipping the inside of multi-line strings and arrays. Inline tables and
    array items report the line of their key.
    """

    def __init__(self, text: str):
        self.lines: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        prefix = ""
        skip_until = None  # a closing triple quote, or "]" for an open array
        depth = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if skip_until == "]":
                depth += _balance(line)
                if depth <= 0:
                    skip_until = None
                continue
            if skip_until:
                if line.count(skip_until) % 2 == 1:
                    skip_until = None
                continue
            header = _header(line)
            if header:
                double, parts = header
                if double:
                    parent = self._resolve(".".join(parts[:-1]))
                    name = f"{parent}.{parts[-1]}" if parent else parts[-1]
                    self._counts[name] = self._counts.get(name, 0) + 1
                    self.lines.setdefault(name, number)
                    prefix = f"{name}[{self._counts[name] - 1}]"
                else:
                    prefix = self._resolve(".".join(parts))
                self.lines.setdefault(prefix, number)
                continue
            key = _KEY.match(line)
            if not key:
                continue
            path = ".".join(key_text(p) for p in _parts(key.group(1)))
            self.lines.setdefault(f"{prefix}.{path}" if prefix else path, number)
            value = key.group(2)
            for quote in ('"""', "'''"):
                if value.count(quote) % 2 == 1:
                    skip_until = quote
            if not skip_until and value.lstrip().startswith("["):
                depth = _balance(value)
                if depth > 0:
                    skip_until = "]"

    def _resolve(self, name: str) -> str:
        """Turn ``organizations.mission`` into ``organizations[i].mission`` (the latest i)."""
        out = ""
        for part in name.split("."):
            out = f"{out}.{part}" if out else part
            if out in self._counts:
                out = f"{out}[{self._counts[out] - 1}]"
        return out

    def line(self, path: str) -> int | None:
        """The line of ``path`` or of its closest enclosing key or table, if found."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                return None
            path = path[:cut]
        return None


def _header(line: str):
    """``(is_array_of_tables, [key, ...])`` for a ``[table]`` or ``[[table]]`` line, else None."""
    text = line.strip()
    if not text.startswith("["):
        return None
    double = text.startswith("[[")
    close = text.find("]]" if double else "]")
    rest = text[close + (2 if double else 1) :].strip() if close >= 0 else "#"
    inner = text[(2 if double else 1) : close] if close >= 0 else ""
    if close < 0 or (rest and not rest.startswith("#")) or "=" in inner:
        return None
    return double, [key_text(p) for p in _parts(inner)]


def _balance(text: str) -> int:
    """Open minus closed brackets outside strings (enough to skip multi-line arrays)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*$', "", text)
    return text.count("[") - text.count("]")


class Table:
    """One table of a parsed TOML document, with its place in the file.

    Args:
        data: the parsed table (anything else is reported as an error).
        label: the file, as the user named it.
        path: the table's field path (``""`` for the whole document).
        locator: finds line numbers for messages (optional).
    """

    def __init__(self, data, label: str, path: str, locator: Locator | None = None):
        self.label = label
        self.path = path
        self.locator = locator
        if not isinstance(data, dict):
            self.fail(None, f"expected a table, got {type_name(data)}")
        self.data = data

    def where(self, key) -> str:
        """The field path of ``key`` inside this table; ``(key, i)`` is item ``i`` of a list."""
        if key is None:
            return self.path or "(file)"
        if isinstance(key, tuple):
            return f"{self.where(key[0])}[{key[1]}]"
        return f"{self.path}.{key_text(key)}" if self.path else key_text(key)

    def fail(self, key, message: str):
        """Raise the one-line error for ``key``."""
        where = self.where(key)
        line = self.locator.line(where) if self.locator else None
        label = f"{self.label}:{line}" if line else self.label
        raise ScenarioError(f"{label}: {where}: {' '.join(str(message).split())}")

    def sub(self, data, path: str) -> Table:
        """A table nested in this one (same file and locator)."""
        return Table(data, self.label, path, self.locator)

    def keys(self) -> list:
        """Keys present in the table."""
        return list(self.data)

    def allow(self, *known: str) -> None:
        """Reject any key that is not in ``known`` (a typo must not be ignored)."""
        for key in self.data:
            if key not in known:
                self.fail(key, f"unknown key; {suggest(key, known)}")

    def _get(self, key, default):
        if key in self.data:
            return self.data[key]
        if default is None:
            self.fail(key, "missing required field")
        return default

    def str(self, key, default=None) -> str:
        """A string; a required one must not be blank."""
        value = self._get(key, default)
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {type_name(value)}")
        if default is None and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def number(self, key, default, low: float, high: float) -> float:
        """A finite number in ``[low, high]``."""
        value = self._get(key, default)
        expected = f"a number between {low:g} and {high:g}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"expected {expected}, got {type_name(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(key, f"expected a finite number between {low:g} and {high:g}, got {value}")
        if not low <= value <= high:
            self.fail(key, f"{_short(value)} is out of range; expected {expected}")
        return float(value)

    def integer(self, key, default, low: int, high: int) -> int:
        """A whole number in ``[low, high]``."""
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected a whole number between {low} and {high}, got {type_name(value)}")
        if not low <= value <= high:
            self.fail(key, f"{_short(value)} is out of range; expected a whole number between {low} and {high}")
        return int(value)

    def boolean(self, key, default) -> bool:
        """A boolean, ``true`` or ``false``."""
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {type_name(value)}")
        return value

    def list(self, key, default=None) -> list:
        """A list (items are checked by the caller)."""
        value = self._get(key, default)
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {type_name(value)}")
        return value

    def strings(self, key, choices=None, what: str = "a string") -> tuple:
        """A list of strings, each one of ``choices`` if given; duplicates are an error."""
        values = self.list(key, default=[])
        for i, v in enumerate(values):
            if not isinstance(v, str):
                self.fail((key, i), f"expected {what}, got {type_name(v)}")
            if choices is not None and v not in choices:
                self.fail((key, i), f"{v!r} is not {what}; {suggest(v, choices)}")
            if v in values[:i]:
                self.fail((key, i), f"{v!r} is listed twice")
        return tuple(values)

    def table(self, key, required: bool = True) -> Table:
        """A sub-table; an absent optional one reads as empty."""
        if key not in self.data:
            if required:
                self.fail(key, "missing required table")
            return self.sub({}, self.where(key))
        return self.sub(self.data[key], self.where(key))

    def array_of_tables(self, key, min_items: int = 0, max_items: int | None = None) -> list[Table]:
        """An array of tables (``[[key]]``)."""
        if key not in self.data and min_items > 0:
            self.fail(key, f"missing; expected at least {min_items} [[{self.where(key)}]] table(s)")
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"expected an array of tables [[{self.where(key)}]], got {type_name(value)}")
        if len(value) < min_items:
            self.fail(key, f"expected at least {min_items} entries, got {len(value)}")
        if max_items is not None and len(value) > max_items:
            self.fail(key, f"{len(value)} entries; at most {max_items} are supported")
        return [self.sub(item, f"{self.where(key)}[{i}]") for i, item in enumerate(value)]


def _short(value) -> str:
    """A number for a message (huge integers are abbreviated)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        digits = len(str(abs(value)))
        return f"{'-' if value < 0 else ''}a {digits}-digit integer"
    return f"{value:g}"
