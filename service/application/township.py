"""The township officer's work (S2, S3.3-S3.7): the associations of one township with their
compliance today, overdue home visits across its villages, the villages still without an
association, and the changes an officer makes to one of its associations.

A township officer's account names one district and one township; every read and command
here is of that township only.  An association of another township is not found (404), as
the API answers; the rules of the plan are the domain's (a refused appointment is its error).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from aggregates.association.training import TrainingMode
from aggregates.errors import NoSuchDistrict, NoSuchOfficer
from aggregates.store.district import DistrictRecords, Saved
from projections.association.associations import list_associations
from projections.care.visit_tasks import HouseholdToVisit, households_to_visit
from projections.engine.tracking import positions
from projections.roster.moves import Move
from projections.roster.moves import moves as person_moves
from service.application import campaign, scope
from service.application.caller import Caller
from service.application.disclosure import Unmasking
from service.association import application as associations
from service.campaign.queries import RULES_BASIS
from service.care import application as care
from service.divisions import application as divisions
from service.roster import application as roster

T = TypeVar("T")

#: Problems of an association still open.
OPEN_PROBLEMS = ("open", "escalated")
#: More associations than a township has: the overview reads them all, then pages.
EVERY = 1000


@dataclass(frozen=True)
class Standing:
    """One association of the township as the overview shows it."""

    association_id: str
    name: str
    division_code: str
    #: The rules it fails today: rule id, clause and title in each language.
    failed: list[dict[str, str]]
    overdue_visits: int
    open_problems: int


@dataclass(frozen=True)
class Overview:
    """The township's associations (a page of them), and what S2 still misses."""

    on: date
    township_code: str
    associations: list[Standing]
    total: int
    compliant: int
    uncovered: list[dict[str, str]]
    overdue_visits: int
    open_problems: int
    #: The figures are from a moment ago (a newer state is being computed).
    stale: bool = False


@dataclass(frozen=True)
class OverdueHousehold:
    """A household overdue a home visit, with the association that owes it."""

    association_id: str
    association_name: str
    household: HouseholdToVisit


@dataclass(frozen=True)
class OverdueVisits:
    """A page of the township's overdue households, most overdue first."""

    on: date
    items: list[OverdueHousehold]
    total: int
    stale: bool = False


def own_township(caller: Caller) -> tuple[str, str]:
    """The district and township of an officer's account (404 for any other account)."""
    principal = caller.principal
    if not principal.district or not principal.township or principal.association_id:
        raise NoSuchDistrict(id="-", field="code")
    return principal.district, principal.township


def _associations(caller: Caller, code: str, township: str) -> list[dict[str, Any]]:
    db = caller.reading(code)
    return list_associations(db, code, township_code=township, limit=EVERY).items


def _failed(findings: list[dict[str, Any]]) -> tuple[dict[str, list[Any]], list[dict[str, str]]]:
    """Failed rules by association, and the villages without one (S2), from the findings."""
    failed: dict[str, list[Any]] = {}
    uncovered = []
    for finding in findings:
        if finding["association_id"] is None:
            village = finding["facts"].get("village", "")
            uncovered.append({"code": finding["division_code"], "name": village})
            continue
        failed.setdefault(finding["association_id"], []).append(
            {k: finding[k] for k in ("rule_id", "clause", "title_zh", "title_en")}
        )
    return failed, sorted(uncovered, key=lambda v: v["code"])


def _open_problems(caller: Caller, code: str) -> dict[str, int]:
    found = campaign.problems(
        caller, code, {"as_of": None, "basis": RULES_BASIS.value, "state": None}
    )
    counts: dict[str, int] = {}
    for problem in found["items"]:
        if problem["state"] in OPEN_PROBLEMS and problem["association_id"]:
            counts[problem["association_id"]] = counts.get(problem["association_id"], 0) + 1
    return counts


def _overdue(caller: Caller, code: str, association_id: str) -> list[HouseholdToVisit]:
    every = households_to_visit(
        caller.runtime.db, code, association_id, on=caller.today(), limit=0
    ).every
    return [h for h in every.values() if h.overdue]


@dataclass(frozen=True)
class _Township:
    """Every association's standing and the township's totals, as of the read models."""

    standings: list[Standing]
    uncovered: list[dict[str, str]]
    #: Every household overdue a visit, most overdue first (special hardship first).
    overdue: list[OverdueHousehold]
    open_problems: int
    #: Answered from an earlier state while a newer one is being computed.
    stale: bool = False


