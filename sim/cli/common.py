"""What every subcommand shares: the one-line usage error, argument types, the horizon rules."""

from __future__ import annotations

import argparse
import math
import os
import sys

from sim.errors import InputError, one_line
from sim.model.params import PARAMETERS, ParameterError, check_params

EXIT_USAGE = 2


class UsageError(InputError):
    """A user mistake: printed as one line, exit status 2."""


GIVEN = "_options_given"  # the namespace's record of the options already given (removed after parsing)


class StoreOnce(argparse.Action):
    """Store an option's value; the same option given twice is refused, not silently overridden."""

    def __call__(self, parser, namespace, values, option_string=None):
        """Store ``values``, or refuse a second occurrence of this option."""
        given = namespace.__dict__.setdefault(GIVEN, set())
        if option_string is not None and self.dest in given:
            raise argparse.ArgumentError(self, "given twice; give it once")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (a :class:`UsageError`), with no usage dump.

    An option that stores a value (``--steps 5``) is refused when given twice (``--steps 4
    --steps 5``); options that collect (``--set``) may repeat.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register("action", None, StoreOnce)
        self.register("action", "store", StoreOnce)

    def parse_known_args(self, args=None, namespace=None):
        """Parse, then drop the record of which options were given."""
        self._args = list(sys.argv[1:] if args is None else args)  # for error()'s hint
        namespace, extras = super().parse_known_args(args, namespace)
        namespace.__dict__.pop(GIVEN, None)
        return namespace, extras

    def error(self, message):
        """Raise the mistake as a :class:`UsageError`."""
        if message.endswith("expected one argument"):  # argparse reads a value like -inf or -1/2 as an option
            option = message.removeprefix("argument ").split(":")[0].split("/")[-1]
            args = getattr(self, "_args", [])
            after = [args[i + 1] for i, a in enumerate(args[:-1]) if a == option]
            if after and after[-1].startswith("-") and after[-1].split("=")[0] not in self._option_string_actions:
                message += f" (a value that starts with '-' is written {option}=VALUE)"
        raise UsageError(f"{self.prog}: {message}")


def _given(text: str, what: str) -> str:
    """``text``, or an argparse error for an empty one (``what``: how it is named)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(what)
    return text


def preset_name(text: str) -> str:
    """An argparse type: a name (of a preset, say); an empty one is refused, not taken as none."""
    return _given(text, "an empty name")


def path(text: str):
    """An argparse type: a path; an empty one (which would mean the current folder) is refused."""
    from pathlib import Path

    return Path(_given(text, "an empty path; name a file or folder"))


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler's address, ``[tcp|tls://]host:port`` (checked before any work)."""
    from urllib.parse import urlsplit

    address = _given(text, "an empty address; give host:port, e.g. tcp://127.0.0.1:8786")
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        port = parts.port
    except ValueError:  # an unclosed [IPv6 address, a port that is not a number
        parts, port = urlsplit("invalid://"), None
    extra = parts.query or parts.fragment or parts.username or parts.path not in ("", "/")
    if (
        any(c.isspace() for c in address)
        or parts.scheme not in ("tcp", "tls")
        or not parts.hostname
        or not port
        or extra
    ):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a scheduler address; expected host:port, e.g. tcp://127.0.0.1:8786"
        )
    return address


def whole_number(low: int, high: int | None = None):
    """An argparse type: a whole number >= ``low`` (and <= ``high``, if given)."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {low}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{text!r} is more than {high:,}, the most it takes")
        return value

    convert.__name__ = "whole number" if low <= 0 else "positive whole number"
    return convert


positive_int = whole_number(1)
non_negative_int = whole_number(0)


def worker_count(text: str) -> int:
    """An argparse type: local worker processes, 0 to four a core this process may use.

    A sweep's runs are CPU work: more processes than that only share the cores, and each
    takes its own memory (``--workers 100000`` started a process a chunk).
    """
    value = non_negative_int(text)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if value > 4 * cores:
        raise argparse.ArgumentTypeError(
            f"{text!r} is more than {4 * cores}, four processes for each of the {cores} cores this machine gives "
            "(runs are CPU work; more would only share them)"
        )
    return value


def finite_number(text: str) -> float:
    """An argparse type: a number, not NaN or infinite."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def share(text: str) -> float:
    """An argparse type: a share from 0 to 1."""
    value = finite_number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a share from 0 to 1")
    return value


def seed_value(text: str) -> int:
    """An argparse type: a seed, a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed; expected a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; expected a whole number >= 0")
    return value


def parse_sets(pairs: list[str]) -> dict:
    """``["patience=13", "leader=point"]`` -> checked parameter values; a name given twice is refused."""
    raw: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--set {pair}: expected name=value, e.g. --set patience=13")
        if name in raw:
            twice = f"{raw[name]!r} and {value.strip()!r}"
            raise UsageError(f"--set {name}: given twice ({twice}); give each parameter once")
        raw[name] = value.strip()
    try:
        return check_params(raw, where="--set")
    except ParameterError as err:
        raise UsageError(str(err)) from None


def horizon(steps_flag: int | None, params: dict) -> int | None:
    """The horizon given on the command line: ``--steps N`` or ``--set steps=N``, never both; in range."""
    if steps_flag is not None and params.get("steps") is not None:
        raise UsageError(
            f"--steps {steps_flag} and --set steps={params['steps']}: two horizons; give it once (--steps)"
        )
    if steps_flag is None:
        return params.get("steps")
    try:
        return PARAMETERS["steps"].convert(steps_flag)
    except ParameterError as err:
        raise UsageError(f"--steps: {err}") from None


def preset_file(scenario, name):
    """The file a ``--preset`` names (None without one): an input no output may write over."""
    if not name:
        return None
    from sim.runs.presets import preset_path

    return preset_path(scenario, name)


def check_horizon(steps: int | None, scenario, flag: str = "--steps") -> None:
    """Refuse a horizon shorter than the goal's ``hold_steps`` (the scenario file refuses it too)."""
    from sim.scenario.load import short_horizon

    problem = short_horizon(scenario, steps)
    if problem:
        raise UsageError(f"{flag} {steps}: {problem}")


