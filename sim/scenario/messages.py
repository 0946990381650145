"""One-line errors for files a person wrote: ``<file>:<line>: <field>: <what is wrong>``.

:func:`explain` turns pydantic's first validation error into words a person can act on,
reading the field's declaration (its type and range) for the expected value::

    scenarios/mine.toml:57: organizations[2].budget: expected a number between 0 and 1e+12, got the string 'x'

:class:`Where` raises the same kind of line for checks made in code (a name that refers
to nothing, a role without what it needs). Used by scenarios, sweep specs and patterns.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.errors import InputError
from sim.scenario.locator import Locator, key_text


class ScenarioError(InputError):
    """A scenario file (or a sweep spec, patterns file) that cannot be used; one line."""


def type_name(value) -> str:
    """A TOML value as error messages call it: ``the string 'ten'``, ``2.5``, ``a table``."""
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, (int, float)):
        return short(value)
    names: dict[type, str] = {list: "a list", dict: "a table", tuple: "a list"}
    return names.get(type(value), f"a {type(value).__name__} value")


def short(value) -> str:
    """A number for a message (huge integers are abbreviated)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        return f"{'-' if value < 0 else ''}a {len(str(abs(value)))}-digit integer"
    return f"{value:g}"


def suggest(value, choices) -> str:
    """``did you mean 'x'?`` when ``value`` is close to one of ``choices``, else the list of them."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.7)
    return f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(choices)}"


def field_path(loc) -> str:
    """``('organizations', 2, 'budget')`` as ``organizations[2].budget``; ``(file)`` for the root."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{key_text(part)}" if text else key_text(part)
    return text or "(file)"


class Where:
    """Raises one-line errors for fields of one file.

    Args:
        label: the file as the user named it.
        locator: finds line numbers (optional).
    """

    def __init__(self, label: str, locator: Locator | None = None):
        self.label = label
        self.locator = locator

    def fail(self, loc, message: str, error=ScenarioError):
        """Raise ``error`` for the field at ``loc`` (a tuple of keys and indices, or a path string)."""
        where = loc if isinstance(loc, str) else field_path(loc)
        line = self.locator.line(where) if self.locator and where != "(file)" else None
        label = f"{self.label}:{line}" if line else self.label
        raise error(f"{label}: {where}: {' '.join(str(message).split())}")

    def explain(self, err: ValidationError, model: type[BaseModel], error=ScenarioError, loc_prefix: tuple = ()):
        """Raise the one-line error for the first mistake pydantic found (unknown keys first).

        ``loc_prefix`` places a table validated on its own (``("generator",)``) in its file.
        """
        errors = err.errors(include_url=False)
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = first["loc"]
        what = message(dict(first), _declared(model, loc), _declared(model, loc[:-1]))
        self.fail(loc_prefix + _visible(loc), what, error)


# -- from a pydantic error to words ----------------------------------------------------------


def message(error: dict, declared, container=None) -> str:
    """What is wrong, in words, for one pydantic ``error`` of a field declared as ``declared``.

    ``container`` is the declaration of what holds the field (a list's noun names its items).
    """
    kind, value = error["type"], error.get("input")
    expected = expectation(declared)
    if kind == "extra_forbidden":
        return f"unknown key; {suggest(error['loc'][-1], _siblings(declared))}"
    if kind == "missing":
        inner = _unwrap(declared)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "missing required table"
        if get_origin(inner) is tuple and _is_model(get_args(inner)[0]):
            return f"missing; expected at least 1 [[{field_path(_visible(error['loc']))}]] table(s)"
        return "missing required field"
    if kind == "finite_number":
        return f"expected a finite {expected.removeprefix('a ')}, got {value}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{short(value)} is out of range; expected {expected}"
    if kind == "literal_error":
        choices = get_args(_unwrap(declared))
        return f"{value!r} is not {_noun(container, 'one of the choices')}; {suggest(value, choices)}"
    if kind == "too_short":
        return f"expected at least {error['ctx']['min_length']} entries, got {error['ctx']['actual_length']}"
    if kind == "too_long":
        return f"{error['ctx']['actual_length']} entries; at most {error['ctx']['max_length']} are supported"
    if kind.endswith("_type") or kind in ("int_from_float", "dict_type", "model_type", "tuple_type"):
        if isinstance(value, float) and value.is_integer() and _unwrap(declared) is int:
            low, high = _bounds(declared)
            if (low is None or value >= low) and (high is None or value <= high):
                return f"expected {expected}, got {value!r}; write it without the decimal point ({int(value)})"
            return f"{short(value)} is out of range; expected {expected}"
        return f"expected {expected}, got {type_name(value)}"
    return error["msg"]  # our own checks (PydanticCustomError) already say it in words


