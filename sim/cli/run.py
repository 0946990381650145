"""``coalition run``: one run, a summary in plain words, a per-step table and a figure.

Everything that can go wrong with the output folder is checked before the run starts; the
four files are written under temporary names and renamed into place together, so a failed
or interrupted run leaves none of them (see :mod:`sim.runs.outputs`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.cli.common import (
    check_horizon,
    horizon,
    parse_sets,
    path,
    positive_int,
    preset_file,
    preset_name,
    run_notes,
    seed_value,
    text_columns,
)
from sim.errors import one_line
from sim.model.events import how_many, percent, target_percent
from sim.model.params import PARAMETERS
from sim.model.reporters import week_table

FILES = ("steps.csv", "organizations.csv", "run.png", "run.json")
OLD_FILES = FILES[:3]  # what a run wrote before run.json was recorded
DEFAULT_ROOT = Path("out")


def add_parser(subparsers) -> None:
    """Register ``coalition run``."""
    p = subparsers.add_parser("run", help="run one scenario and write its table and figure")
    p.add_argument("scenario", nargs="?", default="chicago_absenteeism", help="a name from scenarios/ or a path")
    p.add_argument(
        "--steps",
        type=positive_int,
        help="horizon in steps, weeks unless the scenario says otherwise (default: the scenario's)",
    )
    p.add_argument("--seed", type=seed_value, default=0, help="random seed (default 0)")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help=f"a model parameter ({', '.join(PARAMETERS)})"
    )
    p.add_argument(
        "--out",
        type=path,
        help=(
            "folder for the tables, figure and run.json "
            "(default out/<scenario name, made file-safe; a short hash added when that changed it>)"
        ),
    )
    p.add_argument(
        "--preset",
        type=preset_name,
        help="start from a preset: a shipped one's NAME (scenarios/presets/<scenario>/NAME.toml) or a preset file",
    )
    p.set_defaults(handler=cmd_run)


def cmd_run(args) -> int:
    """``coalition run``: one run, a summary, a per-step table and a figure."""
    from sim.runs.outputs import Staged, child, prepare
    from sim.runs.provenance import scenario_record
    from sim.scenario.load import load_scenario

    params = parse_sets(args.set)
    preset = None
    if args.preset:
        from sim.runs.presets import preset_parameters
        from sim.runs.provenance import preset_record

        params = {**preset_parameters(args.scenario, args.preset), **params}  # --set wins
        preset = preset_record(args.scenario, args.preset)  # as a sweep's manifest records it
    steps = horizon(args.steps, params)
    params.pop("steps", None)
    scenario = load_scenario(args.scenario)  # a bad name or file: one line, before anything is written
    source_file = scenario_file(args.scenario)
    source = scenario_record(scenario, source_file)  # hashed as it was read, before the run
    check_horizon(steps, scenario, "--steps" if args.steps is not None else "--set steps")
    for note in run_notes(scenario, params):
        print(note, file=sys.stderr)
    out = args.out if args.out is not None else child(DEFAULT_ROOT, scenario.name)
    label = f"--out {out}" if args.out is not None else f"{out} (the default --out)"
    made = prepare(out, label, FILES, inputs=(source_file, preset_file(args.scenario, args.preset)))
    earlier_run(out, label, source, default=args.out is None)  # the folder was there: nothing was made
    with Staged(out, label, made) as staged:  # from here, an interruption leaves no folder it made
        # the model, Mesa, pandas and matplotlib only once the input is known to be good: a mistake is
        # reported in half a second, not three
        from sim.model.model import CoalitionModel
        from sim.model.reporters import run_summary
        from sim.model.runner import advance
        from sim.runs.plots import plot_run
        from sim.runs.progress import Progress, announced

        members = how_many(len(scenario.organizations), ("organization", "organizations"))
        with announced(f"run: building the model ({members}) ..."):
            model = CoalitionModel(scenario, steps=steps, rng=args.seed, **params)  # the scenario as read above
        progress = Progress("run", model.horizon, unit=model.spec.header.step_unit[0])
        believed = [model.diagnosed_group]  # the group the pooled diagnosis names, week by week (text: not a reporter)

        def week_done():
            believed.append(model.diagnosed_group)
            progress.update()

        try:
            advance(model, on_step=week_done)
        finally:
            progress.close()
        summary = run_summary(model)
        table = week_table(model)
        table["diagnosed_group"] = [one_line(g) for g in believed]
        table.to_csv(staged.path("steps.csv"))
        text_columns(members_table(model)).to_csv(staged.path("organizations.csv"), index=False)
        title = one_line(f"{model.spec.title} (seed {args.seed})")
        figure = plot_run(table, model.target_rate, title=title, unit=model.spec.header.step_unit[0])
        figure.savefig(staged.path("run.png"), dpi=110, format="png")
        record = run_record(model, args, params, source, preset)
        staged.path("run.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        written = staged.commit()
    print(describe(model, summary))
    print(f"wrote {', '.join(one_line(str(p)) for p in written)}")
    return 0


def run_record(model, args, given: dict, source: dict, preset: dict | None = None) -> dict:
    """What ``run.json`` records: the scenario (path and hashes), seed, horizon, every parameter, the results.

    ``given``: the parameters set by ``--set`` and ``--preset``; ``parameters``: all of them,
    defaults included, so that the run can be repeated and told apart from another arm;
    ``preset``: the preset's name as given, its absolute path and its file's SHA-256 (None without one).
    """
    from sim.model.runner import EVENT_WEEKS, results
    from sim.runs.provenance import code_record, package_versions
    from sim.runs.record import resolved_parameters

    return {
        "scenario": source,
        "seed": args.seed,
        "steps": model.horizon,
        "preset": preset,
        "given": given,
        "parameters": resolved_parameters(model),  # a default of None as the scenario set it
        "summary": results(model, censor=EVENT_WEEKS),  # as sim.run gives them
        "code": code_record(logic=False),  # a run is not resumed: its bytes say what made it
        "versions": package_versions(),
    }


def earlier_run(out: Path, label: str, source: dict, default: bool) -> None:
    """Refuse to replace files in ``out`` that no run wrote, or, in a default folder, another scenario's run.

    A run replaces an earlier run's files: its ``run.json`` says it was one, and a version
    before ``run.json`` was recorded wrote ``steps.csv``, ``organizations.csv`` and ``run.png``
    together. A ``steps.csv`` of the user's is not replaced. Two scenario files that share a
    ``name`` share a default folder: one with other content is refused there (a copy of the same
    file, another checkout's say, is not).

    Args:
        out: the run's folder (which :func:`sim.runs.outputs.prepare` has checked).
        label: how the folder is named in messages.
        source: the scenario as :func:`sim.runs.provenance.scenario_record` records it.
        default: whether ``out`` is the default folder, named after the scenario.
    """
    from sim.cli.common import UsageError

    record = out / "run.json"
    if not record.is_file():
        there = [name for name in FILES if (out / name).exists()]
        if there and set(there) != set(OLD_FILES):
            raise UsageError(f"{label}: {there[0]} is there and no run wrote it (no run.json); choose another folder")
        return
    try:
        if record.stat().st_size > 10_000_000:  # a run writes a few kilobytes: not one, and not read whole
            raise ValueError("too large")
        earlier = json.loads(record.read_text(encoding="utf-8"))["scenario"]
        content = earlier.get("content_sha256")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(f"{label}: run.json is there and is not a run's record; choose another folder") from None
    if default and content and source.get("content_sha256") and content != source["content_sha256"]:
        if earlier.get("path") != source.get("path"):
            raise UsageError(
                f"{label}: holds the run of another scenario of the same name ({earlier.get('path')}); give --out DIR"
            )


def scenario_file(name_or_path):
    """The scenario's file, resolved (a shipped name's file in scenarios/), or None."""
    from sim.scenario.load import scenario_path

    path = scenario_path(name_or_path) if name_or_path is not None else None
    return path.resolve() if path is not None and path.is_file() else None


def members_table(model):
    """Every member's DataCollector rows, one per member and week: organizations and community partners.

    Columns: ``week``, ``agent_id``, ``kind`` ("organization" or "community partner"), then
    the agent reporters (``name``, ``state``, ``trust``, ``frustration``, ``sharing``, ``budget``).
    """
    import pandas as pd

    frames = []
    for cls, kind in ((model.organization_class, "organization"), (model.partner_class, "community partner")):
        frame = model.datacollector.get_agenttype_vars_dataframe(cls)
        if frame.empty:  # a type with no agents (community="absent")
            continue
        frame = frame.reset_index().rename(columns={"Step": "week", "AgentID": "agent_id"})
        frames.append(frame.assign(week=frame["week"].astype(int), kind=kind))
    table = pd.concat(frames, ignore_index=True).sort_values(["week", "agent_id"], kind="stable")
    first = ["week", "agent_id", "name", "kind"]
    return table[first + [c for c in table.columns if c not in first]].reset_index(drop=True)


def arm(model) -> dict:
    """The leader and the community, then every other parameter that is not at its default."""
    values = vars(model.params)
    out = {"leader": model.leader_mode, "community": model.community_mode}
    for name, p in PARAMETERS.items():
        if name not in out and name != "steps" and values[name] != p.convert(p.default):
            out[name] = f"{values[name]:g}" if isinstance(values[name], float) else values[name]
    return out


def describe(model, summary: dict) -> str:
    """A short summary in plain words (every text from the scenario printed on one line)."""
    from sim.model.organization import State

    outcome = one_line(model.people_outcome)
    step, steps = model.spec.header.step_unit  # "week", "weeks" unless the scenario's step is another
    lines = [
        f"{one_line(model.spec.title)}: {model.horizon} {steps}, {model.n_people:,} people, "
        + ", ".join(f"{name}={value}" for name, value in arm(model).items())
    ]
    if summary["goal_reached"]:
        lines.append(
            f"goal reached in {step} {summary['steps_to_goal']}: {outcome} "
            f"held at or under {target_percent(model.target_rate)} for {how_many(model.hold_steps, (step, steps))}"
        )
    else:
        lines.append(f"goal not reached: {outcome} did not hold at or under {target_percent(model.target_rate)}")
    if model.start_rate <= model.target_rate:  # the goal says nothing about the coalition
        lines.append(
            f"note: the target is at or above the expected rate at the start ({percent(model.start_rate)}): the "
            "goal needs no coalition (`coalition scenarios show` gives the do-nothing baseline)"
        )
    week0 = model.datacollector.model_vars["outcome_rate"][0]
    lines.append(
        f"outcome rate: {percent(model.people.outcome_rate)} at the end, {percent(week0)} in {step} 0 "
        f"(one {step}'s draw, not a baseline: `coalition scenarios show` gives the do-nothing baseline)"
    )
    # members: organizations and community partners
    joined = [one_line(m.name) for m in model.members if m.joined_step is not None]
    left = [one_line(m.name) for m in model.members if m.state == State.LEFT]
    lines.append(f"joined ({len(joined)}): {', '.join(joined) or 'nobody'}")
    lines.append(f"left ({len(left)}): {', '.join(left) or 'nobody'}")
    money = f"money spent {summary['money_spent']:.0f}; system changes {summary['system_changes']}"
    group_of = dict(zip(model.people.names, model.people.groups, strict=True))
    labels = dict(zip(model.people.names, model.people.labels, strict=True))
    lines.append(f"{_diagnosis_words(summary, group_of, labels)}; {money}")
    return "\n".join(lines)


def _diagnosis_words(summary: dict, group_of: dict, labels: dict) -> str:
    """The pooled diagnosis at the end, in words (also when it names nothing, and why).

    Where the scenario groups circumstances, the believed group comes first and then its
    largest single cause, which need not belong to that group (a group of three middling
    causes can outweigh one large one). A cause reads as the scenario's label, with the
    name that ``run.json`` and the tables give in square brackets when they differ.
    """
    cause, group = summary["diagnosed_cause"], summary["diagnosed_group"]
    if cause:
        label = labels.get(cause, cause)
        said = one_line(cause) if label == cause else f"{one_line(label)} [{one_line(cause)}]"
        accuracy = f"accuracy {summary['diagnosis_accuracy']:.2f}"
        if group == cause:
            return f"diagnosed cause: {said} ({accuracy})"
        accuracy += f", by group {summary['group_accuracy']:.2f}"
        if group_of.get(cause) == group:
            return f"diagnosed group: {one_line(group)}, mostly {said} ({accuracy})"
        own = group_of.get(cause, cause)  # a circumstance in no group is its own: "of group X" says nothing
        where = "in no group" if own == cause else f"of group {one_line(own)}"
        return f"diagnosed group: {one_line(group)} (largest single cause: {said}, {where}; {accuracy})"
    if not summary["sharing_count"]:
        return "diagnosed cause: none (no records pooled at the end)"
    return "diagnosed cause: none stands out in the pooled records at the end"
