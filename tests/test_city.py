"""The whole city keeps working: chicago_city at reduced steps, and what it is built from."""

from __future__ import annotations

import numpy as np

from sim import load_scenario
from sim.model.model import CoalitionModel


def test_city_scenario_is_the_city():
    city = load_scenario("chicago_city")
    assert city.population.size == 322_106
    schools = [o for o in city.organizations if o.name.startswith("School ")]
    assert 600 <= len(schools) <= 660
    assert all(o.sector == "education" and {"touch", "data"} <= set(o.roles) for o in schools)
    assert len(city.organizations) >= 300
    assert {o.sector for o in city.organizations} >= {"education", "health", "housing", "child services", "community"}


def test_city_has_the_teaching_people():
    """Same circumstances and hidden weights; if this fails, rerun ``python -m benchmarks.city``."""
    city, teaching = load_scenario("chicago_city"), load_scenario("chicago_absenteeism")
    assert city.population.circumstances == teaching.population.circumstances
    assert city.population.baseline == teaching.population.baseline


def test_city_runs_three_weeks():
    model = CoalitionModel("chicago_city", rng=1, steps=3)
    while model.running:
        model.step()
    assert model.steps == 3 and model.n_people == 322_106
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == 4
    assert 0.0 < model.outcome_rate < 1.0
    assert np.isfinite(table["mean_trust"]).all()
