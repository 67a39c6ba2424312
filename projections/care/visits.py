"""Read model of home visits and their follow-ups, and the households due a visit (S3.5).

A household's next visit is due ``interval`` days after its latest visit, where the interval
is the district's setting for the household's kind in force on the date asked about.  A
household is overdue on a date when that due date lies before it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import partial
from typing import Any

from aggregates.care.visit import HomeVisit
from projections.care.district_settings import interval_versions, intervals_in_force
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.scope import (
    Scope,
    Selection,
    row_by,
    rows_by,
    tracked_position,
    where_clause,
)
from projections.platform.tables import Table, columns, copied, json_text
from projections.rules.s3_5_systems import Household, roster_households, visit_due

VISITS = Table(
    name="home_visits",
    columns=columns(
        "visit_id text, association_id text, household_id text, household_kind text, "
        "person_ids json, visited_on date, visitor_officer_id text, visitor_name text, mode text, "
        "findings text, difficulties json, open_follow_ups int, version int, position int, "
        "recorded_by text"
    ),
    key=("visit_id",),
    indexes=(("association_id", "household_id"), ("visited_on",)),
)

FOLLOW_UPS = Table(
    name="visit_follow_ups",
    columns=columns(
        "follow_up_id text, visit_id text, referred_to text, referred_on date, matter text, "
        "concluded_on date, outcome text, resolved bool, referred_position int, referred_by text, "
        "concluded_by text"
    ),
    key=("follow_up_id",),
    indexes=(("visit_id",),),
)


def _recorded(event: HomeVisit.Recorded, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        VISITS,
        {
            "visit_id": str(event.originator_id),
            "association_id": str(event.association_id),
            **copied(event, "household_id household_kind"),
            "person_ids": json.dumps(event.person_ids),
            "visited_on": event.visited_on.isoformat(),
            "visitor_officer_id": str(event.visitor_officer_id),
            **copied(event, "visitor_name mode findings"),
            "difficulties": json_text(event.difficulties),
            "open_follow_ups": 0,
            "version": event.originator_version,
            "position": position,
            "recorded_by": event.by.actor,
        },
    )


def _referred(event: HomeVisit.FollowUpReferred, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        VISITS,
        (str(event.originator_id),),
        values={"version": event.originator_version},
        increments={"open_follow_ups": 1},
    )
    uow.upsert(
        FOLLOW_UPS,
        {
            "follow_up_id": str(event.follow_up_id),
            "visit_id": str(event.originator_id),
            "referred_to": event.referred_to,
            "referred_on": event.referred_on.isoformat(),
            "matter": event.matter,
            "concluded_on": None,
            "outcome": None,
            "resolved": None,
            "referred_position": position,
            "referred_by": event.by.actor,
            "concluded_by": None,
        },
    )


def _concluded(event: HomeVisit.FollowUpConcluded, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        VISITS,
        (str(event.originator_id),),
        values={"version": event.originator_version},
        increments={"open_follow_ups": -1},
    )
    uow.patch(
        FOLLOW_UPS,
        (str(event.follow_up_id),),
        values={
            "concluded_on": event.concluded_on.isoformat(),
            **copied(event, "outcome resolved"),
            "concluded_by": event.by.actor,
        },
    )


VISITS_PROJECTION = Projection(
    name="visits",
    tables=(VISITS, FOLLOW_UPS),
    handlers=handled(_recorded, _referred, _concluded),
)


# -- queries --------------------------------------------------------------------------------


def _visit(row: Any) -> dict[str, Any]:
    visit = dict(row)
    visit["person_ids"] = json.loads(visit["person_ids"] or "[]")
    visit["difficulties"] = json.loads(visit["difficulties"] or "[]")
    return visit


def _follow_up(row: Any) -> dict[str, Any]:
    follow_up = dict(row)
    if follow_up["resolved"] is not None:
        follow_up["resolved"] = bool(follow_up["resolved"])
    return follow_up


def list_visits(
    db: Database,
    district: str,
    scope: Scope,
    *,
    household_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int, int]:
    """Visits in scope, newest first, each with its follow-ups; the total and the position."""
    sql = partial(db.sql, district)
    selection = Selection("home_visits", *scope.where()).equal(household_id=household_id)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, VISITS_PROJECTION.name)
        rows, total = selection.page(cur, sql, "visited_on DESC, position DESC", limit, offset)
        visits = [_visit(r) for r in rows]
        ids = [v["visit_id"] for v in visits]
        follow_ups = rows_by(cur, sql, "visit_follow_ups", "visit_id", ids, "referred_position")
    for visit in visits:
        visit["follow_ups"] = [_follow_up(r) for r in follow_ups.get(visit["visit_id"], [])]
    return visits, total, position


def find_visit(db: Database, district: str, visit_id: str) -> dict[str, Any] | None:
    """One visit with its follow-ups, or None."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, VISITS_PROJECTION.name)
        row = row_by(cur, sql, "home_visits", "visit_id", visit_id)
        if row is None:
            return None
        follow_ups = rows_by(
            cur, sql, "visit_follow_ups", "visit_id", [visit_id], "referred_position"
        )
    visit = _visit(row)
    visit["follow_ups"] = [_follow_up(r) for r in follow_ups.get(visit_id, [])]
    visit["position"] = position
    return visit


