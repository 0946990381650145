"""The chapter's "who needs to be at the table", declared once as data.

Each role grants one :class:`Capability`. Mechanisms never compare role names: they ask a
member whether it can do something (``member.can(Capability.SHARE_RECORDS)``), and a role
that the model's ``missing_role`` removes takes its capability away. A scenario may give
an organization a role only with what the role needs (:attr:`Role.needs`), checked when the
file is read.

To add a role: one :class:`Role` entry in :data:`ROLE_TABLE` (with a new capability), and
the mechanism that asks for that capability.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Capability(StrEnum):
    """What holding a role lets a member do."""

    CASE_WORK = "case work"
    SHARE_RECORDS = "share records"
    PLEDGE_MONEY = "pledge money"
    LEND_LEGITIMACY = "lend legitimacy"
    CHANGE_SYSTEMS = "change systems"


def _reaches_someone(org) -> bool:
    return org.reach > 0 or bool(org.touches and org.focus > 0)


def _records_something(org) -> bool:
    return bool(org.records)


def _has_budget(org) -> bool:
    return org.budget > 0


def _has_legitimacy(org) -> bool:
    return org.legitimacy > 0


def _names_what_it_changes(org) -> bool:
    return bool(org.authority)


@dataclass(frozen=True)
class Role:
    """One role of the chapter's list.

    Attributes:
        name: the role's name in scenario files (``roles = ["touch", "data"]``).
        chapter: whom the chapter means, in its words.
        capability: what holding the role lets a member do.
        absence: what a coalition without the role cannot do (its failure signature).
        signature: the run result where that absence shows.
        field: the organization field the role needs.
        needs: whether an organization's spec has what the role needs.
        requirement: what the role needs, in words, for the loader's message.
    """

    name: str
    chapter: str
    capability: Capability
    absence: str
    signature: str
    field: str
    needs: Callable
    requirement: str


ROLE_TABLE = (
    Role(
        "touch",
        "those who touch the problem",
        Capability.CASE_WORK,
        "no case work reaches the people affected",
        "reach",
        "reach",
        _reaches_someone,
        "must reach someone: reach above 0, or touches with focus above 0",
    ),
    Role(
        "data",
        "those who own relevant data",
        Capability.SHARE_RECORDS,
        "no records to pool: the diagnosis stays wrong",
        "diagnosis_accuracy",
        "records",
        _records_something,
        "must record at least one circumstance",
    ),
    Role(
        "resources",
        "those who control relevant resources",
        Capability.PLEDGE_MONEY,
        "no money to spend",
        "money_spent",
        "budget",
        _has_budget,
        "must have a budget above 0",
    ),
    Role(
        "legitimacy",
        "those with legitimacy",
        Capability.LEND_LEGITIMACY,
        "people do not take up the help offered",
        "uptake",
        "legitimacy",
        _has_legitimacy,
        "must have legitimacy above 0",
    ),
    Role(
        "authority",
        "those with authority to change systems",
        Capability.CHANGE_SYSTEMS,
        "no system changes: gains plateau",
        "system_changes",
        "authority",
        _names_what_it_changes,
        "must name the circumstances it can change",
    ),
)
ROLES = tuple(r.name for r in ROLE_TABLE)
BY_NAME = {r.name: r for r in ROLE_TABLE}


def capabilities(roles, missing: str = "") -> frozenset:
    """The capabilities that ``roles`` (names) grant, without the role that is ``missing``."""
    return frozenset(BY_NAME[r].capability for r in roles if r != missing)


def role_of(capability: Capability) -> Role:
    """The role that grants ``capability``."""
    return next(r for r in ROLE_TABLE if r.capability == capability)


def unused_settings(spec) -> list[tuple[str, str]]:
    """Settings a scenario gives that the model never uses: ``(field path, why)`` pairs.

    A field a role needs (``records``, ``legitimacy``, ``authority``) does nothing on an
    organization without that role, ``focus`` does nothing without ``touches``, nor ``touches``
    with a ``focus`` not above ``reach``. (Not
    ``reach``, which also says whom it records, nor ``budget``, which every organization
    gives and a funding pool re-splits.) Such a file loads (files written
    for earlier formats keep loading); ``scenarios show`` and ``run`` point the settings out.
    """
    notes = []
    for i, org in enumerate(spec.organizations):
        for role in ROLE_TABLE:
            if role.name not in ("touch", "resources") and role.name not in org.roles and role.needs(org):
                notes.append(
                    (
                        f"organizations[{i}].{role.field}",
                        f"{org.name} has no {role.name} role, so its {role.field} setting is never used",
                    )
                )
        if org.focus > 0 and not org.touches:
            notes.append(
                (
                    f"organizations[{i}].focus",
                    f"{org.name} has a focus but no touches, so its focus setting is never used",
                )
            )
        elif org.touches and org.focus <= org.reach:
            notes.append(
                (
                    f"organizations[{i}].touches",
                    f"{org.name}'s focus ({org.focus:g}) is not above its reach ({org.reach:g}), so whom it "
                    "touches is never used (people with those circumstances are reached at its reach, like anyone)",
                )
            )
    return notes
