"""Read models of the association's lifecycle and working conditions (S3.4-S3.7).

``association_status`` (active, dissolved or merged, and the current term), ``association_terms``
(换届 history), ``facilities`` (venue, barrier-free, wall displays, with withdrawals),
``full_time_members`` (one row per full-time membership: selection, current pay, exit; an
officer can enter and exit more than once), ``full_time_pay`` (every pay arrangement) and
``qualifications``.  The evaluation of full-time members reads ``full_time_members``.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aggregates.association.association import Association, PriorityGroup, SelectionMethod
from aggregates.provenance import Provenance
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.tables import Table, columns, copied

STATUS = Table(
    name="association_status",
    columns=columns(
        "association_id text, status text, term int, term_started_on date, term_ends_on date, "
        "ended_on date, end_reason text, merged_into text, position int"
    ),
    key=("association_id",),
    indexes=(("status",),),
)

TERMS = Table(
    name="association_terms",
    columns=columns(
        "association_id text, term int, started_on date, ends_on date, officer_ids json, "
        "continuing_officer_ids json, ended_officer_ids json, recorded_by text, position int"
    ),
    key=("association_id", "term"),
)

FACILITIES = Table(
    name="facilities",
    columns=columns(
        "facility_id text, association_id text, kind text, description text, recorded_on date, "
        "evidence text, withdrawn_on date, withdrawal_reason text, recorded_by text, position int"
    ),
    key=("facility_id",),
    indexes=(("association_id",),),
)

FULL_TIME_MEMBERS = Table(
    name="full_time_members",
    columns=columns(
        "membership_id text, association_id text, officer_id text, name text, method text, "
        "priority_group text, selected_on date, note text, pay_kind text, monthly_amount text, "
        "pay_from date, exited_on date, exit_reason text, selected_by text, exited_by text, "
        "position int"
    ),
    key=("membership_id",),
    indexes=(("association_id",), ("officer_id",)),
)

FULL_TIME_PAY = Table(
    name="full_time_pay",
    columns=columns(
        "membership_id text, position int, association_id text, kind text, monthly_amount text, "
        "from_on date, recorded_by text"
    ),
    key=("membership_id", "position"),
    indexes=(("association_id",),),
)

QUALIFICATIONS = Table(
    name="qualifications",
    columns=columns(
        "qualification_id text, association_id text, officer_id text, name text, kind text, "
        "title text, obtained_on date, issuer text, evidence text, recorded_by text, position int"
    ),
    key=("qualification_id",),
    indexes=(("association_id",),),
)


def _actor(event: Any) -> str | None:
    """Who recorded the event (an event stored without provenance has none)."""
    by = getattr(event, "by", None)
    return by.actor if isinstance(by, Provenance) else None


def _established(event: Association.Established, position: int, uow: UnitOfWork) -> None:
    association = str(event.originator_id)
    uow.upsert(
        STATUS,
        {
            "association_id": association,
            "status": "active",
            "term": 1,
            "term_started_on": event.established_on.isoformat(),
            "term_ends_on": None,
            "ended_on": None,
            "end_reason": None,
            "merged_into": None,
            "position": position,
        },
    )
    uow.upsert(
        TERMS,
        {
            "association_id": association,
            "term": 1,
            "started_on": event.established_on.isoformat(),
            "ends_on": None,
            "officer_ids": "[]",
            "continuing_officer_ids": "[]",
            "ended_officer_ids": "[]",
            "recorded_by": _actor(event),
            "position": position,
        },
    )


def _membership_row(
    event: Any,
    position: int,
    *,
    membership_id: str,
    officer_id: str,
    name: str,
    method: str,
    priority_group: str,
    selected_on: str,
    note: str,
) -> dict[str, Any]:
    return {
        "membership_id": membership_id,
        "association_id": str(event.originator_id),
        "officer_id": officer_id,
        "name": name,
        "method": method,
        "priority_group": priority_group,
        "selected_on": selected_on,
        "note": note,
        "pay_kind": None,
        "monthly_amount": None,
        "pay_from": None,
        "exited_on": None,
        "exit_reason": None,
        "selected_by": _actor(event),
        "exited_by": None,
        "position": position,
    }


def _priority(backgrounds: list[str]) -> str:
    """For a full-time appointment without a recorded selection, S3.6's priority from the
    officer's backgrounds."""
    if "disabled" in backgrounds:
        return PriorityGroup.DISABLED.value
    if "relative" in backgrounds:
        return PriorityGroup.RELATIVE.value
    return PriorityGroup.NEITHER.value


