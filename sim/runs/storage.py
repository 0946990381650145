"""On disk: ``DIR/manifest.json`` and ``DIR/runs/part-*.parquet``, one explicit schema.

Each finished chunk becomes one Parquet part, written to a temporary file whose name
starts with ``.`` (readers of ``runs/`` skip it) and then renamed with :func:`os.replace`,
so a part is either complete or absent. The manifest sits beside ``runs/``, not in it.
"""

from __future__ import annotations

import json
import os
import platform
import uuid
from importlib import metadata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import InputError
from sim.model.params import PARAMETERS


class ManifestError(InputError):
    """A sweep directory that holds another sweep, or no manifest beside its results."""


ID_FIELDS = [("run_id", pa.int64()), ("point_id", pa.int64()), ("replicate", pa.int64()), ("seed", pa.int64())]
# outcomes whose type cannot be read off one value: they may be None
NULLABLE_INT = ("steps_to_goal", "first_commitment")
KIND_TYPES = {"int": pa.int64(), "float": pa.float64(), "choice": pa.string(), "bool": pa.bool_()}
PACKAGES = ("coalition", "mesa", "numpy", "pandas", "pyarrow", "scipy", "networkx", "SALib", "dask", "distributed")


def _value_type(name: str, value) -> pa.DataType:
    if name in NULLABLE_INT:
        return pa.int64()
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, str):
        return pa.string()
    return pa.float64()  # floats, and anything unknown that is None in the probe


def build_schema(param_names: list, probe: dict) -> pa.Schema:
    """The schema of every part: ids, parameters (typed from :data:`sim.params.PARAMETERS`), outcomes.

    Args:
        param_names: varied then fixed parameter names.
        probe: the result dict of a short run, for the outcome names and types.
    """
    fields = [pa.field(n, t, nullable=False) for n, t in ID_FIELDS]
    fields += [pa.field(n, KIND_TYPES[PARAMETERS[n].kind]) for n in param_names]
    taken = {f.name for f in fields}
    fields += [pa.field(n, _value_type(n, v)) for n, v in probe.items() if n not in taken]
    return pa.schema(fields)


def part_name(rows: list[dict]) -> str:
    """A new part's file name: first run_id, number of runs, a random tag."""
    first = min(r["run_id"] for r in rows)
    return f"part-{first:010d}-{len(rows):05d}-{uuid.uuid4().hex[:8]}.parquet"


def write_table(directory: Path, name: str, table: pa.Table) -> Path:
    """Write ``table`` as ``directory/name`` atomically: a ``.``-prefixed temporary file, then a rename."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.tmp"
    pq.write_table(table, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, directory / name)
    return directory / name


def write_part(runs_dir: Path, rows: list[dict], schema: pa.Schema, name: str | None = None) -> Path:
    """Write ``rows`` as one Parquet part of ``schema``, atomically; return its path."""
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return write_table(runs_dir, name or part_name(rows), pa.Table.from_pydict(columns, schema=schema))


def done_run_ids(runs_dir: Path) -> np.ndarray:
    """Sorted run_ids already on disk (reads only that column of each finished part).

    Eight bytes a run, so a rerun of a sweep of millions of runs still starts in little memory.
    """
    parts = [np.zeros(0, dtype=np.int64)]
    if runs_dir.is_dir():
        for part in sorted(runs_dir.glob("part-*.parquet")):
            parts.append(pq.read_table(part, columns=["run_id"]).column("run_id").to_numpy())
    return np.unique(np.concatenate(parts))


def clean_temporary(directory: Path, runs: range) -> None:
    """Remove temporary parts of ``runs`` left by a killed sweep (other shards' are left alone)."""
    if directory.is_dir():
        for tmp in directory.glob(".part-*.tmp"):
            if int(tmp.name.split("-")[1]) in runs:
                tmp.unlink(missing_ok=True)


def package_versions() -> dict:
    """Versions of Python and the packages that shape results."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def check_or_write_manifest(out: Path, spec_dict: dict, extra: dict) -> None:
    """Write ``DIR/manifest.json``, or refuse a directory started with a different spec.

    Raises:
        ManifestError: the directory holds another sweep.
    """
    path = out / "manifest.json"
    if path.exists():
        try:
            old = json.loads(path.read_text())["spec"]
        except (OSError, ValueError, KeyError, TypeError):
            raise ManifestError(f"{path}: (file): not a sweep manifest; use another --out directory") from None
        if old != spec_dict:
            changed = sorted(k for k in set(old) | set(spec_dict) if old.get(k) != spec_dict.get(k))
            raise ManifestError(
                f"{path}: spec: this directory was started with a different spec (changed: {', '.join(changed)}); "
                "rerun with the original spec or use a new --out directory"
            )
        return
    if any((out / "runs").glob("part-*.parquet")):
        raise ManifestError(f"{out}: runs: holds results but no manifest.json; use a new --out directory")
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"spec": spec_dict, "versions": package_versions(), **extra}
    tmp = out / f".manifest-{uuid.uuid4().hex[:8]}.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    os.replace(tmp, path)  # concurrent shards write the same spec: last one wins, harmlessly
