"""Who may do what: every endpoint declares its rule here, enforced in one place.

A rule names the *action* (read, write, audit, ...) and what the request targets (the
city, a district, an association).  The enforcement (issue 3) reads the rule of the
endpoint a request reaches; an endpoint without a rule is refused, and the access-matrix
test fails for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Action(StrEnum):
    """What a request does."""

    PUBLIC = "public"  # health, the OpenAPI document: no account needed
    READ = "read"  # read records in scope
    WRITE = "write"  # change records in scope
    CREATE_DISTRICT = "create_district"  # city-level administration
    AUDIT = "audit"  # read the audit trail and ledger
    MANAGE_USERS = "manage_users"  # accounts and tokens
    INSPECT = "inspect"  # record inspections and findings


class Target(StrEnum):
    """What part of the organisational tree a request reaches."""

    NONE = "none"
    CITY = "city"
    DISTRICT = "district"  # from the ``code`` path argument
    ASSOCIATION = "association"  # from ``code`` and ``association_id``


@dataclass(frozen=True)
class Rule:
    """The access rule of one endpoint method."""

    action: Action
    target: Target


RULE_ATTRIBUTE = "_canxie_access_rule"


def rule(action: Action, target: Target) -> Callable[[F], F]:
    """Declare the access rule of a view method."""

    def decorate(view: F) -> F:
        setattr(view, RULE_ATTRIBUTE, Rule(action, target))
        return view

    return decorate


def rule_of(view: Callable[..., Any]) -> Rule | None:
    """The rule a view method declared, if any."""
    return getattr(view, RULE_ATTRIBUTE, None)
