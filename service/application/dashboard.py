"""The supervisors' compliance dashboards (issue 16): the city, a district, a township and an
association as of a day on a clock, the difference between two days, and the series behind
the charts.

Everything is read through the campaign's compliance reads (service/application/campaign.py,
service/compliance/queries.py), which answer from the read models or an as-of replay and
narrow each answer to the caller's part; nothing here replays events or decides a scope
beyond picking one township or association out of an answer already narrowed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from aggregates.errors import NoSuchAssociation, NoSuchDistrict, NoSuchDivision, NotFound
from projections.campaign.progress import add_up
from service.application import campaign, scope
from service.application.caller import Caller
from service.campaign.queries import phases
from service.compliance.queries import each_district, trend
from service.divisions import application as divisions
from service.http.access import Target
from service.roster import application as roster

#: More townships than a district has: their names are read in one go.
EVERY = 1000
#: Persons named beside a finding (who is in no group, whose record is incomplete); the rest
#: are counted.  Names are today's roster's, masked as the roster masks them.
NAMED = 20
#: The facts of a finding that list persons by id.
PERSON_FACTS = {"S3.3-everyone-in-a-group": "not_in_a_group", "S3.5-roster-complete": "incomplete"}


def _covered(caller: Caller, code: str) -> str:
    """The district, known and in the caller's scope (else 404, as the API answers)."""
    scope.check_target(caller.runtime, caller.principal, Target.DISTRICT, caller.known(code), "")
    return code


def _day(caller: Caller, query: dict[str, Any]) -> date:
    return query["as_of"] or caller.today()


def township_names(caller: Caller, code: str) -> dict[str, str]:
    """The district's townships' names by code (ended ones too: an old day may name them)."""
    query = {"level": "township", "include_ended": True, "limit": EVERY, "offset": 0}
    found, _ = divisions.divisions(caller, code, query)
    return {str(t["code"]): str(t["name"]) for t in found}


