"""A tab's settings: what the controls show, what the URL keeps, what the next run uses.

Settings are a plain dict keyed by the model's keywords (``scenario_name``, ``leader``,
``patience``...) plus ``seed``. They travel in the page's URL (``?leader=none&seed=42``),
so a reload starts a fresh run with the same settings and a teacher can hand out a link.
Numbers stay inside ranges that suit a lesson; the command line keeps the model's full
ranges (``sim.model.params.PARAMETERS``).
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl, urlencode

from sim.model.params import PARAMETERS
from sim.scenario.load import available_scenarios, load_scenario
from sim.viz.lenient import DEFAULT_SCENARIO, NO_ROLE, lenient_seed, lenient_value

DEFAULT_SEED = 42
# (parameter, label, lesson low, lesson high, slider step)
NUMBERS = (
    ("patience", "Patience ({units})", 4, 104, 1),  # {units}: the scenario's steps (weeks, months...)
    ("initial_trust", "Initial trust", 0.0, 1.0, 0.05),
    ("translation", "Leader skill: translation", 0.0, 1.0, 0.05),
    ("trust_building", "Leader skill: trust building", 0.0, 1.0, 0.05),
    ("shared_metric", "Leader skill: shared metric", 0.0, 1.0, 0.05),
)
CHOICES = (("leader", "Leader"), ("community", "Community"), ("missing_role", "Missing role"))
# a scenario bigger than this would slow every other student's page down (chicago_city: 322,106 people)
MAX_PEOPLE, MAX_ORGANIZATIONS = 20_000, 60
SHORT = {"initial_trust": "trust", "missing_role": "missing", "trust_building": "trust building", "steps": "weeks"}
# weeks in a run: only from the URL (``?steps=52``), for a short demonstration; default the scenario's
STEPS_RANGE = (4, 520)


@functools.cache
def scenario_choices() -> tuple:
    """Shipped scenarios small enough for a class of browsers, the default first."""
    small = []
    for name in available_scenarios():
        spec = load_scenario(name)
        if spec.population.size <= MAX_PEOPLE and len(spec.organizations) <= MAX_ORGANIZATIONS:
            small.append(name)
    return tuple(sorted(small, key=lambda n: n != DEFAULT_SCENARIO))


@functools.lru_cache(maxsize=64)
def scenario_title(scenario_name: str) -> str:
    """A scenario's title for a selector (its name if it cannot be read)."""
    try:
        return load_scenario(scenario_name).title
    except Exception:  # a bad name is reported by the settings' own check
        return scenario_name


def defaults(scenario_name: str = DEFAULT_SCENARIO) -> dict:
    """The settings a new tab starts with."""
    out: dict[str, object] = {"scenario_name": scenario_name}
    out.update({name: PARAMETERS[name].default for name, _ in CHOICES})
    out.update({name: PARAMETERS[name].default for name, *_ in NUMBERS})
    out["seed"] = DEFAULT_SEED
    return out


def clean(values: dict, scenario_name: str = DEFAULT_SCENARIO, seed=None) -> tuple[dict, list[str]]:
    """Settings from raw values (text from a URL or a text box), and a message for each value changed.

    Unknown keys are ignored; a value that is not usable falls back to the default; a number
    outside the lesson's range is moved to the nearest end of it. ``seed``: the seed in use,
    kept when a typed one is not usable (a class told "everyone uses 42" must not drift apart);
    without it (a link) such a seed is drawn afresh.
    """
    out, messages = defaults(scenario_name), []
    if "scenario_name" in values:
        name = str(values["scenario_name"])
        if name in scenario_choices() or name == scenario_name:
            out["scenario_name"] = name
        else:
            messages.append(f"scenario {name!r} is not offered on this page; showing {scenario_name!r}")
    units = step_units(out["scenario_name"])[1]
    for name, label in CHOICES:
        if name in values:
            out[name], message = lenient_value(name, values[name])
            if message and name == "missing_role":  # in the selector's words, not the parameter's ''
                roles = ", ".join(c for c in PARAMETERS[name].choices if c)
                message = f"{label}: {values[name]!r} is not a role ({roles}); used {NO_ROLE}"
            messages += [_labelled(message, name, label)] if message else []
    for name, label, low, high, _ in NUMBERS:
        if name not in values:
            continue
        value, message = lenient_value(name, values[name])
        words = label.format(units=units)
        if not low <= value <= high:
            clamped = PARAMETERS[name].convert(min(max(value, low), high))
            message = f"{words}: {values[name]} is outside this page's range {low:g}-{high:g}; used {clamped:g}"
            value = clamped
        out[name] = value
        messages += [_labelled(message, name, words)] if message else []
    if "seed" in values:
        out["seed"], message = lenient_seed(values["seed"], keep=seed)
        messages += [message] if message else []
    if values.get("steps") not in (None, ""):
        steps, message = lenient_value("steps", values["steps"])
        if steps is not None:
            used = min(max(steps, STEPS_RANGE[0]), STEPS_RANGE[1])
            if used != steps:  # the note names the steps the run will have, not the model's own limit
                units = step_units(out["scenario_name"])[1]
                low, high = STEPS_RANGE
                message = f"steps: {values['steps']} is outside this page's range {low}-{high} {units}; used {used}"
            out["steps"] = used
        messages += [message] if message else []
    return out, messages


def label_of(name: str, scenario_name: str = DEFAULT_SCENARIO) -> str:
    """What the page calls the setting ``name`` (its label; the address's own key for the others)."""
    numbers = {n: text.format(units=step_units(scenario_name)[1]) for n, text, *_ in NUMBERS}
    return (numbers | dict(CHOICES) | {"scenario_name": "Scenario", "seed": "Seed"}).get(name, name)


