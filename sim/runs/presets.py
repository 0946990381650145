"""Named presets: a set of model parameters a scenario can load, with where they came from.

A preset is a small TOML file, ``scenarios/presets/<scenario>/<name>.toml``::

    [preset]
    scenario = "traffic_fatalities"
    description = "posterior point estimate of the Sweden 1997-2019 fit"
    patterns = "scenarios/patterns/sweden_vision_zero.toml"
    patterns_sha256 = "e6163c1a..."
    version = "0.1.0"
    date = 2026-11-30

    [parameters]
    build_rate = 0.031
    patience = 88.5

``coalition run SCENARIO --preset NAME`` and a sweep spec's ``preset = "NAME"`` start from its
parameters (``--set`` and ``[fixed]`` still win); the browser app lists them with
:func:`available_presets` and loads one with :func:`load_preset`. Parameters are checked
against :data:`sim.model.params.PARAMETERS`; a mistake is one line naming file, line and field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from sim.model.params import PARAMETERS, ParameterError
from sim.runs.patterns import read_declared
from sim.scenario.load import SCENARIO_DIR, load_scenario
from sim.scenario.messages import ScenarioError, suggest
from sim.scenario.spec import Between, Section

PRESET_DIR = SCENARIO_DIR / "presets"
RESERVED = ("steps",)  # the horizon belongs to the run, not to a preset


class PresetHeader(Section):
    """``[preset]``: what the preset is for and where it came from."""

    # the scenario file's stem, whatever characters it has (compared, and printed with repr, only)
    scenario: str = Field(min_length=1, description="the scenario it was made for (its file's stem)")
    description: str = Field("", description="one line, shown in the app")
    patterns: str = Field("", description="the patterns file it was calibrated to")
    patterns_sha256: str = Field("", description="that file's SHA-256")
    version: str = Field("", description="the coalition version that made it")
    date: dt.date | None = Field(None, description="when it was made")
    command: str = Field("", description="the command that made it")
    days_per_step: Annotated[float, Between(1, 366)] | None = Field(
        None, description="the scenario's step it was made for, in days (its weekly parameters are counted in steps)"
    )


class PresetSpec(Section):
    """A whole preset file."""

    preset: PresetHeader = Field(description="what it is")
    parameters: dict[str, Any] = Field(description="model parameters")


@dataclass(frozen=True)
class Preset:
    """A checked preset: its parameters and provenance."""

    name: str
    scenario: str
    parameters: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    path: str = ""

    @property
    def description(self) -> str:
        """One line for menus."""
        return self.provenance.get("description", "")


def scenario_key(scenario) -> str:
    """The folder name of a scenario's presets: its file stem (a name or a path)."""
    return Path(str(getattr(scenario, "path", "") or getattr(scenario, "name", "") or scenario)).stem


def preset_path(scenario, name: str) -> Path:
    """The file of preset ``name`` of ``scenario``: ``name`` may also be a path to a TOML file."""
    if name.endswith(".toml") or "/" in name:
        return Path(name)
    return PRESET_DIR / scenario_key(scenario) / f"{name}.toml"


def available_presets(scenario) -> list[str]:
    """Names of the presets shipped for ``scenario`` (a name, a path or a Scenario), sorted."""
    folder = PRESET_DIR / scenario_key(scenario)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def load_preset(scenario, name: str) -> Preset:
    """Read and check preset ``name`` of ``scenario``.

    Raises:
        ScenarioError: no such preset, a preset made for another scenario, or a bad parameter.
    """
    path = preset_path(scenario, name)
    key = scenario_key(scenario)
    label = str(path)
    if not path.exists() and not (name.endswith(".toml") or "/" in name):
        known = available_presets(scenario)
        hint = suggest(name, known) if known else "it has none; make one with coalition calibrate"
        raise ScenarioError(f"{label}: (file): no preset {name!r} for {key}; {hint}")
    spec, where, _ = read_declared(path, PresetSpec, "a preset ([preset] and [parameters])")
    if spec.preset.scenario != key:
        where.fail("preset.scenario", f"made for {spec.preset.scenario!r}, not {key!r}")
    made_for = spec.preset.days_per_step
    if made_for is not None:  # parameters counted in weeks mean other spans at another step
        days = load_scenario(scenario).header.days_per_step
        if made_for != days:
            where.fail(
                "preset.days_per_step",
                f"made for {made_for:g}-day steps, but a step of {key} is {days:g} day{'' if days == 1 else 's'}; "
                f"`coalition scenarios preset` writes one for its step",
            )
    params = {}
    for pname, value in spec.parameters.items():
        loc = f"parameters.{pname}"
        if pname in RESERVED or pname not in PARAMETERS:
            hint = "the horizon is the run's, not the preset's" if pname in RESERVED else suggest(pname, PARAMETERS)
            where.fail(loc, f"not a preset parameter; {hint}")
        try:
            params[pname] = PARAMETERS[pname].from_file(value)
        except ParameterError as err:
            where.fail(loc, str(err))
    provenance = spec.preset.model_dump(exclude={"scenario"}, exclude_defaults=True)
    return Preset(Path(path).stem, key, params, provenance, str(path))


def write_preset(path, scenario: str, parameters: dict, provenance: dict) -> Path:
    """Write a preset file (checked parameters, provenance in ``[preset]``); return its path."""
    import tomli_w

    header = {"scenario": scenario_key(scenario), **{k: v for k, v in provenance.items() if v not in (None, "")}}
    PresetSpec.model_validate({"preset": header, "parameters": parameters})
    body = {"preset": header, "parameters": {k: PARAMETERS[k].convert(v) for k, v in parameters.items()}}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "# A named preset (docs/calibration.md): coalition run SCENARIO --preset NAME\n"
    path.write_text(lines + tomli_w.dumps(body))
    return path


def preset_parameters(scenario, name: str | None) -> dict:
    """The parameters of preset ``name`` (``{}`` for None), for the CLI and sweep specs."""
    return {} if not name else dict(load_preset(scenario, name).parameters)
