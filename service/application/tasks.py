"""The village worker's day (S3.4, S3.5): the households to visit, open needs and problems to
rectify in their association, and recording a home visit from that list.

A worker's account names one association; every read and command here is of that
association only, and a household outside it is not found (404), as the API answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from aggregates.care.visit import HouseholdKind, ReferredTo, VisitMode
from aggregates.errors import NoSuchAssociation, NotFound
from aggregates.records import Saved
from aggregates.store.district import DistrictRecords
from projections.campaign.inspections import association_problems
from projections.care import needs as needs_read_model
from projections.care.visit_tasks import HouseholdToVisit, VisitTasks, households_to_visit
from projections.platform.scope import Scope
from service.application.caller import Caller
from service.application.disclosure import Unmasking
from service.association import application as associations
from service.care import application as care

#: Problems of the association still to rectify.
OPEN_PROBLEMS = ("open", "escalated")
#: How many open needs the task list shows (the rest are on the needs screen).
NEEDS_SHOWN = 10


class NoSuchHousehold(NotFound):
    """A household that is not on the roster of the caller's association."""

    message = "the household {id} is not on your association's roster"
    parameters = ("id",)


@dataclass(frozen=True)
class Tasks:
    """What the worker's task list shows on ``on``."""

    on: date
    households: VisitTasks
    needs: list[dict[str, Any]]
    needs_total: int
    problems: list[dict[str, Any]]


def own_association(caller: Caller) -> tuple[str, UUID]:
    """The district and association of a worker's account (404 for any other account)."""
    principal = caller.principal
    if not principal.district or not principal.association_id:
        raise NoSuchAssociation(id="-", field="association_id")
    return principal.district, UUID(principal.association_id)


def tasks(caller: Caller, *, offset: int = 0, limit: int = 20, after: int | None = None) -> Tasks:
    """Households due or overdue a visit, open needs and problems of the association
    (once the read models include position ``after``: the visit just recorded)."""
    code, association_id = own_association(caller)
    db = care.reading(caller, code, association_id, after)
    on, association = caller.today(), str(association_id)
    with db.snapshot(code):
        households = households_to_visit(db, code, association, on=on, limit=limit, offset=offset)
        needs, needs_total, _ = needs_read_model.list_needs(
            db, code, Scope(association_id=association), status="open", limit=NEEDS_SHOWN
        )
        problems = association_problems(db, code, association, OPEN_PROBLEMS)
    return Tasks(on, households, needs, needs_total, problems)


def household(caller: Caller, household_id: str) -> HouseholdToVisit:
    """One household of the association's roster with its due date (404 when not on it)."""
    code, association_id = own_association(caller)
    db = care.reading(caller, code, association_id, None)
    every = households_to_visit(db, code, str(association_id), on=caller.today(), limit=0).every
    found = every.get(household_id)
    if found is None:
        raise NoSuchHousehold(id=household_id, field="household_id")
    return found


def find_households(caller: Caller, text: str, limit: int = 20) -> list[HouseholdToVisit]:
    """Households of the association whose member's name contains ``text``."""
    code, association_id = own_association(caller)
    db = care.reading(caller, code, association_id, None)
    every = households_to_visit(db, code, str(association_id), on=caller.today(), limit=0).every
    wanted = text.strip()
    matches = [h for h in every.values() if any(wanted in m.name for m in h.members)]
    return sorted(matches, key=lambda h: (h.members[0].name, h.household_id))[:limit]


def visitors(caller: Caller) -> list[dict[str, Any]]:
    """The association's sitting officers, who may make a visit (names, no personal data)."""
    code, association_id = own_association(caller)
    found = associations.association(caller, code, association_id, Unmasking(), None)
    return [
        {"officer_id": o["officer_id"], "name": o["name"], "full_time": o["full_time"]}
        for o in found["officers"]
    ]


def record_visit(caller: Caller, household_id: str, data: dict[str, Any]) -> Saved:
    """Record a visit of one household of the association (its members are the persons
    visited); with ``referred_to``, its difficulties are referred there the same day."""
    code, association_id = own_association(caller)
    visited = household(caller, household_id)
    saved = care.run(
        caller,
        code,
        association_id,
        DistrictRecords.record_visit,
        household_id=household_id,
        household_kind=HouseholdKind(visited.household_kind),
        person_ids=[UUID(m.person_id) for m in visited.members],
        visited_on=data["visited_on"],
        visitor_officer_id=data["visitor_officer_id"],
        mode=VisitMode(data["mode"]),
        findings=data["findings"],
        difficulties=data["difficulties"],
    )
    if data.get("referred_to") and data["difficulties"] and saved.id is not None:
        return care.run(
            caller,
            code,
            association_id,
            DistrictRecords.refer_follow_up,
            saved.id,
            referred_to=ReferredTo(data["referred_to"]),
            referred_on=data["visited_on"],
            matter="；".join(data["difficulties"]),
        )
    return saved
