"""The parameter table of ``docs/ODD.md``, made from :data:`sim.model.params.PARAMETERS`.

``python -m sim.model.reference docs/ODD.md`` rewrites the table between
``<!-- parameters -->`` and ``<!-- end parameters -->``; a test checks the page is current.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.model.params import PARAMETERS

BLOCK = re.compile(r"(<!-- parameters -->\n)(.*?)(<!-- end parameters -->)", re.S)


def _value(value) -> str:
    if value is None:
        return "the scenario's"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value:g}`"


def _range(p) -> str:
    if p.kind == "choice":
        return ", ".join(f"`{c}`" if c else '`""`' for c in p.choices)
    if p.kind == "bool":
        return "`true`, `false`"
    return f"{p.low:g} - {p.high:g}"


def table() -> str:
    """The Markdown table: parameter, mechanism, default, range, unit, meaning, where the value comes from."""
    rows = [
        "| parameter | mechanism | default | range | unit | meaning | where the default comes from |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, p in PARAMETERS.items():
        rows.append(f"| `{name}` | {p.group} | {_value(p.default)} | {_range(p)} | {p.unit} | {p.help} | {p.source} |")
    return "\n".join(rows) + "\n"


def refresh(text: str) -> str:
    """``text`` with its parameter table rewritten."""
    return BLOCK.sub(lambda m: m.group(1) + table() + m.group(3), text)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/ODD.md")
    path.write_text(refresh(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the parameter table of {path}")
