"""Which organizations matter most for reaching the goal, in plain words.

Reads the table that ``coalition table`` stores beside a scenario
(``scenarios/tables/<name>.csv``: each organization's Shapley value with its interval, and
the smallest coalition found that does at least 80% as well as everyone together) and says
what it means without the jargon. The value is how far the rate falls over the run (the
default of ``coalition table``) or, in older tables, the chance of reaching the goal.
"""

from __future__ import annotations

import functools
from html import escape

import solara

from sim.viz.panels import HtmlPanel


@functools.cache
def stored_table(scenario: str):
    """The stored table of a shipped scenario (a DataFrame), or None."""
    import pandas as pd

    from sim.scenario.load import SCENARIO_DIR

    path = SCENARIO_DIR / "tables" / f"{scenario}.csv"
    return pd.read_csv(path) if path.exists() else None


def points(share: float) -> str:
    """A change in a chance, in percentage points."""
    return f"{round(share * 100) + 0:+d}"


def measures_reduction(table) -> bool:
    """Whether the table's value is the fall in the rate (else the chance of reaching the goal)."""
    return "value" in table.columns and (table["value"] == "reduction").all()


def advice_lines(table) -> list[str]:
    """One line per organization, most important first."""
    fmt = (lambda v: f"{round(v * 100, 1) + 0.0:+.1f}") if measures_reduction(table) else points  # no "-0.0"
    return [
        f"{row.rank}. {row.organization}: {fmt(row.shapley)} points (somewhere between {fmt(row.low)} "
        f"and {fmt(row.high)})"
        for row in table.itertuples()
    ]


def advice_html(scenario: str) -> str:
    """The panel's text for a scenario, as HTML."""
    table = stored_table(scenario)
    if table is None:
        return "<p>This scenario has no stored answer yet; your teacher can compute one.</p>"
    lines = "".join(f"<li>{escape(line)}</li>" for line in advice_lines(table))
    what = (
        "how many percentage points each one takes off the rate by the end of the run"
        if measures_reduction(table)
        else "how many percentage points each one adds to the chance of reaching the goal"
    )
    out = (
        "<p>The model was run many times, each time with a different group of organizations at the table. "
        f"On average, {what}:</p>"
        f'<ul class="coalition-list coalition-plain">{lines}</ul>'
    )
    out += (
        "<p>The community partners are not in this list: how the community takes part is the "
        "Community setting (partner, consulted or absent).</p>"
    )
    smallest = list(table.loc[table["in_smallest_coalition"], "organization"])
    if smallest:
        names = escape(", ".join(smallest))
        out += f"<p>The smallest group found that does at least 80% as well as everyone together: {names}.</p>"
    return out


@solara.component
def AdvicePanel(scenario: str):
    """Who needs to be at the table: how much each organization adds to the chance of reaching the goal."""
    html = solara.use_memo(lambda: advice_html(scenario), [scenario])
    return HtmlPanel("Who needs to be at the table?", "advice", html)
