"""The state of a district on any past date, rebuilt from its events by the live projections.

Two clocks (issue 6):

- ``recorded``: what the records said at the end of that day (what an inspector saw).  The
  log is cut before the first event recorded after the day; the library stamps an event
  when it is created, a moment before it commits, so the cut follows the log's order.
- ``effective``: what was true on that day as known now, corrections included.  Every event
  recorded up to now whose effective date is on or before the day counts, applied in order
  of effective date (ties in log order).

Either way the same projection handlers build the same tables, here in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import Mapper

from projections.catchup import PROJECTIONS, events_after_sql, stored_event
from projections.database import Database
from projections.memory import MemoryTables
from projections.projection import Projection
from projections.unit_of_work import UnitOfWork

CHINA = ZoneInfo("Asia/Shanghai")
READ_BATCH = 5000

#: Names of the date fields that say when an event's fact took effect, most specific first.
EFFECTIVE_FIELDS = (
    "effective_on", "effective_from", "established_on", "appointed_on", "removed_on",
    "selected_on", "withdrawn_on", "started_on", "merged_on", "dissolved_on", "formed_on",
    "joined_on", "left_on", "disbanded_on", "surveyed_on", "delivered_on", "visited_on",
    "referred_on", "concluded_on", "evaluated_on", "held_on", "obtained_on", "registered_on",
    "died_on", "recorded_on", "from_on",
)


class Basis(StrEnum):
    """Which clock an as-of question uses."""

    RECORDED = "recorded"
    EFFECTIVE = "effective"


@dataclass(frozen=True)
class Replayed:
    """Tables as of a date, and what went into them."""

    tables: MemoryTables
    as_of: date
    basis: Basis
    events_read: int
    events_applied: int
    last_position: int


def replayable(projections: Sequence[Projection] = PROJECTIONS) -> tuple[Projection, ...]:
    """The domain read models (not the audit trail, which describes records, not facts)."""
    return tuple(p for p in projections if p.every_record is None)


def recorded_on(event: Any) -> date:
    """The day (in Zhengzhou) the event was recorded."""
    return event.timestamp.astimezone(CHINA).date()


def effective_on(event: Any) -> date:
    """The day the event's fact took effect; the recorded day when it names none."""
    declared = getattr(type(event), "EFFECTIVE_FIELD", None)
    names = (declared,) if declared else EFFECTIVE_FIELDS
    for name in names:
        value = getattr(event, name, None)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    return recorded_on(event)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Zhengzhou."""
    return datetime.combine(day, time.max, tzinfo=CHINA)


def _read(db: Database, district: str, mapper: Mapper[Any]) -> Iterator[tuple[int, Any]]:
    """(position, domain event) for every event of the district, in log order."""
    sql = partial(db.sql, district)
    select = sql(events_after_sql(db))
    position = 0
    while True:
        with db.transaction(district, write=False) as cur:
            cur.execute(select, (position, READ_BATCH))
            rows = cur.fetchall()
        if not rows:
            return
        for row in rows:
            yield int(row["notification_id"]), mapper.to_domain_event(stored_event(row))
        position = int(rows[-1]["notification_id"])


def replay(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    *,
    as_of: date,
    basis: Basis,
    projections: Sequence[Projection] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Replayed:
    """Build the district's read models as of the end of ``as_of`` on ``basis``."""
    chosen = replayable() if projections is None else tuple(projections)
    cutoff = end_of_day(as_of)
    selected: list[tuple[date, int, Any]] = []
    read = 0
    last = 0
    for position, event in _read(db, district, mapper):
        read += 1
        if progress is not None and read % READ_BATCH == 0:
            progress(READ_BATCH)
        if basis is Basis.RECORDED:
            if event.timestamp > cutoff:
                break
            selected.append((as_of, position, event))
        else:
            effective = effective_on(event)
            if effective <= as_of:
                selected.append((effective, position, event))
    if basis is Basis.EFFECTIVE:
        selected.sort(key=lambda item: (item[0], item[1]))
    tables = MemoryTables()
    uow = UnitOfWork()
    for _, position, event in selected:
        for projection in chosen:
            projection.apply(None, event, position, uow)  # type: ignore[arg-type]
        last = max(last, position)
    uow.flush_into(tables)
    return Replayed(
        tables=tables,
        as_of=as_of,
        basis=basis,
        events_read=read,
        events_applied=len(selected),
        last_position=last,
    )


def load_live(db: Database, district: str, projections: Sequence[Projection] | None = None
              ) -> MemoryTables:
    """The live read models of a district, copied into memory (to compare or evaluate)."""
    tables = MemoryTables()
    sql = partial(db.sql, district)
    chosen = replayable() if projections is None else tuple(projections)
    with db.transaction(district, write=False) as cur:
        for projection in chosen:
            for table in projection.tables:
                cur.execute(sql(f"SELECT * FROM {{s}}{table.name}"))
                for row in cur.fetchall():
                    record = {c: row[c] for c in table.columns}
                    tables.upsert(table.name, tuple(record[k] for k in table.key), record)
    return tables