def _roster(cur: Any, sql: Any, on: date) -> dict[str, Household]:
    """The roster's households on ``on`` (active members registered by then), by household id."""
    cur.execute(
        sql(
            "SELECT id, household_id, special_hardship, registered_on FROM {s}persons "
            "WHERE status = 'active' AND household_id IS NOT NULL "
            "AND (registered_on IS NULL OR registered_on <= %s)"
        ),
        (on.isoformat(),),
    )
    return roster_households(dict(row) for row in cur.fetchall())


def _due_item(
    visit: dict[str, Any], roster: dict[str, Household], intervals: dict[str, int], on: date
) -> dict[str, Any]:
    """A visited household with its due date (S3.5: :func:`visit_due`)."""
    listed = roster.get(visit["household_id"])
    last = date.fromisoformat(str(visit["visited_on"]))
    household = Household(
        visit["household_id"],
        listed.special_hardship if listed else None,
        last,
        visit["household_kind"],
    )
    due = visit_due(household, intervals, on)
    overdue = due.overdue(on)
    return {
        "association_id": visit["association_id"],
        "household_id": visit["household_id"],
        "household_kind": due.kind,
        "last_visited_on": last.isoformat(),
        "last_visit_id": visit["visit_id"],
        "interval_days": due.interval_days,
        "due_on": due.due_on.isoformat(),
        "overdue": overdue,
        "days_overdue": (on - due.due_on).days if overdue else 0,
    }


def households_due(
    db: Database,
    district: str,
    scope: Scope,
    *,
    on: date,
    within_days: int = 30,
    status: str = "all",
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """Households visited before, with their latest visit on or before ``on`` and due date.

    ``status``: ``overdue`` (due date before ``on``), ``due`` (due within ``within_days``
    but not overdue) or ``all`` (every household, soonest due first).  ``limit`` and
    ``offset`` page the sorted list (every household when ``limit`` is None); ``total``
    counts them all.  The kind and interval are those of S3.5's rule
    (:mod:`projections.rules.s3_5_systems`): the roster's kind on ``on``.
    """
    items = _due(db, district, scope, on)
    horizon = (on + timedelta(days=within_days)).isoformat()
    if status == "overdue":
        items["items"] = [i for i in items["items"] if i["overdue"]]
    elif status == "due":
        items["items"] = [i for i in items["items"] if not i["overdue"] and i["due_on"] <= horizon]
    listed = sorted(
        items["items"], key=lambda i: (i["due_on"], i["association_id"], i["household_id"])
    )
    return {
        "on": on.isoformat(),
        "status": status,
        "intervals": items["intervals"],
        "items": listed[offset:] if limit is None else listed[offset : offset + limit],
        "total": len(listed),
        "limit": limit,
        "offset": offset,
        "position": items["position"],
    }


def _due(db: Database, district: str, scope: Scope, on: date) -> dict[str, Any]:
    """Every visited household in scope with its due date on ``on``, and what was used."""
    sql = partial(db.sql, district)
    conditions, params = scope.where()
    conditions.append("visited_on <= %s")
    params.append(on.isoformat())
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, VISITS_PROJECTION.name)
        settings = intervals_in_force(interval_versions(cur, sql), on)
        cur.execute(
            sql(
                f"SELECT association_id, household_id, household_kind, visited_on, visit_id "
                f"FROM {{s}}home_visits {where_clause(conditions)} "
                "ORDER BY visited_on, position"
            ),
            params,
        )
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in cur.fetchall():
            latest[(row["association_id"], row["household_id"])] = dict(row)
        roster = _roster(cur, sql, on)
    intervals = settings["intervals"]
    return {
        "intervals": settings,
        "items": [_due_item(visit, roster, intervals, on) for visit in latest.values()],
        "roster": roster,
        "position": position,
    }


def overdue_households(db: Database, district: str, on: date) -> set[str]:
    """Households of the roster overdue for a visit on ``on`` (S3.5: :func:`visit_due`).

    A visited household is overdue when its latest visit is older than its interval; one never
    visited is overdue when its first member was registered longer ago than the interval.
    """
    visited = _due(db, district, Scope(), on)
    overdue = {str(item["household_id"]) for item in visited["items"] if item["overdue"]}
    seen = {str(item["household_id"]) for item in visited["items"]}
    intervals = visited["intervals"]["intervals"]
    for household_id, household in visited["roster"].items():
        if household_id not in seen and visit_due(household, intervals, on).overdue(on):
            overdue.add(household_id)
    return overdue
