"""A calibration directory's ``manifest.json``: what the calibration is, and what its numbers depend on.

Written on the first run; every rerun is compared with it, and one that would resume another
calibration (another scenario, patterns file, seed or population) or mix two models (the
scenario's content or the model's code changed since it started) is refused in one line.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sim.runs.locks import CALIBRATION_LOCK as LOCK
from sim.runs.patterns import Patterns
from sim.runs.provenance import code_record, differences, package_versions, scenario_record
from sim.runs.storage import ManifestError

if TYPE_CHECKING:
    from sim.runs.calibrate import Settings


def manifest_for(patterns: Patterns, settings: Settings) -> dict:
    """What a calibration directory is: compared on every rerun."""
    return {
        "scenario": patterns.scenario,
        "patterns": patterns.label,
        "patterns_sha256": patterns.sha256,
        "seed": settings.seed,
        "population": settings.population,
        "parameters": list(patterns.spec.parameters),
        "steps": patterns.steps,
    }


def provenance_for(patterns: Patterns) -> dict:
    """What the numbers depend on besides the settings: the scenario as read (content hash) and the code.

    The same records as a sweep's manifest (:mod:`sim.runs.provenance`): ``inputs.scenario``
    and ``code``; the patterns file's SHA-256 is in the calibration's identity.
    """
    from sim.scenario.load import load_scenario, scenario_path

    path = scenario_path(patterns.scenario)
    scenario = load_scenario(patterns.scenario)
    return {
        "inputs": {"scenario": scenario_record(scenario, path.resolve() if path.is_file() else None)},
        "code": code_record(),
    }


def provenance_changed(old: dict, new: dict) -> str | None:
    """Why a calibration recorded in manifest ``old`` cannot go on with inputs ``new`` (None: it can)."""
    inputs = old.get("inputs")
    if (
        not isinstance(inputs, dict)
        or not isinstance(inputs.get("scenario"), dict)
        or not isinstance(old.get("code"), dict)
    ):
        return (
            "inputs: started by an older version of coalition, which recorded no hash of the scenario or the "
            "model's code, so a resume could mix two models; use a new --out directory"
        )
    changes = differences(old, new)
    if not changes:
        return None
    keys = ", ".join(dict.fromkeys(key for key, _ in changes))  # the manifest's keys that differ
    words = "; ".join(words for _, words in changes).replace("this sweep", "this calibration")
    return (
        f"{keys}: {words}, and a resume would mix generations of two models; rerun with the original scenario "
        "and code, or use a new --out directory"
    )


def check_or_write_manifest(out: Path, identity: dict, settings: Settings, provenance: dict) -> None:
    """Write ``DIR/manifest.json``, or refuse a directory made by another calibration.

    Args:
        out: the calibration directory.
        identity: what the calibration is (:func:`manifest_for`), compared on every rerun.
        settings: its sizes (the generations asked for are recorded).
        provenance: the inputs' hashes and the code (:func:`provenance_for`), compared on every rerun.

    Raises:
        ManifestError: one line naming the manifest and what differs.
    """
    path = out / "manifest.json"
    if path.exists():
        try:
            manifest = json.loads(path.read_text())
            old = manifest["calibration"]
            old.get("scenario")  # a mapping, or not a calibration manifest
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise ManifestError(f"{path}: (file): not a calibration manifest; use another --out directory") from None
        changed = [k for k in identity if k != "patterns" and old.get(k) != identity[k]]
        if changed:
            what = {"patterns_sha256": "patterns file", "steps": "horizon"}
            names = ", ".join(what.get(k, k) for k in changed)
            raise ManifestError(
                f"{path}: calibration: this directory was made by another calibration (changed: {names}); "
                "rerun with the original scenario, patterns file and settings, or use a new --out directory"
            )
        problem = provenance_changed(manifest, provenance)
        if problem:
            raise ManifestError(f"{path}: {problem}")
        return
    if out.exists() and any(p.name != LOCK for p in out.iterdir()):  # this calibration's own lock aside
        raise ManifestError(f"{out}: (folder): not empty and holds no calibration manifest; use a new --out directory")
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "calibration": identity,
        **provenance,
        "generations": settings.generations,
        "versions": package_versions(),
    }
    tmp = out / f".manifest-{uuid.uuid4().hex[:8]}.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, path)
