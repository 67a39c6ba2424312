"""The campaign's monthly progress: coverage and share fully compliant at each month end.

One pass over a district's events: they are applied, by the live projection handlers, month by
month on the chosen clock (log order cut by the recorded time, or effective-date order), and
the compliance rules are evaluated on the tables at each month end.  Each point equals an
as-of replay for that day (:func:`projections.engine.replay.replay`) without replaying from scratch.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from eventsourcing.persistence import Mapper

from projections.campaign.inspections import INSPECTIONS_PROJECTION
from projections.compliance import evaluate, kept_rollup
from projections.engine.history import Basis, effective_on, known_by
from projections.engine.memory import MemoryTables
from projections.engine.projection import Projection
from projections.engine.replay import Applier, collector_paused, end_of_day, read_events, replayable
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database

#: What a point of the series carries (the district roll-up's headline figures).
POINT_FIELDS = (
    "associations",
    "fully_compliant",
    "compliant_share",
    "villages",
    "covered_villages",
    "coverage_rate",
)


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month to ``last``'s, both included."""
    ends = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def compliance_projections() -> tuple[Projection, ...]:
    """The read models the rules read (the campaign's own records are not facts of the plan)."""
    return tuple(p for p in replayable() if p is not INSPECTIONS_PROJECTION)


def series(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    *,
    days: Sequence[date],
    basis: Basis,
    projections: Sequence[Projection] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """The district's roll-up at the end of each of ``days`` (ascending), in one pass."""
    with collector_paused():
        return _series(db, district, mapper, days, basis, projections, progress)


class _Replay:
    """Applies events to in-memory read models and closes one point of the series per day."""

    def __init__(self, district: str, chosen: Sequence[Projection]) -> None:
        self.district = district
        self.tables = MemoryTables()
        self.uow = UnitOfWork()
        self.applier = Applier(chosen)
        self.points: list[dict[str, Any]] = []
        self.applied = 0

    def apply(self, position: int, event: Any) -> None:
        """Apply one event to the read models."""
        self.applier.apply(event, position, self.uow)
        self.applied += 1

    def close(self, day: date) -> None:
        """Evaluate compliance on the models as they stand and append the day's point."""
        self.uow.flush_into(self.tables)
        self.points.append(point(self.district, self.tables, day, self.applied))


def point(district: str, tables: MemoryTables, day: date, applied: int) -> dict[str, Any]:
    """One day's roll-up of the district and its townships."""
    result = evaluate(district, tables, day)
    return report_point({"summary": result.summary, "townships": result.townships}, day, applied)


def report_point(rollup: Mapping[str, Any], day: date, applied: int) -> dict[str, Any]:
    """One day's point from the roll-up of that day (its ``summary`` and ``townships``)."""
    return {
        "as_of": day,
        "events_applied": applied,
        **{k: rollup["summary"][k] for k in POINT_FIELDS},
        "townships": [
            {"township_code": t["township_code"], **{k: t[k] for k in POINT_FIELDS}}
            for t in rollup["townships"]
        ],
    }


def temporal_series(
    db: Database, district: str, *, days: Sequence[date], basis: Basis
) -> list[dict[str, Any]]:
    """The same points as :func:`series`, each read from the temporal tables (no replay)."""
    points = []
    for day in sorted(days):
        result = kept_rollup(db, district, day, basis)
        with db.transaction(district, write=False) as cur:
            applied, _ = known_by(cur, partial(db.sql, district), basis, day)
        points.append(report_point(result, day, applied))
    return points


def _replay_recorded(replay: _Replay, events: Iterable[tuple[int, Any]], days: list[date]) -> None:
    """Apply events in log order, closing each day once an event recorded after it arrives."""
    cutoffs = [end_of_day(d) for d in days]
    points = replay.points
    for position, event in events:
        while len(points) < len(days) and event.timestamp > cutoffs[len(points)]:
            replay.close(days[len(points)])
        if len(points) == len(days):
            break
        replay.apply(position, event)


def _replay_effective(replay: _Replay, events: Iterable[tuple[int, Any]], days: list[date]) -> None:
    """Apply events up to the last day in order of their effective date, closing days between."""
    last = days[-1]
    selected: list[tuple[date, int, Any]] = []
    for position, event in events:
        effective = effective_on(event)
        if effective <= last:
            selected.append((effective, position, event))
    selected.sort(key=lambda item: (item[0], item[1]))
    for effective, position, event in selected:
        while effective > days[len(replay.points)]:
            replay.close(days[len(replay.points)])
        replay.apply(position, event)


def _series(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    days: Sequence[date],
    basis: Basis,
    projections: Sequence[Projection] | None,
    progress: Callable[[int], None] | None,
) -> list[dict[str, Any]]:
    chosen = compliance_projections() if projections is None else tuple(projections)
    days = sorted(days)
    if not days:
        return []
    replay = _Replay(district, chosen)
    # Events no chosen projection handles are not decoded (see projections.engine.replay).
    events = read_events(db, district, mapper, replay.applier.wanted, progress)
    if basis is Basis.RECORDED:
        _replay_recorded(replay, events, days)
    else:
        _replay_effective(replay, events, days)
    while len(replay.points) < len(days):
        replay.close(days[len(replay.points)])
    return replay.points


def add_up(rollups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several districts' points of one day as the city's."""
    associations = sum(r["associations"] for r in rollups)
    compliant = sum(r["fully_compliant"] for r in rollups)
    villages = sum(r["villages"] or 0 for r in rollups)
    covered = sum(r["covered_villages"] or 0 for r in rollups)
    return {
        "associations": associations,
        "fully_compliant": compliant,
        "compliant_share": round(compliant / associations, 4) if associations else None,
        "villages": villages or None,
        "covered_villages": covered if villages else None,
        "coverage_rate": round(covered / villages, 4) if villages else None,
    }