def _appointed(event: Association.OfficerAppointed, position: int, uow: UnitOfWork) -> None:
    if event.full_time:
        uow.upsert(
            FULL_TIME_MEMBERS,
            _membership_row(
                event,
                position,
                membership_id=str(event.officer_id),
                officer_id=str(event.officer_id),
                name=event.name,
                method=SelectionMethod.UNRECORDED.value,
                priority_group=_priority(event.backgrounds),
                selected_on=event.appointed_on.isoformat(),
                note="",
            ),
        )


def _end_memberships(
    event: Any, memberships: list[Any], uow: UnitOfWork, on: str, reason: str
) -> None:
    for membership in memberships:
        uow.patch(
            FULL_TIME_MEMBERS,
            (str(membership),),
            values={
                "exited_on": on,
                "exit_reason": reason,
                "exited_by": _actor(event),
            },
        )


def _removed(event: Association.OfficerRemoved, position: int, uow: UnitOfWork) -> None:
    ended = getattr(event, "ended_membership_id", None)
    if ended is not None:
        _end_memberships(
            event, [ended], uow, event.removed_on.isoformat(), f"left office: {event.reason}"
        )


def _reelected(event: Association.Reelected, position: int, uow: UnitOfWork) -> None:
    association = str(event.originator_id)
    started = event.started_on.isoformat()
    uow.patch(
        STATUS,
        (association,),
        values={
            "term": event.term,
            "term_started_on": started,
            "term_ends_on": event.ends_on.isoformat(),
            "position": position,
        },
    )
    appointed = [str(seat["officer_id"]) for seat in event.appointed]
    continuing = [str(o) for o in event.continuing_officer_ids]
    uow.upsert(
        TERMS,
        {
            "association_id": association,
            "term": event.term,
            "started_on": started,
            "ends_on": event.ends_on.isoformat(),
            "officer_ids": json.dumps(continuing + appointed),
            "continuing_officer_ids": json.dumps(continuing),
            "ended_officer_ids": json.dumps([str(o) for o in event.ended_officer_ids]),
            "recorded_by": _actor(event),
            "position": position,
        },
    )
    _end_memberships(
        event, event.ended_membership_ids, uow, started, f"换届 (term {event.term} began)"
    )
    for seat in event.appointed:
        if seat["full_time"]:
            uow.upsert(
                FULL_TIME_MEMBERS,
                _membership_row(
                    event,
                    position,
                    membership_id=str(seat["officer_id"]),
                    officer_id=str(seat["officer_id"]),
                    name=seat["name"],
                    method=SelectionMethod.ELECTION.value,
                    priority_group=_priority(seat["backgrounds"]),
                    selected_on=started,
                    note="换届",
                ),
            )


def _closed(status: str, on_field: str) -> Any:
    def handler(event: Any, position: int, uow: UnitOfWork) -> None:
        on = getattr(event, on_field).isoformat()
        merged_into = getattr(event, "into_association_id", None)
        uow.patch(
            STATUS,
            (str(event.originator_id),),
            values={
                "status": status,
                "ended_on": on,
                "end_reason": event.reason,
                "merged_into": str(merged_into) if merged_into else None,
                "position": position,
            },
        )
        _end_memberships(
            event, event.ended_membership_ids, uow, on, f"association {status}: {event.reason}"
        )

    return handler


def _absorbed(event: Association.Absorbed, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        ABSORPTIONS,
        {
            "association_id": str(event.originator_id),
            "from_association_id": str(event.from_association_id),
            "merged_on": event.merged_on.isoformat(),
            "position": position,
        },
    )


ABSORPTIONS = Table(
    name="association_absorptions",
    columns=columns("association_id text, from_association_id text, merged_on date, position int"),
    key=("association_id", "from_association_id"),
)


def _facility(event: Association.FacilityRecorded, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        FACILITIES,
        {
            "facility_id": str(event.facility_id),
            "association_id": str(event.originator_id),
            **copied(event, "kind description"),
            "recorded_on": event.recorded_on.isoformat(),
            "evidence": event.evidence,
            "withdrawn_on": None,
            "withdrawal_reason": None,
            "recorded_by": _actor(event),
            "position": position,
        },
    )


def _withdrawn(event: Association.FacilityWithdrawn, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        FACILITIES,
        (str(event.facility_id),),
        values={
            "withdrawn_on": event.withdrawn_on.isoformat(),
            "withdrawal_reason": event.reason,
        },
    )


