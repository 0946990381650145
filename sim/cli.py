"""The ``coalition`` command: run, scenarios, sweep, viz, table.

Bad input gets one line on stderr, ``error: <where>: <what is wrong>``, and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from sim.params import PARAMETERS, ParameterError, check_params
from sim.schema import ScenarioError

EXIT_USAGE = 2

# subcommands living in their own modules, each with add_parser(subparsers)
PLUGINS = ("sim.sweep.cli", "sim.viz_cli", "sim.table_cli")


class UsageError(Exception):
    """A user mistake: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
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
    """``["patience=13", "leader=point"]`` -> checked parameter values."""
    raw = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--set {pair}: expected name=value, e.g. --set patience=13")
        raw[name.strip()] = value.strip()
    try:
        return check_params(raw, where="--set")
    except ParameterError as err:
        raise UsageError(str(err)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(prog="coalition", description="Organizations forming a coalition around an upstream problem.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("run", help="run one scenario and write its table and figure")
    p.add_argument("scenario", nargs="?", default="chicago_absenteeism", help="a name from scenarios/ or a path")
    p.add_argument("--steps", type=positive_int, help="horizon in weeks")
    p.add_argument("--seed", type=seed_value, default=0, help="random seed (default 0)")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help=f"a model parameter ({', '.join(PARAMETERS)})"
    )
    p.add_argument("--out", type=Path, help="directory for the table and figure (default out/<scenario>)")
    p.set_defaults(handler=cmd_run)
    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(handler=cmd_scenarios)
    for module in PLUGINS:
        try:
            mod = importlib.import_module(module)
        except ImportError as err:
            if err.name and (err.name == module or module.startswith(err.name + ".")):
                continue  # that part is not built (or its extra is not installed)
            raise
        mod.add_parser(sub)
    return parser


def cmd_run(args) -> int:
    """``coalition run``: one run, a summary, a per-step table and a figure."""
    from sim.model import CoalitionModel
    from sim.plots import plot_run
    from sim.reporters import run_summary

    params = parse_sets(args.set)
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
    from sim.organization import State

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


def cmd_scenarios(args) -> int:
    """``coalition scenarios``: one line per shipped scenario."""
    from sim.scenario import available_scenarios, load_scenario

    for name in available_scenarios():
        try:
            spec = load_scenario(name)
            print(f"{name:34s} {spec.title}")
        except ScenarioError as err:
            print(f"{name:34s} (broken: {err})")
    return 0


def main(argv=None) -> int:
    """Entry point of the ``coalition`` command."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args) or 0
    except (UsageError, ScenarioError, ParameterError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