def expectation(declared) -> str:
    """What a field declared as ``declared`` wants, in words: ``a number between 0 and 1``."""
    inner = _unwrap(declared)
    low, high = _bounds(declared)
    if inner is bool:
        return "true or false"
    if inner is int:
        return f"a whole number between {low} and {high}" if low is not None else "a whole number"
    if inner is float:
        return f"a number between {low:g} and {high:g}" if low is not None else "a number"
    if inner is str:
        return "a string"
    if get_origin(inner) is Literal:
        return "one of " + ", ".join(map(str, get_args(inner)))
    if get_origin(inner) is tuple:
        return "a list"
    if get_origin(inner) is dict or _is_model(inner):
        return "a table"
    return "a valid value"


def _visible(loc) -> tuple:
    """The location as the file names it (a model's ``header`` is the file's ``[scenario]``)."""
    return tuple("scenario" if part == "header" else part for part in loc)


def _unwrap(declared):
    """The plain type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = get_origin(declared)
        if origin is Annotated:
            declared = get_args(declared)[0]
        elif origin in (typing.Union, types.UnionType):
            declared = next(a for a in get_args(declared) if a is not type(None))
        else:
            return declared


def _metadata(declared) -> list:
    out: list = []
    while get_origin(declared) is Annotated or get_origin(declared) in (typing.Union, types.UnionType):
        if get_origin(declared) is Annotated:
            args = get_args(declared)
            out += list(args[1:])
            declared = args[0]
        else:
            declared = next(a for a in get_args(declared) if a is not type(None))
    expanded = []
    for m in out:
        expanded += list(getattr(m, "metadata", [])) + [m]
    return expanded


def _bounds(declared) -> tuple:
    low = high = None
    for m in _metadata(declared):
        low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else low
        high = getattr(m, "le", None) if getattr(m, "le", None) is not None else high
    return low, high


def _noun(declared, default: str) -> str:
    for m in _metadata(declared):
        if getattr(m, "title", None):
            return m.title
    return default


def _is_model(t) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _siblings(declared) -> list:
    """The keys allowed beside an unknown one (``declared`` is the table that holds it)."""
    inner = _unwrap(declared)
    if _is_model(inner):
        return [f.alias or name for name, f in inner.model_fields.items()]
    return []


def _declared(model: type[BaseModel], loc: tuple):
    """The declared type of the field at ``loc``; for an unknown key, of the table holding it."""
    current: Any = model
    for i, part in enumerate(loc):
        inner = _unwrap(current)
        if _is_model(inner):
            fields = {f.alias or name: f for name, f in inner.model_fields.items()} | inner.model_fields
            if part not in fields:
                return current if i == len(loc) - 1 else None
            info = fields[part]
            current = Annotated[info.annotation, info]
        elif get_origin(inner) is tuple:
            args = get_args(inner)
            current = args[0] if len(args) == 2 and args[1] is Ellipsis else args[min(int(part), len(args) - 1)]
        elif get_origin(inner) is dict:
            current = get_args(inner)[1]
        else:
            return current
    return current