def _selected(event: Association.FullTimeMemberSelected, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        FULL_TIME_MEMBERS,
        _membership_row(
            event,
            position,
            membership_id=str(event.membership_id),
            officer_id=str(event.officer_id),
            name=event.name,
            method=event.method,
            priority_group=event.priority_group,
            selected_on=event.selected_on.isoformat(),
            note=event.note,
        ),
    )


def _pay(event: Association.FullTimePayArranged, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        FULL_TIME_MEMBERS,
        (str(event.membership_id),),
        values={
            "pay_kind": event.kind,
            "monthly_amount": event.monthly_amount,
            "pay_from": event.from_on.isoformat(),
        },
    )
    uow.upsert(
        FULL_TIME_PAY,
        {
            "membership_id": str(event.membership_id),
            "position": position,
            "association_id": str(event.originator_id),
            **copied(event, "kind monthly_amount"),
            "from_on": event.from_on.isoformat(),
            "recorded_by": _actor(event),
        },
    )


def _exited(event: Association.FullTimeMemberExited, position: int, uow: UnitOfWork) -> None:
    _end_memberships(event, [event.membership_id], uow, event.exited_on.isoformat(), event.reason)


def _qualification(
    event: Association.QualificationObtained, position: int, uow: UnitOfWork
) -> None:
    uow.upsert(
        QUALIFICATIONS,
        {
            "qualification_id": str(event.qualification_id),
            "association_id": str(event.originator_id),
            "officer_id": str(event.officer_id),
            **copied(event, "name kind title"),
            "obtained_on": event.obtained_on.isoformat(),
            **copied(event, "issuer evidence"),
            "recorded_by": _actor(event),
            "position": position,
        },
    )


LIFECYCLE_PROJECTION = Projection(
    name="association_lifecycle",
    tables=(
        STATUS,
        TERMS,
        ABSORPTIONS,
        FACILITIES,
        FULL_TIME_MEMBERS,
        FULL_TIME_PAY,
        QUALIFICATIONS,
    ),
    handlers={
        **handled(
            _established,
            _appointed,
            _removed,
            _reelected,
            _absorbed,
            _facility,
            _withdrawn,
            _selected,
            _pay,
            _exited,
            _qualification,
        ),
        Association.Dissolved: _closed("dissolved", "dissolved_on"),
        Association.MergedInto: _closed("merged", "merged_on"),
    },
)


# -- queries --------------------------------------------------------------------------------


def _rows(cur: Any, statement: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cur.execute(statement, params)
    return [dict(r) for r in cur.fetchall()]


def association_lifecycle(
    db: Database, district: str, association_id: str
) -> dict[str, Any] | None:
    """Status, terms, absorptions, facilities, full-time members with pay, and qualifications."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        status = _rows(
            cur,
            sql("SELECT * FROM {s}association_status WHERE association_id = %s"),
            (association_id,),
        )
        if not status:
            return None
        terms = _rows(
            cur,
            sql("SELECT * FROM {s}association_terms WHERE association_id = %s ORDER BY term"),
            (association_id,),
        )
        absorbed = _rows(
            cur,
            sql(
                "SELECT * FROM {s}association_absorptions "
                "WHERE association_id = %s ORDER BY position"
            ),
            (association_id,),
        )
        facilities = _rows(
            cur,
            sql("SELECT * FROM {s}facilities WHERE association_id = %s ORDER BY position"),
            (association_id,),
        )
        qualifications = _rows(
            cur,
            sql("SELECT * FROM {s}qualifications WHERE association_id = %s ORDER BY position"),
            (association_id,),
        )
    record = status[0]
    for term in terms:
        for name in ("officer_ids", "continuing_officer_ids", "ended_officer_ids"):
            term[name] = json.loads(term[name] or "[]")
    record["terms"] = terms
    record["absorbed"] = absorbed
    record["facilities"] = facilities
    record["full_time_members"] = full_time_members(db, district, association_id)
    record["qualifications"] = qualifications
    return record


def full_time_members(db: Database, district: str, association_id: str) -> list[dict[str, Any]]:
    """Every full-time membership of an association (entries and exits), with pay history."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        members = _rows(
            cur,
            sql("SELECT * FROM {s}full_time_members WHERE association_id = %s ORDER BY position"),
            (association_id,),
        )
        pay = _rows(
            cur,
            sql("SELECT * FROM {s}full_time_pay WHERE association_id = %s ORDER BY position"),
            (association_id,),
        )
    for member in members:
        member["pay_history"] = [
            {k: p[k] for k in ("kind", "monthly_amount", "from_on")}
            for p in pay
            if p["membership_id"] == member["membership_id"]
        ]
        member["current"] = member["exited_on"] is None
    return members
