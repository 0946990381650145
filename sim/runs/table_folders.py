"""What a sweep's table folder is and may hold: its Parquet parts, and nothing else.

A sweep writes each table (``runs``, and the companions ``series`` and ``organizations``)
as a folder of parts beside its ``manifest.json``; pandas, DuckDB and Arrow read every file
in such a folder, so anything else put there breaks or mixes their tables.
"""

from __future__ import annotations

import re
from pathlib import Path

TABLE_FOLDERS = ("runs", "series", "organizations")
PART_NAME = re.compile(r"part-[0-9]{10}-[0-9]{5}-[0-9A-Za-z]+\.parquet")


def sweep_table_holding(folder: Path) -> Path | None:
    """The table folder of a sweep (``DIR/runs`` beside ``DIR/manifest.json``, or a companion) ``folder`` is in."""
    path = Path(folder).resolve()
    for part in (path, *path.parents):
        if part.name in TABLE_FOLDERS and (part.parent / "manifest.json").is_file():
            return part
    return None


def stray(table: Path) -> str | None:
    """The name of the first entry of ``table`` that is not a part (hidden files aside), else None.

    A part is named ``part-FIRST-COUNT-TAG.parquet``; one named so is checked when it is read
    (a folder, a copy, a damaged file); anything else is stray: ``copy.parquet`` would add its
    rows to every reader's table, ``notes.txt`` stop it.
    """
    for entry in table.iterdir():
        hidden = entry.name.startswith((".", "_"))  # skipped by pandas, DuckDB and Arrow
        if not hidden and not PART_NAME.fullmatch(entry.name):
            return entry.name
    return None
