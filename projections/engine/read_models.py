"""The domain read models of a district and what every pass over its events shares.

The live catch-up (catchup.py), the rebuilds (rebuild.py, shadow_rebuild.py) and the ledger read
events and apply them to these projections with the same functions, kept here so that none of
them imports another's loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from projections.association.associations import ASSOCIATIONS_PROJECTION
from projections.association.lifecycle import LIFECYCLE_PROJECTION
from projections.association.training import TRAINING_PROJECTION
from projections.campaign.inspections import INSPECTIONS_PROJECTION
from projections.care.district_settings import DISTRICT_SETTINGS_PROJECTION
from projections.care.evaluations import EVALUATIONS_PROJECTION
from projections.care.groups import GROUPS_PROJECTION
from projections.care.needs import NEEDS_PROJECTION
from projections.care.visits import VISITS_PROJECTION
from projections.divisions.divisions import DIVISIONS_PROJECTION
from projections.engine import tracking
from projections.engine.history import CLOCK, DAYS, HistoryLog, twins
from projections.engine.projection import Projection, Router
from projections.engine.recall import Recall
from projections.engine.unit_of_work import UnitOfWork
from projections.kept_rollups import KEPT_ROLLUPS
from projections.ledger.audit_trail import AUDIT_TRAIL_PROJECTION
from projections.platform.database import Cursor, Database
from projections.platform.tables import Table
from projections.roster.roster import ROSTER_PROJECTION

#: Every read model kept live for each district, in the order they are applied.
PROJECTIONS: tuple[Projection, ...] = (
    ASSOCIATIONS_PROJECTION,
    AUDIT_TRAIL_PROJECTION,
    GROUPS_PROJECTION,
    NEEDS_PROJECTION,
    VISITS_PROJECTION,
    DISTRICT_SETTINGS_PROJECTION,
    EVALUATIONS_PROJECTION,
    ROSTER_PROJECTION,
    DIVISIONS_PROJECTION,
    LIFECYCLE_PROJECTION,
    TRAINING_PROJECTION,
    INSPECTIONS_PROJECTION,
)


#: The tracking row of the temporal tables: they were built from the district's first event (a
#: store written before them has none, so its first catch-up rebuilds it whole) and reached
#: this position.
HISTORY = "temporal_history"


def temporal(projection: Projection) -> bool:
    """Whether the read model keeps its rows' history (the domain read models do; the audit
    trail describes records, not facts, and is its own history)."""
    return projection.every_record is None


def stored_tables(projection: Projection) -> tuple[Table, ...]:
    """The projection's tables and, for a temporal one, their twins on both clocks."""
    return projection.tables + (twins(projection.tables) if temporal(projection) else ())


def history_log(
    projections: Sequence[Projection],
    cur: Cursor | None = None,
    sql: Callable[[str], str] | None = None,
    recall: Recall | None = None,
) -> HistoryLog:
    """A log for the temporal tables of ``projections``, its clock read from the store (a
    rebuild starts it afresh, and keeps the day counts only when it rebuilds them all);
    ``recall`` is what the run's earlier batches know of the stored versions."""
    names = frozenset(t.name for p in projections if temporal(p) for t in p.tables)
    clock = read_clock(cur, sql) if cur is not None and sql is not None else None
    every = names >= TEMPORAL_TABLES.keys()
    return HistoryLog(
        temporal=names,
        clock=clock,
        counts=cur is not None or every,
        recall=recall or Recall(empty=cur is None),
    )


HISTORY_TABLES = (CLOCK, DAYS)
#: The live tables that have temporal twins, by name.
TEMPORAL_TABLES: dict[str, Table] = {
    t.name: t for p in PROJECTIONS if temporal(p) for t in p.tables
}


def read_clock(cur: Cursor, sql: Callable[[str], str]) -> tuple[date, int] | None:
    """The latest recorded day the temporal tables reached, and at which position."""
    cur.execute(sql("SELECT day, position FROM {s}temporal_clock WHERE id = 1"))
    row = cur.fetchone()
    return None if row is None else (date.fromisoformat(row["day"]), int(row["position"]))


def events_after_sql(db: Database) -> str:
    """Stored events after a position, oldest first (SQLite numbers them by rowid)."""
    id_column = db.notification_id_column
    return (
        f"SELECT {id_column} AS notification_id, originator_id, originator_version, topic, state "
        f"FROM {{s}}{db.events_table} WHERE {id_column} > %s ORDER BY {id_column} LIMIT %s"
    )


def stored_event(row: Any) -> StoredEvent:
    """A row of the events table as the library's stored event (bytes as stored)."""
    return StoredEvent(
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
    )


def apply_rows(
    rows: Sequence[Any],
    mapper: Mapper[Any],
    route: Router,
    uow: UnitOfWork,
    starts: Mapping[str, int] | None = None,
) -> None:
    """Decode each stored row and apply it to the projections it routes to; with ``starts``,
    only to those whose tracking position is before it (the others have it already).

    The unit of work's history log learns each event's days before its changes come."""
    history = uow.history
    for row in rows:
        stored = stored_event(row)
        event = mapper.to_domain_event(stored)
        position = int(row["notification_id"])
        chosen = route(event)
        if history is not None and any(temporal(p) for p in chosen):
            history.at(event, position)
        for projection in chosen:
            if starts is None or position > starts[projection.name]:
                projection.apply(stored, event, position, uow)


def adopt(
    cur: Cursor, sql: Callable[[str], str], dialect: str, projections: Sequence[Projection]
) -> None:
    """Give read models new to this district (a release added them) tables and a tracking row.

    They then start from the first event while the others carry on from where they are.
    """
    for projection in projections:
        for table in stored_tables(projection):
            for statement in table.ddl(dialect):
                cur.execute(sql(statement))
    for table in (*HISTORY_TABLES, KEPT_ROLLUPS):
        for statement in table.ddl(dialect):
            cur.execute(sql(statement))
    tracking.register(cur, sql, [p.name for p in projections])
