"""Scenarios: TOML files describing the people affected, the organizations and the network.

A scenario is read into frozen pydantic models (:mod:`sim.scenario.spec`). Every field
is checked (:mod:`sim.scenario.validate`): an unknown key, a wrong type, a value out of range,
NaN, or a reference to something that does not exist raises :class:`ScenarioError` with
one line ``<file>:<line>: <field path>: <problem>`` (``<file>: <field path>: ...`` when the
field has no line of its own). :func:`dump_scenario` writes a scenario back out. The
format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from sim.scenario.files import file_problem, parse_toml, read_text
from sim.scenario.locator import Locator
from sim.scenario.messages import ScenarioError
from sim.scenario.spec import (
    Circumstance,
    CommunitySpec,
    Interventions,
    LeaderSpec,
    NetworkSpec,
    OrganizationSpec,
    PopulationSpec,
    Scenario,
    Setbacks,
)
from sim.scenario.validate import checked, scenario_from_dict
from sim.scenario.write import dump_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"

__all__ = [
    "Circumstance",
    "CommunitySpec",
    "Interventions",
    "LeaderSpec",
    "NetworkSpec",
    "OrganizationSpec",
    "PopulationSpec",
    "Scenario",
    "ScenarioError",
    "Setbacks",
    "SCENARIO_DIR",
    "available_scenarios",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_from_dict",
    "scenario_path",
]


def is_scenario_file(name_or_path: str | Path) -> bool:
    """Whether ``name_or_path`` names a file (a Path, ``x.toml``, or with a folder) rather than a shipped scenario.

    A bare name always means ``scenarios/<name>.toml``, whatever files the current folder holds:
    a file or folder called ``chicago_absenteeism`` there must not stand in for the shipped one.
    """
    text = str(name_or_path)
    return isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or os.sep in text


def scenario_path(name_or_path: str | Path) -> Path:
    """Resolve a scenario name (a file stem in ``scenarios/``) or a path to a file (see :func:`is_scenario_file`)."""
    if is_scenario_file(name_or_path):
        return Path(name_or_path)
    return SCENARIO_DIR / f"{name_or_path}.toml"


def available_scenarios() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def load_scenario(name_or_path: str | Path | Scenario) -> Scenario:
    """Load and check a scenario by name (a file stem in ``scenarios/``) or path.

    A :class:`Scenario` is checked as a file would be (one built or changed in code skips
    pydantic's checks) and returned as it is when it passes. A file is read again only when it
    changed (its modification time or size).

    Raises:
        ScenarioError: the file is missing, not a regular file, unreadable, not UTF-8, not
            TOML, or a field is wrong.
    """
    if isinstance(name_or_path, Scenario):
        return checked(name_or_path)
    if not isinstance(name_or_path, (str, Path)) or not str(name_or_path).strip() or "\0" in str(name_or_path):
        raise ScenarioError(
            f"scenario {name_or_path!r}: expected a scenario name, a path to a .toml file or a Scenario"
        )
    path = scenario_path(name_or_path)
    label = str(name_or_path) if path.parent == SCENARIO_DIR else str(path)
    problem = file_problem(path)
    if problem == "no such file":
        known = ", ".join(available_scenarios())
        here = ""
        if not is_scenario_file(name_or_path):
            for local in (str(name_or_path), f"{name_or_path}.toml"):  # a name that is a file in this folder
                if Path(local).exists():
                    here = f" (to read the file {local} in this folder, write ./{local})"
                    break
        raise ScenarioError(f"{label}: (file): no such scenario file{here}; shipped scenarios: {known}")
    if problem:
        raise ScenarioError(f"{label}: (file): {problem}")
    info = path.stat()
    return _load(str(path.resolve()), info.st_mtime_ns, info.st_size, label, path.stem)


@functools.lru_cache(maxsize=64)
def _load(resolved: str, mtime_ns: int, size: int, label: str, stem: str) -> Scenario:
    return parse_scenario(read_text(Path(resolved), label), label=label, default_name=stem)


def parse_scenario(text: str, *, label: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Parse and check a scenario from TOML text.

    Args:
        text: the TOML document.
        label: the file name used in error messages.
        default_name: the scenario's name when ``[scenario] name`` is absent.

    Raises:
        ScenarioError: one line naming the file, line and field, and what is wrong.
    """
    data = parse_toml(text, label)
    try:
        return scenario_from_dict(data, label=label, default_name=default_name, locator=Locator(text))
    except RecursionError:
        raise ScenarioError(f"{label}: (file): nested too deeply") from None


def short_horizon(scenario, steps: int | None) -> str:
    """Why ``steps`` weeks are too few for ``scenario``'s goal to be reachable ("" when they are not).

    The one wording of a check made by the command line, sweep specs, ``sim.run`` and the EMA model.
    """
    hold = scenario.population.hold_steps
    if steps is None or steps >= hold:
        return ""
    return (
        f"shorter than the scenario's population.hold_steps = {hold}; the goal could never be reached "
        f"(give at least {hold} {scenario.header.step_unit[1]})"
    )