#: Township standings by (store, district, township, today, the read models' positions): the
#: live rules read every table of the district, so a page asked again before any event was
#: projected is answered from here.
_standings: OrderedDict[tuple[Any, ...], _Township] = OrderedDict()
_standings_lock = threading.Lock()
#: One computation at a time (the others answer from the previous standing, or wait).
_computing = threading.Lock()
#: The last standing computed per (store, district, township, day), with when it was.
_latest: dict[tuple[Any, ...], tuple[float, _Township]] = {}
#: How old a standing may be when it answers during the next one's computation.
STALE_SECONDS = 60.0
CACHED_TOWNSHIPS = 32


def _read_models_at(caller: Caller, code: str) -> tuple[tuple[str, int], ...]:
    """Where each read model of the district stands (what the live rules read)."""
    db = caller.reading(code)
    with db.transaction(code, write=False) as cur:
        found = positions(cur, partial(db.sql, code))
    return tuple(sorted(found.items()))


def _township(caller: Caller, code: str, township: str) -> _Township:
    """The standing of every association of the township today, computed once per state of
    the read models.  While one request computes it, the others answer with the previous
    standing if it is at most ``STALE_SECONDS`` old (marked stale), else wait for it."""
    store = str(getattr(caller.runtime.db, "url", None) or id(caller.runtime.db))
    place = (store, code, township, caller.today())
    key = (*place, _read_models_at(caller, code))
    with _standings_lock:
        cached = _standings.get(key)
        previous = _latest.get(place)
    if cached is not None:
        return cached
    if not _computing.acquire(blocking=False):
        if previous is not None and time.monotonic() - previous[0] <= STALE_SECONDS:
            return replace(previous[1], stale=True)
        _computing.acquire()
    try:
        with _standings_lock:
            cached = _standings.get(key)
        if cached is not None:
            return cached
        found = _standing_now(caller, code, township)
        with _standings_lock:
            _standings[key] = found
            _latest[place] = (time.monotonic(), found)
            while len(_standings) > CACHED_TOWNSHIPS:
                _standings.popitem(last=False)
            while len(_latest) > CACHED_TOWNSHIPS:
                _latest.pop(next(iter(_latest)))
    finally:
        _computing.release()
    return found


def _standing_now(caller: Caller, code: str, township: str) -> _Township:
    """Every association's failed rules, overdue visits and open problems, read now."""
    report = campaign.compliance(
        caller,
        code,
        {"as_of": None, "basis": RULES_BASIS.value, "township_code": None, "failing_only": True},
    )
    failed, uncovered = _failed(report["findings"])
    problems = _open_problems(caller, code)
    listed = _associations(caller, code, township)
    overdue = {str(a["id"]): _overdue(caller, code, str(a["id"])) for a in listed}
    standings = [
        Standing(
            association_id=str(a["id"]),
            name=str(a["name"]),
            division_code=str(a["division_code"]),
            failed=sorted(failed.get(str(a["id"]), []), key=lambda f: (f["clause"], f["rule_id"])),
            overdue_visits=len(overdue[str(a["id"])]),
            open_problems=problems.get(str(a["id"]), 0),
        )
        for a in listed
    ]
    every = [
        OverdueHousehold(str(a["id"]), str(a["name"]), household)
        for a in listed
        for household in overdue[str(a["id"])]
    ]
    every.sort(
        key=lambda o: (
            -o.household.days_overdue,
            not o.household.special_hardship,
            o.association_name,
            o.household.household_id,
        )
    )
    return _Township(standings, uncovered, every, sum(problems.values()))


def overview(caller: Caller, *, offset: int = 0, limit: int = 20) -> Overview:
    """Every association of the township with the rules it fails today, its overdue visits
    and open problems (a page of them, by village code), and the villages without one."""
    code, township = own_township(caller)
    found = _township(caller, code, township)
    return Overview(
        on=caller.today(),
        township_code=township,
        associations=found.standings[offset : offset + limit],
        total=len(found.standings),
        compliant=sum(1 for s in found.standings if not s.failed),
        uncovered=found.uncovered,
        overdue_visits=len(found.overdue),
        open_problems=found.open_problems,
        stale=found.stale,
    )


def overdue_visits(caller: Caller, *, offset: int = 0, limit: int = 20) -> OverdueVisits:
    """Households overdue a home visit in every village of the township, most overdue first
    (special hardship first among equals)."""
    code, township = own_township(caller)
    found = _township(caller, code, township)
    every = found.overdue
    return OverdueVisits(caller.today(), every[offset : offset + limit], len(every), found.stale)


# -- one association of the township -----------------------------------------------------------


def _in_township(caller: Caller, association_id: UUID) -> str:
    """The district, once the association is known to be in the officer's township (404)."""
    code, _ = own_township(caller)
    caller.known(code)
    scope.require_association(
        caller.runtime, caller.principal, code, str(association_id), "association_id"
    )
    return code


