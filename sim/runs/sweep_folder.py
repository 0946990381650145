"""A sweep's folder read back: its manifest's spec, its finished runs, and what is missing.

:func:`load_sweep` refuses a folder that is no sweep, or whose runs folder holds a part of
another sweep or a run twice (naming the part); :func:`unfinished` warns when runs are still
to come, with the command that resumes the sweep.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, one_line
from sim.runs.provenance import plan_record
from sim.runs.storage import ManifestError, read_part, read_parts, twice_in


class AnalysisError(InputError):
    """A sweep directory or an option that cannot be analyzed; one line."""


@dataclass
class Sweep:
    """A sweep directory read back: its spec (from the manifest) and its runs."""

    path: Path
    spec: dict
    runs: pd.DataFrame
    design: Any = None  # the plan its manifest records (sim.runs.design.Design)

    @property
    def varied(self) -> list[str]:
        """The varied parameters, in the spec's order."""
        return list(self.spec["parameters"])


def belongs_to(design, plan: dict | None = None):
    """What refuses a part whose runs are not ``design``'s (a part copied in from another sweep).

    Checks the part's first run with its seed, then one run of each design point in it, then
    the plan the part was stamped with (``plan``: :func:`sim.runs.provenance.plan_record`): a
    shard run with other steps, another scenario's content or other model code.
    """
    from sim.runs.design import mismatch
    from sim.runs.provenance import PLAN_KEY, plan_mismatch

    def check(part, table) -> None:
        if "run_id" not in table.column_names:
            raise ManifestError(
                f"{part}: (file): not a part of this table (it has no run_id column); move it elsewhere"
            )
        # the first run with its seed, then one run of each design point: only those rows made Python values
        # (a part of a million runs was turned into a million dicts)
        if not table.num_rows:
            return
        first = [0]
        if "point_id" in table.column_names:
            first = sorted(set(np.unique(table.column("point_id").to_numpy(), return_index=True)[1].tolist()) | {0})
        for i, row in zip(first, table.take(first).to_pylist(), strict=True):
            wrong = mismatch(design, row, seed=i == 0)
            if wrong:
                raise ManifestError(f"{part}: (file): not a part of this sweep: it holds {wrong}; move it elsewhere")
        # then what no run's values show: the steps, the scenario's content, the model's code
        wrong = plan_mismatch((table.schema.metadata or {}).get(PLAN_KEY), plan) if plan is not None else ""
        if wrong:
            raise ManifestError(f"{part}: (file): not a part of this sweep: it holds {wrong}; move it elsewhere")

    return check


def _design(recorded: dict, manifest: Path):
    """The design a sweep's manifest records, or one line saying the manifest's spec is not one."""
    from sim.runs.design import Design
    from sim.runs.spec import parse_spec

    try:  # from the manifest alone: the sweep's scenario and preset files may have moved since
        return Design(parse_spec({k: v for k, v in recorded["spec"].items() if v is not None}, inputs=False))
    except (InputError, ValueError, TypeError, KeyError, AttributeError) as err:
        raise AnalysisError(
            f"{manifest}: spec: not a sweep spec ({one_line(str(err))[:200]}); was the manifest edited?"
        ) from None


