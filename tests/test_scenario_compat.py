"""Scenario files written for earlier versions keep loading, with the same meaning.

``tests/data/frozen_scenarios`` holds the shipped scenarios as they were before the schema
was declared with pydantic (commit 9900510), and beside each the meaning the loader of
that time gave it (``*.meaning.json``: every field, defaults included). Today's loader
must read every old file to the same values; new fields may only add to them.
"""

import json
from pathlib import Path

import pytest

from sim.scenario import load_scenario

FROZEN = Path(__file__).parent / "data" / "frozen_scenarios"
HEADER = ("name", "title", "description", "steps", "notice", "sources")
# changes of meaning made on purpose, each named in its commit
NAMED_CHANGES = {
    # the generator's target: drop below the exact rate of independent circumstances, not a sampled start
    ("random", "population.target_rate"),
}


def flat(value, prefix=""):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(flat(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(flat(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


@pytest.mark.parametrize("path", sorted(FROZEN.glob("*.toml")), ids=lambda p: p.stem)
def test_an_old_file_loads_to_the_same_meaning(path):
    old = json.loads(path.with_suffix(".meaning.json").read_text())
    new = json.loads(load_scenario(path).model_dump_json(by_alias=True))
    new.update({k: new["scenario"][k] for k in HEADER})
    old_flat, new_flat = flat(old), flat(new)
    changed = {
        key: (value, new_flat.get(key, "<missing>"))
        for key, value in old_flat.items()
        if new_flat.get(key, "<missing>") != value and (path.stem, key) not in NAMED_CHANGES
    }
    assert not changed


def test_the_named_changes_did_change():
    old = json.loads((FROZEN / "random.meaning.json").read_text())
    assert load_scenario(FROZEN / "random.toml").population.target_rate != old["population"]["target_rate"]
