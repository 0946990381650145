"""The sweep spec: a TOML file naming the scenario, the design and the parameters.

.. code-block:: toml

    scenario = "chicago_absenteeism"
    steps = 156
    replicates = 20
    seed = 2026
    design = "grid"          # grid | lhs | sobol
    samples = 256            # for lhs and sobol
    [parameters]             # lists for grid; {min = .., max = ..} ranges for lhs and sobol
    patience = [4, 8, 13, 26, 52]
    initial_trust = [0.1, 0.3, 0.5, 0.7, 0.9]
    [fixed]
    leader = "system"

Every mistake is a :class:`sim.schema.ScenarioError` with one line,
``<file>: <field>: <what is wrong>``.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from sim.model.params import PARAMETERS, ParameterError
from sim.scenario.schema import Locator, ScenarioError, Table

DESIGNS = ("grid", "lhs", "sobol")
TOP_KEYS = (
    "scenario",
    "steps",
    "replicates",
    "seed",
    "design",
    "samples",
    "second_order",
    "series",
    "parameters",
    "fixed",
)
# set at the top level of the spec, not as a model parameter
RESERVED = ("steps",)
MAX_RUNS = 100_000_000


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep spec.

    Attributes:
        scenario: scenario name or path, as :func:`sim.load_scenario` takes it.
        steps: horizon in weeks (None: the scenario's).
        replicates: seeded runs per design point.
        seed: master seed; run ``i`` is seeded from ``SeedSequence(seed, spawn_key=(i,))``.
        design: ``"grid"``, ``"lhs"`` or ``"sobol"``.
        samples: sample size for lhs (points) and sobol (base sample N).
        second_order: sobol only: sample for second-order indices too.
        parameters: name -> list of values (grid) or ``(min, max)`` (lhs, sobol).
        fixed: name -> value, the same in every run.
        series: also record every run's per-step reporters (``DIR/series``).
        source: the spec file, for messages.
    """

    scenario: str
    steps: int | None
    replicates: int
    seed: int
    design: str
    samples: int
    second_order: bool
    parameters: dict
    fixed: dict
    series: bool = False
    source: str = field(default="", compare=False)

    def with_overrides(self, replicates: int | None = None, steps: int | None = None) -> SweepSpec:
        """The spec with ``--replicates`` / ``--steps`` from the command line applied."""
        return replace(
            self,
            replicates=self.replicates if replicates is None else int(replicates),
            steps=self.steps if steps is None else int(steps),
        )

    def to_dict(self) -> dict:
        """Plain JSON-able content (what the manifest records and compares)."""
        params = {
            k: (list(v) if self.design == "grid" else {"min": v[0], "max": v[1]}) for k, v in self.parameters.items()
        }
        out = {
            "scenario": self.scenario,
            "steps": self.steps,
            "replicates": self.replicates,
            "seed": self.seed,
            "design": self.design,
            "samples": self.samples if self.design != "grid" else None,
            "second_order": self.second_order if self.design == "sobol" else None,
            "parameters": params,
            "fixed": dict(self.fixed),
        }
        if self.series:  # only when asked, so that older manifests still match
            out["series"] = True
        return out


def load_spec(path) -> SweepSpec:
    """Read and check a sweep spec file.

    Args:
        path: the TOML file.

    Raises:
        ScenarioError: one line naming the file and the field.
    """
    path = Path(path)
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{label}: (file): no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{label}: (file): cannot read: {err}") from None
    if not text.strip():
        raise ScenarioError(f"{label}: (file): empty file; expected a sweep spec (scenario, seed, [parameters])")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{label}: (file): not valid TOML: {' '.join(str(err).split())}") from None
    return parse_spec(data, label, base=path.parent, text=text)


