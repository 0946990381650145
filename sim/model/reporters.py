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
SERIES = ("expected_rate", "pool", "money_spent", "sharing_count", "uptake", "reach", "shared_metric_adoption")

MODEL_REPORTERS = {name: name for name in HEADLINE + SERIES}


def organization_state(agent) -> str:
    """Engagement state of an organization."""
    return str(agent.state)


def organization_trust(agent) -> float:
    """An organization's trust in the coalition."""
    return agent.trust_in_coalition


def organization_frustration(agent) -> float:
    """Weeks of frustration an organization has accumulated."""
    return agent.frustration


ORGANIZATION_REPORTERS = {
    "name": "name",
    "state": organization_state,
    "trust": organization_trust,
    "frustration": organization_frustration,
    "sharing": "sharing",
    "budget": "budget",
}


def run_summary(model) -> dict:
    """Run-level results: the headline reporters at the end plus the signatures.

    The signatures say why a run succeeded or failed: ``reach`` (share of people that
    committed members with the touch role reach), ``uptake``, ``money_spent`` (and per
    circumstance), ``system_changes``, ``exits``, ``diagnosed_cause``.
    """
    c = model.fund
    out = {name: getattr(model, name) for name in HEADLINE}
    out.update(
        final_rate=model.outcome_rate,
        expected_rate=model.expected_rate,
        reach=model.reach,
        uptake=model.uptake,
        money_given=c.given,
        money_spent=c.spent,
        money_returned=c.returned,
        system_changes=c.system_changes,
        cases_offered=c.cases_offered,
        cases_resolved=c.cases_resolved,
        exits=model.exits,
        sharing_count=model.sharing_count,
        diagnosed_cause=model.diagnosis.cause,
        diagnosed_group=model.diagnosed_group,
        first_commitment=model.first_commitment_step,
        leader_active=bool(model.leader.active),
        steps=model.steps,
    )
    for name, value in zip(model.people.names, c.spent_by_cause, strict=True):
        out[f"spent_on_{name}"] = float(value)
    return out