def city(caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """Each district the caller covers wholly and their sum, with the city's series."""
    if not caller.principal.city_wide:
        raise NoSuchDistrict(id="-", field="code")
    runtime, day, basis = caller.runtime, _day(caller, query), query["basis"]
    body = campaign.city_compliance(caller, query)
    codes = [d["district"] for d in body["districts"]]
    recent: dict[date, list[dict[str, Any]]] = {}
    for series in each_district(runtime, codes, lambda code: trend(runtime, code, basis, day)):
        for point in series:
            recent.setdefault(point["as_of"], []).append(point)
    return {
        **body,
        "names": {d.code: d.name for d in runtime.tenancy.districts()},
        "progress": campaign.city(caller, basis, until=day)["city"],
        "recent": [{"as_of": d, **add_up(p)} for d, p in sorted(recent.items())],
        "phases": phases(day)["phases"],
    }


def district(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """A district's compliance in the caller's part, its townships named, and its series."""
    _covered(caller, code)
    body = campaign.compliance(caller, code, {**query, "failing_only": False})
    day, basis = _day(caller, query), query["basis"]
    narrow = scope.narrow(caller.principal)
    return {
        **body,
        "as_of": day,
        "district_name": caller.runtime.tenancy.district(code).name,
        "township_names": township_names(caller, code),
        "progress": campaign.district_progress(caller, code, basis, until=day),
        "recent": [] if narrow else trend(caller.runtime, code, basis, day),
        "phases": phases(day)["phases"],
    }


def _by_association(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each association of the findings with the rules it fails, failing ones first."""
    found: dict[str, dict[str, Any]] = {}
    for f in findings:
        if f["association_id"] is None:
            continue
        entry = found.setdefault(
            f["association_id"],
            {
                "association_id": f["association_id"],
                "name": f["association_name"],
                "division_code": f["division_code"],
                "failed": [],
            },
        )
        if not f["passed"]:
            entry["failed"].append(f)
    return sorted(found.values(), key=lambda a: (not a["failed"], a["division_code"]))


def township(caller: Caller, code: str, township_code: str, query: dict[str, Any]) -> dict:
    """One township: its roll-up, its associations with their failed rules, its uncovered
    villages (404 when the township is not in the caller's part of the district)."""
    _covered(caller, code)
    body = campaign.compliance(
        caller, code, {**query, "failing_only": False, "township_code": township_code}
    )
    rollup = next((t for t in body["townships"] if t["township_code"] == township_code), None)
    if rollup is None:
        raise NoSuchDivision(id=township_code, field="township_code")
    findings = body["findings"]
    return {
        "district": code,
        "district_name": caller.runtime.tenancy.district(code).name,
        "township_code": township_code,
        "township_name": township_names(caller, code).get(township_code, township_code),
        "as_of": _day(caller, query),
        "summary": rollup,
        "associations": _by_association(findings),
        "uncovered": [f for f in findings if f["association_id"] is None and not f["passed"]],
        "clock_note": body["clock_note"],
    }


def _named(caller: Caller, code: str, finding: dict[str, Any]) -> dict[str, Any]:
    """The finding with the persons its facts list by id named (masked) from the roster."""
    key = PERSON_FACTS.get(finding["rule_id"])
    if key is None:
        return finding
    persons = []
    for person_id in finding["facts"].get(key, [])[:NAMED]:
        try:
            found = roster.person(caller, code, UUID(str(person_id)), {})
        except (NotFound, ValueError):
            found = None  # erased or moved away since the day asked about
        persons.append({"id": str(person_id), "name": found["name"] if found else None})
    return {**finding, "persons": persons}


def association(caller: Caller, code: str, association_id: str, query: dict[str, Any]) -> dict:
    """One association: every rule's finding, failed ones first, with the facts behind it."""
    _covered(caller, code)
    body = campaign.compliance(caller, code, {**query, "failing_only": False})
    findings = [f for f in body["findings"] if f["association_id"] == association_id]
    if not findings:
        raise NoSuchAssociation(id=association_id, field="association_id")
    first = findings[0]
    return {
        "district": code,
        "district_name": caller.runtime.tenancy.district(code).name,
        "association_id": association_id,
        "name": first["association_name"],
        "division_code": first["division_code"],
        "township_code": first["township_code"],
        "township_name": township_names(caller, code).get(first["township_code"]),
        "as_of": _day(caller, query),
        "failed": [_named(caller, code, f) for f in findings if not f["passed"]],
        "passed": [f for f in findings if f["passed"]],
        "clock_note": body["clock_note"],
    }


def _townships_between(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each township's share on both days, the ones that fell behind first."""
    old = {t["township_code"]: t for t in before["townships"]}
    new = {t["township_code"]: t for t in after["townships"]}
    rows = []
    for code in sorted(old.keys() | new.keys()):
        was = (old.get(code) or {}).get("compliant_share")
        now = (new.get(code) or {}).get("compliant_share")
        change = None if was is None or now is None else round(now - was, 4)
        rows.append({"township_code": code, "before": was, "after": now, "change": change})
    return sorted(rows, key=lambda r: (r["change"] is None, r["change"] or 0, r["township_code"]))


def diff(caller: Caller, code: str, first: date, second: date, basis: str) -> dict[str, Any]:
    """What became compliant and what fell out between two days, and each township's share."""
    _covered(caller, code)
    changed = campaign.compliance_diff(caller, code, {"from_": first, "to": second, "basis": basis})
    frame = {"basis": basis, "failing_only": False}
    before = campaign.compliance(caller, code, {**frame, "as_of": first})
    after = campaign.compliance(caller, code, {**frame, "as_of": second})
    return {
        **changed,
        "district": code,
        "district_name": caller.runtime.tenancy.district(code).name,
        "township_names": township_names(caller, code),
        "townships": _townships_between(before, after),
        "summary_before": before["summary"],
        "summary_after": after["summary"],
    }
