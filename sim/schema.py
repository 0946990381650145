"""Strict reading of TOML tables with one-line errors naming the file and field.

:class:`Table` wraps one parsed table and its path (``organizations[2].budget``); its
getters check type and range and raise :class:`ScenarioError` with a message a person
can act on. Used by scenarios and sweep specs alike.
"""

from __future__ import annotations

import math


class ScenarioError(ValueError):
    """A scenario or sweep file that cannot be used; the message is one line."""


def _type_name(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


class Table:
    """One table of a parsed TOML document, with its place in the file."""

    def __init__(self, data, label: str, path: str):
        self.label = label
        self.path = path
        if not isinstance(data, dict):
            self.fail(None, f"expected a table, got {_type_name(data)}")
        self.data = data

    def where(self, key) -> str:
        """The dotted path of ``key`` inside this table."""
        if key is None:
            return self.path or "(file)"
        if isinstance(key, str) and key.startswith("["):
            return f"{self.path}{key}"
        return f"{self.path}.{key}" if self.path else str(key)

    def fail(self, key, message: str):
        """Raise the one-line error for ``key``."""
        text = " ".join(str(message).split())
        raise ScenarioError(f"{self.label}: {self.where(key)}: {text}")

    def keys(self) -> list:
        """Keys present in the table."""
        return list(self.data)

    def allow(self, *known: str) -> None:
        """Reject any key that is not in ``known`` (a typo must not be ignored)."""
        for key in self.data:
            if key not in known:
                close = [k for k in known if _similar(k, str(key))]
                hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(known)}"
                self.fail(key, f"unknown key{hint}")

    def _get(self, key, default):
        if key in self.data:
            return self.data[key]
        if default is None:
            self.fail(key, "missing required field")
        return default

    def str(self, key, default=None) -> str:
        """A non-empty string."""
        value = self._get(key, default)
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {_type_name(value)}")
        if key in self.data and not value.strip() and default is None:
            self.fail(key, "must not be empty")
        return value

    def number(self, key, default, low: float, high: float) -> float:
        """A finite number in ``[low, high]``."""
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"expected a number between {low:g} and {high:g}, got {_type_name(value)}")
        if not math.isfinite(value):
            self.fail(key, f"expected a finite number between {low:g} and {high:g}, got {value}")
        if not low <= value <= high:
            self.fail(key, f"{value:g} is out of range; expected a number between {low:g} and {high:g}")
        return float(value)

    def integer(self, key, default, low: int, high: int) -> int:
        """A whole number in ``[low, high]``."""
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected a whole number between {low} and {high}, got {_type_name(value)}")
        if not low <= value <= high:
            self.fail(key, f"{value} is out of range; expected a whole number between {low} and {high}")
        return int(value)

    def boolean(self, key, default) -> bool:
        """true or false."""
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_type_name(value)}")
        return value

    def list(self, key, default=None) -> list:
        """A list (items are checked by the caller)."""
        value = self._get(key, default)
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {_type_name(value)}")
        return value

    def table(self, key, required: bool = True) -> Table:
        """A sub-table; an absent optional one reads as empty."""
        if key not in self.data:
            if required:
                self.fail(key, "missing required table")
            return Table({}, self.label, self.where(key))
        return Table(self.data[key], self.label, self.where(key))

    def array_of_tables(self, key, min_items: int = 0) -> list[Table]:
        """An array of tables (``[[key]]``)."""
        value = self.data.get(key, [])
        if key not in self.data and min_items > 0:
            self.fail(key, f"missing; expected at least {min_items} [[{key}]] table(s)")
        if not isinstance(value, list):
            self.fail(key, f"expected an array of tables [[{key}]], got {_type_name(value)}")
        if len(value) < min_items:
            self.fail(key, f"expected at least {min_items} entries, got {len(value)}")
        return [Table(item, self.label, f"{self.where(key)}[{i}]") for i, item in enumerate(value)]


def _similar(a: str, b: str) -> bool:
    """True when ``b`` is one edit-ish away from ``a`` (for 'did you mean')."""
    if abs(len(a) - len(b)) > 2:
        return False
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75
