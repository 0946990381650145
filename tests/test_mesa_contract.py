"""It behaves like a Mesa model: keywords, rng, DataCollector, batch_run, agents, space."""

import gc
import inspect
import json
import subprocess
import sys
import weakref

from mesa.discrete_space import Network

from sim import CoalitionModel, CommunityPartner, Organization, SystemLeader
from sim.model.reporters import HEADLINE


def test_every_parameter_is_a_keyword_with_a_default_and_rng_last():
    params = list(inspect.signature(CoalitionModel).parameters.values())
    assert params[0].name == "scenario_name"
    assert params[-1].name == "rng"
    for p in params:
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        assert p.default is not inspect.Parameter.empty
    assert "scenario" not in [p.name for p in params]


def test_reporters_are_properties_and_datacollector_columns():
    model = CoalitionModel(steps=5, rng=1)
    model.run_for(5)
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == 6  # the initial state plus five weeks
    for name in HEADLINE:
        assert name in table.columns
        assert table[name].iloc[-1] == getattr(model, name) or (
            table[name].iloc[-1] is None and getattr(model, name) is None
        )
    agents = model.datacollector.get_agenttype_vars_dataframe(Organization)
    assert {"state", "trust", "frustration"} <= set(agents.columns)


def test_agents_live_in_a_mesa_network_and_the_model_registry():
    model = CoalitionModel(rng=1)
    assert isinstance(model.space, Network)
    kinds = {type(a) for a in model.agents}
    assert {Organization, SystemLeader, CommunityPartner} <= kinds
    for a in model.agents:
        assert a.cell is model.space[a.node]


def test_running_turns_false_at_the_horizon():
    model = CoalitionModel(steps=7, rng=1)
    while model.running:
        model.step()
    assert model.steps == 7


def test_the_model_can_be_garbage_collected():
    model = CoalitionModel(steps=3, rng=1)
    model.run_for(3)
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


BATCH = """
import json, mesa
from sim import CoalitionModel
rows = mesa.batch_run(CoalitionModel, {"leader": ["system", "none"], "steps": 15, "n_people": 500},
                      rng=[1, 2], max_steps=15, number_processes=1, data_collection_period=-1,
                      display_progress=False)
keys = ("leader", "rng", "Step", "outcome_rate", "coalition_size", "mean_trust")
print(json.dumps([{k: r[k] for k in keys} for r in rows]))
"""


def test_mesa_batch_run_works_and_returns_the_reporters():
    # batch_run switches the whole process to "spawn": keep it out of this one
    out = subprocess.run([sys.executable, "-W", "error", "-c", BATCH], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    # one row per organization (agent-type reporters) per run
    assert {(r["leader"], r["rng"]) for r in rows} == {(m, s) for m in ("system", "none") for s in (1, 2)}
    assert len(rows) == 4 * 10
    assert {r["leader"] for r in rows} == {"system", "none"}
    assert all(0 <= r["outcome_rate"] <= 1 for r in rows)
