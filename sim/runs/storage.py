"""On disk: a root folder holds ``manifest.json`` and one dataset of Parquet parts beside it.

The runs table is ``DIR/runs/part-*.parquet`` (``--out DIR``); the optional series and
organizations tables are datasets of their own under roots of their own (``--series-out``,
``--organizations-out``), so ``DIR/**/*.parquet`` only ever holds one table.

Each finished chunk becomes one Parquet part, written to a temporary file whose name starts
with ``.`` (readers skip it) and then renamed with :func:`os.replace`, so a part is either
complete or absent. Every root's manifest records the spec, the inputs' hashes and the code
(:mod:`sim.runs.provenance`); a resume or another shard that brings anything else is refused.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import InputError
from sim.model.params import PARAMETERS
from sim.model.runner import EVENT_FLAGS, EVENT_WEEKS
from sim.runs.outputs import OutputError, why
from sim.runs.provenance import differences

FORMAT = 2  # 2: run ids in replicate-major blocks, provenance recorded
ID_FIELDS = [("run_id", pa.int64()), ("point_id", pa.int64()), ("replicate", pa.int64()), ("seed", pa.int64())]
# weeks of events that may never happen: null in the table
NULLABLE_INT = EVENT_WEEKS
KIND_TYPES = {"int": pa.int64(), "float": pa.float64(), "choice": pa.string(), "bool": pa.bool_()}
REUSE = "rerun with the original spec and inputs, or use a new --out directory"


class ManifestError(InputError):
    """A sweep directory that holds another sweep, or no manifest beside its results."""


def value_type(name: str, value) -> pa.DataType:
    """The Arrow type of an outcome, read off one value."""
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
        param_names: every parameter column, in order.
        probe: the result dict of a short run, for the outcome names and types.
    """
    fields = [pa.field(n, t, nullable=False) for n, t in ID_FIELDS]
    fields += [pa.field(n, KIND_TYPES[PARAMETERS[n].kind]) for n in param_names]
    taken = {f.name for f in fields}
    fields += [pa.field(n, value_type(n, v)) for n, v in probe.items() if n not in taken]
    return pa.schema(fields)


def table_row(result: dict) -> dict:
    """A run's result as a row: weeks as integers (null: never happened), ``steps`` (weeks run) as ``steps_run``.

    The ``steps`` column of the table is the horizon, a parameter like the others.
    """
    row = dict(result)
    if "steps" in row:
        row["steps_run"] = row.pop("steps")
    for name in NULLABLE_INT:
        if row.get(name) is not None:
            row[name] = int(row[name])
    # a censored week from a run_fn like sim.run: null when its flag says the event never happened
    for week, flag in EVENT_FLAGS.items():
        if week in row and row.get(flag) is False:
            row[week] = None
    return row


def part_name(rows: list[dict]) -> str:
    """A new part's file name: first run_id, number of runs, a random tag."""
    first = min(r["run_id"] for r in rows)
    return f"part-{first:010d}-{len(rows):05d}-{uuid.uuid4().hex[:8]}.parquet"


