"""Check that a speed-up changes no number the model produces: digests of many runs, before and after.

A speed-up is meant to leave every run as it was, bit for bit. This records, for each shipped
scenario but the city and for each test-fixture domain, a few seeds under a dozen settings, a
digest of everything a run produces: the DataCollector's tables, the event log, the pooled
diagnosis, trust, the fund, ``sim.run``-style results and the final random state.

Usage::

    python -m benchmarks.equivalence record before.json   # on the old code
    python -m benchmarks.equivalence compare before.json  # on the new code: lists any run that differs
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from pathlib import Path

import numpy as np

from sim.model.model import CoalitionModel
from sim.model.reporters import run_summary

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.toml") if p.stem not in {"chicago_city"})
FIXTURES = sorted((ROOT / "tests" / "data" / "scenarios").glob("*.toml"))
SETTINGS = (
    {},
    {"leader": "none"},
    {"leader": "point"},
    {"community": "absent"},
    {"community": "consulted"},
    {"missing_role": "data"},
    {"missing_role": "resources"},
    {"missing_role": "authority"},
    {"initial_trust": 0.2, "patience": 20},
    {"diagnosis_window": 1},
    {"reach_turnover": 52},
    {"shared_metric": 0.0, "translation": 0.0},
)


def digest(model: CoalitionModel) -> str:
    """A digest of everything a run produced."""
    h = hashlib.sha256()
    dc = model.datacollector
    h.update(pickle.dumps(dc.get_model_vars_dataframe().to_dict("list")))
    for agent_type in dc.agenttype_reporters:
        h.update(pickle.dumps(dc.get_agenttype_vars_dataframe(agent_type).reset_index().to_dict("list")))
    h.update("\n".join(f"{e.step}|{e.text}|{e.minor}" for e in model.events).encode())
    d = model.diagnosis
    for array in (d.shares, d.errors, model.belief.shares, model.trust.trust, model.fund.spent_by_cause):
        h.update(np.ascontiguousarray(array).tobytes())
    h.update(repr(sorted(run_summary(model).items())).encode())
    h.update(repr(model.rng.bit_generator.state).encode())
    h.update(repr(model.random.getstate()).encode())
    return h.hexdigest()


def cases(seeds=(0, 1), steps: int = 104):
    """(label, scenario path, seed, settings) of every run checked."""
    for path in SCENARIOS + FIXTURES:
        for seed in seeds:
            for settings in SETTINGS:
                label = f"{path.stem}|{seed}|{json.dumps(settings, sort_keys=True)}"
                yield label, path, seed, dict(settings, steps=steps)


def run_all() -> dict:
    """Every case's digest."""
    out = {}
    for label, path, seed, settings in cases():
        model = CoalitionModel(str(path), rng=seed, **settings)
        while model.running:
            model.step()
        out[label] = digest(model)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"record", "compare"}:
        print(__doc__, file=sys.stderr)
        return 2
    digests = run_all()
    if argv[0] == "record":
        Path(argv[1]).write_text(json.dumps(digests, indent=0))
        print(f"recorded {len(digests)} runs in {argv[1]}")
        return 0
    before = json.loads(Path(argv[1]).read_text())
    differ = [label for label in before if digests.get(label) != before[label]]
    for label in differ:
        print(f"differs: {label}")
    print(f"{len(before) - len(differ)} of {len(before)} runs the same")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
