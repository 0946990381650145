"""Scenarios: TOML files describing the people affected, the organizations and the network.

A scenario is read into plain frozen dataclasses (:mod:`sim.scenario_spec`). Every field
is checked (:mod:`sim.scenario_read`): an unknown key, a wrong type, a value out of range,
NaN, or a reference to something that does not exist raises :class:`ScenarioError` with
one line ``<file>:<line>: <field path>: <problem>`` (``<file>: <field path>: ...`` when the
field has no line of its own). :func:`dump_scenario` writes a scenario back out. The
format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from sim.scenario.read import scenario_from_dict
from sim.scenario.schema import Locator, ScenarioError
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
from sim.scenario.write import dump_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
MAX_FILE_BYTES = 20_000_000

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


def scenario_path(name_or_path: str | Path) -> Path:
    """Resolve a scenario name (a file stem in ``scenarios/``) or a path to a file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        return candidate
    return SCENARIO_DIR / f"{name_or_path}.toml"


def available_scenarios() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


_CACHE: dict = {}


def load_scenario(name_or_path: str | Path | Scenario) -> Scenario:
    """Load and check a scenario by name (a file stem in ``scenarios/``) or path.

    A :class:`Scenario` (already checked) is returned as it is.

    Raises:
        ScenarioError: the file is missing, unreadable, not UTF-8, not TOML, or a field is wrong.
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    if not isinstance(name_or_path, (str, Path)) or not str(name_or_path).strip() or "\0" in str(name_or_path):
        raise ScenarioError(f"{name_or_path!r}: (file): expected a scenario name or a path to a .toml file")
    path = scenario_path(name_or_path)
    label = str(name_or_path) if path.parent == SCENARIO_DIR else str(path)
    try:
        stat = path.stat()
    except OSError:
        known = ", ".join(available_scenarios())
        raise ScenarioError(f"{label}: (file): no such scenario file; shipped scenarios: {known}") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        if stat.st_size > MAX_FILE_BYTES:
            raise ScenarioError(f"{label}: (file): {stat.st_size:,} bytes; a scenario is at most {MAX_FILE_BYTES:,}")
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise ScenarioError(f"{label}: (file): cannot read the file: {err.strerror or err}") from None
        _CACHE[key] = parse_scenario(decode(raw, label), label=label, default_name=path.stem)
    return _CACHE[key]


def decode(raw: bytes, label: str) -> str:
    """The file's bytes as text: UTF-8 (a byte-order mark is allowed), else a one-line error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ScenarioError(
            f"{label}:{line}: (file): not UTF-8 text (byte 0x{raw[err.start]:02x} at offset "
            f"{err.start}); save the file as UTF-8"
        ) from None


def parse_scenario(text: str, *, label: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Parse and check a scenario from TOML text.

    Args:
        text: the TOML document.
        label: the file name used in error messages.
        default_name: the scenario's name when ``[scenario] name`` is absent.

    Raises:
        ScenarioError: one line naming the file, line and field, and what is wrong.
    """
    if not isinstance(text, str):
        raise ScenarioError(f"{label}: (file): expected TOML text, got {type(text).__name__}")
    if not text.strip():
        raise ScenarioError(f"{label}: (file): the file is empty; expected a TOML scenario (see docs/scenarios.md)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        reason = str(err)
        found = re.search(r" \(at line (\d+), column (\d+)\)", reason)
        where = f"{label}:{found.group(1)}" if found else label
        if found:
            reason = reason.replace(found.group(0), f" (column {found.group(2)})")
        raise ScenarioError(f"{where}: (file): not valid TOML: {reason}") from None
    except (RecursionError, ValueError) as err:
        raise ScenarioError(f"{label}: (file): not valid TOML: {type(err).__name__}") from None
    if not data:
        raise ScenarioError(
            f"{label}: (file): the file has no settings, only comments or blank lines; "
            "expected a TOML scenario (see docs/scenarios.md)"
        )
    try:
        return scenario_from_dict(data, label=label, default_name=default_name, locator=Locator(text))
    except RecursionError:
        raise ScenarioError(f"{label}: (file): nested too deeply") from None
