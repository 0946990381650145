"""``coalition scenarios``: the shipped scenarios."""

from __future__ import annotations

from sim.scenario.messages import ScenarioError


def add_parser(subparsers) -> None:
    """Register ``coalition scenarios``."""
    p = subparsers.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(handler=cmd_scenarios)


def cmd_scenarios(args) -> int:
    """``coalition scenarios``: one line per shipped scenario."""
    from sim.scenario.load import available_scenarios, load_scenario

    for name in available_scenarios():
        try:
            spec = load_scenario(name)
            print(f"{name:34s} {spec.title}")
        except ScenarioError as err:
            print(f"{name:34s} (broken: {err})")
    return 0
