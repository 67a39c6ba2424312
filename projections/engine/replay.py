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

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any

from eventsourcing.persistence import Mapper
from eventsourcing.utils import resolve_topic

from projections.engine.history import CHINA, Basis, effective_on
from projections.engine.memory import MemoryTables
from projections.engine.projection import Projection, Router
from projections.engine.read_models import PROJECTIONS, events_after_sql, stored_event
from projections.engine.unit_of_work import MemoryUnitOfWork, UnitOfWork
from projections.platform.database import Database

READ_BATCH = 5000


@dataclass(frozen=True)
class Replayed:
    """Tables as of a date, and what went into them."""

    tables: MemoryTables
    as_of: date
    basis: Basis
    events_read: int  # every event of the log read (up to the recorded cut)
    events_applied: int  # those up to the cut-off that a chosen read model handles
    last_position: int


def replayable(projections: Sequence[Projection] = PROJECTIONS) -> tuple[Projection, ...]:
    """The domain read models (not the audit trail, which describes records, not facts)."""
    return tuple(p for p in projections if p.every_record is None)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Zhengzhou."""
    return datetime.combine(day, time.max, tzinfo=CHINA)


def read_events(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    wanted: Callable[[str], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = READ_BATCH,
) -> Iterator[tuple[int, Any]]:
    """(position, domain event) for the district's events in log order, ``batch`` rows a read.

    With ``wanted``, an event whose topic it refuses is not decoded at all (nothing would use
    it): decoding is most of what a replay costs.  The benchmarks time this as the floor of any
    replay (bench/common.py).
    """
    sql = partial(db.sql, district)
    select = sql(events_after_sql(db))
    position = 0
    while True:
        with db.transaction(district, write=False) as cur:
            cur.execute(select, (position, batch))
            rows = cur.fetchall()
        if not rows:
            return
        for row in rows:
            if wanted is None or wanted(row["topic"]):
                yield int(row["notification_id"]), mapper.to_domain_event(stored_event(row))
        position = int(rows[-1]["notification_id"])
        if progress is not None:
            progress(len(rows))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a replay holds every event in memory.

    The replay keeps hundreds of thousands of acyclic objects alive; the collector would
    traverse them again at every generation-2 pass (measured: 15-20% of a replay).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Applier:
    """The chosen projections' handlers by event class, to apply an event in one lookup."""

    def __init__(self, projections: Sequence[Projection]) -> None:
        self.projections = tuple(projections)
        self.every_record = any(p.every_record is not None for p in self.projections)
        self.handlers: dict[type, list[Any]] = {}
        for projection in self.projections:
            for kind, handler in projection.handlers.items():
                self.handlers.setdefault(kind, []).append(handler)
        self._topics: dict[str, bool] = {}
        self._route = Router(self.projections)

    def wanted(self, topic: str) -> bool:
        """Whether any chosen projection handles events of ``topic``."""
        known = self._topics.get(topic)
        if known is None:
            known = self.every_record or resolve_topic(topic) in self.handlers
            self._topics[topic] = known
        return known

    def apply(self, event: Any, position: int, uow: UnitOfWork) -> None:
        """Describe the row changes of one event."""
        if self.every_record:
            for projection in self._route(event):
                # A replay has no stored record: every-record read models are not replayable().
                projection.apply(None, event, position, uow)  # type: ignore[arg-type]
            return
        for handler in self.handlers.get(type(event), ()):
            handler(event, position, uow)


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
    applier = Applier(chosen)
    counted = [0]

    def count(rows: int) -> None:
        counted[0] += rows
        if progress is not None:
            progress(rows)

    # Events no chosen projection handles are neither decoded nor dated: they change nothing.
    with collector_paused():
        return _replay(db, district, mapper, as_of, basis, applier, count, counted)


def _replay(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    as_of: date,
    basis: Basis,
    applier: Applier,
    count: Callable[[int], None],
    counted: list[int],
) -> Replayed:
    events = read_events(db, district, mapper, applier.wanted, count)
    tables, applied, last = apply_as_of(events, as_of, basis, applier)
    return Replayed(
        tables=tables,
        as_of=as_of,
        basis=basis,
        events_read=counted[0],
        events_applied=applied,
        last_position=last,
    )


def apply_as_of(
    events: Iterable[tuple[int, Any]], as_of: date, basis: Basis, applier: Applier
) -> tuple[MemoryTables, int, int]:
    """Tables from (position, event) in log order as of the end of ``as_of`` on ``basis``,
    the number of events applied and the last position applied (no database: rules are
    tested at this seam)."""
    tables = MemoryTables()
    uow = MemoryUnitOfWork(tables)
    apply = applier.apply
    applied = last = 0
    if basis is Basis.RECORDED:
        # Log order is recorded order: apply as they come, holding no event longer than that.
        cutoff = end_of_day(as_of)
        for position, event in events:
            if event.timestamp > cutoff:
                break
            apply(event, position, uow)
            applied, last = applied + 1, position
    else:
        selected = [
            (effective, position, event)
            for position, event in events
            if (effective := effective_on(event)) <= as_of
        ]
        selected.sort(key=lambda item: (item[0], item[1]))
        for _, position, event in selected:
            apply(event, position, uow)
            last = max(last, position)
        applied = len(selected)
    return tables, applied, last


def recorded_by(db: Database, district: str, mapper: Mapper[Any], day: date) -> bool:
    """Whether the recorded clock knows anything at the end of ``day``.

    Log order is recorded order, so only the first event a read model handles is looked at.
    """
    applier = Applier(replayable())
    for _, event in read_events(db, district, mapper, applier.wanted):
        return bool(event.timestamp <= end_of_day(day))
    return False


def load_live(
    db: Database,
    district: str,
    projections: Sequence[Projection] | None = None,
    only: frozenset[str] | None = None,
) -> MemoryTables:
    """The live read models of a district, copied into memory (to compare or evaluate);
    ``only`` these tables when given."""
    tables = MemoryTables()
    sql = partial(db.sql, district)
    chosen = replayable() if projections is None else tuple(projections)
    with db.transaction(district, write=False) as cur:
        for projection in chosen:
            for table in projection.tables:
                if only is not None and table.name not in only:
                    continue
                cur.execute(sql(f"SELECT * FROM {{s}}{table.name}"))
                for row in cur.fetchall():
                    record = {c: row[c] for c in table.columns}
                    tables.upsert(table.name, tuple(record[k] for k in table.key), record)
    return tables
