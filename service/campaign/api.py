"""The campaign (S4): phases, work plans, monthly progress, and acceptance reports."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from projections.association.associations import find_association_township
from projections.campaign.inspections import problem_counts
from service.campaign.inspections_api import visible
from service.campaign.queries import acceptance, city_progress, phases, progress, work_plan_status
from service.campaign.reports import PDF_TYPE, XLSX_TYPE, pdf, xlsx
from service.campaign.schemas import (
    AsOfQuery,
    CampaignCreated,
    CampaignOut,
    CityProgressOut,
    ProgressOut,
    ProgressQuery,
    ReportQuery,
    WorkPlanIn,
    WorkPlanOut,
)
from service.http.access import Action, Target, rule
from service.http.auth import current_principal
from service.http.blueprint import ApiBlueprint
from service.http.context import known_district, provenance, services
from service.http.problems import ProblemError
from service.http.schemas import ProblemSchema

blp = ApiBlueprint(
    "campaign",
    __name__,
    url_prefix="/api/v1",
    description="The campaign: phases, work plans, progress, acceptance reports",
)


@blp.route("/campaign")
class Campaign(MethodView):
    """The campaign's phases and the districts' work plans."""

    @rule(Action.READ, Target.NONE)
    @blp.response(200, CampaignOut)
    def get(self) -> dict[str, Any]:
        """Phases with their dates, and each district's work plan against the deadline."""
        principal = current_principal()
        runtime = services().runtime
        plans = [
            work_plan_status(runtime, d.code)
            for d in runtime.tenancy.districts()
            if principal.covers_district(d.code)
        ]
        return {**phases(services().runtime.clock.today()), "work_plans": plans}


@blp.route("/campaign/progress")
class CityProgress(MethodView):
    """The city's monthly progress."""

    @rule(Action.READ, Target.NONE)
    @blp.arguments(ProgressQuery, location="query")
    @blp.response(200, CityProgressOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Coverage and share compliant at each month end, per district and for the city."""
        principal = current_principal()
        runtime = services().runtime
        per_district = {
            d.code: progress(runtime, d.code, query["basis"], until=query["until"])
            for d in runtime.tenancy.districts()
            if principal.covers_whole_district(d.code)
        }
        return {
            "basis": query["basis"],
            "city": city_progress(per_district),
            "districts": [
                {"district": code, "basis": query["basis"], "points": points}
                for code, points in per_district.items()
            ],
        }


@blp.route("/districts/<code>/work-plan")
class WorkPlanResource(MethodView):
    """A district's work plan (S4.1)."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, WorkPlanOut)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Filed when, against the deadline of 30 October 2020."""
        known_district(code)
        return work_plan_status(services().runtime, code, query["as_of"], query["basis"])

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(WorkPlanIn)
    @blp.response(201, CampaignCreated)
    @blp.alt_response(403, schema=ProblemSchema, description="Needs the whole district")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """File the work plan (again: a revision)."""
        records = services().runtime.tenancy.records(known_district(code))
        if not current_principal().covers_whole_district(code):
            raise ProblemError(403, "forbidden", "the district files its own work plan")
        saved = records.file_work_plan(by=provenance(), **data)
        services().wakeups.district_changed(code)
        return {"id": str(saved.id), "position": saved.position, "problem_ids": []}


@blp.route("/districts/<code>/progress")
class DistrictProgress(MethodView):
    """A district's monthly progress."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ProgressQuery, location="query")
    @blp.response(200, ProgressOut)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Coverage and share compliant at each month end (a township's own for its officers)."""
        known_district(code)
        points = progress(services().runtime, code, query["basis"], until=query["until"])
        principal = current_principal()
        if principal.township or principal.association_id:
            own = principal.township or _association_township(code, principal.association_id)
            narrowed = []
            for point in points:
                mine = next((t for t in point["townships"] if t["township_code"] == own), None)
                figures = mine or {
                    "associations": 0,
                    "fully_compliant": 0,
                    "compliant_share": None,
                    "villages": None,
                    "covered_villages": None,
                    "coverage_rate": None,
                }
                narrowed.append({**figures, "as_of": point["as_of"], "townships": []})
            points = narrowed
        return {"district": code, "basis": query["basis"], "points": points}


def _association_township(code: str, association_id: str | None) -> str:
    return find_association_township(services().runtime.db, code, association_id or "") or "-"


def _scoped_report(code: str, query: dict[str, Any]) -> dict[str, Any]:
    body = acceptance(services().runtime, code, query["as_of"], query["basis"])
    principal = current_principal()
    if principal.township or principal.association_id:
        own = principal.township or _association_township(code, principal.association_id)
        body["problems"] = [
            p for p in body["problems"] if visible(p["association_id"], p["township_code"])
        ]
        body["failing"] = [
            f for f in body["failing"] if visible(f["association_id"], f["township_code"])
        ]
        body["townships"] = [t for t in body["townships"] if t["township_code"] == own]
        body["summary"] = (
            body["townships"][0]
            if body["townships"]
            else {
                "associations": 0,
                "fully_compliant": 0,
                "compliant_share": None,
                "villages": None,
                "covered_villages": None,
                "coverage_rate": None,
                "failures_by_rule": {},
            }
        )
        body["inspections"] = [
            i
            for i in body["inspections"]
            if any(visible(s["association_id"], s["township_code"]) for s in i["sampled"])
        ]
        body["supervisions"] = [
            s
            for s in body["supervisions"]
            if s["subject"] == "district" or visible(s["association_id"], s["township_code"])
        ]
        body["models"] = [
            m for m in body["models"] if visible(m["association_id"], m["township_code"])
        ]
        body["problem_counts"] = problem_counts(body["problems"])
    return body


def _download(content: bytes, mimetype: str, name: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/districts/<code>/acceptance-report.xlsx")
class AcceptanceWorkbook(MethodView):
    """The acceptance report as Excel."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, content_type=XLSX_TYPE, description="The report workbook")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> Response:
        """As of a day and clock, with the ledger head, roll-ups and problem list."""
        known_district(code)
        body = _scoped_report(code, query)
        return _download(
            xlsx(body, query["lang"]),
            XLSX_TYPE,
            f"acceptance-{code}-{body['as_of']}-{query['basis']}.xlsx",
        )


@blp.route("/districts/<code>/acceptance-report.pdf")
class AcceptancePdf(MethodView):
    """The acceptance report as PDF."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, content_type=PDF_TYPE, description="The report document")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> Response:
        """As of a day and clock, with the ledger head, roll-ups and problem list."""
        known_district(code)
        body = _scoped_report(code, query)
        return _download(
            pdf(body, query["lang"]),
            PDF_TYPE,
            f"acceptance-{code}-{body['as_of']}-{query['basis']}.pdf",
        )
