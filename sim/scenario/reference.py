"""The field tables of ``docs/scenarios.md``, made from the schema (:mod:`sim.scenario.spec`).

``python -m sim.scenario.reference docs/scenarios.md`` rewrites every table between
``<!-- fields: Name -->`` and ``<!-- end fields -->``; a test checks the page is current,
so the docs cannot drift from what the loader accepts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario import spec
from sim.scenario.generator import Generator
from sim.scenario.messages import _bounds, _metadata, _noun, _unwrap, expectation
from sim.scenario.roles import ROLE_TABLE

MODELS = {
    m.__name__: m
    for m in (
        spec.Header,
        spec.PopulationSpec,
        spec.Circumstance,
        spec.OrganizationSpec,
        spec.LeaderSpec,
        spec.CommunitySpec,
        spec.NetworkSpec,
        spec.Interventions,
        spec.Setbacks,
        Generator,
    )
}
BLOCK = re.compile(r"(<!-- fields: (\w+) -->\n)(.*?)(<!-- end fields -->)", re.S)
ROLES_BLOCK = re.compile(r"(<!-- roles -->\n)(.*?)(<!-- end roles -->)", re.S)


def _default(info) -> str:
    if info.default is PydanticUndefined and info.default_factory is None:
        return "required"
    value = info.default_factory() if info.default_factory is not None else info.default
    if value is None:
        return "see meaning"
    if isinstance(value, BaseModel):
        return "see below"
    if value in ((), {}):
        return "`[]`" if value == () else "`{}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def _range(declared) -> str:
    low, high = _bounds(declared)
    if low is not None:
        return f"{low:g} - {high:g}" if isinstance(low, float) or isinstance(high, float) else f"{low} - {high}"
    lengths = [(getattr(m, "min_length", None), getattr(m, "max_length", None)) for m in _metadata(declared)]
    most = next((high for _, high in lengths if high is not None), None)
    if most is not None:  # a list of at most so many
        least = next((low for low, _ in lengths if low is not None), 0)
        return f"{least} - {most} items"
    inner = _unwrap(declared)
    if get_origin(inner) is dict:  # a table of numbers: the range of its values
        values = _range(get_args(inner)[1])
        return f"values {values}" if values else ""
    return ""


def _kind(declared) -> str:
    kind = expectation(_unwrap(declared)).split(" between ")[0].removeprefix("a ")
    noun = _noun(declared, "")
    return f"list of {noun.removeprefix('a ')}s" if kind == "list" and noun else kind


def table(model: type[BaseModel]) -> str:
    """The Markdown table of one section: field, type, range, default, meaning."""
    rows = ["| field | type | range | default | meaning |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        declared = Annotated[info.annotation, info]  # type: ignore[name-defined]
        cells = (f"`{info.alias or name}`", _kind(declared), _range(declared), _default(info), info.description or "")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def roles_table() -> str:
    """The Markdown table of the roles (:data:`sim.scenario.roles.ROLE_TABLE`)."""
    rows = [
        "| role | the chapter's words | lets a member | needs | without it |",
        "|---|---|---|---|---|",
    ]
    for r in ROLE_TABLE:
        rows.append(f"| `{r.name}` | {r.chapter} | {r.capability} | `{r.field}`: {r.requirement} | {r.absence} |")
    return "\n".join(rows) + "\n"


def refresh(text: str) -> str:
    """``text`` with every fields block (and the roles block) rewritten from the schema."""
    text = BLOCK.sub(lambda m: m.group(1) + table(MODELS[m.group(2)]) + m.group(4), text)
    return ROLES_BLOCK.sub(lambda m: m.group(1) + roles_table() + m.group(3), text)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/scenarios.md")
    path.write_text(refresh(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the field tables of {path}")
