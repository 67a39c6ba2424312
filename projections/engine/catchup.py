"""Bring a district's read models up to its newest event: the one job every worker does.

Each batch runs in one write transaction of the district's store.  That transaction first
takes the district's exclusive lock (so two workers never project one district at once),
then reads the tracking positions, the next events after them, applies every projection,
writes the rows and moves the positions.  A crash anywhere rolls the batch back whole; the
next run starts again from the committed position.  Messages only say "look again".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from eventsourcing.persistence import Mapper

from projections.engine import tracking
from projections.engine.erasure import rewrite_erased
from projections.engine.projection import Projection, Router
from projections.engine.read_models import (
    HISTORY,
    PROJECTIONS,
    adopt,
    apply_rows,
    events_after_sql,
    history_log,
)
from projections.engine.rebuild import rebuild
from projections.engine.recall import Recall
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatchUp:
    """What one catch-up run did."""

    district: str
    applied: int
    batches: int
    position: int


def catch_up(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    *,
    projections: Sequence[Projection] = PROJECTIONS,
    batch_size: int = 1000,
    max_batches: int | None = None,
) -> CatchUp:
    """Apply every event after the tracking positions, batch by batch, to the log's end.

    The end is where a batch comes back short: events committed after that are left to the
    wake-up their command sends (callers that must see them call again).
    """
    sql = partial(db.sql, district)
    select = sql(events_after_sql(db))
    route = Router(projections)
    applied = batches = 0
    position = 0
    erased = rebuild_first = False
    recall = Recall()
    while max_batches is None or batches < max_batches:
        with db.transaction(district, write=True) as cur:
            known = tracking.positions(cur, sql)
            if known and HISTORY not in known:
                rebuild_first = True
                break
            _check_recall(recall, known, batches, position)
            missing = [p for p in projections if p.name not in known]
            if missing:
                adopt(cur, sql, db.kind, missing)
                tracking.register(cur, sql, [HISTORY])
            starts = {p.name: known.get(p.name, 0) for p in projections}
            position = min(starts.values())
            cur.execute(select, (position, batch_size))
            rows = cur.fetchall()
            if not rows:
                break
            history = history_log(projections, cur, sql, recall)
            uow = UnitOfWork(history)
            apply_rows(rows, mapper, route, uow, starts)
            uow.flush(cur, sql)
            if history.erased_subjects:
                rewrite_erased(cur, sql, db, mapper, history, projections)
                recall.forget()  # the erased rows' versions were written again
            last = int(rows[-1]["notification_id"])
            tracking.advance_all(cur, sql, {**starts, HISTORY: known.get(HISTORY, 0)}, last)
            position = last
        erased = erased or uow.erases_personal_data
        applied += len(rows)
        batches += 1
        if len(rows) < batch_size:
            break  # that was the end of the log; what comes later brings its own wake-up
    if rebuild_first:
        return _rebuild_with_history(db, district, mapper, projections, batch_size, max_batches)
    if erased:
        db.scrub(district)  # the erased rows as they were must not outlive the batch
    if applied:
        log.debug("district %s: applied %d events in %d batches", district, applied, batches)
    return CatchUp(district=district, applied=applied, batches=batches, position=position)


def _check_recall(recall: Recall, known: dict[str, int], batches: int, position: int) -> None:
    """Keep what the run knows of the stored versions only while it alone wrote them: the
    history's position is where this run's last batch left it (or, first, nothing is stored)."""
    at = known.get(HISTORY, 0)
    if batches == 0:
        recall.empty = at == 0 and not any(known.values())
    elif at != position:
        recall.forget()


def _rebuild_with_history(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    projections: Sequence[Projection],
    batch_size: int,
    max_batches: int | None,
) -> CatchUp:
    """A store written before the temporal tables: rebuild it whole once, then carry on."""
    log.info("district %s: building its temporal tables from the first event", district)
    rebuild(db, district, mapper, PROJECTIONS)
    return catch_up(
        db,
        district,
        mapper,
        projections=projections,
        batch_size=batch_size,
        max_batches=max_batches,
    )


def projected_position(db: Database, district: str) -> int:
    """The position every live read model of the district has reached."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        known = tracking.positions(cur, sql)
    return min((known.get(p.name, 0) for p in PROJECTIONS), default=0)
