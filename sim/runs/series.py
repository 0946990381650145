"""Companion tables of a sweep: per-step series and organizations' end states.

With ``series = true`` every run also records the model's DataCollector reporters at every
step (step 0 is the state before the first week); with ``organizations = true``, one row per
organization at the end of the run. Each is a dataset under a root of its own
(``--series-out``, ``--organizations-out``), so that a glob over one root never mixes tables.

A chunk's companion parts are renamed into place *before* its runs part, under the same file
name; a runs part marks a chunk as done, so a companion part without one (a kill between
the renames) is an orphan and is removed before the chunk runs again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import InputError
from sim.runs.provenance import PLAN_KEY, plan_mismatch
from sim.runs.storage import NULLABLE_INT, arrow_source, clean_temporary, first_run, value_type

ORGANIZATION_NULLABLE = ("joined_step",)


def series_schema(probe: dict) -> pa.Schema:
    """run_id, step, then every reporter: numbers as float64 (a count may turn fractional), bools, strings."""
    fields = [pa.field("run_id", pa.int64(), nullable=False), pa.field("step", pa.int64(), nullable=False)]
    for name, values in probe.items():
        value = next((v for v in values if v is not None), None)
        kind = value_type(name, value)
        fields.append(pa.field(name, pa.float64() if kind == pa.int64() and name not in NULLABLE_INT else kind))
    return pa.schema(fields)


def series_table(per_run: list[tuple[int, dict]], schema: pa.Schema) -> pa.Table:
    """One table of the chunk's series: ``per_run`` is ``[(run_id, {name: values}), ...]``."""
    columns: dict[str, list] = {f.name: [] for f in schema}
    for run_id, series in per_run:
        n = len(next(iter(series.values()))) if series else 0
        columns["run_id"] += [run_id] * n
        columns["step"] += list(range(n))
        for name in columns:
            if name not in ("run_id", "step"):
                columns[name] += series.get(name, [None] * n)
    return pa.Table.from_pydict(columns, schema=schema)


def organizations_schema(probe: list[dict]) -> pa.Schema:
    """run_id, then each organization's columns, typed off the probe run's first organization."""
    fields = [pa.field("run_id", pa.int64(), nullable=False)]
    first = probe[0] if probe else {}
    for name, value in first.items():
        fields.append(pa.field(name, pa.int64() if name in ORGANIZATION_NULLABLE else value_type(name, value)))
    return pa.schema(fields)


def organizations_table(per_run: list[tuple[int, list]], schema: pa.Schema) -> pa.Table:
    """One table of the chunk's organizations: ``per_run`` is ``[(run_id, [row per organization]), ...]``."""
    columns: dict[str, list] = {f.name: [] for f in schema}
    for run_id, rows in per_run:
        for row in rows:
            for name in columns:
                columns[name].append(run_id if name == "run_id" else row.get(name))
    return pa.Table.from_pydict(columns, schema=schema)


def remove_orphans(parts_dir: Path, runs_dir: Path, runs: range) -> None:
    """Remove companion parts of this shard's run_ids that have no runs part of the same name."""
    if not parts_dir.is_dir():
        return
    for part in parts_dir.glob("part-*.parquet"):
        if first_run(part.name) in runs and part.is_file() and not (runs_dir / part.name).exists():
            part.unlink(missing_ok=True)
    clean_temporary(parts_dir, runs)


def check_companions(
    parts_dir: Path, runs_dir: Path, runs: range, flag: str, schema: pa.Schema, plan: dict | None = None
) -> None:
    """Each finished chunk of this shard has its companion part: readable, of this table, of its runs.

    A part's columns must be ``schema``'s, its run_ids those its name gives (the first, and
    how many), and the plan it was stamped with ``plan`` (:func:`sim.runs.provenance.plan_record`):
    a damaged file, another table's part, another chunk's or another plan's copied over are
    found here rather than by the next reader. Only the footer and the run_id column are read.

    Raises:
        InputError: one line naming the part and what to remove so that a resume runs its runs again.
    """
    if not runs_dir.is_dir():
        return
    for done in sorted(runs_dir.glob("part-*.parquet")):
        first = first_run(done.name)
        if first not in runs or not done.is_file():  # a folder named like a part: done_run_ids says so
            continue
        part = parts_dir / done.name
        where = f"{flag} {parts_dir.parent}: {parts_dir.name}/{done.name}"
        fix = f"remove it and {done}, and a resume runs their runs again"
        if not part.is_file():
            raise InputError(f"{where}: missing, though {done} is done; remove that runs part, and a resume runs again")
        try:  # opened once: its footer gives the columns, then only run_id is read
            parquet = pq.ParquetFile(arrow_source(part))
            columns = parquet.schema_arrow
            ids = parquet.read(columns=["run_id"]).column("run_id").to_numpy()
        except (pa.ArrowException, OSError, KeyError):
            raise InputError(f"{where}: not a readable part of this table; {fix}") from None
        if not columns.remove_metadata().equals(schema.remove_metadata()):
            raise InputError(f"{where}: not a part of this table (its columns differ); {fix}")
        wrong = plan_mismatch((columns.metadata or {}).get(PLAN_KEY), plan) if plan is not None else ""
        if wrong:
            raise InputError(f"{where}: not a part of this sweep: it holds {wrong}; {fix}")
        count = int(done.name.split("-")[2])
        if ids.size == 0 or int(ids.min()) != first or np.unique(ids).size != count:
            raise InputError(f"{where}: holds other runs than {done}; {fix}")
