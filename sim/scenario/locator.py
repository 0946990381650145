"""Where a field is in a TOML file: the line of ``organizations[2].budget``.

``tomllib`` keeps no positions, so :class:`Locator` scans the text lightly for table
headers, arrays of tables and ``key =`` lines. Messages without a line read
``<file>: <field>: ...``.
"""

from __future__ import annotations

import re

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
