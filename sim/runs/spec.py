"""The sweep spec: a TOML file naming the scenario, the design and the parameters.

.. code-block:: toml

    scenario = "chicago_absenteeism"
    steps = 156
    replicates = 20
    seed = 2026
    design = "grid"          # grid | lhs | sobol
    # samples = 256          # for lhs and sobol only (with a grid: a note that it does nothing)
    stop = "horizon"         # or "goal": stop a run in the week it reaches the goal
    [parameters]             # grid: lists or {start, stop, step}; lhs and sobol: {min, max} or a list of options
    patience = [4, 8, 13, 26, 52]
    initial_trust = {start = 0.1, stop = 0.9, step = 0.2}
    [fixed]
    leader = "system"

The spec's own keys are declared once in :class:`SweepSpec`; the names and values under
``[parameters]`` and ``[fixed]`` are checked against the model's parameter table
(:data:`sim.model.params.PARAMETERS`). Every mistake is a one-line
:class:`sim.scenario.ScenarioError`, ``<file>:<line>: <field>: <what is wrong>``.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, PrivateAttr, ValidationError

from sim.errors import InputError
from sim.model.params import PARAMETERS, ParameterError
from sim.scenario.files import file_problem, parse_toml, read_text
from sim.scenario.load import available_scenarios, is_scenario_file, load_scenario, scenario_path, short_horizon
from sim.scenario.locator import Locator
from sim.scenario.messages import ScenarioError, Where, suggest, type_name
from sim.scenario.spec import Between, Name, Section

Design = Literal["grid", "lhs", "sobol"]
DESIGNS = get_args(Design)
RESERVED = ("steps",)  # set at the top level of the spec, not as a model parameter
MAX_RUNS = 100_000_000
LIMITS = {"steps": 10_000, "replicates": 1_000_000}  # the largest horizon and replicates a spec may ask for
MAX_GRID_VALUES = 100_000
# a sampled design (lhs, sobol) is built whole before the first run: its matrix at most this big
MAX_DESIGN_BYTES = 1 << 30


@dataclass(frozen=True)
class Range:
    """A continuous range sampled by lhs and sobol (``{min = .., max = ..}``)."""

    min: float
    max: float


class SweepSpec(Section):
    """A checked sweep spec (what ``coalition sweep`` runs).

    ``parameters`` maps each varied parameter to its values (grid) or ``(min, max)``
    (lhs, sobol), already converted; ``fixed`` maps parameters to one value each.
    """

    scenario: Name = Field(description="a scenario name or a path (relative to the spec file)")
    steps: Annotated[int, Between(1, LIMITS["steps"])] | None = Field(
        None, description="horizon in weeks (default: the scenario's)"
    )
    replicates: Annotated[int, Between(1, LIMITS["replicates"])] = Field(1, description="seeded runs per design point")
    seed: Annotated[int, Between(0, 2**63 - 1)] = Field(
        description="master seed: run i is seeded from SeedSequence(seed, (i,))"
    )
    design: Design = Field("grid", description="grid, lhs or sobol")
    samples: Annotated[int, Between(1, 10_000_000)] = Field(
        64, description="points (lhs) or base sample N (sobol, a power of 2)"
    )
    second_order: bool = Field(False, description="sobol only: sample for second-order indices too")
    common_seeds: bool = Field(
        False,
        description="replicate i of every design point runs with one seed (common random numbers): "
        "arms compared run by run",
    )
    stop: Literal["horizon", "goal"] = Field("horizon", description='"goal": stop a run when it reaches the goal')
    series: bool = Field(False, description="also record every run's per-step reporters (--series-out)")
    organizations: bool = Field(False, description="also record every organization's end state (--organizations-out)")
    parameters: dict[str, Any] = Field(description="what varies: lists (grid) or {min, max} ranges")
    fixed: dict[str, Any] = Field(default_factory=dict, description="the same value in every run")
    preset: Name | None = Field(
        None,
        description="start from a preset's parameters: a shipped preset's name or a file (relative to the spec "
        "file); [fixed] and [parameters] win",
    )
    _source: str = PrivateAttr("")

    @property
    def source(self) -> str:
        """The spec file it was read from (``""`` when built in code)."""
        return self._source

    def with_overrides(self, replicates: int | None = None, steps: int | None = None) -> SweepSpec:
        """The spec with ``--replicates`` / ``--steps`` from the command line applied, checked as the file's keys are.

        Raises:
            InputError: a value out of the key's range, a horizon shorter than the goal's hold, or more runs
                than a sweep may hold.
        """
        changes = {"replicates": replicates, "steps": steps}
        for name, value in changes.items():
            if value is None:
                continue
            if not 1 <= value <= LIMITS[name]:
                raise InputError(f"--{name} {value}: out of range; expected a whole number from 1 to {LIMITS[name]:,}")
        spec = self.model_copy(update={k: int(v) for k, v in changes.items() if v is not None})
        problem = short_horizon(load_scenario(spec.scenario), steps) if steps is not None else ""
        if problem:
            raise InputError(f"--steps {steps}: {problem}")
        if replicates is not None and n_points(spec) * spec.replicates > MAX_RUNS:
            runs = n_points(spec) * spec.replicates
            raise InputError(f"--replicates {replicates}: {runs:,} runs is more than {MAX_RUNS:,}; split the sweep")
        return spec

    def notes(self) -> list[str]:
        """Keys the spec gives that do nothing in its design, one note each (a grid's ``samples``)."""
        given, out = self.model_fields_set, []
        if self.design == "grid" and "samples" in given:
            out.append(
                'note: samples: does nothing with design = "grid", which runs every combination of the '
                "listed values (it sizes an lhs or sobol design)"
            )
        if self.design != "sobol" and "second_order" in given:
            out.append(f'note: second_order: does nothing with design = "{self.design}" (sobol only)')
        return out

    def to_dict(self) -> dict:
        """Plain JSON-able content (what the manifest records and compares); grid ranges as their values."""
        params = {
            k: ({"min": v.min, "max": v.max} if isinstance(v, Range) else list(v)) for k, v in self.parameters.items()
        }
        out = {
            "scenario": self.scenario,
            "steps": self.steps,
            "replicates": self.replicates,
            "seed": self.seed,
            "design": self.design,
            "samples": None if self.design == "grid" else self.samples,
            "second_order": self.second_order if self.design == "sobol" else None,
            "parameters": params,
            "fixed": dict(self.fixed),
        }
        for key, default in (("common_seeds", False), ("stop", "horizon"), ("series", False), ("organizations", False)):
            if getattr(self, key) != default:  # only when asked, so that plain specs read as before
                out[key] = getattr(self, key)
        if self.preset:
            out["preset"] = self.preset
        return out


def load_spec(path) -> SweepSpec:
    """Read and check a sweep spec file.

    Raises:
        ScenarioError: one line naming the file and the field.
    """
    path = Path(path)
    label = str(path)
    text = read_text(path, label)
    data = parse_toml(text, label, "a sweep spec (scenario, seed, [parameters])")
    spec = parse_spec(data, label, base=path.parent, text=text)
    spec._source = str(path)
    return spec


def parse_spec(
    data: dict, label: str = "<spec>", base: Path | None = None, text: str | None = None, inputs: bool = True
) -> SweepSpec:
    """Check an already parsed spec (a dict as :mod:`tomllib` gives it); ``text`` adds line numbers.

    ``inputs=False`` leaves the scenario and preset files unread (a finished sweep's spec, read
    back from its manifest to analyze it: its preset is already in ``fixed``, and its files may
    have moved since).
    """
    where = Where(label, Locator(text) if text is not None else None)
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as err:
        where.explain(err, SweepSpec)
    scenario: str = spec.scenario
    looked: str | Path = scenario
    # a path is read relative to the spec file, never the folder the command runs in; a bare name
    # is a shipped scenario
    if is_scenario_file(scenario) and base is not None and not Path(scenario).is_absolute():
        looked = base / scenario
        scenario = str(looked.resolve())
    if inputs and file_problem(scenario_path(scenario)) == "no such file":
        what = "a path is read relative to the spec file" if is_scenario_file(spec.scenario) else "a shipped scenario"
        where.fail(
            ("scenario",),
            f"{spec.scenario!r} is no scenario: there is no file {scenario_path(looked)} ({what}); "
            f"shipped scenarios: {', '.join(available_scenarios())}",
        )
    try:  # a file that is there but no scenario: said on the spec's field, as a preset is
        if inputs:
            load_scenario(scenario)
    except ScenarioError as err:
        where.fail(("scenario",), str(err))
    if spec.design == "sobol" and spec.samples & (spec.samples - 1):
        hint = f"e.g. {1 << spec.samples.bit_length()}"
        where.fail(("samples",), f"{spec.samples} is not a power of two (Sobol sequences need one, {hint})")
    varied = {name: _parameter(where, name, value, spec.design) for name, value in spec.parameters.items()}
    if not varied:
        where.fail(("parameters",), "no parameters to vary; give at least one (or use replicates with one value)")
    fixed = {}
    for name, value in spec.fixed.items():
        _known(where, ("fixed", name), name)
        if name in varied:
            where.fail(("fixed", name), "is also in [parameters]; a parameter is either varied or fixed")
        if isinstance(value, (list, dict)):
            where.fail(("fixed", name), f"expected a single value, got {type_name(value)}")
        fixed[name] = _convert(where, ("fixed", name), name, value)
    preset = spec.preset
    if preset and _is_path(preset) and base is not None:  # relative to the spec file, wherever the command runs
        if not (base / preset).is_file():
            relative = "" if Path(preset).is_absolute() else " (a path is read relative to the spec file)"
            if (base / preset).exists():
                where.fail(("preset",), f"{preset!r}: {base / preset} is not a file (a folder or a device)")
            where.fail(("preset",), f"{preset!r}: there is no file {base / preset}{relative}")
        preset = str((base / preset).resolve())
    if preset and inputs:
        fixed = {**_preset(where, scenario, preset, varied), **fixed}
    spec = spec.model_copy(update={"scenario": scenario, "parameters": varied, "fixed": fixed, "preset": preset})
    # a bad scenario fails here, in one line
    problem = short_horizon(load_scenario(spec.scenario), spec.steps) if inputs else ""
    if problem:
        where.fail(("steps",), f"{spec.steps} is {problem}")
    if n_points(spec) * spec.replicates > MAX_RUNS:
        where.fail(("replicates",), f"{n_points(spec) * spec.replicates} runs is more than {MAX_RUNS}; split the sweep")
    matrix = n_points(spec) * len(varied) * 8  # float64s, before the sampler's own working copies
    if spec.design != "grid" and matrix > MAX_DESIGN_BYTES:
        where.fail(
            ("samples",),
            f"{spec.samples} make a {spec.design} design of {n_points(spec):,} points of {len(varied)} parameters, "
            f"{matrix / 2**30:.1f} GB built in memory before the first run "
            f"(at most {MAX_DESIGN_BYTES / 2**30:.0f} GB); "
            "take fewer samples, or vary fewer parameters",
        )
    return spec


def n_points(spec: SweepSpec) -> int:
    """Number of design points (runs = points x replicates)."""
    if spec.design == "grid":
        return math.prod(len(values) for values in spec.parameters.values())
    if spec.design == "lhs":
        return spec.samples
    d = len(spec.parameters)
    return spec.samples * (2 * d + 2 if spec.second_order else d + 2)


def _is_path(name: str) -> bool:
    """A preset given as a file (``x.toml`` or with a folder) rather than a shipped preset's name."""
    return name.endswith(".toml") or "/" in name


def _preset(where: Where, scenario: str, name: str, varied: dict) -> dict:
    """The preset's parameters that are not varied (a missing or bad preset fails on ``preset``)."""
    from sim.runs.presets import preset_parameters
    from sim.scenario.messages import ScenarioError

    try:
        values = preset_parameters(scenario, name)
    except ScenarioError as err:
        where.fail(("preset",), str(err))
    return {k: v for k, v in values.items() if k not in varied and k not in RESERVED}


def _known(where: Where, loc: tuple, name: str) -> None:
    if name in RESERVED:
        where.fail(loc, f"set {name} at the top of the spec, not as a parameter")
    if name not in PARAMETERS:
        close = difflib.get_close_matches(name, list(PARAMETERS), n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(sorted(PARAMETERS))}"
        where.fail(loc, f"unknown parameter; {hint}")


def _convert(where: Where, loc: tuple, name: str, value):
    try:
        return PARAMETERS[name].from_file(value)
    except ParameterError as err:
        where.fail(loc, str(err))


def _parameter(where: Where, name: str, value, design: str):
    """A grid's values (a tuple), a :class:`Range` or a tuple of options to sample (lhs, sobol)."""
    loc = ("parameters", name)
    _known(where, loc, name)
    p = PARAMETERS[name]
    if isinstance(value, list):
        return _options(where, loc, name, value, distinct=design == "grid")
    if not isinstance(value, dict):
        shapes = "a list of values or {start, stop, step}" if design == "grid" else "{min = .., max = ..} or a list"
        where.fail(loc, f"expected {shapes} for {design}, e.g. [4, 8, 13]")
    if design == "grid":
        return _steps(where, loc, name, value)
    if p.kind not in ("int", "float"):
        where.fail(
            loc, f"{name} is a {p.kind}: give its options as a list, e.g. {list(p.choices)[:2] or [True, False]}"
        )
    _exactly(where, loc, value, ("min", "max"))
    lo, hi = (_convert(where, (*loc, key), name, value[key]) for key in ("min", "max"))
    if not lo < hi:
        where.fail((*loc, "min"), f"{lo:g} is not below max {hi:g}")
    return Range(float(lo), float(hi))


def _exactly(where: Where, loc: tuple, value: dict, keys: tuple) -> None:
    """The table ``value`` has every one of ``keys`` and nothing else."""
    for key in value:
        if key not in keys:
            where.fail((*loc, key), f"unknown key; {suggest(key, keys)}")
    for key in keys:
        if key not in value:
            where.fail((*loc, key), "missing required field")


def _options(where: Where, loc: tuple, name: str, value: list, distinct: bool = False) -> tuple:
    """A list's values; ``distinct``: a value listed twice is refused (a grid's repeated point).

    A sampled design (lhs, sobol) draws from the list, so a repeated value weights it.
    """
    if not value:
        where.fail(loc, "empty list; give at least one value")
    for i, v in enumerate(value):
        if isinstance(v, (list, dict)):
            where.fail((*loc, i), "expected a single value")
    values = tuple(_convert(where, (*loc, i), name, v) for i, v in enumerate(value))
    repeated = next((i for i, v in enumerate(values) if v in values[:i]), None) if distinct else None
    if repeated is not None:
        v = values[repeated]
        written = value[repeated]  # as the file has it (4, not the 4.0 it reads as)
        where.fail(
            (*loc, repeated),
            f"{written!r} is listed twice (also at [{values.index(v)}]); a repeated design point is a replicate: "
            "use replicates",
        )
    return values


def _steps(where: Where, loc: tuple, name: str, value: dict) -> tuple:
    """``{start, stop, step}``: start, start + step, ... up to stop, both ends included (as BehaviorSpace)."""
    kind = PARAMETERS[name].kind
    if kind not in ("int", "float"):
        where.fail(
            loc, f"{name} is a {kind}: list its values, e.g. {list(PARAMETERS[name].choices)[:2] or [True, False]}"
        )
    _exactly(where, loc, value, ("start", "stop", "step"))
    start, stop = (_convert(where, (*loc, key), name, value[key]) for key in ("start", "stop"))
    step = value["step"]
    if isinstance(step, bool) or not isinstance(step, (int, float)) or not math.isfinite(step) or step <= 0:
        where.fail((*loc, "step"), f"expected a positive number, got {type_name(step)}")
    if stop < start:
        where.fail((*loc, "stop"), f"{stop:g} is below start {start:g}")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_GRID_VALUES:
        where.fail(loc, f"{count} values; at most {MAX_GRID_VALUES} a parameter")
    return tuple(_convert(where, loc, name, round(start + i * step, 12)) for i in range(count))
