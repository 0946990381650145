"""The sweep engine: fixed run_ids, chunks through an Executor, one Parquet part per chunk.

:func:`run_sweep` is what ``coalition sweep`` calls. Results never depend on the number of
workers, the scheduler, the shard split or interruptions: run ``i`` always gets the same
parameters and seed (:mod:`sim.runs.design`), and a rerun skips every run_id on disk.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.runs import executors
from sim.runs.design import Design, auto_chunk_size, chunked, shard_range
from sim.runs.series import remove_orphans, run_with_series, series_schema, series_table
from sim.runs.spec import SweepSpec
from sim.runs.storage import (
    ManifestError,
    build_schema,
    check_or_write_manifest,
    clean_temporary,
    done_run_ids,
    part_name,
    write_part,
    write_table,
)


@dataclass
class SweepReport:
    """What a call of :func:`run_sweep` did."""

    out: Path
    total: int
    in_shard: int
    already_done: int
    ran: int
    parts: int
    seconds: float
    restarts: int


def run_chunk(runs: list[dict], scenario: str, steps: int | None, run_fn=None, series: bool = False) -> tuple:
    """Run one chunk in a worker.

    Returns:
        ``(rows, per_step)``: one flat row per run (ids, seed, parameters, outcomes), and with
        ``series`` a list of ``(run_id, {reporter: values per step})`` (else None).
    """
    if run_fn is None and not series:
        from sim.model.runner import run as run_fn
    rows: list[dict] = []
    per_step: list | None = [] if series else None
    for r in runs:
        if series:
            result, steps_of_run = run_with_series(scenario, steps, r["seed"], r["params"])
            assert per_step is not None
            per_step.append((r["run_id"], steps_of_run))
        else:
            result = run_fn(scenario_name=scenario, steps=steps, rng=r["seed"], **r["params"])
        ids = {k: r[k] for k in ("run_id", "point_id", "replicate", "seed")}
        rows.append({**ids, **r["params"], **result})
    return rows, per_step


def _progress(total: int, initial: int, enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc="sweep", file=sys.stderr, smoothing=0.1)


def run_sweep(
    spec: SweepSpec,
    out,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    shard: tuple[int, int] | None = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    run_fn=None,
) -> SweepReport:
    """Run (or resume) a sweep into ``out``.

    Args:
        spec: the checked spec (with any command-line overrides applied).
        out: the sweep directory; ``out/runs`` gets the Parquet parts, ``out/manifest.json`` the spec.
        workers: processes of the local pool (default: every core; 0: run in this process);
            ignored with ``scheduler``.
        scheduler: a Dask scheduler address, e.g. ``tcp://127.0.0.1:8786``.
        shard: ``(i, n)``: run only the i-th of n contiguous blocks of run_ids (0-based i).
        chunk_size: runs per chunk (default: a few seconds' worth).
        progress: show a progress bar (default: when stderr is a terminal).
        run_fn: the function run per run (default :func:`sim.run`); must pickle.

    Returns:
        A :class:`SweepReport`.

    Raises:
        ManifestError: the directory was started with another spec.
        SweepError: workers kept dying, or a run failed.
    """
    started = time.perf_counter()
    out = Path(out)
    runs_dir = out / "runs"
    design = Design(spec)
    first = design.run(0)
    if spec.series and run_fn is not None:
        raise ValueError("series = true runs the model itself; it cannot be combined with run_fn")
    if spec.series:
        probe, probe_steps = run_with_series(spec.scenario, 1, first["seed"], first["params"])
        steps_schema = series_schema(probe_steps)
    else:
        probe = (run_fn or _default_run)(scenario_name=spec.scenario, steps=1, rng=first["seed"], **first["params"])
    schema = build_schema(list(first["params"]), probe)
    columns = [f"{f.name}: {f.type}" for f in schema]
    check_or_write_manifest(out, spec.to_dict(), {"n_runs": design.n_runs, "columns": columns})
    _check_columns(out, columns)
    runs = shard_range(design.n_runs, shard)
    clean_temporary(runs_dir, runs)
    remove_orphans(out, runs)
    on_disk = done_run_ids(runs_dir)
    already = int(np.count_nonzero((on_disk >= runs.start) & (on_disk < runs.stop))) if len(runs) else 0
    n_todo = len(runs) - already
    report = SweepReport(out, design.n_runs, len(runs), already, 0, 0, 0.0, 0)
    if n_todo == 0:
        report.seconds = time.perf_counter() - started
        return report
    todo = (i for i in runs if not _contains(on_disk, i))
    pool = executors.WorkerPool(workers, scheduler)
    size = chunk_size or auto_chunk_size(n_todo, pool.workers, 0.07 * (spec.steps or 156) / 156)
    bar = _progress(len(runs), already, progress)

    def task(chunk: list[int]) -> tuple:
        return run_chunk, [design.run(i) for i in chunk], spec.scenario, spec.steps, run_fn, spec.series

    def write(chunk: list[int], result) -> None:
        rows, per_step = result
        name = part_name(rows)
        if per_step is not None:  # the series part first: a runs part marks the chunk done
            write_table(out / "series", name, series_table(per_step, steps_schema))
        write_part(runs_dir, rows, schema, name)
        report.ran += len(rows)
        report.parts += 1
        if bar is not None:
            bar.update(len(rows))

    try:
        report.restarts = executors.dispatch(pool, chunked(todo, size), task, write)
    finally:
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - started
    return report


def _default_run(**kwargs) -> dict:
    from sim.model.runner import run

    return run(**kwargs)


def _contains(sorted_ids: np.ndarray, i: int) -> bool:
    k = np.searchsorted(sorted_ids, i)
    return bool(k < sorted_ids.size and sorted_ids[k] == i)


def _check_columns(out: Path, columns: list) -> None:
    import json

    path = out / "manifest.json"
    old = json.loads(path.read_text()).get("columns")
    if old is not None and old != columns:
        raise ManifestError(f"{path}: columns: the model's outputs changed since this sweep started; use a new --out")
