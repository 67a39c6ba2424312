"""S3.5 完善残协工作制度: home visits on time, the roster complete, duties and rules on the
wall, the association evaluated in the current cycle.

"Overdue for a visit" is worked out here once (:func:`visit_due`), for the compliance rule and
for the visits read model (:mod:`projections.visits`: the households due list and the roster's
``overdue_visit`` filter).  A household's kind is what the roster says on the day asked about
(special hardship when any active member is flagged), because the plan asks for visits
"especially" to special-hardship families as they are now; the kind recorded on the latest
visit only counts for a household no longer on the roster.  Its interval is the district's
setting in force that day, else the plan's (:class:`aggregates.plan.Visits`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from aggregates.plan import PLANS, Plan, in_force
from projections.rules.facts import Facts
from projections.rules.rule import Rule, facilities_recorded

SPECIAL_HARDSHIP = "special_hardship"
ORDINARY = "ordinary"


@dataclass(frozen=True)
class Household:
    """A household as the visit rule sees it on a day."""

    household_id: str
    special_hardship: bool | None  # from the roster on the day; None: no member on the roster
    last_visited_on: date | None = None
    last_visit_kind: str | None = None  # the kind recorded on the latest visit
    first_registered_on: date | None = None

    @property
    def kind(self) -> str:
        """The household kind whose interval applies."""
        if self.special_hardship is None:
            return self.last_visit_kind or ORDINARY
        return SPECIAL_HARDSHIP if self.special_hardship else ORDINARY


@dataclass(frozen=True)
class Due:
    """When a household's next visit falls due."""

    kind: str
    interval_days: int
    due_on: date

    def overdue(self, on: date) -> bool:
        """Overdue on ``on`` when the due date lies before it."""
        return self.due_on < on


def visit_due(
    household: Household,
    intervals: Mapping[str, int],
    on: date,
    plans: tuple[Plan, ...] = PLANS,
) -> Due:
    """The due date of ``household`` as of ``on``, with the district's ``intervals`` then
    (a kind they do not name gets the plan's interval in force ``on``).

    Counted from the latest visit, or for a household never visited from its first member's
    registration (from ``on`` when that is unknown: not yet due).
    """
    interval = in_force(on, plans).visits.interval(household.kind, intervals)
    since = household.last_visited_on or household.first_registered_on or on
    return Due(household.kind, interval, since + timedelta(days=interval))


def roster_households(people: Iterable[Mapping[str, Any]]) -> dict[str, Household]:
    """Households of the active rostered ``people``: hardship if any member is flagged, and
    their first member's registration.  A person with no household id is their own household.
    """
    members: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for person in people:
        members[str(person.get("household_id") or person["id"])].append(person)
    households = {}
    for household_id, group in members.items():
        registered = [str(p["registered_on"]) for p in group if p.get("registered_on")]
        households[household_id] = Household(
            household_id,
            special_hardship=any(bool(p.get("special_hardship")) for p in group),
            first_registered_on=date.fromisoformat(min(registered)) if registered else None,
        )
    return households


def overdue_entry(household: Household, due: Due) -> dict[str, Any]:
    """How an overdue household appears in the visit rule's finding."""
    last = household.last_visited_on
    return {
        "household_id": household.household_id,
        "kind": due.kind,
        "last_visit": last.isoformat() if last else None,
        "due": due.due_on.isoformat(),
    }


def _visits(association: dict[str, Any], facts: Facts, plan: Plan) -> tuple[bool, dict[str, Any]]:
    """Every household of the village's roster visited within its interval."""
    stored = facts.stored_roster(association)
    if stored is not None:
        found = {"households": stored.households, "overdue": stored.overdue}
        return not stored.overdue_count, found
    households = roster_households(facts.rostered(association))
    overdue = []
    for household_id, household in sorted(households.items()):
        last = facts.last_visit.get(household_id)
        seen = Household(
            household_id,
            household.special_hardship,
            date.fromisoformat(last) if last else None,
            first_registered_on=household.first_registered_on,
        )
        due = visit_due(seen, facts.intervals, facts.as_of)
        if due.overdue(facts.as_of):
            overdue.append(overdue_entry(seen, due))
    return not overdue, {"households": len(households), "overdue": overdue}


def _roster_complete(
    association: dict[str, Any], facts: Facts, plan: Plan
) -> tuple[bool, dict[str, Any]]:
    """档案管理: every rostered person has a household, an address and a certificate or needs."""
    stored = facts.stored_roster(association)
    if stored is not None:
        found = {"rostered": stored.rostered, "incomplete": stored.incomplete}
        return bool(stored.rostered) and not stored.incomplete_count, found
    people = facts.rostered(association)
    incomplete = [
        p["id"]
        for p in people
        if not p.get("household_id")
        or not p.get("address")
        or not (p.get("certificate_number") or p.get("service_needs"))
    ]
    return bool(people) and not incomplete, {"rostered": len(people), "incomplete": incomplete}


def _evaluated(
    association: dict[str, Any], facts: Facts, plan: Plan
) -> tuple[bool, dict[str, Any]]:
    """考核: the district evaluated the association within the plan's window before the day."""
    since = (facts.as_of - timedelta(days=plan.evaluation_window_days)).isoformat()
    dates = sorted(facts.evaluations.get(association["id"], []))
    recent = [d for d in dates if d > since]
    return bool(recent), {"last_evaluated_on": dates[-1] if dates else None}


VISITS_ON_TIME = Rule(
    "S3.5-visits-on-time", "S3.5", "按期入户走访", "households visited within the interval", _visits
)
ROSTER_COMPLETE = Rule(
    "S3.5-roster-complete", "S3.5", "花名册完整规范", "roster complete", _roster_complete
)
DUTIES_AND_RULES_ON_WALL = Rule(
    "S3.5-duties-and-rules-on-wall",
    "S3.5",
    "职责制度上墙公示",
    "duties and rules displayed on the wall",
    facilities_recorded("duties_on_wall", "rules_on_wall"),
)
EVALUATED = Rule(
    "S3.5-evaluated", "S3.5", "本周期已考核", "evaluated in the current cycle", _evaluated
)
