"""The rules' input: one district's read-model facts on one day, indexed for the rules.

The tables are either the live read models (copied into memory) or an as-of replay on either
clock (:mod:`projections.replay`), so the same rules answer "does this association meet the plan
today?" and "did it, as the records stood on 30 March 2022?".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from projections.care.district_settings import intervals_in_force
from projections.engine.memory import MemoryTables


def active_between(start: Any, end: Any, day: str) -> bool:
    """Whether something that started on ``start`` and ended on ``end`` holds on ``day``."""
    begun = start is None or str(start) <= day
    return begun and (end is None or str(end) > day)


def _latest(pairs: Any) -> dict[str, str]:
    """The latest day per key of (key, ISO day) pairs."""
    latest: dict[str, str] = {}
    for key, day in pairs:
        if day > latest.get(key, ""):
            latest[key] = day
    return latest


def association_order(association: dict[str, Any]) -> tuple[str, str]:
    """Associations in order of village, then id (the same from every source)."""
    return str(association["division_code"]), str(association["id"])


def officer_order(officer: dict[str, Any]) -> tuple[int, str]:
    """Officers in order of appointment, then id."""
    return int(officer["appointed_position"] or 0), str(officer["officer_id"])


def intervals_on(rows: Iterable[dict[str, Any]], as_of: date) -> dict[str, int]:
    """The district's visit intervals in force on ``as_of`` from its interval versions."""
    versions = [
        {
            **v,
            "intervals": json.loads(v["intervals"])
            if isinstance(v["intervals"], str)
            else v["intervals"],
        }
        for v in sorted(rows, key=lambda v: v["position"])
    ]
    intervals: dict[str, int] = intervals_in_force(versions, as_of)["intervals"]
    return intervals


@dataclass(frozen=True)
class Roster:
    """What the roster rules found in one village on the day, worked out by the store
    (:mod:`projections.rules.stored_facts`) rather than from every person in memory."""

    rostered: int
    households: int
    incomplete: list[str] = field(default_factory=list)  # person ids, in order of id
    outside_groups: list[str] = field(default_factory=list)  # person ids, in order of id
    overdue: list[dict[str, Any]] = field(default_factory=list)  # by household id
    #: How many are incomplete, outside groups and overdue, when the store only counted them
    #: (a roll-up names no one: the lists above are then empty).
    counted: tuple[int, int, int] | None = None

    @property
    def incomplete_count(self) -> int:
        """Persons whose record is incomplete."""
        return len(self.incomplete) if self.counted is None else self.counted[0]

    @property
    def outside_count(self) -> int:
        """Persons in no group."""
        return len(self.outside_groups) if self.counted is None else self.counted[1]

    @property
    def overdue_count(self) -> int:
        """Households overdue for a visit."""
        return len(self.overdue) if self.counted is None else self.counted[2]


NO_ROSTER = Roster(rostered=0, households=0)


class Facts:
    """The read-model facts of one district on one date, indexed for the rules."""

    def __init__(self, tables: MemoryTables | None, as_of: date) -> None:
        """The facts in ``tables`` on ``as_of``; none yet without tables (the store's reader
        of :mod:`projections.rules.reading` fills them from SQL)."""
        self.as_of = as_of
        self.day = as_of.isoformat()
        self.associations: list[dict[str, Any]] = []
        self.officers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.facilities: dict[str, set[str]] = defaultdict(set)
        self.villages: list[dict[str, Any]] = []
        self.persons: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.members: set[str] = set()
        self.last_visit: dict[str, str] = {}
        self.intervals: dict[str, int] = {}
        self.evaluations: dict[str, list[str]] = defaultdict(list)
        self.trained: dict[str, str] = {}
        #: Per village, when the store worked the roster rules out (else None: the rules work
        #: them out from ``persons``, ``members`` and ``last_visit``).
        self.rosters: dict[str, Roster] | None = None
        if tables is not None:
            self._people(tables)
            self._care(tables)
            self._organisation(tables)

    def _organisation(self, tables: MemoryTables) -> None:
        day = self.day
        ended = {
            row["association_id"]
            for row in tables.rows("association_status")
            if row.get("ended_on") and str(row["ended_on"]) <= day
        }
        self.associations = sorted(
            (
                a
                for a in tables.rows("associations")
                if str(a["established_on"]) <= day and a["id"] not in ended
            ),
            key=association_order,
        )
        # In order of appointment, however the rows were loaded (replay, live or as of a day).
        for officer in sorted(tables.rows("officers"), key=officer_order):
            if active_between(officer["appointed_on"], officer["removed_on"], day):
                self.officers[officer["association_id"]].append(officer)
        for facility in tables.rows("facilities"):
            if active_between(facility["recorded_on"], facility["withdrawn_on"], day):
                self.facilities[facility["association_id"]].add(facility["kind"])
        self.villages = sorted(
            (
                d
                for d in tables.rows("divisions")
                if d.get("level") == "village"
                and active_between(d.get("valid_from"), d.get("ended_on"), day)
            ),
            key=lambda d: d["code"],
        )

    def _people(self, tables: MemoryTables) -> None:
        day = self.day
        # In order of id, however the rows were loaded (a roster's lists are compared).
        for person in sorted(tables.rows("persons"), key=lambda p: str(p["id"])):
            if person.get("status") == "active" and str(person.get("registered_on") or "") <= day:
                self.persons[str(person.get("village_code"))].append(person)
        self.members = {
            str(m["person_id"])
            for m in tables.rows("group_memberships")
            if active_between(m["joined_on"], m["left_on"], day)
        }

    def _care(self, tables: MemoryTables) -> None:
        day = self.day
        self.last_visit = _latest(
            (str(v["household_id"]), str(v["visited_on"]))
            for v in tables.rows("home_visits")
            if str(v["visited_on"]) <= day
        )
        self.intervals = intervals_on(tables.rows("visit_interval_versions"), self.as_of)
        for evaluation in tables.rows("evaluations"):
            if evaluation["subject"] == "association" and str(evaluation["evaluated_on"]) <= day:
                self.evaluations[evaluation["association_id"]].append(
                    str(evaluation["evaluated_on"])
                )
        sessions = {s["session_id"]: str(s["held_on"]) for s in tables.rows("training_sessions")}
        self.trained = _latest(
            (str(a["officer_id"]), sessions[a["session_id"]])
            for a in tables.rows("training_attendance")
            if a["session_id"] in sessions and sessions[a["session_id"]] <= day
        )

    def sitting(self, association: dict[str, Any], role: str) -> list[dict[str, Any]]:
        """The association's officers holding ``role`` on the day."""
        return [o for o in self.officers.get(association["id"], []) if o["role"] == role]

    def stored_roster(self, association: dict[str, Any]) -> Roster | None:
        """The roster rules' results for the association's village, when the store gave
        them."""
        if self.rosters is None:
            return None
        return self.rosters.get(str(association["division_code"]), NO_ROSTER)

    def rostered(self, association: dict[str, Any]) -> list[dict[str, Any]]:
        """The active persons on the roster of the association's village on the day."""
        return self.persons.get(association["division_code"], [])
