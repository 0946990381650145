"""``coalition scenarios``: the shipped scenarios; ``scenarios show`` and ``scenarios preset``: one of them.

``preset`` prints a preset with every parameter counted in weeks rescaled to the scenario's
step (:mod:`sim.model.timescale`). ``show`` prints the do-nothing baseline
(:mod:`sim.model.baseline`): the outcome's expected rate with no coalition at the start, at
the horizon and in the long run, each circumstance's stated and simulated prevalence and who
records it, and the target's distance from it.
"""

from __future__ import annotations

import math

import numpy as np

from sim.cli.common import UsageError, check_horizon, horizon, positive_int, seed_value
from sim.errors import one_line
from sim.model.events import how_many, percent, target_percent
from sim.scenario.messages import ScenarioError


def add_parser(subparsers) -> None:
    """Register ``coalition scenarios`` and ``coalition scenarios show``."""
    p = subparsers.add_parser("scenarios", help="list the shipped scenarios; `scenarios show NAME` for one")
    p.set_defaults(handler=cmd_scenarios, prints=True)  # its product is standard output
    sub = p.add_subparsers(dest="action", parser_class=type(p))
    show = sub.add_parser("show", help="a scenario's do-nothing baseline, circumstances and target")
    show.add_argument("scenario", help="a name from scenarios/ or a path to a TOML file")
    show.add_argument(
        "--steps",
        type=positive_int,
        help="horizon in steps, weeks unless the scenario says otherwise (default: the scenario's)",
    )
    show.add_argument("--people", type=positive_int, help="people simulated (default 50,000)")
    show.add_argument("--seed", type=seed_value, default=0, help="random seed (default 0)")
    show.set_defaults(handler=cmd_show)
    preset = sub.add_parser(
        "preset",
        help="print a preset with every parameter counted in weeks rescaled to the scenario's step",
        description="Print (to stdout) a preset for a scenario whose step is not a week: every parameter "
        "counted in weeks or per week, and the smoothing weights, rescaled by docs/scenarios.md's rules. "
        "Save it with `> FILE.toml` and run with --preset FILE.toml.",
    )
    preset.add_argument("scenario", help="a name from scenarios/ or a path to a TOML file")
    preset.set_defaults(handler=cmd_preset)


def cmd_scenarios(args) -> int:
    """``coalition scenarios``: one line per shipped scenario."""
    from sim.scenario.load import available_scenarios, load_scenario

    for name in available_scenarios():
        try:
            print(f"{name:34s} {one_line(load_scenario(name).title)}")
        except ScenarioError as err:
            print(f"{name:34s} (broken: {one_line(str(err))})")
    return 0


def cmd_show(args) -> int:
    """``coalition scenarios show``: the do-nothing baseline and the target."""
    from sim.model.baseline import do_nothing
    from sim.model.params import PARAMETERS, ParameterError
    from sim.scenario.load import load_scenario

    spec = load_scenario(args.scenario)
    check_horizon(horizon(args.steps, {}), spec)
    try:
        people = PARAMETERS["n_people"].convert(args.people)
    except ParameterError as err:
        raise UsageError(f"--people: {err}") from None
    from sim.cli.common import setting_notes, step_notes

    print(describe(spec, do_nothing(spec, steps=args.steps, people=people, seed=args.seed), args.seed))
    for note in setting_notes(spec) + step_notes(spec, {}, when=" when you run it"):
        print(note)
    return 0


def cmd_preset(args) -> int:
    """``coalition scenarios preset``: the weekly parameters rescaled to the scenario's step, as a preset."""
    import tomli_w

    from sim.model.params import PARAMETERS
    from sim.model.timescale import SCENARIO_STEP_FIELDS, by_rule, capped, left_out_defaults, rescaled_for
    from sim.runs.presets import scenario_key
    from sim.scenario.load import load_scenario

    spec = load_scenario(args.scenario)
    days, step = spec.header.days_per_step, spec.header.step_unit[0]
    left_out = left_out_defaults(spec)  # the scenario's own step-counted fields it leaves out: rescaled too
    values = {n: float(f"{v:.6g}") if isinstance(v, float) else v for n, v in rescaled_for(spec).items()}
    head = {
        "scenario": scenario_key(spec),
        "description": f"the weekly defaults rescaled to {days:g}-day steps",
        "days_per_step": days,
    }
    lines = [
        f"# coalition scenarios preset {one_line(str(args.scenario))}: a step is {days:g} "
        f"day{'' if days == 1 else 's'} (a {step}); each",
        "# parameter counted in weeks or per week is the default rescaled (docs/scenarios.md, Units):",
    ]
    for name, value in values.items():
        p = PARAMETERS[name]
        weekly = float(left_out.get(name, p.default))  # type: ignore[arg-type]
        limit = ""
        if capped(name, weekly, days):  # the range, not the rule, set it: say what the rule gives
            limit = f" (the range's limit; the rule gives {by_rule(name, weekly, days):.6g})"
        lines.append(f"#   {name}: {weekly:g} {p.unit} -> {value:g}{limit}")
    for field, name in SCENARIO_STEP_FIELDS:
        if name not in left_out:
            lines.append(f"# {name} is the scenario's {field}, given in its steps: not here")
    if days == 7:
        lines.append("# (a step is a week here: nothing changes)")
    text = tomli_w.dumps({"preset": head, "parameters": values})
    print("\n".join(lines) + "\n" + text, end="")
    return 0