def arrow_source(path: Path):
    """``path`` as Arrow reads it: the path itself, or its bytes when the name is not UTF-8.

    Arrow takes only UTF-8 paths; a Python file object instead can abort the interpreter at
    exit (Arrow's threads), so such a file is read whole into an Arrow buffer.
    """
    name = utf8_path(path)
    return name if name is not None else pa.BufferReader(Path(path).read_bytes())


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` as Parquet (through a buffer when the name is not UTF-8: :func:`arrow_source`)."""
    name = utf8_path(path)
    if name is not None:
        pq.write_table(table, name)
        return
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    Path(path).write_bytes(sink.getvalue().to_pybytes())


def utf8_path(path: Path) -> str | None:
    """``path`` as text Arrow takes (UTF-8), or None."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


def write_table(directory: Path, name: str, table: pa.Table) -> Path:
    """Write ``table`` as ``directory/name`` atomically: a ``.``-prefixed temporary file, then a rename.

    Raises:
        OutputError: the disk is full, the folder vanished... (the temporary file is removed).
    """
    tmp = directory / f".{name}.tmp"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_parquet(table, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, directory / name)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"{directory}: cannot write {name}: {why(err)}") from None
        raise
    return directory / name


def write_part(runs_dir: Path, rows: list[dict], schema: pa.Schema, name: str | None = None) -> Path:
    """Write ``rows`` as one Parquet part of ``schema``, atomically; return its path."""
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return write_table(runs_dir, name or part_name(rows), pa.Table.from_pydict(columns, schema=schema))


def done_run_ids(runs_dir: Path, belongs=None, columns: tuple = ()) -> np.ndarray:
    """Sorted run_ids already on disk (reads only that column of each finished part).

    Eight bytes a run, so a rerun of a sweep of millions of runs still starts in little memory.

    Args:
        runs_dir: the runs table's folder of parts.
        belongs: ``belongs(part, table)`` raises when a part is not of this sweep (its seeds or
            parameters are not the design's; ``table``: the part's ``run_id`` and ``columns``);
            ``None``: not checked.
        columns: the columns ``belongs`` reads, besides ``run_id``.

    Raises:
        InputError: a part holding a run another part holds too (named).
    """
    names, parts = [], [np.zeros(0, dtype=np.int64)]
    if runs_dir.is_dir():
        for part in sorted(runs_dir.glob("part-*.parquet")):
            table = read_part(part, columns=["run_id", *columns] if belongs is not None else ["run_id"])
            ids = table.column("run_id").to_numpy()
            if belongs is not None and ids.size:
                belongs(part, table)
            names.append(part)
            parts.append(ids)
    ids = np.concatenate(parts)
    done = np.unique(ids)
    if done.size < ids.size:  # a sweep writes each run once: a copy, or a part of another sweep
        raise InputError(twice_in(names, parts[1:]))
    return done


def twice_in(parts: list[Path], ids: list[np.ndarray]) -> str:
    """One line naming a run_id that two parts hold, and both parts (which is the copy, no file tells)."""
    owner = np.repeat(np.arange(len(ids)), [a.size for a in ids])
    every = np.concatenate(ids)
    order = np.argsort(every, kind="stable")  # a run's copies in part order
    same = np.flatnonzero(every[order][1:] == every[order][:-1])
    earlier, later = order[same[0]], order[same[0] + 1]
    return (
        f"{parts[int(owner[later])]}: (file): holds run_id {int(every[later])}, which "
        f"{parts[int(owner[earlier])].name} holds too (a part copied in, or of another sweep?); move one elsewhere"
    )


def read_part(part: Path, columns=None) -> pa.Table:
    """One Parquet part of a table, or one line naming it when it is not a readable part.

    A part cut short (a copy interrupted part way, a full disk under another tool) is named
    with what to do: removed, its runs run again on the next resume.
    """
    if not part.is_file():
        raise InputError(f"{part}: (folder): a folder named like a part; move it elsewhere")
    try:
        return pq.read_table(arrow_source(part), columns=columns)
    except (pa.ArrowException, OSError) as err:
        reason = (str(err).splitlines() or [type(err).__name__])[0].rsplit("': ", 1)[-1].split(". ")[0][:100]
        raise InputError(
            f"{part}: (file): not a readable Parquet part ({reason}); remove it, and a resume runs its runs again"
        ) from None


def read_parts(folder: Path, check=None) -> pa.Table:
    """Every ``part-*.parquet`` of a table folder as one table (other files in it are not read).

    ``check(part, table)``, if given, is called on each part as it is read (and raises to refuse it).

    Raises:
        InputError: a part that is not readable, or not of this table (another sweep's columns).
    """
    parts = [(part, read_part(part)) for part in sorted(Path(folder).glob("part-*.parquet"))]
    for part, table in parts[1:]:
        if not table.schema.equals(parts[0][1].schema):
            raise InputError(f"{part}: (file): not a part of this table (its columns differ); move it elsewhere")
    for part, table in parts if check is not None else ():
        check(part, table)
    return pa.concat_tables([table for _, table in parts])


def first_run(name: str) -> int | None:
    """The first run_id of a part named ``part-FIRST-...`` (or its temporary ``.part-FIRST-...``); None if not one."""
    try:
        return int(name.lstrip(".").split("-")[1])
    except (IndexError, ValueError):
        return None


def clean_temporary(directory: Path, runs: range) -> None:
    """Remove temporary parts of ``runs`` left by a killed sweep (other shards' and foreign files are left alone)."""
    if directory.is_dir():
        for tmp in directory.glob(".part-*.tmp"):
            if first_run(tmp.name) in runs and tmp.is_file():
                tmp.unlink(missing_ok=True)


def check_or_write_manifest(root: Path, manifest: dict) -> None:
    """Write ``root/manifest.json``, or check that the sweep already there is this one.

    More replicates than recorded extend the sweep (the manifest is updated); anything else
    that differs is refused.

    Args:
        root: the dataset's root folder.
        manifest: ``dataset``, ``spec``, ``inputs``, ``code``, ``n_runs``, ``columns``... of this call.

    Raises:
        ManifestError: one line naming what changed.
    """
    path = root / "manifest.json"
    if path.exists():
        try:
            old = json.loads(path.read_text())
            old["spec"]["replicates"]
        except (OSError, ValueError, KeyError, TypeError):
            raise ManifestError(f"{path}: (file): not a sweep manifest; use another --out directory") from None
        problem = _mismatch(old, manifest)
        if problem:
            raise ManifestError(f"{path}: {problem}")
        # the same model's code under another checkout (a commit that touched no model code): say so
        revisions = _revisions(old)
        here = {k: manifest["code"].get(k) for k in ("revision", "dirty")}
        later = [] if here in revisions else [{**here, "at": _now()}]
        if manifest["spec"]["replicates"] == old["spec"]["replicates"] and not later:
            return
        manifest = {**manifest, "code": old["code"], "started": old.get("started")}
        manifest["resumed_under"] = old.get("resumed_under", []) + later
        if manifest["spec"]["replicates"] != old["spec"]["replicates"]:
            manifest["extended"] = _now()
        elif "extended" in old:
            manifest["extended"] = old["extended"]
    elif any((root / manifest["dataset"]).glob("part-*.parquet")):
        raise ManifestError(f"{root}: {manifest['dataset']}: holds results but no manifest.json; use a new directory")
    else:
        manifest = {**manifest, "started": _now()}
    tmp = root / f".manifest-{uuid.uuid4().hex[:8]}.json.tmp"
    try:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n")
        os.replace(tmp, path)  # concurrent shards write the same content: last one wins, harmlessly
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"{path}: cannot write: {why(err)}") from None
        raise


def _revisions(manifest: dict) -> list:
    """The checkouts (revision, dirty) a sweep's runs were made under: where it started, then any resume's."""
    code = manifest.get("code", {})
    first = {k: code.get(k) for k in ("revision", "dirty")}
    return [first] + [{k: r.get(k) for k in ("revision", "dirty")} for r in manifest.get("resumed_under", [])]


def _edited(old: dict) -> str:
    """The first field of a manifest whose shape is not one coalition writes ("" if none): read before it is used."""
    spec = old.get("spec")
    replicates = spec.get("replicates") if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or not isinstance(spec.get("parameters", {}), dict):
        return "spec"
    if not isinstance(replicates, int) or isinstance(replicates, bool):
        return "spec.replicates"
    resumed = old.get("resumed_under", [])
    if not isinstance(resumed, list) or not all(isinstance(r, dict) for r in resumed):
        return "resumed_under"
    return ""


def _mismatch(old: dict, new: dict) -> str | None:
    """Why the sweep recorded in ``old`` cannot take this call's runs (None: it can)."""
    if old.get("format") != FORMAT:
        return (
            "format: started by an older version of coalition, which numbered runs differently and recorded "
            "no provenance; use a new --out directory"
        )
    if old.get("dataset", "runs") != new["dataset"]:
        return f"dataset: holds the {old.get('dataset')} table of a sweep, not its {new['dataset']}; use another folder"
    edited = _edited(old)
    if edited:
        return f"{edited}: not as coalition wrote it (was the manifest edited?); {REUSE}"
    changes = differences(old, new)
    spec_old, spec_new = dict(old["spec"]), dict(new["spec"])
    before, now = spec_old.pop("replicates"), spec_new.pop("replicates")
    # the scenario and preset files are named by their paths, which change when a sweep is moved with
    # them; what counts is their contents, compared in `changes` (only whether a preset is given here)
    for spec in (spec_old, spec_new):
        spec.pop("scenario", None)
        spec["preset"] = bool(spec.get("preset"))
    if spec_old != spec_new and not changes:
        changed = sorted(k for k in set(spec_old) | set(spec_new) if spec_old.get(k) != spec_new.get(k))
    elif list(spec_old.get("parameters", {})) != list(spec_new.get("parameters", {})) and not changes:
        changed = ["the order of [parameters], which numbers the design's points"]
    else:
        changed = []
    if changed:  # each with its value in the folder and in this call (shards started apart disagree)
        named = [
            f"{k}: {_short(spec_old, k)} there, {_short(spec_new, k)} here" if k in spec_old or k in spec_new else k
            for k in changed
        ]
        return f"spec: this directory was started with a different spec (changed: {'; '.join(named)}); {REUSE}"
    if now < before:
        return (
            f"replicates: this sweep already has {before} replicates a point; ask for at least {before} "
            "(more replicates add runs, fewer would leave the extra ones in the table)"
        )
    if changes:
        keys = ", ".join(dict.fromkeys(key for key, _ in changes))  # the manifest's keys that differ
        return f"{keys}: {'; '.join(words for _, words in changes)}; {REUSE}"
    if old.get("columns") is not None and old["columns"] != new["columns"]:
        return "columns: the model's outputs changed since this sweep started; use a new --out directory"
    return None


def _short(spec: dict, key: str, most: int = 60) -> str:
    """A spec's value in a message, cut to ``most`` characters ("not given" when it has none)."""
    if key not in spec:
        return "not given"
    text = json.dumps(spec[key])
    return text if len(text) <= most else text[: most - 3] + "..."


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
