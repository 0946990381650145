"""Writing a scenario back out as TOML (``tomli-w``): ``load(dump(s)) == s``.

Every field is written, defaults included, so the text documents the whole scenario; a
generated (``[generator]``) scenario is written out expanded.
"""

from __future__ import annotations

import tomli_w

from sim.scenario.spec import Scenario


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as TOML text that :func:`sim.scenario.parse_scenario` reads back equal."""
    data = scenario.model_dump(by_alias=True)
    header = f"# Scenario {scenario.name!r}, written by sim.scenario.dump_scenario.\n\n"
    return header + tomli_w.dumps(data, multiline_strings=True)
