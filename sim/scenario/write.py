"""Writing a scenario back out as TOML: ``load(dump(s)) == s``.

A small TOML writer for the values a scenario holds (strings, whole numbers, finite
floats, lists, inline tables); floats are written with ``repr`` so that they read back
bit for bit. A generated (``[generator]``) scenario is written out expanded.
"""

from __future__ import annotations

import math
from dataclasses import fields

from sim.scenario.schema import key_text
from sim.scenario.spec import Scenario

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_value(value) -> str:
    """One value as TOML text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} in a scenario")
        return repr(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key_text(k)} = {toml_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    raise TypeError(f"cannot write a {type(value).__name__} in a scenario")


def _table(header: str, items: dict) -> list[str]:
    return [header] + [f"{key_text(k)} = {toml_value(v)}" for k, v in items.items()] + [""]


def _plain(obj, skip=()) -> dict:
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip}


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as TOML text that :func:`sim.scenario.parse_scenario` reads back equal.

    Every field is written, defaults included, so the text documents the whole scenario.
    """
    s = scenario
    lines = [f"# Scenario {s.name!r}, written by sim.scenario.dump_scenario.", ""]
    lines += _table(
        "[scenario]",
        {
            "name": s.name,
            "title": s.title,
            "description": s.description,
            "steps": s.steps,
            "notice": s.notice,
            "how_it_works": s.how_it_works,
            "things_to_try": s.things_to_try,
            "sources": list(s.sources),
        },
    )
    lines += _table("[population]", _plain(s.population, skip=("circumstances",)))
    for c in s.population.circumstances:
        lines += _table("[[population.circumstances]]", _plain(c))
    lines += _table("[leader]", _plain(s.leader))
    for o in s.organizations:
        lines += _table("[[organizations]]", _plain(o))
    for c in s.community:
        lines += _table("[[community]]", _plain(c))
    network = _plain(s.network)
    network["ties"] = [list(t) for t in s.network.ties]
    lines += _table("[network]", network)
    lines += _table("[interventions]", _plain(s.interventions))
    lines += _table("[setbacks]", _plain(s.setbacks))
    return "\n".join(lines)