def describe(spec, base, seed: int) -> str:
    """The baseline in plain words and a table of circumstances."""
    from sim.model.baseline import MAX_SETTLE

    pop = spec.population
    outcome = one_line(pop.outcome)
    target = pop.target_rate
    step, steps = spec.header.step_unit  # "week", "weeks" unless the scenario's step is another
    lines = [
        f"{one_line(spec.title)} ({one_line(spec.path or spec.name)})",
        f"do-nothing baseline: the people's circumstances only, no coalition "
        f"({base.people:,} people simulated, seed {seed}; expected rates, without each {step}'s draw noise)",
        f"  {outcome}: {percent(base.start)} in {step} 0, {percent(base.end)} in {step} {base.horizon} (the horizon), "
        f"{percent(base.steady)} in the long run (steady state, {base.settle_weeks:,} {steps} simulated: "
        f"the horizon, or five times the longest-lasting circumstance's duration if longer, "
        f"at most {MAX_SETTLE:,})",
        f"  with no circumstance at all: {percent(base.floor)} (no intervention can go below this)",
        f"target: {outcome} at or under {target_percent(target)} "
        f"for {how_many(pop.hold_steps, (step, steps))} in a row",
    ]
    gap = base.steady - target
    if gap <= 0:
        lines.append(f"  already met without doing anything: the steady state is {points(-gap)} points under it")
    else:
        above = target - base.floor
        floor = f"{points(above)} points above the floor" if above >= 0 else "below the floor"
        lines.append(f"  {points(gap)} points ({gap / base.steady:.0%}) below the steady state; {floor}")
        if above < 0:
            lines.append(f"  {points(-above)} points below the floor: no coalition can reach it")
        lines += _noise(pop, base, gap, step, steps)
    lines += _money(spec, step, steps)
    lines += ["", _table(spec, base)]
    return "\n".join(lines)


def _money(spec, step: str, steps: str) -> list[str]:
    """What the members' budgets could buy, against the interventions' prices."""
    budget = sum(o.budget for o in spec.organizations)
    iv = spec.interventions
    if budget <= 0:
        return [f"money: the organizations' budgets add up to 0 a {step}: nothing can be bought"]
    system = f"{iv.system_cost / budget:.1f} {steps} of them" if iv.system_cost > 0 else "free"
    return [
        f"money: the organizations' budgets add up to {budget:g} a {step}; a system change costs "
        f"{iv.system_cost:g} ({system}; it lowers its cause's onset by {iv.system_effect:.0%} after "
        f"{iv.system_lag} {steps}), a case of case work {iv.case_cost:g}; a committed member pledges "
        "pledge_share (a quarter by default) of its budget, so the shipped scenarios' coalitions pool about "
        "a tenth of all budgets over a run"
    ]


def _noise(pop, base, gap: float, step: str, steps: str) -> list[str]:
    """How far a week's draw strays from the expected rate, and how often noise alone would meet the goal.

    The chance is a floor: each week's count is drawn as a binomial of ``size`` people at the
    steady rate (exact, so small populations count too), and ``hold_steps`` such weeks in a row
    anywhere in the horizon; the circumstances' own ups and downs make it likelier still.
    """
    from scipy.stats import binom

    sd = math.sqrt(base.steady * (1 - base.steady) / pop.size)
    if sd == 0:
        return []
    people = "person" if pop.size == 1 else "people"
    lines = [
        f"  a {step}'s rate among {pop.size:,} {people} strays about {points(sd)} points from the expected rate "
        f"(one standard deviation): the target is {gap / sd:.1f} of them below the steady state"
    ]
    under = float(binom.cdf(math.floor(pop.target_rate * pop.size + 1e-9), pop.size, base.steady))
    chance = run_of(under, pop.hold_steps, base.horizon)
    if chance >= 0.01:
        shown = "nearly every run" if chance > 0.99 else f"at least {chance:.0%} of runs"
        lines.append(
            f"  note: with no coalition at all, noise alone would meet the goal in {shown} over "
            f"{base.horizon} {steps}; a larger size, a longer hold_steps or a lower target makes it a test of "
            "the coalition"
        )
    return lines


