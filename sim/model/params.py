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

from sim.errors import InputError
from sim.scenario.roles import ROLES

LEADER_MODES = ("system", "point", "none")
COMMUNITY_MODES = ("partner", "consulted", "absent")


class ParameterError(InputError):
    """A parameter value that is the wrong type or out of range; the message is one line."""


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
        unit: what the number counts (weeks, probability, log-odds...).
        source: where the default comes from: a source, a calibration, or an assumption.
        group: the mechanism it belongs to (leader, members, trust...).

    """

    name: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    help: str = ""
    unit: str = ""
    source: str = ""
    group: str = ""

    def from_file(self, value):
        """:meth:`convert` for a value read from a TOML file, which says what it means: "0.1" is text, not a number.

        (``--set`` and the app's fields give text that :meth:`convert` reads as the parameter's type.)
        """
        if isinstance(value, str) and self.kind != "choice":
            wanted = "true or false" if self.kind == "bool" else "a whole number" if self.kind == "int" else "a number"
            raise ParameterError(f"expected {wanted}, got the string {value!r}; write it without quotes")
        return self.convert(value)

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
            raise ParameterError(f"the boolean {'true' if value else 'false'} is not a number")
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


def _num(name, default, low, high, unit, source, help, kind="float", group=""):
    return Parameter(name, kind, default, low, high, help=help, unit=unit, source=source, group=group)


def _choice(name, default, choices, source, help, group=""):
    return Parameter(name, "choice", default, choices=choices, help=help, source=source, group=group)


A = "assumption"
ROUNDED = "assumption, a round value; see docs/boundaries.md for where claims change with it"

PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        # -- the coalition under study ------------------------------------------------------
        _num(
            "patience",
            52.0,
            1,
            520,
            "weeks",
            "chapter: 'months and years'; one year",
            "weeks a member tolerates without visible progress",
            group="coalition",
        ),
        _num(
            "initial_trust",
            0.35,
            0,
            1,
            "probability",
            A + ", below the commit and share thresholds (DESIGN.md 10)",
            "trust between organizations of different sectors at the start",
            group="coalition",
        ),
        _choice(
            "leader",
            "system",
            LEADER_MODES,
            "chapter",
            "who convenes: a system leader, a point leader or nobody",
            group="coalition",
        ),
        _choice(
            "community",
            "partner",
            COMMUNITY_MODES,
            "chapter",
            "the affected community as partner, consulted or absent",
            group="coalition",
        ),
        _choice(
            "missing_role",
            "",
            ("",) + ROLES,
            "chapter",
            "a role whose capability nobody may use (its holders still come)",
            group="coalition",
        ),
        Parameter(
            "keep_away_holders",
            "bool",
            False,
            help="the old variant of missing_role: every holder of the role stays away",
            source="earlier versions of this model",
            group="coalition",
        ),
        # -- the leader ---------------------------------------------------------------------------
        _num(
            "translation",
            0.6,
            0,
            1,
            "share",
            A,
            "leader skill: share of each invitee's mission distance it explains away",
            group="leader",
        ),
        _num(
            "trust_building",
            0.6,
            0,
            1,
            "per week",
            A,
            "leader skill: chance a week each member it works with makes an extra small commitment",
            group="leader",
        ),
        _num(
            "shared_metric",
            0.6,
            0,
            1,
            "share",
            A,
            "leader skill: how fast members adopt the shared metric",
            group="leader",
        ),
        _num(
            "leader_patience",
            104.0,
            1,
            1040,
            "weeks",
            A + "; two years",
            "weeks the leader keeps convening without progress",
            group="leader",
        ),
        _num(
            "invites_per_step",
            2,
            0,
            50,
            "per week",
            A,
            "outsiders the leader invites a week",
            kind="int",
            group="leader",
        ),
        _num(
            "decline_cooldown",
            13,
            0,
            520,
            "weeks",
            A + "; a quarter",
            "weeks before an organization that declined is invited again",
            kind="int",
            group="leader",
        ),
        _num(
            "meeting_interval",
            4,
            1,
            52,
            "weeks",
            "the real cases met monthly (Newburyport's High Risk Team; Rockford's by-name list)",
            "weeks between the meetings the leader convenes",
            kind="int",
            group="leader",
        ),
        _num(
            "leader_reliability",
            0.95,
            0,
            1,
            "probability",
            A,
            "chance the leader holds each meeting it promised",
            group="leader",
        ),
        _num(
            "shared_metric_rate",
            0.05,
            0,
            1,
            "per week",
            A,
            "weekly chance a member adopts the shared metric at full skill",
            group="leader",
        ),
        _num(
            "leader_progress_margin",
            0.03,
            0,
            1,
            "share",
            A,
            "fall of the smoothed rate below its best the leader counts as progress",
            group="leader",
        ),
        _num(
            "rate_smoothing",
            0.1,
            0.001,
            1,
            "weight",
            A,
            "weight of this week's rate in the leader's running average",
            group="leader",
        ),
        # -- organizations ------------------------------------------------------------------------
        _num(
            "accept_rate",
            0.6,
            0,
            1,
            "probability",
            A,
            "chance an invitee with no mission distance accepts",
            group="members",
        ),
        _num(
            "self_join_rate",
            0.01,
            0,
            1,
            "per week",
            A,
            "weekly chance an outsider with no mission distance comes on its own",
            group="members",
        ),
        _num(
            "member_invite_rate",
            0.02,
            0,
            1,
            "per week",
            A,
            "weekly chance a member invites an outsider it is tied to",
            group="members",
        ),
        _num(
            "meetings_on_joining",
            3,
            0,
            50,
            "members",
            A,
            "members a newcomer meets (new ties) when it joins",
            kind="int",
            group="members",
        ),
        _num(
            "base_commitment_rate",
            0.1,
            0,
            1,
            "per week",
            A,
            "weekly chance a member makes a small commitment on its own",
            group="members",
        ),
        _num(
            "pledge_share",
            0.25,
            0,
            1,
            "share",
            A,
            "share of its weekly budget a committed member pledges",
            group="members",
        ),
        _num(
            "commit_threshold",
            0.5,
            0,
            1,
            "probability",
            A + ", above initial_trust (DESIGN.md 10)",
            "trust in the coalition needed to commit money",
            group="members",
        ),
        _num(
            "share_threshold",
            0.6,
            0,
            1,
            "probability",
            A + ", above commit_threshold: data is shared after money",
            "trust in the coalition needed to share data",
            group="members",
        ),
        _num(
            "withdraw_margin",
            0.15,
            0,
            1,
            "probability",
            A,
            "a sharer withdraws its data when trust falls this far below share_threshold",
            group="members",
        ),
        _num(
            "metric_smoothing",
            0.2,
            0.001,
            1,
            "weight",
            A,
            "weight of this week's value in a member's running average of its metric",
            group="members",
        ),
        _num(
            "progress_margin",
            0.03,
            0,
            1,
            "share",
            A,
            "fall of a member's metric below its best that counts as progress",
            group="members",
        ),
        _num(
            "relationship_relief",
            0.4,
            0,
            10,
            "per honour",
            A,
            "frustration a week avoided per honoured commitment seen per tie",
            group="members",
        ),
        _num(
            "max_relationship_relief",
            0.8,
            0,
            1,
            "share",
            A,
            "at most this share of a week's frustration is avoided",
            group="members",
        ),
        # -- trust ----------------------------------------------------------------------------------
        _num(
            "build_rate",
            0.17,
            0,
            5,
            "log-odds",
            "chosen so that an honour earns what the earlier multiplicative rule gave at the default initial trust",
            "trust gained per honoured commitment, in log-odds",
            group="trust",
        ),
        _num(
            "loss_ratio",
            3.0,
            1,
            20,
            "ratio",
            "Pant & Yu 2025 estimate about 3 (a modelling result); Slovic 1993",
            "log-odds lost per betrayal, as a multiple of build_rate",
            group="trust",
        ),
        # -- diagnosis -------------------------------------------------------------------------------
        _num(
            "diagnosis_interval",
            4,
            1,
            520,
            "weeks",
            A + "; a month",
            "weeks between diagnoses when no new records come in",
            kind="int",
            group="diagnosis",
        ),
        _num(
            "diagnosis_window",
            13,
            1,
            366,
            "weeks",
            A + "; a quarter, the usual reporting period (1: one week's records, Model 2's first reading)",
            "weeks of pooled records (circumstances and outcomes) each diagnosis reads",
            kind="int",
            group="diagnosis",
        ),
        _choice(
            "diagnosis_prevalence",
            "observed",
            ("everyone", "observed"),
            A + "; unknown is not absent, for prevalence as for the effect ('everyone': Model 2's first reading)",
            "a circumstance's prevalence in the diagnosis: known cases over everyone, or over those observed",
            group="diagnosis",
        ),
        _num(
            "belief_z",
            2.0,
            0,
            10,
            "standard errors",
            "the usual two standard errors",
            "a belief changes only when a share moves this many standard errors",
            group="diagnosis",
        ),
        # -- interventions ----------------------------------------------------------------------------
        _num(
            "reach_turnover",
            0,
            0,
            5200,
            "weeks",
            A + "; 0 keeps the first model's fixed reach (a person's contacts drawn once, at the start)",
            "mean weeks before a person's contact with each organization is drawn again (0: never)",
            kind="int",
            group="interventions",
        ),
        _num(
            "base_uptake",
            0.25,
            0,
            1,
            "probability",
            A,
            "chance a person takes up case work with no legitimacy at the table",
            group="interventions",
        ),
        _num(
            "max_uptake", 0.9, 0, 1, "probability", A, "chance with full legitimacy at the table", group="interventions"
        ),
        _num(
            "min_system_share",
            0.15,
            0,
            1,
            "share",
            A,
            "a cause must hold this share of the believed risk to earn a system change",
            group="interventions",
        ),
        _num(
            "system_returns",
            0.7,
            0,
            1,
            "ratio",
            A,
            "each further system change on a cause acts this fraction as strongly as the one before",
            group="interventions",
        ),
        _num(
            "system_lag",
            None,
            0,
            10_000,
            "weeks",
            "the scenario's",
            "weeks before a system change acts (default: the scenario's)",
            kind="int",
            group="interventions",
        ),
        _num(
            "system_effect",
            None,
            0,
            1,
            "share",
            "the scenario's",
            "share by which a system change lowers its cause's onset (default: the scenario's)",
            group="interventions",
        ),
        # -- setbacks -----------------------------------------------------------------------------------
        _num(
            "setback_rate",
            None,
            0,
            1,
            "per week",
            "the scenario's",
            "chance of a setback per week (default: the scenario's)",
            group="setbacks",
        ),
        _num("budget_cut", 0.3, 0, 1, "share", A, "share of a budget a cut removes", group="setbacks"),
        _num(
            "misuse_betrayals",
            2,
            0,
            20,
            "betrayals",
            A,
            "betrayals everyone at the table sees when shared data is misused",
            kind="int",
            group="setbacks",
        ),
        _num(
            "funding_cycle",
            52,
            1,
            520,
            "weeks",
            A + "; a budget year",
            "weeks between competitions for funding",
            kind="int",
            group="setbacks",
        ),
        _num(
            "funding_noise",
            0.2,
            0,
            5,
            "log-sd",
            A,
            "spread of the funding re-split (log-normal sigma)",
            group="setbacks",
        ),
        _num(
            "turnover_reset",
            0.5,
            0,
            1,
            "share",
            A,
            "staff turnover moves a member's trust this share back to the start",
            group="setbacks",
        ),
        # -- size and horizon ----------------------------------------------------------------------------
        _num(
            "n_people",
            None,
            1,
            10_000_000,
            "people",
            "the scenario's",
            "people affected (default: the scenario's)",
            kind="int",
            group="size",
        ),
        _num(
            "steps",
            None,
            1,
            10_000,
            "steps",
            "the scenario's",
            "horizon in steps (default: the scenario's)",
            kind="int",
            group="size",
        ),
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
        label = f"{where} {name}" if where.startswith("--") else f"{where}.{name}"  # --set patience, fixed.patience
        if name not in PARAMETERS:
            close = difflib.get_close_matches(name, list(PARAMETERS), n=1, cutoff=0.75)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(sorted(PARAMETERS))}"
            raise ParameterError(f"{label}: unknown parameter; {hint}")
        try:
            out[name] = PARAMETERS[name].convert(value)
        except ParameterError as err:
            raise ParameterError(f"{label}: {err}") from None
    return out


# pairs (low, high) of parameters where high may not be below low
ORDERED = (("base_uptake", "max_uptake"),)


def resolve(values: dict) -> SimpleNamespace:
    """Every parameter of the model: ``values`` checked, the others at their defaults.

    Raises:
        ParameterError: an unknown name (with a suggestion) or a bad value, naming the parameter.
    """
    for name in values:
        if name not in PARAMETERS:
            close = difflib.get_close_matches(name, list(PARAMETERS), n=1, cutoff=0.75)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(PARAMETERS)}"
            if name == "scenario":  # mesa.batch_run and sim.run pass it by keyword as scenario_name
                hint = "the scenario is the first argument, scenario_name (a shipped name, a path or a Scenario)"
            raise ParameterError(f"{name}: not a parameter of the model; {hint}")
    out = {}
    for name, p in PARAMETERS.items():
        try:
            out[name] = p.convert(values.get(name, p.default))
        except ParameterError as err:
            raise ParameterError(f"{name}: {err}") from None
    for low, high in ORDERED:
        if out[high] < out[low]:
            raise ParameterError(f"{high}: {out[high]:g} is below {low} = {out[low]:g}; it must be at least as high")
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
