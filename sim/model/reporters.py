"""Named, picklable reporters shared by the DataCollector, ``sim.run``, plots and the app.

Model reporters are the model's properties, named by string so that they pickle for
``mesa.batch_run`` and process pools; run-level signatures are plain functions.
"""

from __future__ import annotations

# The seven headline reporters (DataCollector model reporters and model properties).
HEADLINE = (
    "outcome_rate",
    "goal_reached",
    "steps_to_goal",
    "coalition_size",
    "mean_trust",
    "roles_covered",
    "diagnosis_accuracy",
)

# Further per-step series, also model properties.
SERIES = (
    "expected_rate",
    "table_size",
    "pool",
    "money_spent",
    "sharing_count",
    "uptake",
    "reach",
    "shared_metric_adoption",
)

MODEL_REPORTERS = {name: name for name in HEADLINE + SERIES}

# reporters whose value is a week or nothing yet: whole numbers in tables, empty until then
WEEK_VALUED = ("steps_to_goal",)


def week_table(model):
    """The DataCollector's per-step table, one row a step, indexed by ``week`` from 0.

    A week-valued reporter (``steps_to_goal``) is a nullable whole number (pandas ``Int64``):
    written to CSV as ``149`` or left empty, the same type in every run, where the
    DataCollector's mix of None and ints would be written ``149.0``.
    """
    import pandas as pd

    table = model.datacollector.get_model_vars_dataframe()
    table.index = pd.RangeIndex(len(table), name="week")
    for name in WEEK_VALUED:
        if name in table:
            table[name] = table[name].astype("Int64")
    return table


def organization_state(agent) -> str:
    """Engagement state of an organization."""
    return str(agent.state)


def organization_trust(agent) -> float:
    """An organization's trust in the coalition as it decided on it that week.

    Read at the start of the week, before that week's commitments settle; ``mean_trust`` (a
    model reporter) is read after them, so the two can differ by a week's events.
    """
    return agent.trust_in_coalition


def organization_frustration(agent) -> float:
    """Weeks of frustration an organization has accumulated."""
    return agent.frustration


def organization_name(agent) -> str:
    """A member's name."""
    return agent.name


def organization_sharing(agent) -> bool:
    """Whether a member shares its records."""
    return agent.sharing


def organization_budget(agent) -> float:
    """A member's budget a step."""
    return agent.budget


# named functions, not attribute names: Mesa wraps those in closures, which do not pickle
ORGANIZATION_REPORTERS = {
    "name": organization_name,
    "state": organization_state,
    "trust": organization_trust,
    "frustration": organization_frustration,
    "sharing": organization_sharing,
    "budget": organization_budget,
}


def run_summary(model) -> dict:
    """Run-level results: the headline reporters at the end plus the signatures.

    The signatures say why a run succeeded or failed: how fast the table formed
    (``first_commitment``, ``mean_join_week``, ``declines``), trust (``trust_in_leader``),
    data (``first_share``, ``sharing_count``, ``diagnosed_group``, ``group_accuracy``,
    ``cause_changes``: how often the believed main cause changed), money and what it bought
    (``money_spent`` and per circumstance, ``system_changes``, ``reach``, ``uptake``), exits,
    and how fast the rate fell
    (``steps_to_half_gap``: the first week the expected rate closed half the gap between
    the start and the target). A week of an event that never happened is None; each has
    its flag (``goal_reached``, ``commitment_made``, ``records_shared``, ``half_gap_closed``).
    """
    c = model.fund
    out = {name: getattr(model, name) for name in HEADLINE}
    joined = [m.joined_step for m in model.members if m.joined_step is not None]
    out.update(
        final_rate=model.outcome_rate,
        expected_rate=model.expected_rate,
        start_rate=model.start_rate,
        steps_to_half_gap=model.half_gap_step,
        reach=model.reach,
        uptake=model.uptake,
        money_given=c.given,
        money_spent=c.spent,
        money_returned=c.returned,
        system_changes=c.system_changes,
        cases_offered=c.cases_offered,
        cases_resolved=c.cases_resolved,
        exits=model.exits,
        declines=sum(m.declines for m in model.members),
        mean_join_week=sum(joined) / len(joined) if joined else float(model.horizon),
        members_joined=len(joined),
        sharing_count=model.sharing_count,
        diagnosed_cause=model.diagnosis.cause,
        diagnosed_group=model.diagnosed_group,
        group_accuracy=model.group_accuracy,
        belief_accuracy=model.belief_accuracy,
        cause_changes=model.cause_changes,
        trust_in_leader=model.trust_in_leader,
        shared_metric_adoption=model.shared_metric_adoption,
        first_commitment=model.first_commitment_step,
        commitment_made=model.first_commitment_step is not None,
        first_share=model.first_share_step,
        records_shared=model.first_share_step is not None,
        half_gap_closed=model.half_gap_step is not None,
        leader_active=bool(model.leader.active),
        steps=model.steps,
    )
    for name, value in zip(model.people.names, c.spent_by_cause, strict=True):
        out[f"spent_on_{name}"] = float(value)
    return out
