"""The model's keyword parameters as data: name, type, default, range.

One table serves the model's constructor (its signature and defaults are made from it),
the CLI's ``--set`` checks, the sweep spec's checks and the browser app's sliders, so a
parameter is declared once.
"""

from __future__ import annotations

import difflib
import inspect
import math
from dataclasses import dataclass
from types import SimpleNamespace

from sim.scenario.roles import ROLES

LEADER_MODES = ("system", "point", "none")
COMMUNITY_MODES = ("partner", "consulted", "absent")


class ParameterError(ValueError):
    """A parameter value that is the wrong type or out of range."""


@dataclass(frozen=True)
class Parameter:
    """One keyword parameter of :class:`sim.CoalitionModel`.

    Attributes:
        name: keyword name.
        kind: ``"int"``, ``"float"``, ``"choice"`` or ``"bool"``.
        default: default value (``None`` means "take it from the scenario").
        low: smallest allowed value for numbers.
        high: largest allowed value for numbers (``None``: unbounded).
        choices: allowed values for ``"choice"``.
        help: one line for the CLI and the app.

    """

    name: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    help: str = ""

    def convert(self, value):
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""
        if value is None and self.default is None:
            return None
        if self.kind == "choice":
            text = str(value)
            if text not in self.choices:
                raise ParameterError(f"{value!r} is not one of {', '.join(map(repr, self.choices))}")
            return text
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ParameterError(f"{value!r} is not a boolean (true or false)")
        if isinstance(value, bool):
            raise ParameterError(f"{value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{value!r} is not a number") from None
        if not math.isfinite(number):
            raise ParameterError(f"{value!r} is not a finite number")
        if self.kind == "int":
            if number != int(number):
                raise ParameterError(f"{value!r} is not a whole number")
            number = int(number)
        if self.low is not None and number < self.low:
            raise ParameterError(f"{value!r} is below the minimum {self.low:g}")
        if self.high is not None and number > self.high:
            raise ParameterError(f"{value!r} is above the maximum {self.high:g}")
        return number


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("patience", "float", 52.0, 1, 520, help="weeks a member tolerates without visible progress"),
        Parameter(
            "initial_trust", "float", 0.35, 0, 1, help="trust between organizations of different sectors at the start"
        ),
        Parameter(
            "leader",
            "choice",
            "system",
            choices=LEADER_MODES,
            help="who convenes: a system leader, a point leader or nobody",
        ),
        Parameter(
            "community",
            "choice",
            "partner",
            choices=COMMUNITY_MODES,
            help="the affected community as partner, consulted or absent",
        ),
        Parameter(
            "missing_role",
            "choice",
            "",
            choices=("",) + ROLES,
            help="keep every holder of this role away from the table",
        ),
        Parameter(
            "translation",
            "float",
            0.6,
            0,
            1,
            help="leader skill: how much it lowers the mission distance partners perceive",
        ),
        Parameter(
            "trust_building", "float", 0.6, 0, 1, help="leader skill: small commitments brokered per member and week"
        ),
        Parameter("shared_metric", "float", 0.6, 0, 1, help="leader skill: how fast members adopt the shared metric"),
        Parameter("leader_patience", "float", 104.0, 1, 1040, help="weeks the leader keeps convening without progress"),
        Parameter("commit_threshold", "float", 0.5, 0, 1, help="trust in the coalition needed to commit money"),
        Parameter("share_threshold", "float", 0.6, 0, 1, help="trust in the coalition needed to share data"),
        Parameter("build_rate", "float", 0.06, 0, 1, help="trust gained per honoured commitment, times (1 - trust)"),
        Parameter(
            "loss_ratio", "float", 3.0, 0, 20, help="trust lost per betrayal, as a multiple of build_rate, times trust"
        ),
        Parameter("setback_rate", "float", None, 0, 1, help="chance of a setback per week (default: the scenario's)"),
        Parameter("n_people", "int", None, 1, 10_000_000, help="people affected (default: the scenario's)"),
        Parameter("steps", "int", None, 1, 10_000, help="horizon in weeks (default: the scenario's)"),
    )
}


def check_params(values: dict, *, where: str = "parameters") -> dict:
    """Convert and check a mapping of parameter values.

    Args:
        values: name -> value, as typed by a user or read from a file.
        where: the prefix for error messages (a file and table name).

    Returns:
        A new dict with converted values.

    Raises:
        ParameterError: one line naming the parameter and what is wrong.

    """
    out = {}
    for name, value in values.items():
        if name not in PARAMETERS:
            known = ", ".join(sorted(PARAMETERS))
            raise ParameterError(f"{where}.{name}: unknown parameter; expected one of {known}")
        try:
            out[name] = PARAMETERS[name].convert(value)
        except ParameterError as err:
            raise ParameterError(f"{where}.{name}: {err}") from None
    return out


def resolve(values: dict) -> SimpleNamespace:
    """Every parameter of the model: ``values`` checked, the others at their defaults.

    Raises:
        ParameterError: an unknown name (with a suggestion) or a bad value, naming the parameter.
    """
    for name in values:
        if name not in PARAMETERS:
            close = difflib.get_close_matches(name, list(PARAMETERS), n=1, cutoff=0.75)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(PARAMETERS)}"
            raise ParameterError(f"{name}: not a parameter of the model; {hint}")
    out = {}
    for name, p in PARAMETERS.items():
        try:
            out[name] = p.convert(values.get(name, p.default))
        except ParameterError as err:
            raise ParameterError(f"{name}: {err}") from None
    return SimpleNamespace(**out)


_ANNOTATIONS = {"int": int, "float": float, "choice": str, "bool": bool}


def keyword_signature(*leading: inspect.Parameter) -> inspect.Signature:
    """A constructor signature: ``self``, ``leading``, every parameter as a keyword, ``rng=None`` last.

    SolaraViz and ``mesa.batch_run`` read the model's signature; this makes it from the table.
    """
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *leading]
    for name, p in PARAMETERS.items():
        annotation = _ANNOTATIONS[p.kind] if p.default is not None else _ANNOTATIONS[p.kind] | None
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=p.default, annotation=annotation))
    params.append(inspect.Parameter("rng", inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(params)


def docstring_args() -> str:
    """The ``Args:`` lines of every parameter, for the model's docstring."""
    return "\n".join(f"        {name}: {p.help}." for name, p in PARAMETERS.items())
