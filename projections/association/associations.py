"""Read models of associations and their officers (sitting and former).

``officers`` keeps every appointment with its removal, so sitting officers are the rows
without ``removed_on`` and the officer history of an association is all of its rows.
``events_applied`` counts the events projected into each association: it equals the
aggregate's version exactly when every event was applied once, which the tests check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from aggregates.association.association import Association
from projections.engine.projection import Handler, Projection
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Cursor, Database
from projections.platform.scope import Page, Selection, row_by, rows_by, tracked_position
from projections.platform.tables import Table, columns, copied

ASSOCIATIONS = Table(
    name="associations",
    columns=columns(
        "id text, division_code text, name text, township_code text, established_on date, "
        "version int, events_applied int, position int, created_at timestamp, "
        "updated_at timestamp"
    ),
    key=("id",),
    # Not unique: a village can hold several associations over time (one dissolved, another
    # established or moved there by a merge of villages); the domain keeps one active at a time.
    indexes=(("township_code",), ("division_code",)),
)

#: The constraint stores made before 2026-12 carry; see :func:`drop_division_uniqueness`.
RETIRED_UNIQUE = "associations_division_code_key"


def drop_division_uniqueness(cur: Cursor, sql: Callable[[str], str], dialect: str) -> None:
    """Let an older store's associations table hold a village code more than once.

    PostgreSQL drops the named constraint; SQLite cannot drop a table constraint, so the table
    is rebuilt under the current definition (same columns, rows copied) in the caller's
    transaction.  Does nothing on a store that is already current.
    """
    if dialect == "postgresql":
        cur.execute(
            sql(f"ALTER TABLE {{s}}associations DROP CONSTRAINT IF EXISTS {RETIRED_UNIQUE}")
        )
        return
    cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'associations'")
    row = cur.fetchone()
    if row is None or "UNIQUE (division_code)" not in row["sql"]:
        return
    old = "associations_with_unique_village"
    cur.execute(f"ALTER TABLE associations RENAME TO {old}")
    for index in ASSOCIATIONS.indexes:
        cur.execute(f"DROP INDEX IF EXISTS associations_{'_'.join(index)}_idx")
    for statement in ASSOCIATIONS.ddl(dialect):
        cur.execute(sql(statement))
    columns = ", ".join(ASSOCIATIONS.columns)
    cur.execute(f"INSERT INTO associations ({columns}) SELECT {columns} FROM {old}")
    cur.execute(f"DROP TABLE {old}")


OFFICERS = Table(
    name="officers",
    columns=columns(
        "officer_id text, association_id text, name text, role text, full_time bool, "
        "backgrounds json, appointed_on date, removed_on date, removal_reason text, "
        "appointed_position int, removed_position int, appointed_by text, removed_by text, "
        "phone text"
    ),
    key=("officer_id",),
    indexes=(("association_id", "removed_on"),),
)


def _touch(event: Any, position: int, uow: UnitOfWork) -> None:
    """Every association event moves its version, counter and position."""
    uow.applied(ASSOCIATIONS, event, position)


def _established(event: Association.Established, position: int, uow: UnitOfWork) -> None:
    recorded = event.timestamp.isoformat()
    uow.upsert(
        ASSOCIATIONS,
        {
            "id": str(event.originator_id),
            **copied(event, "division_code name township_code"),
            "established_on": event.established_on.isoformat(),
            "version": event.originator_version,
            "events_applied": 1,
            "position": position,
            "created_at": recorded,
            "updated_at": recorded,
        },
    )


def _appointed(event: Association.OfficerAppointed, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    seat = copied(event, "officer_id name role full_time backgrounds phone")
    uow.upsert(OFFICERS, _officer_row(event, position, seat, event.appointed_on.isoformat()))


def _removed(event: Association.OfficerRemoved, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    uow.patch(
        OFFICERS,
        (str(event.officer_id),),
        values={
            "removed_on": event.removed_on.isoformat(),
            "removal_reason": event.reason,
            "removed_position": position,
            "removed_by": event.by.actor,
        },
    )


def _officer_row(event: Any, position: int, seat: dict[str, Any], on: str) -> dict[str, Any]:
    """The row of an officer taking a seat on ``on`` (appointed, or carried into a new term)."""
    return {
        "officer_id": str(seat["officer_id"]),
        "association_id": str(event.originator_id),
        "name": seat["name"],
        "role": seat["role"],
        "full_time": bool(seat["full_time"]),
        "backgrounds": json.dumps(seat["backgrounds"]),
        "appointed_on": on,
        "removed_on": None,
        "removal_reason": None,
        "appointed_position": position,
        "removed_position": None,
        "appointed_by": event.by.actor,
        "removed_by": None,
        "phone": seat.get("phone"),
    }


def _end_offices(event: Any, position: int, uow: UnitOfWork, ended_on: str, reason: str) -> None:
    for officer_id in event.ended_officer_ids:
        uow.patch(
            OFFICERS,
            (str(officer_id),),
            values={
                "removed_on": ended_on,
                "removal_reason": reason,
                "removed_position": position,
                "removed_by": event.by.actor,
            },
        )


def _reelected(event: Association.Reelected, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    started = event.started_on.isoformat()
    _end_offices(event, position, uow, started, f"换届 (term {event.term} began)")
    for seat in event.appointed:
        uow.upsert(OFFICERS, _officer_row(event, position, seat, started))


def _dissolved(event: Association.Dissolved, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    _end_offices(
        event,
        position,
        uow,
        event.dissolved_on.isoformat(),
        f"association dissolved: {event.reason}",
    )


def _merged(event: Association.MergedInto, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    _end_offices(
        event, position, uow, event.merged_on.isoformat(), f"association merged: {event.reason}"
    )


def _village_changed(event: Association.VillageChanged, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    uow.patch(
        ASSOCIATIONS,
        (str(event.originator_id),),
        values={"division_code": event.division_code, "township_code": event.township_code},
    )


def _full_time(value: bool) -> Handler:
    def handler(event: Any, position: int, uow: UnitOfWork) -> None:
        _touch(event, position, uow)
        uow.patch(OFFICERS, (str(event.officer_id),), values={"full_time": value})

    return handler


#: Every event of an association moves its version; these change more than that.
_HANDLERS: dict[type, Handler] = {
    Association.Established: _established,
    Association.OfficerAppointed: _appointed,
    Association.OfficerRemoved: _removed,
    Association.Reelected: _reelected,
    Association.Dissolved: _dissolved,
    Association.MergedInto: _merged,
    Association.VillageChanged: _village_changed,
    Association.FullTimeMemberSelected: _full_time(True),
    Association.FullTimeMemberExited: _full_time(False),
}

ASSOCIATIONS_PROJECTION = Projection(
    name="associations",
    tables=(ASSOCIATIONS, OFFICERS),
    handlers={
        **{
            kind: _touch
            for kind in vars(Association).values()
            if isinstance(kind, type) and issubclass(kind, Association.Event)
        },
        **_HANDLERS,
    },
)


# -- queries --------------------------------------------------------------------------------


#: A page of associations.
AssociationPage = Page


def _officer(row: Any) -> dict[str, Any]:
    officer = dict(row)
    officer["full_time"] = bool(officer["full_time"])
    officer["backgrounds"] = json.loads(officer["backgrounds"] or "[]")
    return officer


def list_associations(
    db: Database,
    district: str,
    *,
    township_code: str | None = None,
    association_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AssociationPage:
    """Associations of a district by division code, optionally of one township or one id."""
    sql = partial(db.sql, district)
    selection = Selection("associations").equal(township_code=township_code, id=association_id)
    with db.transaction(district, write=False) as cur:
        position = _position(cur, sql)
        rows, total = selection.page(cur, sql, "division_code", limit, offset)
        items = [dict(row) for row in rows]
    return AssociationPage(items=items, total=total, position=position)


def find_association(db: Database, district: str, association_id: str) -> dict[str, Any] | None:
    """One association with its sitting officers and officer history, or None."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = _position(cur, sql)
        row = row_by(cur, sql, "associations", "id", association_id)
        if row is None:
            return None
        officers = rows_by(
            cur, sql, "officers", "association_id", [association_id], "appointed_position"
        )
    history = [_officer(r) for r in officers.get(association_id, [])]
    association = dict(row)
    association["officer_history"] = history
    association["officers"] = [o for o in history if o["removed_on"] is None]
    association["position"] = position
    return association


def find_association_township(db: Database, district: str, association_id: str) -> str | None:
    """The township an association belongs to, if the read model has it."""
    with db.transaction(district, write=False) as cur:
        cur.execute(
            db.sql(district, "SELECT township_code FROM {s}associations WHERE id = %s"),
            (association_id,),
        )
        row = cur.fetchone()
    return str(row["township_code"]) if row else None


def _position(cur: Cursor, sql: Callable[[str], str]) -> int:
    return tracked_position(cur, sql, ASSOCIATIONS_PROJECTION.name)
