"""The households an association's worker has to visit (S3.5): every household of its
village's roster with the day its next visit is due, never-visited ones too, the special
hardship households first and then the most overdue.  The village worker's task list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from projections.care.district_settings import interval_versions, intervals_in_force
from projections.care.visits import VISITS_PROJECTION
from projections.platform.database import Database
from projections.platform.scope import tracked_position
from projections.rules.s3_5_systems import Household, roster_households, visit_due


@dataclass(frozen=True)
class Member:
    """A rostered person of the household (names are not masked; addresses are, elsewhere)."""

    person_id: str
    name: str


@dataclass(frozen=True)
class HouseholdToVisit:
    """One household with its next visit's due date on the day asked about."""

    household_id: str
    members: tuple[Member, ...]
    special_hardship: bool
    household_kind: str
    last_visited_on: date | None
    due_on: date
    days_overdue: int

    @property
    def overdue(self) -> bool:
        """The due date lies before the day asked about."""
        return self.days_overdue > 0


@dataclass(frozen=True)
class VisitTasks:
    """The households due within the horizon (overdue ones included), sorted, paged."""

    items: list[HouseholdToVisit]
    total: int
    overdue: int
    position: int
    every: dict[str, HouseholdToVisit] = field(default_factory=dict)


def _village(cur: Any, sql: Any, association_id: str) -> str | None:
    cur.execute(sql("SELECT division_code FROM {s}associations WHERE id = %s"), (association_id,))
    row = cur.fetchone()
    return str(row["division_code"]) if row else None


def _rostered(cur: Any, sql: Any, village: str, on: date) -> list[dict[str, Any]]:
    cur.execute(
        sql(
            "SELECT id, name, household_id, special_hardship, registered_on FROM {s}persons "
            "WHERE status = 'active' AND village_code = %s "
            "AND (registered_on IS NULL OR registered_on <= %s) ORDER BY name, id"
        ),
        (village, on.isoformat()),
    )
    return [dict(row) for row in cur.fetchall()]


def _latest_visits(cur: Any, sql: Any, association_id: str, on: date) -> dict[str, Any]:
    cur.execute(
        sql(
            "SELECT household_id, household_kind, visited_on FROM {s}home_visits "
            "WHERE association_id = %s AND visited_on <= %s ORDER BY visited_on, position"
        ),
        (association_id, on.isoformat()),
    )
    return {str(row["household_id"]): dict(row) for row in cur.fetchall()}


def _household(
    household: Household,
    members: tuple[Member, ...],
    latest: dict[str, Any] | None,
    intervals: dict[str, int],
    on: date,
) -> HouseholdToVisit:
    seen = Household(
        household.household_id,
        household.special_hardship,
        date.fromisoformat(str(latest["visited_on"])) if latest else None,
        str(latest["household_kind"]) if latest else None,
        household.first_registered_on,
    )
    due = visit_due(seen, intervals, on)
    return HouseholdToVisit(
        household_id=household.household_id,
        members=members,
        special_hardship=bool(household.special_hardship),
        household_kind=due.kind,
        last_visited_on=seen.last_visited_on,
        due_on=due.due_on,
        days_overdue=max((on - due.due_on).days, 0),
    )


def households_to_visit(
    db: Database,
    district: str,
    association_id: str,
    *,
    on: date,
    within_days: int = 30,
    limit: int = 20,
    offset: int = 0,
) -> VisitTasks:
    """The association's households due a visit by ``on + within_days``, hardship first,
    then the most overdue; ``every`` has all of the village's households (due or not)."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, VISITS_PROJECTION.name)
        village = _village(cur, sql, association_id)
        people = _rostered(cur, sql, village, on) if village else []
        latest = _latest_visits(cur, sql, association_id, on)
        intervals = intervals_in_force(interval_versions(cur, sql), on)["intervals"]
    members: dict[str, list[Member]] = {}
    for person in people:
        key = str(person.get("household_id") or person["id"])
        members.setdefault(key, []).append(Member(str(person["id"]), str(person["name"])))
    every = {
        key: _household(household, tuple(members[key]), latest.get(key), intervals, on)
        for key, household in roster_households(people).items()
    }
    horizon = on + timedelta(days=within_days)
    due = sorted(
        (h for h in every.values() if h.due_on <= horizon),
        key=lambda h: (not h.special_hardship, h.due_on, h.household_id),
    )
    return VisitTasks(
        items=due[offset : offset + limit],
        total=len(due),
        overdue=sum(1 for h in due if h.overdue),
        position=position,
        every=every,
    )
