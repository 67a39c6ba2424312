"""Compliance with the plan, live or as of any past day, per district and for the city."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.compliance.queries import report
from service.compliance.schemas import (
    CityOut,
    CityQuery,
    ComplianceOut,
    ComplianceQuery,
    DiffOut,
    DiffQuery,
)
from service.http.access import Action, Target, rule
from service.http.auth import current_principal
from service.http.blueprint import ApiBlueprint
from service.http.context import known_district, services, today_in_china
from service.http.schemas import ProblemSchema

blp = ApiBlueprint("compliance", __name__, url_prefix="/api/v1", description="Compliance")


def _in_scope(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the findings of the caller's township or association."""
    principal = current_principal()
    if principal.association_id:
        return [f for f in findings if f["association_id"] == principal.association_id]
    if principal.township:
        return [f for f in findings if f["township_code"] == principal.township]
    return findings


@blp.route("/districts/<code>/compliance")
class DistrictCompliance(MethodView):
    """One district's compliance."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ComplianceQuery, location="query")
    @blp.response(200, ComplianceOut)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every rule for every association, with township and district roll-ups."""
        known_district(code)
        body = report(services().runtime, code, query["as_of"], query["basis"])
        principal = current_principal()
        findings = _in_scope(body["findings"])
        if query.get("township_code"):
            findings = [f for f in findings if f["township_code"] == query["township_code"]]
        if query["failing_only"]:
            findings = [f for f in findings if not f["passed"]]
        body["findings"] = findings
        if principal.township or principal.association_id:
            # Narrow roles see their own part only, not the district's counts.
            own = principal.township or (findings[0]["township_code"] if findings else "")
            body["townships"] = [t for t in body["townships"] if t["township_code"] == own]
            body["summary"] = (
                body["townships"][0]
                if body["townships"]
                else {"associations": 0, "fully_compliant": 0, "failures_by_rule": {}}
            )
        return body


@blp.route("/districts/<code>/compliance/diff")
class ComplianceDiff(MethodView):
    """What changed between two days."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(DiffQuery, location="query")
    @blp.response(200, DiffOut)
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Findings that started or stopped failing between ``from`` and ``to``."""
        known_district(code)
        runtime = services().runtime
        before = report(runtime, code, query["from_"], query["basis"])
        after = report(runtime, code, query["to"], query["basis"])
        changed = _difference(before, after)
        return {
            "district": code,
            "basis": query["basis"],
            "from_": query["from_"],
            "to": query["to"],
            **changed,
        }


def _difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    def key(f: dict[str, Any]) -> tuple[str, str]:
        return f["rule_id"], f["association_id"] or f["division_code"]

    old = {key(f): f for f in _in_scope(before["findings"])}
    new = {key(f): f for f in _in_scope(after["findings"])}
    return {
        "became_failing": [
            f for k, f in new.items() if not f["passed"] and (k not in old or old[k]["passed"])
        ],
        "became_passing": [
            f for k, f in new.items() if f["passed"] and k in old and not old[k]["passed"]
        ],
        "no_longer_checked": [f for k, f in old.items() if k not in new],
    }


@blp.route("/compliance")
class CityCompliance(MethodView):
    """The city roll-up."""

    @rule(Action.READ, Target.NONE)
    @blp.arguments(CityQuery, location="query")
    @blp.response(200, CityOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Each district the caller covers wholly, and their sum."""
        principal = current_principal()
        runtime = services().runtime
        districts = []
        for district in runtime.tenancy.districts():
            if query.get("district") and district.code != query["district"]:
                continue
            if not principal.covers_whole_district(district.code):
                continue
            body = report(runtime, district.code, query["as_of"], query["basis"])
            districts.append({"district": district.code, **body["summary"]})
        city = _sum(districts)
        return {
            "as_of": query["as_of"] or today_in_china(),
            "basis": query["basis"],
            "city": city,
            "districts": districts,
        }


def _sum(rollups: list[dict[str, Any]]) -> dict[str, Any]:
    """Add district roll-ups into the city's."""
    associations = sum(r["associations"] for r in rollups)
    compliant = sum(r["fully_compliant"] for r in rollups)
    villages = sum(r["villages"] or 0 for r in rollups)
    covered = sum(r["covered_villages"] or 0 for r in rollups)
    failures: dict[str, int] = {}
    for r in rollups:
        for rule_id, count in r["failures_by_rule"].items():
            failures[rule_id] = failures.get(rule_id, 0) + count
    return {
        "associations": associations,
        "fully_compliant": compliant,
        "compliant_share": round(compliant / associations, 4) if associations else None,
        "villages": villages or None,
        "covered_villages": covered if villages else None,
        "coverage_rate": round(covered / villages, 4) if villages else None,
        "failures_by_rule": dict(sorted(failures.items())),
    }
