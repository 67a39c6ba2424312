"""Read model of training (S3.7): sessions and who attended them.

Attendance comes from the attendees' associations (``Association.TrainingAttended``), so each
row knows its association and can be narrowed to the caller's scope.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aggregates.association.association import Association
from aggregates.association.training import TrainingSession
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.scope import Selection
from projections.platform.tables import Table, columns, copied

SESSIONS = Table(
    name="training_sessions",
    columns=columns(
        "session_id text, township_code text, topic text, mode text, hours text, held_on date, "
        "organiser text, recorded_by text, position int"
    ),
    key=("session_id",),
    indexes=(("held_on",),),
)

ATTENDANCE = Table(
    name="training_attendance",
    columns=columns(
        "session_id text, officer_id text, association_id text, name text, role text, hours text, "
        "recorded_by text, position int"
    ),
    key=("session_id", "officer_id"),
    indexes=(("association_id",),),
)


def _held(event: TrainingSession.Held, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        SESSIONS,
        {
            "session_id": str(event.originator_id),
            **copied(event, "township_code topic mode"),
            "hours": repr(float(event.hours)),
            "held_on": event.held_on.isoformat(),
            "organiser": event.organiser,
            "recorded_by": event.by.actor,
            "position": position,
        },
    )


def _attended(event: Association.TrainingAttended, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        ATTENDANCE,
        {
            "session_id": str(event.session_id),
            "officer_id": str(event.officer_id),
            "association_id": str(event.originator_id),
            **copied(event, "name role"),
            "hours": repr(float(event.hours)),
            "recorded_by": event.by.actor,
            "position": position,
        },
    )


TRAINING_PROJECTION = Projection(
    name="training",
    tables=(SESSIONS, ATTENDANCE),
    handlers=handled(_held, _attended),
)


# -- queries --------------------------------------------------------------------------------


def _session(row: Any) -> dict[str, Any]:
    session = dict(row)
    session["hours"] = float(session["hours"])
    return session


def _attendee(row: Any) -> dict[str, Any]:
    attendee = dict(row)
    attendee["hours"] = float(attendee["hours"])
    return attendee


def _scope_sql(township: str | None, association_id: str | None) -> tuple[str, list[Any]]:
    """Sessions of the whole district, of the caller's township, or attended from the scope."""
    if association_id:
        return (
            "(township_code IS NULL OR township_code = %s OR session_id IN (SELECT session_id "
            "FROM {s}training_attendance WHERE association_id = %s))",
            [township or "-", association_id],
        )
    if township:
        return (
            "(township_code IS NULL OR township_code = %s OR session_id IN (SELECT a.session_id "
            "FROM {s}training_attendance a JOIN {s}associations s ON s.id = a.association_id "
            "WHERE s.township_code = %s))",
            [township, township],
        )
    return "1 = 1", []


def list_sessions(
    db: Database,
    district: str,
    *,
    township: str | None = None,
    association_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Sessions in the caller's scope, newest first, and how many there are."""
    sql = partial(db.sql, district)
    where, params = _scope_sql(township, association_id)
    with db.transaction(district, write=False) as cur:
        selection = Selection("training_sessions", [where], params)
        rows, total = selection.page(cur, sql, "held_on DESC, position DESC", limit, offset)
    return [_session(r) for r in rows], total


def find_session(
    db: Database,
    district: str,
    session_id: str,
    *,
    township: str | None = None,
    association_id: str | None = None,
) -> dict[str, Any] | None:
    """A session in scope with the attendees the caller may see."""
    sql = partial(db.sql, district)
    where, params = _scope_sql(township, association_id)
    with db.transaction(district, write=False) as cur:
        cur.execute(
            sql(f"SELECT * FROM {{s}}training_sessions WHERE session_id = %s AND {where}"),
            [session_id, *params],
        )
        row = cur.fetchone()
        if row is None:
            return None
        conditions, more = ["a.session_id = %s"], [session_id]
        if association_id:
            conditions.append("a.association_id = %s")
            more.append(association_id)
        elif township:
            conditions.append("s.township_code = %s")
            more.append(township)
        cur.execute(
            sql(
                "SELECT a.*, s.name AS association_name FROM {s}training_attendance a "
                "LEFT JOIN {s}associations s ON s.id = a.association_id "
                f"WHERE {' AND '.join(conditions)} ORDER BY a.position"
            ),
            more,
        )
        attendees = [_attendee(r) for r in cur.fetchall()]
    session = _session(row)
    session["attendees"] = attendees
    return session


def association_training(db: Database, district: str, association_id: str) -> list[dict[str, Any]]:
    """The sessions an association's officers attended, with the session's facts."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(
            sql(
                "SELECT a.*, t.topic, t.mode, t.held_on, t.organiser, t.township_code "
                "FROM {s}training_attendance a JOIN {s}training_sessions t "
                "ON t.session_id = a.session_id WHERE a.association_id = %s "
                "ORDER BY t.held_on, a.position"
            ),
            (association_id,),
        )
        return [_attendee(r) for r in cur.fetchall()]
