"""Where a sweep's tables go: the runs table under ``--out``, companions under folders of their own.

Each root is checked before any run (writable, none inside another, none inside a table
folder), and every root of one sweep is known by one ``sweep_id``: a resume that brings
another sweep's companion folder, or folders started apart, is refused in one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from sim.errors import InputError
from sim.runs.locks import LOCK_FILES, remove_free_locks
from sim.runs.outputs import prepare, remove_made
from sim.runs.spec import SweepSpec
from sim.runs.storage import ManifestError
from sim.scenario.load import scenario_path
from sim.scenario.locator import Locator
from sim.scenario.messages import Where

COMPANIONS = {"series": "--series-out", "organizations": "--organizations-out"}
FLAGS = {"runs": "--out", **COMPANIONS}  # the option that names each table's root


def table_roots(spec: SweepSpec, out, series_out, organizations_out, made: list | None = None) -> dict[str, Path]:
    """The root folder of each table, checked: given when asked for, none inside another, writable.

    ``made`` (a list) receives, per root, the folders this call made (:func:`prepare`), so that a
    sweep refused later can remove those still empty; a root that cannot be used removes the
    folders made for the roots before it.
    """
    made = [] if made is None else made
    roots = {"runs": Path(out)}
    for k, given in (("series", series_out), ("organizations", organizations_out)):
        flag = COMPANIONS[k]
        if getattr(spec, k) and given is None:
            _spec_where(spec).fail((k,), f"true: give the {k} table a folder of its own with {flag} DIR", InputError)
        if given is not None and not getattr(spec, k):
            raise InputError(f"{flag} {given}: the spec does not record {k}; add {k} = true to it")
        if given is not None:
            roots[k] = Path(given)
    resolved = {k: v.resolve() for k, v in roots.items()}
    for a in roots:
        for b in roots:
            if a < b and (resolved[a].is_relative_to(resolved[b]) or resolved[b].is_relative_to(resolved[a])):
                raise InputError(
                    f"{FLAGS[b]} {roots[b]}: the same folder as {FLAGS[a]} {roots[a]} or inside it (or around it); "
                    "give each table a folder of its own, so that a glob over one never reads the other"
                )
    try:
        for k, root in roots.items():
            label = f"{'--out' if k == 'runs' else COMPANIONS[k]} {root}"
            inputs = (spec.source, scenario_path(spec.scenario))
            made.append(prepare(root, label, files=("manifest.json",), folders=(k,), inputs=inputs))
    except BaseException:
        remove_all_made(made)
        raise
    return roots


@contextlib.contextmanager
def removed_if_refused(made: list, runs_root: Path):
    """On leaving by an error or a signal, remove the folders :func:`table_roots` made that are still empty.

    The lock files this sweep took go too, each only if no other process holds it (a shard that
    started beside this one): in a folder it made, all of them; in one that was there (holding
    no sweep, or another's), those it created, so a refused sweep leaves the folder as it was.
    """
    before = {p.name for pattern in LOCK_FILES for p in runs_root.glob(pattern)} if runs_root.is_dir() else set()
    try:
        yield
    except BaseException:
        if made and made[0] and not (runs_root / "manifest.json").exists():
            remove_free_locks(runs_root)
        elif runs_root.is_dir():
            remove_free_locks(runs_root, keep=frozenset(before))
        remove_all_made(made)
        raise


def remove_all_made(made: list) -> None:
    """Remove the folders :func:`table_roots` made that are still empty (a refused or stopped sweep)."""
    for folders in reversed(made):
        remove_made(folders)


def _spec_where(spec: SweepSpec) -> Where:
    """Where the spec's fields are: its file, with line numbers when the file can still be read."""
    if not spec.source:
        return Where("<spec>")
    try:
        return Where(spec.source, Locator(Path(spec.source).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return Where(spec.source)


def _started_together(roots: dict[str, Path]) -> None:
    """The tables' roots are all new, or all hold this sweep already (never runs here and series elsewhere)."""
    started = {k for k, root in roots.items() if (root / "manifest.json").exists()}
    if started and started != set(roots):
        new = next(k for k in roots if k not in started)
        old = next(iter(sorted(started)))
        raise ManifestError(
            f"{FLAGS[new]} {roots[new]}: a new folder, but this sweep's {old} table was started in {roots[old]}; "
            "give every folder the sweep was started with, or new folders for all of them"
        )


def one_sweep(roots: dict[str, Path]) -> str:
    """The id every table of this sweep shares; refuse tables of two sweeps, or tables started apart.

    Two sweeps of the same spec look alike but for this id: given another sweep's companion
    folder (``--series-out``), a resume would take its parts for this one's leftovers and
    remove them. The id is a digest of where the sweep's tables were when it started, so
    shards starting together into new folders agree on it, and a sweep moved whole keeps it;
    a sweep started before ids were recorded is known by the same digest of its manifest's
    ``tables``.
    """
    _started_together(roots)
    here = _tables_digest({k: str(v.resolve()) for k, v in roots.items()})
    ids = {}
    for k, root in roots.items():
        try:
            old = json.loads((root / "manifest.json").read_text())
        except (OSError, ValueError):
            continue  # none yet, or not a manifest (check_or_write_manifest says so)
        if isinstance(old, dict):
            tables = old.get("tables")
            ids[k] = old.get("sweep_id") or (_tables_digest(tables) if isinstance(tables, dict) else here)
    if len(set(ids.values())) > 1:
        a, id_a = min(ids.items(), key=lambda item: item[0] != "runs")  # the runs table's, when it has one
        b, id_b = next((k, v) for k, v in ids.items() if v != id_a)
        raise ManifestError(
            f"{FLAGS[b]} {roots[b]}: holds the {b} table of another sweep than {FLAGS[a]} {roots[a]} "
            f"(sweep {id_b[:8]} against {id_a[:8]}); give the folders this sweep was started with"
        )
    return next(iter(ids.values()), here)


def _tables_digest(tables: dict) -> str:
    """A sweep's id: a digest of its tables' folders as recorded when it started."""
    return hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()[:16]
