"""Shared hypothesis strategies: scenario documents (valid and malformed), seeds.

Import as ``from tests.strategies import ...``. Scenario documents are plain dicts as
``tomllib`` returns them; :func:`toml_text` writes any such dict (NaN and odd keys
included) back to TOML, so the same mutation can be fed to ``scenario_from_dict`` or,
as text, to ``parse_scenario``.
"""

from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass

import tomli_w
from hypothesis import strategies as st

from sim.model.params import ORDERED, PARAMETERS
from sim.scenario.load import SCENARIO_DIR

seeds = st.integers(0, 2**32 - 1)

# the shipped scenarios written by hand (random.toml is a [generator] document)
HAND_WRITTEN = (
    "chicago_absenteeism",
    "teen_substance_use",
    "traffic_fatalities",
    "homelessness_built_for_zero",
    "domestic_violence_high_risk_team",
    "single_agency",
)


def base_document(name: str) -> dict:
    """A shipped scenario as a parsed TOML dict (a fresh copy each time)."""
    return tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))


_BASES = {name: base_document(name) for name in HAND_WRITTEN + ("random",)}

odd_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=0, max_size=12) | st.sampled_from(
    ["", " ", "\n", "\u2028", "\x00", "e\u0301", "\U0001f600", "\u202e", "ｐａｔｉｅｎｃｅ", "\ufeff"]
)
huge_numbers = st.sampled_from([1e308, -1e308, 10**30, -(10**30), -(2**63), 5e15])  # out of every range
edge_numbers = st.sampled_from([2**63 - 1, 1e-320, -0.0, 0, 1, 0.999999])
nonfinite = st.sampled_from([math.nan, math.inf, -math.inf])
any_scalar = st.one_of(st.booleans(), st.integers(), st.floats(), odd_text, huge_numbers, edge_numbers)


def paths(value, prefix=()) -> list[tuple]:
    """Every path into a parsed document: keys of tables, indices of lists."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, prefix + (i,))
    return out


def field_path(path: tuple) -> str:
    """A path tuple as the loader names it: ``organizations[2].mission.outcome``."""
    from sim.scenario.locator import key_text

    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{key_text(part)}" if text else key_text(part))
    return text


def get(doc, path):
    """The value at ``path``."""
    for part in path:
        doc = doc[part]
    return doc


def wrong_type_for(value):
    """A strategy of values of a type that can never be right where ``value`` is."""
    if isinstance(value, bool):
        return st.one_of(odd_text, st.lists(st.integers(), max_size=2))
    if isinstance(value, (int, float)):
        return st.one_of(st.booleans(), odd_text, st.lists(st.integers(), max_size=2), st.just({"a": 1}))
    if isinstance(value, str):
        return st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False), st.just({"a": 1}))
    if isinstance(value, list):
        return st.one_of(st.booleans(), st.integers(), st.just({"a": 1}))
    return st.one_of(st.booleans(), st.integers(), odd_text)


@dataclass
class Mutation:
    """A malformed document and what was done to it."""

    kind: str
    path: tuple
    document: dict

    @property
    def field(self) -> str:
        """The field the mutation touched."""
        return field_path(self.path)


@st.composite
def mutations(draw, kinds=("type", "nonfinite", "huge", "unknown", "missing", "text")):
    """One mutation of a shipped scenario document.

    Kinds: ``type`` (a value of the wrong type), ``nonfinite`` (NaN or infinity for a
    number), ``huge`` (a huge or tiny number for a number), ``unknown`` (an extra key),
    ``missing`` (a key removed), ``text`` (odd Unicode for a string).
    """
    name = draw(st.sampled_from(sorted(_BASES)))
    doc = copy.deepcopy(_BASES[name])
    kind = draw(st.sampled_from(kinds))
    everything = paths(doc)
    if kind in ("nonfinite", "huge"):
        everything = [p for p in everything if _is_number(get(doc, p))]
    elif kind == "text":
        everything = [p for p in everything if isinstance(get(doc, p), str)]
    elif kind == "unknown":
        everything = [()] + [p for p in everything if isinstance(get(doc, p), dict)]
    elif kind == "missing":
        everything = [p for p in everything if isinstance(p[-1], str)]
    path = draw(st.sampled_from(everything))
    if kind == "unknown":
        key = "x_" + draw(odd_text)
        get(doc, path)[key] = draw(any_scalar)
        return Mutation(kind, path + (key,), doc)
    parent, last = get(doc, path[:-1]), path[-1]
    if kind == "missing":
        del parent[last]
    elif kind == "type":
        parent[last] = draw(wrong_type_for(parent[last]))
    elif kind == "nonfinite":
        parent[last] = draw(nonfinite)
    elif kind == "huge":
        parent[last] = draw(huge_numbers)
    else:
        parent[last] = draw(odd_text)
    return Mutation(kind, path, doc)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- writing any parsed document back to TOML ------------------------------------------
def toml_text(doc: dict) -> str:
    """Any parsed TOML document as TOML text, every table and array of tables as a header block.

    Values are written by tomli-w; the layout is spelled out here so that every key has its
    own line (what the line numbers of error messages are checked against).
    """
    lines: list[str] = []
    _write_table(doc, "", lines)
    return "\n".join(lines) + "\n"


def _is_aot(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _write_table(table: dict, prefix: str, lines: list) -> None:
    for k, v in table.items():
        if not isinstance(v, dict) and not _is_aot(v):
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in table.items():
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        if isinstance(v, dict):
            lines.append(f"[{name}]")
            _write_table(v, name, lines)
        elif _is_aot(v):
            for item in v:
                lines.append(f"[[{name}]]")
                _write_table(item, name, lines)


def _key(key: str) -> str:
    return tomli_w.dumps({key: 0}).split(" = ")[0]


def _value(v) -> str:
    return tomli_w.dumps({"v": v}).removeprefix("v = ").rstrip("\n")


# -- valid generated scenarios ----------------------------------------------------------
generator_tables = st.fixed_dictionaries(
    {
        "organizations": st.integers(1, 40),
        "sectors": st.integers(1, 10),
        "people": st.integers(1, 5000),
        "circumstances": st.integers(2, 12),
        "community": st.integers(0, 4),
        "seed": seeds,
        "target_drop": st.floats(0, 0.95),
    }
)


def generated_document(generator: dict, steps: int = 156) -> dict:
    """A ``[generator]`` scenario document."""
    return {"scenario": {"name": "generated", "steps": steps}, "generator": generator}


# -- model parameters -------------------------------------------------------------
def _parameter_strategy(p):
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.kind == "bool":
        return st.booleans()
    high = p.high if p.high is not None else 1e6
    if p.kind == "int":
        return st.integers(int(p.low), int(high))
    return st.floats(p.low, high, allow_nan=False)


# every parameter but the size and the horizon, which tests set themselves
_SWEPT = tuple(name for name in PARAMETERS if name not in ("n_people", "steps"))


def parameter_values():
    """Any valid keyword parameters of CoalitionModel, drawn from the ranges in sim/model/params.py."""
    return st.fixed_dictionaries({name: _parameter_strategy(PARAMETERS[name]) for name in _SWEPT}).map(_ordered)


def _ordered(values: dict) -> dict:
    """Put each ordered pair (sim.model.params.ORDERED) in order."""
    for low, high in ORDERED:
        if values[high] < values[low]:
            values[low], values[high] = values[high], values[low]
    return values