def text_columns(frame):
    """``frame`` with every text value printable on one line (control characters escaped)."""
    from pandas.api.types import is_string_dtype

    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or is_string_dtype(frame[column].dtype):  # pandas 3: text is "str"
            frame[column] = frame[column].map(lambda v: one_line(v) if isinstance(v, str) else v)
    return frame


def step_notes(spec, params: dict, when: str = "") -> list[str]:
    """A note when a scenario's step is not a week but parameters counted in weeks keep their defaults.

    A default of 0 (never, none) means the same in any unit and needs no rescaling. ``when``:
    words before "with --set or a preset" (``scenarios show`` runs nothing: "when you run it").
    """
    from sim.model.params import PARAMETERS
    from sim.model.timescale import kind_of

    days = spec.header.days_per_step
    # counted in weeks or per week, or a running average's weight per step (sim.model.timescale)
    weekly = [n for n, p in PARAMETERS.items() if kind_of(n) and p.default not in (None, 0)]
    kept = [n for n in weekly if n not in params]
    if days == 7:
        return []
    from sim.model.timescale import scenario_weekly_defaults

    own = [(field, value) for field, name, value in scenario_weekly_defaults(spec) if name not in params]
    notes = [scenario_default_note(spec, own)] if own else []
    if not kept:
        return notes
    step = spec.header.step_unit[0]
    patience = PARAMETERS["patience"].default
    called = f" (a {step})" if step != "step" else ""
    example = f" (patience {patience:g} means {patience:g} {step}s)" if "patience" in kept else ""
    one = len(kept) == 1
    keep, them = ("keeps the default", "it") if one else ("keep the defaults", "them")
    return [
        one_line(
            f"note: {spec.path or spec.name}: a step is {days:g} day{'s' if days != 1 else ''}{called}, but "
            f"{', '.join(kept[:3])}{' and others' if len(kept) > 3 else ''} {keep} made for 7-day steps, "
            f"counted now in {step}s{example}: rescale {them} (docs/scenarios.md, Units){when} with --set or a "
            f"preset (`coalition scenarios preset {spec.path or spec.name} > FILE.toml` writes one)"
        )
    ] + notes


def scenario_default_note(spec, fields: list[tuple[str, float]]) -> str:
    """A note that the scenario leaves ``fields`` (its own, counted in steps: ``(field, value)``) at weekly defaults."""
    step = spec.header.step_unit[0]
    said = ", ".join(f"{f} = {v:g}" for f, v in fields)
    one = len(fields) == 1
    return one_line(
        f"note: {spec.path or spec.name}: {said} {'is' if one else 'are'} the format's default{'' if one else 's'}, "
        f"made for 7-day steps and counted now in {step}s: give {'it' if one else 'them'} in the file for its step "
        f"(docs/scenarios.md, Units), or run with the preset `coalition scenarios preset` writes"
    )


def target_notes(spec) -> list[str]:
    """A note when the scenario's target is below the rate nobody with any circumstance would have.

    That floor (the logistic of the population's ``baseline``) is where clearing every circumstance
    would take the rate, so no coalition can reach such a target (`coalition scenarios show` says it too).
    """
    from sim.model.baseline import floor_rate
    from sim.model.events import percent, target_percent

    pop, floor = spec.population, floor_rate(spec.population)
    # a protective circumstance (a negative weight) lowers the rate below that floor: no note then
    if pop.target_rate >= floor or any(c.weight < 0 for c in pop.circumstances):
        return []
    return [
        one_line(
            f"note: {spec.path or spec.name}: the target {target_percent(pop.target_rate)} is below "
            f"{percent(floor)}, the rate with no circumstance at all: no coalition can reach it "
            "(`coalition scenarios show` gives the baseline)"
        )
    ]


def run_notes(spec, params: dict) -> list[str]:
    """What ``run`` and ``sweep`` say of a scenario before running it (``params``: the values given)."""
    return setting_notes(spec) + step_notes(spec, params) + target_notes(spec)


def setting_notes(spec) -> list[str]:
    """One line per setting the scenario gives that the model never uses (``file:line: field: why``)."""
    from pathlib import Path

    from sim.scenario.locator import Locator
    from sim.scenario.roles import unused_settings

    notes = unused_settings(spec)
    if not notes:
        return []
    label, locator = spec.path or spec.name, None
    if spec.path and Path(spec.path).is_file():
        try:
            locator = Locator(Path(spec.path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            locator = None
    lines = []
    for path, why in notes:
        line = locator.line(path) if locator else None
        lines.append(one_line(f"note: {label}{f':{line}' if line else ''}: {path}: {why}"))
    return lines
