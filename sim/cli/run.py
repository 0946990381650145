"""``coalition run``: one run, a summary in plain words, a per-step table and a figure."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import parse_sets, positive_int, seed_value
from sim.model.params import PARAMETERS


def add_parser(subparsers) -> None:
    """Register ``coalition run``."""
    p = subparsers.add_parser("run", help="run one scenario and write its table and figure")
    p.add_argument("scenario", nargs="?", default="chicago_absenteeism", help="a name from scenarios/ or a path")
    p.add_argument("--steps", type=positive_int, help="horizon in weeks")
    p.add_argument("--seed", type=seed_value, default=0, help="random seed (default 0)")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help=f"a model parameter ({', '.join(PARAMETERS)})"
    )
    p.add_argument("--out", type=Path, help="directory for the table and figure (default out/<scenario>)")
    p.add_argument("--preset", help="start from a named preset's parameters (scenarios/presets/<scenario>/NAME.toml)")
    p.set_defaults(handler=cmd_run)


def cmd_run(args) -> int:
    """``coalition run``: one run, a summary, a per-step table and a figure."""
    from sim.model.model import CoalitionModel
    from sim.model.reporters import run_summary
    from sim.runs.plots import plot_run

    params = parse_sets(args.set)
    if args.preset:
        from sim.runs.presets import preset_parameters

        params = {**preset_parameters(args.scenario, args.preset), **params}  # --set wins
    if args.steps is not None:
        params["steps"] = args.steps
    model = CoalitionModel(args.scenario, rng=args.seed, **params)
    while model.running:
        model.step()
    summary = run_summary(model)
    out = args.out or Path("out") / model.spec.name
    out.mkdir(parents=True, exist_ok=True)
    table = model.datacollector.get_model_vars_dataframe()
    table.index.name = "week"
    table.to_csv(out / "steps.csv")
    orgs = model.datacollector.get_agenttype_vars_dataframe(type(model.organizations[0]))
    orgs.to_csv(out / "organizations.csv")
    fig = plot_run(table, model.target_rate, title=f"{model.spec.title} (seed {args.seed})")
    fig.savefig(out / "run.png", dpi=110)
    print(describe(model, summary))
    print(f"wrote {out / 'steps.csv'}, {out / 'organizations.csv'} and {out / 'run.png'}")
    return 0


def describe(model, summary: dict) -> str:
    """A short summary in plain words."""
    from sim.model.organization import State

    lines = [
        f"{model.spec.title}: {model.horizon} weeks, {model.n_people:,} people, "
        f"leader={model.leader_mode}, community={model.community_mode}"
    ]
    if summary["goal_reached"]:
        lines.append(
            f"goal reached in week {summary['steps_to_goal']}: {model.people_outcome} "
            f"held at or under {model.target_rate:.1%} for {model.hold_steps} weeks"
        )
    else:
        lines.append(f"goal not reached: {model.people_outcome} did not hold at or under {model.target_rate:.1%}")
    lines.append(
        f"outcome rate: {model.people.outcome_rate:.1%} at the end "
        f"(started near {model.datacollector.model_vars['outcome_rate'][0]:.1%})"
    )
    joined = [o.name for o in model.organizations if o.joined_step is not None]
    left = [o.name for o in model.organizations if o.state == State.LEFT]
    lines.append(f"joined ({len(joined)}): {', '.join(joined) or 'nobody'}")
    lines.append(f"left ({len(left)}): {', '.join(left) or 'nobody'}")
    lines.append(
        f"diagnosed cause: {summary['diagnosed_cause'] or 'none'} (accuracy {summary['diagnosis_accuracy']:.2f}); "
        f"money spent {summary['money_spent']:.0f}; system changes {summary['system_changes']}"
    )
    return "\n".join(lines)
