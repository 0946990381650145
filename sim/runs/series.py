"""Optional per-step series: ``DIR/series/``, one part per chunk, next to ``DIR/runs/``.

With ``series = true`` in the spec, every run also records the model's DataCollector
reporters at every step (step 0 is the state before the first week). A chunk's series part
is renamed into place *before* its runs part, under the same file name; a runs part marks a
chunk as done, so a series part without one (a kill between the two renames) is an orphan
and is removed before the chunk runs again.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from sim.runs.storage import NULLABLE_INT, clean_temporary


def run_with_series(scenario: str, steps: int | None, seed: int, params: dict) -> tuple[dict, dict]:
    """One run as :func:`sim.run` does it, plus its per-step reporters (name -> list of values)."""
    from sim.model.model import CoalitionModel
    from sim.model.reporters import run_summary

    model = CoalitionModel(scenario, steps=steps, rng=seed, **params)
    while model.running:
        model.step()
    return run_summary(model), {name: list(values) for name, values in model.datacollector.model_vars.items()}


def series_schema(probe: dict) -> pa.Schema:
    """run_id, step, then every reporter: numbers as float64 (a count may turn fractional), bools, strings."""
    fields = [pa.field("run_id", pa.int64(), nullable=False), pa.field("step", pa.int64(), nullable=False)]
    for name, values in probe.items():
        value = next((v for v in values if v is not None), None)
        if name in NULLABLE_INT:
            kind = pa.int64()
        elif isinstance(value, bool):
            kind = pa.bool_()
        elif isinstance(value, str):
            kind = pa.string()
        else:
            kind = pa.float64()
        fields.append(pa.field(name, kind))
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


def remove_orphans(out: Path, runs: range) -> None:
    """Remove series parts of this shard's run_ids that have no runs part of the same name."""
    series_dir = out / "series"
    if not series_dir.is_dir():
        return
    for part in series_dir.glob("part-*.parquet"):
        first = int(part.name.split("-")[1])
        if first in runs and not (out / "runs" / part.name).exists():
            part.unlink(missing_ok=True)
    clean_temporary(series_dir, runs)