def run_of(chance: float, length: int, weeks: int) -> float:
    """The chance of ``length`` weeks in a row, each with ``chance``, somewhere in ``weeks`` weeks (exact)."""
    if length > weeks:
        return 0.0
    streak = np.zeros(length)  # the chance of being on a streak of k weeks, not yet long enough
    streak[0], done = 1.0, 0.0
    for _ in range(weeks):
        done += chance * streak[-1]
        streak = np.concatenate(([(1 - chance) * streak.sum()], chance * streak[:-1]))
    return float(done)


def points(share: float) -> str:
    """A difference of shares in percentage points: one decimal, or two significant digits below 1 point."""
    value = share * 100
    if value == 0 or abs(value) >= 1:
        return f"{value:.1f}"
    return f"{value:.{1 - math.floor(math.log10(abs(value)))}f}"


def _name(org, role: str) -> str:
    """An organization's name, saying when it lacks the role that would use the setting listed."""
    return org.name if role in org.roles else f"{org.name} (no {role} role: never used)"


def _table(spec, base) -> str:
    step = spec.header.step_unit[0]
    header = (
        "circumstance",
        "stated",
        f"{step} 0",
        "steady",
        "weight",
        "cause",
        "recorded by",
        "changed by (authority)",
    )
    rows: list[tuple[str, ...]] = [header]
    parts = [max(c.weight, 0.0) * c.steady for c in base.circumstances]  # as People.true_shares
    total = sum(parts) or 1.0
    unseen = []  # circumstances no records show: part of the real cause no diagnosis can name
    for c, part in zip(base.circumstances, parts, strict=True):
        recorded = [_name(o, "data") for o in spec.organizations if c.name in o.records]
        recorded += [f"{p.name} (community)" for p in spec.community if c.name in p.knows]
        if not recorded and part > 0:
            unseen.append((c.name, part / total))
        authority = [_name(o, "authority") for o in spec.organizations if c.name in o.authority]
        rows.append(
            (
                c.name,
                percent(c.stated),
                percent(c.start),
                percent(c.steady),
                f"{c.weight:+.2f}",
                f"{part / total:.0%}",
                ", ".join(recorded) or "nobody",
                ", ".join(authority) or "nobody",
            )
        )
    rows = [tuple(one_line(x) for x in row) for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 2)]
    out = []
    for row in rows:
        cells = [row[i].ljust(w) if i == 0 else row[i].rjust(w) for i, w in enumerate(widths)]
        out.append("  ".join(cells + list(row[-2:])).rstrip())
    out.append(f"stated: the scenario's prevalence, its steady state without `raises`; {step} 0 and steady: simulated")
    out.append(
        "cause: its part of the real cause at the steady state (weight x prevalence, positive weights, normalised), "
        "what the diagnosis is judged against"
    )
    groups: dict[str, float] = {}
    members: dict[str, list[str]] = {}
    for c, part in zip(spec.population.circumstances, parts, strict=True):
        groups[c.group or c.name] = groups.get(c.group or c.name, 0.0) + part / total
        members.setdefault(c.group or c.name, []).append(c.name)
    # a group named apart from its circumstances is what `run` and sweeps report (diagnosed_group),
    # even when it holds one circumstance: say what each such name holds
    if any(c.group and c.group != c.name for c in spec.population.circumstances):
        ranked = sorted(groups.items(), key=lambda kv: -kv[1])
        shown = [
            one_line(name)
            + ("" if members[name] == [name] else f" ({', '.join(map(one_line, members[name]))})")
            + f" {share:.0%}"
            for name, share in ranked
        ]
        out.append("by group: " + ", ".join(shown))
    if unseen:
        names = ", ".join(one_line(name) for name, _ in unseen)
        share = sum(part for _, part in unseen)
        out.append(
            f"note: nobody records {names} ({share:.0%} of the real cause): no diagnosis can name "
            f"{'it' if len(unseen) == 1 else 'them'}, nor reach an accuracy of 1 (docs/scenarios.md)"
        )
    return "\n".join(out)
