"""The village worker's care records beyond visits: needs surveys and the services delivered
for a need (S3.5), and the association's groups with who is in none yet (S3.3, 一个不能少).

Every read and command is of the worker's own association (``tasks.own_association``); a
person, need or group outside it is not found (404), as the API answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aggregates.errors import NoSuchNeed
from aggregates.records import Saved
from aggregates.store.district import DistrictRecords
from projections.care import needs as needs_read_model
from projections.platform.scope import Scope
from projections.roster import roster as roster_read_model
from projections.roster.roster import PersonPage
from service.application.caller import Caller
from service.application.tasks import own_association
from service.care import application as care
from service.roster import application as roster


@dataclass(frozen=True)
class Named:
    """A person of the association as a list shows them: id and name (no personal data)."""

    person_id: str
    name: str


def person(caller: Caller, person_id: UUID) -> Named:
    """A person of the worker's villages (404 for anyone else)."""
    code, _ = own_association(caller)
    found = roster.person(caller, code, person_id, {})
    return Named(str(found["id"]), str(found["name"]))


def names(caller: Caller, person_ids: list[str]) -> dict[str, str]:
    """The names of persons of the worker's villages, by id (ids outside them are left out)."""
    code, _ = own_association(caller)
    db = caller.reading(code)
    found: dict[str, str] = {}
    for person_id in dict.fromkeys(person_ids):
        row = roster_read_model.find_person(db, code, person_id)
        if row is not None:
            found[person_id] = str(row["name"])
    return found


def persons(
    caller: Caller, *, text: str = "", grouped: bool | None = None, offset: int = 0, limit: int = 20
) -> PersonPage:
    """Persons on the roster of the worker's villages, by name; ``grouped=False``: those in
    no group of the association today (S3.3)."""
    code, _ = own_association(caller)
    query: dict[str, Any] = {
        "name_contains": text.strip() or None,
        "status": "active",
        "grouped": grouped,
        "grouped_on": caller.today().isoformat() if grouped is not None else None,
        "sort": "name",
        "limit": limit,
        "offset": offset,
    }
    return roster.persons(caller, code, query)


# -- needs and services (S3.5) ----------------------------------------------------------------


def open_needs(
    caller: Caller, *, offset: int = 0, limit: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """The association's open needs, oldest first, and how many there are."""
    code, association_id = own_association(caller)
    db = care.reading(caller, code, association_id, None)
    found, total, _ = needs_read_model.list_needs(
        db,
        code,
        Scope(association_id=str(association_id)),
        status="open",
        limit=limit,
        offset=offset,
    )
    return found, total


def person_needs(caller: Caller, person_id: UUID, after: int | None = None) -> dict[str, Any]:
    """A person's surveys and needs with their services (once the read model has ``after``)."""
    code, association_id = own_association(caller)
    person(caller, person_id)
    return care.person_needs(caller, code, association_id, person_id, after)


def need(caller: Caller, person_id: UUID, need_id: UUID) -> dict[str, Any]:
    """One need of the person (404 when it is not theirs)."""
    found = next(
        (n for n in person_needs(caller, person_id)["needs"] if n["need_id"] == str(need_id)),
        None,
    )
    if found is None:
        raise NoSuchNeed(id=need_id, field="need_id")
    return found


def survey(caller: Caller, person_id: UUID, data: dict[str, Any]) -> Saved:
    """Record a needs survey of a person of the worker's villages (data as ``SurveyIn``)."""
    code, association_id = own_association(caller)
    person(caller, person_id)
    return care.survey(caller, code, association_id, person_id, data)


def deliver(caller: Caller, person_id: UUID, need_id: UUID, data: dict[str, Any]) -> Saved:
    """Record a service delivered for a need (data as ``ServiceIn``); one meeting it closes it."""
    code, association_id = own_association(caller)
    need(caller, person_id, need_id)
    return care.run(
        caller, code, association_id, DistrictRecords.deliver_service, person_id, need_id, **data
    )


# -- groups (S3.3) ----------------------------------------------------------------------------


def groups(caller: Caller) -> list[dict[str, Any]]:
    """The association's groups today, each with its members' and leader's names."""
    code, association_id = own_association(caller)
    found, _ = care.association_groups(
        caller, code, association_id, {"on": None, "include_disbanded": False}
    )
    return _with_names(caller, found)


def group(caller: Caller, group_id: UUID, after: int | None = None) -> dict[str, Any]:
    """One group of the association today with its members' names (404 when not of it)."""
    code, association_id = own_association(caller)
    found = care.group(caller, code, association_id, group_id, {"min_position": after})
    return _with_names(caller, [found])[0]


def _with_names(caller: Caller, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    called = names(caller, [m["person_id"] for g in found for m in g["members"]])
    for g in found:
        for member in g["members"]:
            member["name"] = called.get(member["person_id"], "—")
        g["leader_name"] = called.get(g["leader_person_id"] or "", None)
    return found


def join(caller: Caller, group_id: UUID, data: dict[str, Any]) -> Saved:
    """A person of the worker's villages joins a group (data as ``MemberIn``)."""
    code, association_id = own_association(caller)
    return care.run(caller, code, association_id, DistrictRecords.join_group, group_id, **data)


def appoint_leader(caller: Caller, group_id: UUID, data: dict[str, Any]) -> Saved:
    """Make a member the group's leader (data as ``LeaderIn``)."""
    code, association_id = own_association(caller)
    return care.run(
        caller, code, association_id, DistrictRecords.appoint_group_leader, group_id, **data
    )