def parse_spec(data: dict, label: str = "<spec>", base: Path | None = None, text: str | None = None) -> SweepSpec:
    """Check an already parsed spec (a dict as :mod:`tomllib` gives it); ``text`` adds line numbers."""
    top = Table(data, label, "", Locator(text) if text is not None else None)
    top.allow(*TOP_KEYS)
    scenario = top.str("scenario")
    if base is not None and (base / scenario).is_file() and not Path(scenario).is_absolute():
        scenario = str((base / scenario).resolve())
    steps = top.integer("steps", None, 1, 10_000) if "steps" in top.data else None
    replicates = top.integer("replicates", 1, 1, 1_000_000)
    seed = top.integer("seed", None, 0, 2**63 - 1)
    design = top.str("design", "grid")
    if design not in DESIGNS:
        top.fail("design", f"{design!r} is not a design; expected one of {', '.join(DESIGNS)}")
    samples = top.integer("samples", 64, 1, 10_000_000)
    second_order = top.boolean("second_order", False)
    if design == "sobol" and samples & (samples - 1):
        top.fail(
            "samples", f"{samples} is not a power of two (Sobol sequences need one, e.g. {1 << samples.bit_length()})"
        )
    params = top.table("parameters", required=True)
    fixed = top.table("fixed", required=False)
    varied = {name: _parameter(params, name, design) for name in params.keys()}
    if not varied:
        params.fail(None, "no parameters to vary; give at least one (or use replicates with one value)")
    constants = {}
    for name in fixed.keys():
        _known(fixed, name)
        if name in varied:
            fixed.fail(name, "is also in [parameters]; a parameter is either varied or fixed")
        constants[name] = _convert(fixed, name, fixed.data[name])
    series = top.boolean("series", False)
    spec = SweepSpec(scenario, steps, replicates, seed, design, samples, second_order, varied, constants, series, label)
    if n_points(spec) * replicates > MAX_RUNS:
        top.fail("replicates", f"{n_points(spec) * replicates} runs is more than {MAX_RUNS}; split the sweep")
    return spec


def n_points(spec: SweepSpec) -> int:
    """Number of design points (runs = points x replicates)."""
    if spec.design == "grid":
        n = 1
        for values in spec.parameters.values():
            n *= len(values)
        return n
    if spec.design == "lhs":
        return spec.samples
    d = len(spec.parameters)
    return spec.samples * (2 * d + 2 if spec.second_order else d + 2)


def _known(table: Table, name: str) -> None:
    if name in RESERVED:
        table.fail(name, f"set {name} at the top of the spec, not as a parameter")
    if name not in PARAMETERS:
        close = difflib.get_close_matches(name, list(PARAMETERS), n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(sorted(PARAMETERS))}"
        table.fail(name, f"unknown parameter; {hint}")


def _convert(table: Table, name: str, value):
    if isinstance(value, (list, dict)):
        table.fail(name, f"expected a single value, got {'a list' if isinstance(value, list) else 'a table'}")
    try:
        return PARAMETERS[name].convert(value)
    except ParameterError as err:
        table.fail(name, str(err))


def _parameter(table: Table, name: str, design: str):
    _known(table, name)
    value = table.data[name]
    p = PARAMETERS[name]
    if design == "grid":
        if not isinstance(value, list):
            table.fail(name, "expected a list of values for a grid, e.g. [4, 8, 13]")
        if not value:
            table.fail(name, "empty list; give at least one value")
        return tuple(_item(table, name, i, v) for i, v in enumerate(value))
    if p.kind not in ("int", "float"):
        table.fail(name, f'{design} samples numbers; {name} is a {p.kind}: put it in [fixed] or use design = "grid"')
    if not isinstance(value, dict):
        table.fail(name, f"expected a range {{min = .., max = ..}} for {design}")
    rng = table.sub(value, table.where(name))
    rng.allow("min", "max")
    low = p.low if p.low is not None else -1e300
    high = p.high if p.high is not None else 1e300
    lo = rng.number("min", None, low, high)
    hi = rng.number("max", None, low, high)
    if not lo < hi:
        rng.fail("min", f"{lo:g} is not below max {hi:g}")
    return (lo, hi)


def _item(table: Table, name: str, i: int, value):
    where = (name, i)  # Table reads (key, i) as item i of a list: parameters.patience[1]
    if isinstance(value, (list, dict)):
        table.fail(where, "expected a single value")
    try:
        return PARAMETERS[name].convert(value)
    except ParameterError as err:
        table.fail(where, str(err))
