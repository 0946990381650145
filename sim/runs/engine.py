"""The sweep engine: fixed run_ids, chunks through an Executor, one Parquet part per chunk.

:func:`run_sweep` is what ``coalition sweep`` calls. Results never depend on the number of
workers, the scheduler, the shard split or interruptions: run ``i`` always gets the same
parameters and seed (:mod:`sim.runs.design`), and a rerun skips every run_id on disk.
Every output folder is checked, and every input hashed, before the first run starts.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.model.params import PARAMETERS
from sim.runs import executors
from sim.runs.design import Design, auto_chunk_size, chunked, shard_range
from sim.runs.extras import require
from sim.runs.locks import sweep_lock
from sim.runs.progress import Progress
from sim.runs.provenance import (
    PLAN_KEY,
    code_record,
    file_digest,
    package_versions,
    plan_record,
    preset_record,
    scenario_record,
)
from sim.runs.record import record
from sim.runs.roots import COMPANIONS, one_sweep, removed_if_refused, table_roots
from sim.runs.series import (
    check_companions,
    organizations_schema,
    organizations_table,
    remove_orphans,
    series_schema,
    series_table,
)
from sim.runs.spec import SweepSpec, n_points
from sim.runs.storage import (
    FORMAT,
    ManifestError,
    build_schema,
    check_or_write_manifest,
    clean_temporary,
    done_run_ids,
    part_name,
    table_row,
    write_part,
    write_table,
)
from sim.runs.sweep_folder import belongs_to
from sim.scenario.load import load_scenario, scenario_path


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


def run_chunk(runs: list[dict], scenario, steps: int | None, run_fn=None, options: dict | None = None) -> tuple:
    """Run one chunk in a worker.

    Args:
        runs: what :meth:`Design.run` gives for each run.
        scenario: the scenario name or path.
        steps: the horizon (None: the scenario's).
        run_fn: the function run per run (default :func:`sim.run`).
        options: ``stop_at_goal``, ``series``, ``organizations`` (all False by default).

    Returns:
        ``(rows, companions)``: one row per run (ids, seed, parameters, outcomes), and per
        companion table asked for, a list of ``(run_id, records)``.
    """
    options = options or {}
    stop, companions = options.get("stop_at_goal", False), [k for k in COMPANIONS if options.get(k)]
    out: dict = {k: [] for k in companions}
    rows = []
    for r in runs:
        if companions:
            rec = record(scenario, steps, r["seed"], r["params"], stop_at_goal=stop, **{k: True for k in companions})
            result = rec.result
            for k in companions:
                out[k].append((r["run_id"], rec.per_step if k == "series" else rec.organizations))
        elif run_fn is None:  # weeks of events that never happened stay None: null in the table
            result = record(scenario, steps, r["seed"], r["params"], stop_at_goal=stop).result
        else:
            extra = {"stop_at_goal": True} if stop else {}
            result = run_fn(scenario_name=scenario, steps=steps, rng=r["seed"], **extra, **r["params"])
        ids = {k: r[k] for k in ("run_id", "point_id", "replicate", "seed")}
        rows.append({**ids, **r["params"], **table_row(result)})
    return rows, out


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
    series_out=None,
    organizations_out=None,
) -> SweepReport:
    """Run (or resume, or extend with more replicates) a sweep into ``out``.

    Args:
        spec: the checked spec (with any command-line overrides applied).
        out: the sweep directory; ``out/runs`` gets the Parquet parts, ``out/manifest.json`` the spec.
        workers: processes of the local pool (default: every core; 0: run in this process);
            ignored with ``scheduler``.
        scheduler: a Dask scheduler address, e.g. ``tcp://127.0.0.1:8786``.
        shard: ``(i, n)``: run only the i-th of n contiguous blocks of run_ids (0-based i).
        chunk_size: runs per chunk (default: a few seconds' worth).
        progress: report progress (default: a bar on a terminal, a line every 30 s otherwise).
        run_fn: the function run per run (default :func:`sim.run`); must pickle.
        series_out: the root of the per-step series table (needed with ``series = true``).
        organizations_out: the root of the organizations table (needed with ``organizations = true``).

    Returns:
        A :class:`SweepReport`.

    Raises:
        InputError: an output folder that cannot be used, a missing optional package.
        ManifestError: the directory holds another sweep, or its inputs changed.
        SweepError: workers kept dying, or a run failed.
    """
    started = time.perf_counter()
    total = n_points(spec) * spec.replicates
    if shard is not None and shard[1] > total:  # shards with no run would only leave lock files behind
        raise InputError(
            f"--shard {shard[0]}/{shard[1]}: more shards than the sweep's {total:,} runs; use at most {total}"
        )
    made: list = []
    roots = table_roots(spec, out, series_out, organizations_out, made)
    # one process per shard of a sweep at a time; refused, the sweep leaves no empty folder it made
    with removed_if_refused(made, roots["runs"]), sweep_lock(roots["runs"], shard, total):
        if (spec.series or spec.organizations) and run_fn is not None:
            raise ValueError(
                "series and organizations tables run the model itself; they cannot be combined with run_fn"
            )
        scenario = load_scenario(spec.scenario)
        if scheduler:
            require("distributed", f"--scheduler {scheduler}")
            # a new sweep that cannot reach it is refused before its manifest is written; a resume
            # meets the scheduler only if it has runs to do
            if not (roots["runs"] / "manifest.json").exists():
                executors.WorkerPool(None, scheduler).close()
        design = Design(spec)
        first = design.run(0)
        options = {"stop_at_goal": spec.stop == "goal", "series": spec.series, "organizations": spec.organizations}
        probe = record(
            scenario, 1, first["seed"], first["params"], series=spec.series, organizations=spec.organizations
        )
        result = (
            probe.result
            if run_fn is None
            else run_fn(
                scenario_name=spec.scenario, steps=scenario.population.hold_steps, rng=first["seed"], **first["params"]
            )
        )
        given = list(first["params"])
        defaults = {k: v for k, v in probe.parameters.items() if k not in given} | {
            "steps": spec.steps or scenario.steps
        }
        schemas = {"runs": build_schema(given + [k for k in PARAMETERS if k not in given], table_row(result))}
        if probe.per_step is not None:
            schemas["series"] = series_schema(probe.per_step)
        if probe.organizations is not None:
            schemas["organizations"] = organizations_schema(probe.organizations)
        manifest = {
            "format": FORMAT,
            "spec": spec.to_dict(),
            "inputs": _inputs(spec, scenario),
            "code": (code := code_record()),
            "versions": package_versions(),
            "n_runs": design.n_runs,
            "defaults": defaults,
            "tables": {k: str(v.resolve()) for k, v in roots.items()},
        }
        manifest["sweep_id"] = one_sweep(roots)  # refuses another sweep's tables, or tables started apart
        plan = plan_record(manifest)  # every part is stamped with it: a shard of another plan is refused
        schemas = {k: schema.with_metadata({PLAN_KEY: json.dumps(plan).encode()}) for k, schema in schemas.items()}
        for k, root in roots.items():
            columns = [f"{f.name}: {f.type}" for f in schemas[k]]
            check_or_write_manifest(root, {**manifest, "dataset": k, "columns": columns})
        runs_dir = roots["runs"] / "runs"
        runs = shard_range(design.n_runs, shard)
        clean_temporary(runs_dir, runs)
        for k in roots.keys() - {"runs"}:
            remove_orphans(roots[k] / k, runs_dir, runs)
        checked = ("point_id", "replicate", "seed", *design.run(0)["params"])
        on_disk = done_run_ids(runs_dir, belongs_to(design, plan), checked)
        for k in roots.keys() - {"runs"}:
            check_companions(roots[k] / k, runs_dir, runs, COMPANIONS[k], schemas[k], plan)
        if on_disk.size and on_disk[-1] >= design.n_runs:  # sorted: the largest is last
            raise ManifestError(
                f"{runs_dir}: (folder): holds run_id {on_disk[-1]}, beyond this sweep's {design.n_runs} runs "
                "(a part of another sweep?); move that part elsewhere"
            )
        already = int(np.count_nonzero((on_disk >= runs.start) & (on_disk < runs.stop))) if len(runs) else 0
        n_todo = len(runs) - already
        report = SweepReport(roots["runs"], design.n_runs, len(runs), already, 0, 0, 0.0, 0)
        if n_todo == 0:
            report.seconds = time.perf_counter() - started
            return report
        pool = executors.WorkerPool(workers, scheduler, code=code)
        size = chunk_size or auto_chunk_size(n_todo, pool.workers, 0.07 * (spec.steps or scenario.steps) / 156)
        bar = Progress("sweep", len(runs), initial=already, enabled=progress)

        def task(chunk: list[int]) -> tuple:
            # the scenario as read and hashed here (a run_fn of the user's gets its name, as before)
            return (
                run_chunk,
                [design.run(i) for i in chunk],
                spec.scenario if run_fn else scenario,
                spec.steps,
                run_fn,
                options,
            )

        def write(chunk: list[int], result) -> None:
            rows, companions = result
            name = part_name(rows)
            for k, per_run in companions.items():  # companions first: a runs part marks the chunk done
                table = (series_table if k == "series" else organizations_table)(per_run, schemas[k])
                write_table(roots[k] / k, name, table)
            write_part(runs_dir, [defaults | row for row in rows], schemas["runs"], name)
            report.ran += len(rows)
            report.parts += 1
            bar.update(len(rows))

        try:
            report.restarts = executors.dispatch(pool, chunked(runs, size, on_disk, design.n_points), task, write)
        except KeyboardInterrupt as err:  # what the one-line interruption says is kept
            kept = already + report.ran
            err.kept = (  # type: ignore[attr-defined]
                f"{report.ran} new runs kept, {kept} of {len(runs)} on disk (a chunk's runs are kept once it is "
                "whole); the same command goes on from there"
            )
            raise
        finally:
            bar.close()
        report.seconds = time.perf_counter() - started
        return report


def _inputs(spec: SweepSpec, scenario) -> dict:
    path = scenario_path(spec.scenario)
    inputs = {"scenario": scenario_record(scenario, path.resolve() if path.is_file() else None)}
    if spec.source:
        inputs["spec_file"] = {"path": str(Path(spec.source).resolve()), "sha256": file_digest(spec.source)}
    if spec.preset:  # its values are in the spec's fixed parameters; the file is recorded too
        inputs["preset"] = preset_record(spec.scenario, spec.preset)
    return inputs
