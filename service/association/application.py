"""The association capability's commands and reads that need more than one step.

Plain commands go through :meth:`Caller.run`; here are those that check the caller's scope
first, and the reads, narrowed to the caller's part and masked.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aggregates.errors import NoSuchAssociation, NoSuchTrainingSession
from aggregates.store.district import DistrictRecords, Saved
from projections.association import associations as read_models
from projections.association.lifecycle import association_lifecycle
from projections.association.lifecycle import full_time_members as full_time_memberships
from projections.association.training import association_training, find_session, list_sessions
from service.application import scope
from service.application.caller import Caller
from service.application.disclosure import Unmasking, disclosure
from service.http.masking import mask_fields


def associations(
    caller: Caller, code: str, *, township_code: str | None, paging: dict[str, Any]
) -> read_models.AssociationPage:
    """The associations of a district in the caller's part, by division code."""
    db = caller.reading(code, paging.get("min_position"))
    part = scope.narrowed(caller.principal, township_code)
    return read_models.list_associations(
        db,
        code,
        township_code=part.township_code,
        association_id=part.association_id,
        limit=paging["limit"],
        offset=paging["offset"],
    )


def establish(caller: Caller, code: str, /, **association: Any) -> Saved:
    """Set up a village's association, in a village the caller covers."""
    scope.require_village(caller.principal, association["division_code"], "division_code")
    return caller.run(code, DistrictRecords.establish_association, **association)


def association(
    caller: Caller, code: str, association_id: UUID, asked: Unmasking, min_position: int | None
) -> dict[str, Any]:
    """The association with its officers, their personal data masked unless asked."""
    db = caller.reading(code, min_position)
    shown = disclosure(caller, asked)
    found = read_models.find_association(db, code, str(association_id))
    if found is None:
        raise NoSuchAssociation(id=association_id, field="association_id")
    shown.mask(code, "association_officers", str(association_id), found["officer_history"])
    return found


def merge(caller: Caller, code: str, association_id: UUID, /, **merger: Any) -> Saved:
    """Merge an association into another one the caller also reaches."""
    into = str(merger["into_association_id"])
    scope.require_association(caller.runtime, caller.principal, code, into, "into_association_id")
    return caller.run(code, DistrictRecords.merge_association, association_id, **merger)


def lifecycle(
    caller: Caller, code: str, association_id: UUID, min_position: int | None
) -> dict[str, Any]:
    """Status, terms, facilities, full-time members, qualifications, training, officers."""
    db = caller.reading(code, min_position)
    record = association_lifecycle(db, code, str(association_id))
    found = read_models.find_association(db, code, str(association_id))
    if record is None or found is None:
        raise NoSuchAssociation(id=association_id, field="association_id")
    record["training"] = association_training(db, code, str(association_id))
    for officer in found["officer_history"]:
        mask_fields(officer)
    record["officers"] = found["officer_history"]
    record["position"] = found["position"]
    return record


def full_time_members(
    caller: Caller, code: str, association_id: UUID, min_position: int | None
) -> dict[str, Any]:
    """Every full-time membership's entry and exit, with the pay history."""
    db = caller.reading(code, min_position)
    found = read_models.find_association(db, code, str(association_id))
    if found is None:
        raise NoSuchAssociation(id=association_id, field="association_id")
    return {
        "items": full_time_memberships(db, code, str(association_id)),
        "position": found["position"],
    }


# -- training sessions (S3.7) ---------------------------------------------------------------


def sessions(caller: Caller, code: str, paging: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Sessions of the district, of the caller's township, or attended from their scope."""
    db = caller.reading(code, paging.get("min_position"))
    return list_sessions(
        db,
        code,
        **scope.session_scope(caller.runtime, caller.principal, code),
        limit=paging["limit"],
        offset=paging["offset"],
    )


def session(
    caller: Caller, code: str, session_id: UUID, min_position: int | None
) -> dict[str, Any]:
    """A session with the attendees the caller may see."""
    db = caller.reading(code, min_position)
    found = find_session(
        db, code, str(session_id), **scope.session_scope(caller.runtime, caller.principal, code)
    )
    if found is None:
        raise NoSuchTrainingSession(id=session_id, field="session_id")
    return found


def hold_training(caller: Caller, code: str, /, **held: Any) -> Saved:
    """Record a session held by the district or by the caller's own township."""
    records = caller.records(code)
    scope.require_federation(caller.principal, held["township_code"])
    saved = records.hold_training(by=caller.by, **held)
    caller.committed(code)
    return saved
