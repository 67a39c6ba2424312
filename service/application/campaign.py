"""The campaign's commands and reads (S4): work plans, inspections, progress, compliance.

Narrow callers (a township officer, an association worker) see the campaign's records of
their own part only: samples, findings, problems, supervisions and models of their
associations, their township's roll-up instead of the district's.  Lives here until the
campaign capability has its package (``service/campaign/application.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import InspectionKind, overall_outcome
from aggregates.errors import NoSuchInspection, NoSuchProblem
from aggregates.records import Saved
from aggregates.store.district import DistrictRecords
from projections.campaign import inspections as campaign_records
from projections.campaign.progress import add_up
from projections.engine.memory import MemoryTables
from service.application import scope
from service.application.caller import Caller
from service.campaign.queries import (
    RULES_BASIS,
    acceptance,
    city_progress,
    load_campaign,
    phases,
    progress,
    rule_findings,
    work_plan_status,
)
from service.compliance.queries import each_district, report, rollup
from service.http.access import Principal
from service.http.problems import ProblemError

#: A narrow caller's roll-up when nothing of its part is in the report.
EMPTY_ROLLUP = {
    "associations": 0,
    "fully_compliant": 0,
    "compliant_share": None,
    "villages": None,
    "covered_villages": None,
    "coverage_rate": None,
}


def _frame(caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """The day and clock an answer is as of: the caller's (``Caller.on``)."""
    return {"as_of": caller.today(), "basis": query["basis"], "live": caller.as_of is None}


def _visible(principal: Principal, item: dict[str, Any]) -> bool:
    return scope.visible(principal, item["association_id"], item["township_code"])


# -- phases, work plans, progress -------------------------------------------------------------


def campaign(caller: Caller) -> dict[str, Any]:
    """Phases with their dates, and each covered district's work plan against the deadline."""
    runtime = caller.runtime
    plans = [
        work_plan_status(runtime, d.code)
        for d in runtime.tenancy.districts()
        if caller.principal.covers_district(d.code)
    ]
    return {**phases(caller.today()), "work_plans": plans}


def city(caller: Caller, basis: str, until: date | None) -> dict[str, Any]:
    """Monthly progress of each district the caller covers wholly, and of the city."""
    runtime = caller.runtime
    per_district = {
        d.code: progress(runtime, d.code, basis, until=until)
        for d in runtime.tenancy.districts()
        if caller.principal.covers_whole_district(d.code)
    }
    return {
        "basis": basis,
        "city": city_progress(per_district),
        "districts": [
            {"district": code, "basis": basis, "points": points}
            for code, points in per_district.items()
        ],
    }


def work_plan(caller: Caller, code: str, as_of: date | None, basis: str) -> dict[str, Any]:
    """A district's work plan: filed when, against the deadline."""
    return work_plan_status(caller.runtime, caller.known(code), as_of, basis)


def file_work_plan(caller: Caller, code: str, /, **plan: Any) -> Saved:
    """File (or revise) the district's own work plan."""
    records = caller.records(code)
    scope.require_whole_district(caller.principal, code, "the district files its own work plan")
    saved = records.file_work_plan(by=caller.by, **plan)
    caller.committed(code)
    return saved


def district_progress(
    caller: Caller, code: str, basis: str, until: date | None
) -> list[dict[str, Any]]:
    """Coverage and share compliant at each month end (a township's own for narrow callers)."""
    points = progress(caller.runtime, caller.known(code), basis, until=until)
    if not scope.narrow(caller.principal):
        return points
    own = scope.own_township(caller.runtime, caller.principal, code)
    narrowed = []
    for point in points:
        mine = next((t for t in point["townships"] if t["township_code"] == own), None)
        narrowed.append({**(mine or EMPTY_ROLLUP), "as_of": point["as_of"], "townships": []})
    return narrowed