def association(
    caller: Caller, association_id: UUID, min_position: int | None = None
) -> dict[str, Any]:
    """The association's officers (masked), full-time members with pay, qualifications,
    facilities, training attended and evaluations, for its page."""
    code = _in_township(caller, association_id)
    record = associations.lifecycle(caller, code, association_id, min_position)
    found = associations.association(caller, code, association_id, Unmasking(), None)
    record["name"] = found["name"]
    record["division_code"] = found["division_code"]
    record["sitting"] = [o for o in record["officers"] if o["removed_on"] is None]
    evaluations, _, _ = care.association_evaluations(
        caller, code, association_id, {"limit": 10, "offset": 0}
    )
    record["evaluations"] = evaluations
    return record


def change(
    caller: Caller, association_id: UUID, command: Callable[..., T], /, *args: Any, **kw: Any
) -> T:
    """One command of the district's records on an association of the township (404 outside
    it); the domain refuses what breaks a rule of the plan."""
    code = _in_township(caller, association_id)
    return caller.run(code, command, association_id, *args, **kw)


def officer(caller: Caller, association_id: UUID, officer_id: str) -> dict[str, Any]:
    """A sitting officer of the association (404 when not one of its officers)."""
    record = association(caller, association_id)
    for sitting in record["sitting"]:
        if sitting["officer_id"] == officer_id:
            return dict(sitting)
    raise NoSuchOfficer(id=officer_id, field="officer_id")


# -- moves of persons between villages (S3.5) -----------------------------------------------


@dataclass(frozen=True)
class Moves:
    """A page of the moves into, out of or inside the township, and village names."""

    items: list[Move]
    total: int
    village_names: dict[str, str]


def villages(caller: Caller) -> list[dict[str, Any]]:
    """The township's active villages, by code (a township has tens, never a district's)."""
    code, township = own_township(caller)
    query = {"level": "village", "township_code": township, "include_ended": False}
    found, _ = divisions.divisions(caller, code, query | {"limit": EVERY, "offset": 0})
    return found


def moves(caller: Caller, *, offset: int = 0, limit: int = 20, after: int | None = None) -> Moves:
    """Moves of persons into, out of or between the township's villages, newest first (once
    the read models include position ``after``: the move just recorded)."""
    code, township = own_township(caller)
    items, total = person_moves(
        caller.reading(code, after), code, township_code=township, limit=limit, offset=offset
    )
    names = {str(v["code"]): str(v["name"]) for v in villages(caller)}
    return Moves(items, total, names)


def find_persons(caller: Caller, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Active persons of the township whose name contains ``text`` (masked)."""
    code, _ = own_township(caller)
    query = {"name_contains": text, "status": "active", "sort": "name", "limit": limit, "offset": 0}
    return list(roster.persons(caller, code, query).items)


def person(caller: Caller, person_id: UUID) -> dict[str, Any]:
    """A person of the township (404 outside it), masked."""
    code, _ = own_township(caller)
    return roster.person(caller, code, person_id, {})


def move(caller: Caller, person_id: UUID, data: dict[str, Any]) -> int:
    """Record a person's move to another village; the person and the village must both be
    in the township (the roster's application checks both)."""
    code, _ = own_township(caller)
    return int(roster.relocate(caller, code, person_id, **data).position)


# -- training sessions (S3.7) ----------------------------------------------------------------


def sessions(caller: Caller, *, offset: int = 0, limit: int = 20) -> tuple[list[Any], int]:
    """Sessions held by the district or the township, newest first, one page and the total."""
    code, _ = own_township(caller)
    return associations.sessions(caller, code, {"limit": limit, "offset": offset})


def session(caller: Caller, session_id: UUID, after: int | None = None) -> dict[str, Any]:
    """A session with the attendees of the township's associations (404 outside them)."""
    code, _ = own_township(caller)
    return associations.session(caller, code, session_id, after)


def hold_training(caller: Caller, data: dict[str, Any]) -> Saved:
    """Record a session the township federation held (the township is the officer's own)."""
    code, township = own_township(caller)
    return associations.hold_training(
        caller, code, **(data | {"township_code": township, "mode": TrainingMode(data["mode"])})
    )


def association_choices(caller: Caller) -> list[dict[str, str]]:
    """The township's associations (id and name), for choosing one of tens."""
    code, township = own_township(caller)
    return [
        {"id": str(a["id"]), "name": str(a["name"])} for a in _associations(caller, code, township)
    ]


def attend(caller: Caller, association_id: UUID, data: dict[str, Any]) -> Saved:
    """Record that an officer of an association of the township attended a session."""
    return change(caller, association_id, DistrictRecords.attend_training, **data)