def _labelled(message: str, name: str, label: str) -> str:
    """A note about ``name`` headed by the label the page shows for it (``Initial trust: ...``)."""
    return f"{label}:{message.removeprefix(name + ':')}" if message.startswith(name + ":") else message


def is_about(name: str, note: str) -> bool:
    """Whether a note from :func:`clean` is about the setting ``name`` (it starts with its name or label)."""
    labels = {n: label for n, label, *_ in NUMBERS} | dict(CHOICES) | {"scenario_name": "scenario"}
    heads = {name, labels.get(name, name).split(" (")[0]}
    return any(note.startswith((f"{head}:", f"{head} ")) for head in heads)


def from_query(search: str | None, scenario_name: str = DEFAULT_SCENARIO) -> tuple[dict, list[str]]:
    """Settings from a URL's query string (``leader=none&seed=42``); ``scenario=`` means ``scenario_name=``.

    A key that is no setting of the page is named in a note (a link mistyped by hand), not
    silently ignored.
    """
    pairs = [("scenario_name" if k == "scenario" else k, v) for k, v in parse_qsl(search or "", keep_blank_values=True)]
    values: dict[str, str] = {}
    given: dict[str, list[str]] = {}
    for key, value in pairs:
        given.setdefault(key, []).append(value)
        values[key] = value
    times = {2: "twice"}
    twice = [
        (
            key,
            f"given {times.get(len(seen), f'{len(seen)} times')} ({_short(seen[0])!r}, "
            f"{'then' if len(seen) == 2 else '...'} {_short(seen[-1])!r}); used the last",
        )
        for key, seen in given.items()
        if len(set(seen)) > 1
    ]
    known = set(defaults(scenario_name)) | {"steps"}
    unknown = [key for key in values if key not in known]
    empty = [k for k, v in values.items() if k in known and v == "" and k != "missing_role"]
    values = {k: v for k, v in values.items() if k in known and (v != "" or k == "missing_role")}
    out, messages = clean(values, scenario_name)
    messages += [f"{label_of(key, out['scenario_name'])} {words}" for key, words in twice]
    messages += [f"{label_of(key, out['scenario_name'])}: no value given; used the page's default" for key in empty]
    if unknown:
        names = ", ".join(sorted(known - {"scenario_name"}) + ["scenario"])
        listed = ", ".join(_short(k) for k in unknown[:MAX_NOTES]) + (" and others" if len(unknown) > MAX_NOTES else "")
        messages.append(f"{listed}: not a setting of this page (these are: {names}); ignored")
    # a link made to prank a class (a 100,000-digit seed, 3,000 keys) gives a few short notes, not pages of them
    messages = [m if len(m) <= MAX_NOTE else m[: MAX_NOTE - 1] + "…" for m in messages]
    if len(messages) > MAX_NOTES:
        messages = messages[:MAX_NOTES] + [f"and {len(messages) - MAX_NOTES} more notes about this address"]
    return out, messages


MAX_NOTES = 12  # notes on one address at most
MAX_NOTE = 300  # characters a note


def _short(text: str, most: int = 40) -> str:
    """An address's value as a note quotes it: at most ``most`` characters."""
    return text if len(text) <= most else text[: most - 1] + "…"


def to_query(settings: dict) -> str:
    """The query string that gives these settings back (``from_query(to_query(s)) == s``), with ``scenario=``."""
    shown = {("scenario" if k == "scenario_name" else k): v for k, v in settings.items() if v is not None}
    return urlencode({k: (f"{v:g}" if isinstance(v, float) else v) for k, v in shown.items()})


def model_keywords(settings: dict) -> dict:
    """Keywords for :class:`sim.viz.lenient.ClassroomModel`."""
    keywords = {k: v for k, v in settings.items() if k != "seed"}
    keywords["rng"] = settings["seed"]
    return keywords


@functools.lru_cache(maxsize=64)
def step_units(scenario_name: str) -> tuple[str, str]:
    """What a step of ``scenario_name`` is called (``("week", "weeks")`` if it cannot be read)."""
    try:
        return load_scenario(scenario_name).header.step_unit
    except Exception:  # a bad name is reported by the settings' own check; the words can wait
        return "week", "weeks"


def shown(name: str, value, units: str = "weeks") -> str:
    """A setting's value in words."""
    if name == "missing_role":
        return value or NO_ROLE.strip("()")
    if name == "patience":
        return f"{value:g} {units}"
    if name == "steps":
        return f"{value:g}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe(settings: dict, names=None) -> str:
    """Settings in words, e.g. ``leader none, patience 52 weeks, seed 42``."""
    names = names or [n for n in settings if n != "scenario_name"]
    units = step_units(settings["scenario_name"])[1] if "scenario_name" in settings else "weeks"
    short = {**SHORT, "steps": units}
    return ", ".join(f"{short.get(n, n.replace('_', ' '))} {shown(n, settings[n], units)}" for n in names)


def labels(runs: list[dict], numbers: list[int] | None = None) -> list[str]:
    """A short label for each of several runs' settings: only what differs between them.

    ``numbers``: each run's number in the session (default 1, 2, ...), named where two runs'
    settings are the same (the same label would name two lines).
    """
    numbers = list(range(1, len(runs) + 1)) if numbers is None else numbers
    differ = [n for n in runs[0] if any(r[n] != runs[0][n] for r in runs)] if runs else []
    names = [describe(r, differ or ["leader", "seed"]) for r in runs]
    return [f"{name} (run {n})" if names.count(name) > 1 else name for name, n in zip(names, numbers, strict=True)]