def load_sweep(path) -> Sweep:
    """Read ``DIR/manifest.json`` and ``DIR/runs``.

    Raises:
        AnalysisError: no manifest, or no finished runs.
    """
    path = Path(path)
    if not path.is_dir():
        what = "a file, not a folder" if path.exists() else "no such folder"
        raise AnalysisError(f"{path}: (folder): {what}; give a directory made by coalition sweep")
    manifest = path / "manifest.json"
    if manifest.exists() and not manifest.is_file():  # a pipe there: reading it waited for ever
        raise AnalysisError(f"{manifest}: (file): not a regular file; give a directory made by coalition sweep")
    try:
        recorded = json.loads(manifest.read_text())
        spec = recorded["spec"]
    except (OSError, ValueError, KeyError, TypeError):
        raise AnalysisError(
            f"{manifest}: (file): not a sweep manifest; give a directory made by coalition sweep"
        ) from None
    dataset = recorded.get("dataset", "runs")
    if dataset != "runs":  # a companion table's root (--series-out, --organizations-out): its sweep's is elsewhere
        tables = recorded.get("tables")
        runs_root = tables.get("runs") if isinstance(tables, dict) else None
        where = f"; analyze its sweep's --out folder, {runs_root}" if runs_root else ""
        raise AnalysisError(f"{manifest}: (file): the manifest of a sweep's {dataset} table, not of its runs{where}")
    if not any((path / "runs").glob("part-*.parquet")):
        raise AnalysisError(f"{path / 'runs'}: (folder): no finished runs yet")
    # a part of another sweep of the same spec but another seed holds the same run_ids: told by its seeds
    design = _design(recorded, manifest)
    runs = read_parts(path / "runs", check=belongs_to(design, plan_record(recorded)))
    runs = runs.to_pandas().sort_values("run_id").reset_index(drop=True)
    planned = _planned(recorded)
    if planned is not None and planned < 0:
        raise AnalysisError(f"{manifest}: n_runs: {planned} is not a number of runs; was the manifest edited?")
    ids = runs["run_id"]
    strays = ids[ids.duplicated() | (ids >= planned)] if planned is not None else ids.iloc[:0]
    if planned is not None and len(strays):
        raise AnalysisError(_stray_part(path / "runs", planned))
    return Sweep(path, spec, runs, design)


def _stray_part(runs_dir: Path, planned: int) -> str:
    """Which part holds a run beyond the sweep's plan, or one an earlier part holds, in one line."""
    parts = sorted(runs_dir.glob("part-*.parquet"))
    ids = [read_part(part, columns=["run_id"]).column("run_id").to_numpy() for part in parts]
    for part, held in zip(parts, ids, strict=True):
        if held.size and held.max() >= planned:
            return (
                f"{part}: (file): holds run_id {int(held.max())}, beyond this sweep's {planned} runs "
                "(a part of another sweep?); move it elsewhere"
            )
    return twice_in(parts, ids)


def _spec_file(recorded: dict, spec: dict) -> str:
    """The spec file the sweep was started from, if it still gives the recorded spec; else ``SPEC``.

    A file edited since, or a spec changed in Python after it was read (as the experiment
    scripts do), would be refused as a changed spec: then no file is named.
    """
    from sim.runs.spec import load_spec

    try:
        path = str(recorded["inputs"]["spec_file"]["path"])
        loaded = load_spec(path).with_overrides(spec.get("replicates"), spec.get("steps"))
        if json.loads(json.dumps(loaded.to_dict())) == spec:
            return path
    except (KeyError, TypeError, ValueError, InputError, OSError):
        pass
    return "SPEC"


def _planned(recorded) -> int | None:
    """The runs a sweep's manifest (as read) plans; None when it does not say."""
    try:
        return int(recorded["n_runs"])
    except (ValueError, KeyError, TypeError):
        return None


def unfinished(sweep: Sweep) -> str:
    """A warning when the sweep has fewer runs than its manifest plans ("" when it is complete)."""
    try:
        recorded = json.loads((sweep.path / "manifest.json").read_text())
    except (OSError, ValueError):
        return ""
    planned = _planned(recorded)
    if planned is None or len(sweep.runs) >= planned:
        return ""
    return (
        f"warning: {sweep.path}: {len(sweep.runs)} of the {planned} runs the sweep plans are finished; "
        f"the tables cover those (resume it with {resume_command(sweep.path, recorded)}; "
        "a cluster's shards: add --shard I/N to each, as they were run)"
    )


def resume_command(path: Path, recorded: dict) -> str:
    """The command that resumes the sweep in ``path``: its spec file, replicates, steps and companion tables.

    A sweep extended with ``--replicates`` or run with ``--steps`` is refused when resumed
    without them, and its series and organizations folders must be named again.
    """
    spec: dict = recorded["spec"] if isinstance(recorded.get("spec"), dict) else {}
    words = ["coalition", "sweep", _spec_file(recorded, spec), "--out", str(path)]
    for key in ("replicates", "steps"):
        if isinstance(spec.get(key), int) and not isinstance(spec.get(key), bool):
            words += [f"--{key}", str(spec[key])]
    tables: dict = recorded["tables"] if isinstance(recorded.get("tables"), dict) else {}
    for key in ("series", "organizations"):
        if isinstance(tables.get(key), str):
            words += [f"--{key}-out", tables[key]]
    return " ".join(shlex.quote(w) if w != "SPEC" else w for w in words)
