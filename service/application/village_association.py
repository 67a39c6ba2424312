"""The village worker's own association: its officers and facilities (read-mostly), the
training sessions its officers attend (S3.7), and the rectification (整改) of the problems an
inspection found in it (S4).

Every read and command is of the worker's own association (``tasks.own_association``); a
session, officer or problem outside it is not found (404), as the API answers.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aggregates.errors import NoSuchOfficer, NoSuchProblem
from aggregates.records import Saved
from aggregates.store.district import DistrictRecords
from service.application import campaign
from service.application.caller import Caller
from service.application.disclosure import Unmasking
from service.application.tasks import own_association, visitors
from service.association import application as associations
from service.campaign.queries import RULES_BASIS


def profile(caller: Caller) -> dict[str, Any]:
    """The association: status, terms, officers (personal data masked), facilities,
    full-time members and the training its officers attended."""
    code, association_id = own_association(caller)
    record = associations.lifecycle(caller, code, association_id, None)
    found = associations.association(caller, code, association_id, Unmasking(), None)
    record["name"] = found["name"]
    record["division_code"] = found["division_code"]
    record["sitting"] = [o for o in record["officers"] if o["removed_on"] is None]
    return record


# -- training attendance (S3.7) ---------------------------------------------------------------


def sessions(
    caller: Caller, *, offset: int = 0, limit: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Sessions the association's officers may attend (the district's and their township's),
    newest first, and how many there are."""
    code, _ = own_association(caller)
    return associations.sessions(caller, code, {"limit": limit, "offset": offset})


def session(caller: Caller, session_id: UUID, after: int | None = None) -> dict[str, Any]:
    """A session with the association's attendees, named (404 for a session not in scope)."""
    code, _ = own_association(caller)
    found = associations.session(caller, code, session_id, after)
    names = {o["officer_id"]: o["name"] for o in visitors(caller)}
    for attendee in found["attendees"]:
        attendee["name"] = names.get(attendee["officer_id"], "—")
    return found


def attend(caller: Caller, session_id: UUID, data: dict[str, Any]) -> Saved:
    """Record that a sitting officer of the association attended (data as ``AttendanceIn``)."""
    code, association_id = own_association(caller)
    session(caller, session_id)
    if str(data["officer_id"]) not in {o["officer_id"] for o in visitors(caller)}:
        raise NoSuchOfficer(id=data["officer_id"], field="officer_id")
    return caller.run(code, DistrictRecords.attend_training, association_id, **data)


# -- rectification (S4) -----------------------------------------------------------------------


def problems(caller: Caller, after: int | None = None) -> list[dict[str, Any]]:
    """Every problem found in the association, open and escalated first, oldest first."""
    code, association_id = own_association(caller)
    caller.reading(code, after)
    found = campaign.problems(
        caller, code, {"as_of": None, "basis": RULES_BASIS.value, "state": None}
    )
    mine = [p for p in found["items"] if p["association_id"] == str(association_id)]
    return sorted(mine, key=lambda p: (p["state"] == "rectified", p["found_on"]))


def problem(caller: Caller, problem_id: UUID) -> dict[str, Any]:
    """One problem of the association (404 for any other)."""
    found = next((p for p in problems(caller) if p["problem_id"] == str(problem_id)), None)
    if found is None:
        raise NoSuchProblem(id=problem_id, field="problem_id")
    return found


def rectify(caller: Caller, problem_id: UUID, data: dict[str, Any]) -> Saved:
    """Record the rectification of a problem of the association (data as
    ``RectificationIn``), with its evidence and note."""
    code, _ = own_association(caller)
    found = problem(caller, problem_id)
    return campaign.rectify(caller, code, UUID(found["inspection_id"]), problem_id, **data)