def acceptance_report(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """The acceptance report as of a day, narrowed to the caller's part."""
    body = acceptance(caller.runtime, caller.known(code), query["as_of"], query["basis"])
    principal = caller.principal
    if not scope.narrow(principal):
        return body
    own = scope.own_township(caller.runtime, principal, code)
    body["problems"] = [p for p in body["problems"] if _visible(principal, p)]
    body["failing"] = [f for f in body["failing"] if _visible(principal, f)]
    body["townships"] = [t for t in body["townships"] if t["township_code"] == own]
    body["summary"] = (
        body["townships"][0] if body["townships"] else {**EMPTY_ROLLUP, "failures_by_rule": {}}
    )
    body["inspections"] = [
        i for i in body["inspections"] if any(_visible(principal, s) for s in i["sampled"])
    ]
    body["supervisions"] = [
        s for s in body["supervisions"] if s["subject"] == "district" or _visible(principal, s)
    ]
    body["models"] = [m for m in body["models"] if _visible(principal, m)]
    body["problem_counts"] = campaign_records.problem_counts(body["problems"])
    return body


# -- inspections (S4) -------------------------------------------------------------------------


def scoped_inspection(principal: Principal, inspection: dict[str, Any]) -> dict[str, Any] | None:
    """The inspection as the caller may see it: only in-scope samples, findings and problems."""
    sampled = [s for s in inspection["sampled"] if _visible(principal, s)]
    if not sampled:
        return None
    ids = {s["association_id"] for s in sampled}
    scoped = {**inspection, "sampled": sampled}
    if scope.narrow(principal):
        scoped["rule_findings"] = [
            f for f in inspection["rule_findings"] if f.get("association_id") in ids
        ]
    return scoped


def _tables(caller: Caller, code: str) -> MemoryTables:
    """The campaign records the caller reads: live, or as of its day on its clock."""
    return load_campaign(caller.reading(code), code)


def inspections(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Every inspection in scope with its problem counts, live or as of a day."""
    tables = _tables(caller, code)
    items = []
    for inspection in campaign_records.inspections(tables):
        scoped = scoped_inspection(caller.principal, inspection)
        if scoped is not None:
            problems = [
                p
                for p in campaign_records.problems(tables, scoped["inspection_id"])
                if _visible(caller.principal, p)
            ]
            scoped["problem_counts"] = campaign_records.problem_counts(problems)
            items.append(scoped)
    return {**_frame(caller, query), "items": items}


def inspection(
    caller: Caller, code: str, inspection_id: UUID, query: dict[str, Any]
) -> dict[str, Any]:
    """The inspection with its problems in scope and their rectification status."""
    tables = _tables(caller, code)
    wanted = str(inspection_id)
    found = next(
        (i for i in campaign_records.inspections(tables) if i["inspection_id"] == wanted), None
    )
    scoped = scoped_inspection(caller.principal, found) if found else None
    if scoped is None:
        raise NoSuchInspection(id=wanted, field="inspection_id")
    problems = [
        p for p in campaign_records.problems(tables, wanted) if _visible(caller.principal, p)
    ]
    scoped["problems"] = problems
    scoped["problem_counts"] = campaign_records.problem_counts(problems)
    return {**_frame(caller, query), "inspection": scoped}


def problems(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Every problem in scope with its rectification status, live or as of a day."""
    tables = _tables(caller, code)
    items = [p for p in campaign_records.problems(tables) if _visible(caller.principal, p)]
    counts = campaign_records.problem_counts(items)
    if query.get("state"):
        items = [p for p in items if p["state"] == query["state"]]
    return {**_frame(caller, query), "counts": counts, "items": items}


def supervisions(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Spells of key supervision in scope (the district's own are seen by all)."""
    tables = _tables(caller, code)
    items = [
        s
        for s in campaign_records.supervisions(tables)
        if s["subject"] == "district" or _visible(caller.principal, s)
    ]
    return {**_frame(caller, query), "items": items}


def models(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Model associations in scope, current and withdrawn."""
    tables = _tables(caller, code)
    items = [m for m in campaign_records.models(tables) if _visible(caller.principal, m)]
    return {**_frame(caller, query), "items": items}


def open_inspection(caller: Caller, code: str, /, **data: Any) -> Saved:
    """Record an inspection: its sample, the rule findings as of its day, its problems."""
    records = caller.records(code)
    kind = InspectionKind(data["kind"])
    if kind is InspectionKind.CITY_JOINT_ACCEPTANCE and not caller.principal.city_wide:
        raise ProblemError(
            403,
            "forbidden",
            "the city joint acceptance needs a city-wide role",
            extra={"field": "kind"},
        )
    if data["inspected_on"] > caller.today():
        raise ProblemError(
            422, "validation", "inspected_on lies in the future", extra={"field": "inspected_on"}
        )
    from_rules = data["from_rules"]
    saved = records.open_inspection(
        kind=kind,
        title=data["title"],
        inspected_on=data["inspected_on"],
        township_code=data["township_code"],
        inspectors=data["inspectors"],
        association_ids=data["association_ids"],
        rules_basis=RULES_BASIS.value if from_rules else None,
        rule_findings=rule_findings(caller.runtime, code, data["inspected_on"])
        if from_rules
        else [],
        written=[WrittenProblem(**p) for p in data["problems"]],
        by=caller.by,
        dismissed=[
            (d["rule_id"], str(d["association_id"] or d["division_code"]))
            for d in data.get("dismissed", [])
        ],
    )
    caller.committed(code)
    return saved


def record_problem(
    caller: Caller, code: str, inspection_id: UUID, /, *, found_on: date, **problem: Any
) -> Saved:
    """Write a problem onto an inspection's list after the visit."""
    return caller.run(
        code,
        DistrictRecords.record_problem,
        inspection_id,
        WrittenProblem(**problem),
        found_on=found_on,
    )


def rectify(
    caller: Caller, code: str, inspection_id: UUID, problem_id: UUID, /, **data: Any
) -> Saved:
    """Record a rectification; narrow callers only of their own associations' problems."""
    records = caller.records(code)
    association_id, township = records.inspection(inspection_id).subject_of(problem_id)
    if not scope.visible(caller.principal, association_id, township):
        raise NoSuchProblem(id=problem_id, field="problem_id")
    saved = records.rectify_problem(inspection_id, problem_id, by=caller.by, **data)
    caller.committed(code)
    return saved


def decide(
    caller: Caller, code: str, inspection_id: UUID, /, **decision: Any
) -> tuple[Saved, str | None]:
    """Record one body's decision; the third concludes with the overall outcome."""
    records = caller.records(code)
    saved = caller.run(code, DistrictRecords.record_decision, inspection_id, **decision)
    found = records.inspection(inspection_id)
    concluded = found.concluded_on is not None
    return saved, overall_outcome(found.decisions).value if concluded else None


# -- compliance -------------------------------------------------------------------------------


def compliance(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Every rule for every association in scope, with township and district roll-ups."""
    body = report(caller.runtime, caller.known(code), query["as_of"], query["basis"])
    principal = caller.principal
    findings = scope.findings_in_scope(principal, body["findings"])
    if query.get("township_code"):
        findings = [f for f in findings if f["township_code"] == query["township_code"]]
    if query["failing_only"]:
        findings = [f for f in findings if not f["passed"]]
    body["findings"] = findings
    if scope.narrow(principal):
        # Narrow roles see their own part only, not the district's counts.
        own = principal.township or (findings[0]["township_code"] if findings else "")
        body["townships"] = [t for t in body["townships"] if t["township_code"] == own]
        body["summary"] = (
            body["townships"][0]
            if body["townships"]
            else {"associations": 0, "fully_compliant": 0, "failures_by_rule": {}}
        )
    return body


def compliance_diff(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Findings in scope that started or stopped failing between ``from`` and ``to``."""
    runtime = caller.runtime
    before = report(runtime, caller.known(code), query["from_"], query["basis"])
    after = report(runtime, code, query["to"], query["basis"])

    def key(f: dict[str, Any]) -> tuple[str, str]:
        return f["rule_id"], f["association_id"] or f["division_code"]

    old = {key(f): f for f in scope.findings_in_scope(caller.principal, before["findings"])}
    new = {key(f): f for f in scope.findings_in_scope(caller.principal, after["findings"])}
    return {
        "became_failing": [
            f for k, f in new.items() if not f["passed"] and (k not in old or old[k]["passed"])
        ],
        "became_passing": [
            f for k, f in new.items() if f["passed"] and k in old and not old[k]["passed"]
        ],
        "no_longer_checked": [f for k, f in old.items() if k not in new],
    }


def city_compliance(caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """Each district the caller covers wholly, and their sum."""
    runtime = caller.runtime
    codes = [
        district.code
        for district in runtime.tenancy.districts()
        if (not query.get("district") or district.code == query["district"])
        and caller.principal.covers_whole_district(district.code)
    ]
    rollups = each_district(
        runtime, codes, lambda code: rollup(runtime, code, query["as_of"], query["basis"])
    )
    districts = [{"district": r["district"], **r["summary"]} for r in rollups]
    return {
        "as_of": query["as_of"] or caller.today(),
        "basis": query["basis"],
        "city": _sum(districts),
        "districts": districts,
    }


def _sum(rollups: list[dict[str, Any]]) -> dict[str, Any]:
    """Add district roll-ups into the city's, with the failures of each rule."""
    failures: dict[str, int] = {}
    for r in rollups:
        for rule_id, count in r["failures_by_rule"].items():
            failures[rule_id] = failures.get(rule_id, 0) + count
    return {**add_up(rollups), "failures_by_rule": dict(sorted(failures.items()))}
