"""The campaign (S4): phases, work plans, monthly progress, and acceptance reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response
from flask.views import MethodView

from service.application import campaign
from service.campaign.reports import PDF_TYPE, XLSX_TYPE, pdf, xlsx
from service.campaign.schemas import (
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
from service.http.blueprint import ApiBlueprint, created
from service.http.context import caller
from service.http.schemas import AsOfQuery, ProblemSchema

blp = ApiBlueprint("campaign", __name__, url_prefix="/api/v1")


@blp.route("/campaign")
class Campaign(MethodView):
    """The campaign's phases and the districts' work plans."""

    @rule(Action.READ, Target.NONE)
    @blp.response(200, CampaignOut)
    def get(self) -> dict[str, Any]:
        """Phases with their dates, and each district's work plan against the deadline."""
        return campaign.campaign(caller())


@blp.route("/campaign/progress")
class CityProgress(MethodView):
    """The city's monthly progress."""

    @blp.reads(Target.NONE, ProgressQuery, CityProgressOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Coverage and share compliant at each month end, per district and for the city."""
        return campaign.city(caller(), query["basis"], query["until"])


@blp.route("/districts/<code>/work-plan")
class WorkPlanResource(MethodView):
    """A district's work plan (S4.1)."""

    @blp.reads(Target.DISTRICT, AsOfQuery, WorkPlanOut)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Filed when, against the deadline of 30 October 2020."""
        return campaign.work_plan(caller(), code, query["as_of"], query["basis"])

    @blp.writes(Target.DISTRICT, WorkPlanIn, CampaignCreated)
    @blp.problems({403: "Needs the whole district", 404: "Unknown district"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """File the work plan (again: a revision)."""
        return created(campaign.file_work_plan(caller(), code, **data), problem_ids=[])


@blp.route("/districts/<code>/progress")
class DistrictProgress(MethodView):
    """A district's monthly progress."""

    @blp.reads(Target.DISTRICT, ProgressQuery, ProgressOut)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Coverage and share compliant at each month end (a township's own for its officers)."""
        points = campaign.district_progress(caller(), code, query["basis"], query["until"])
        return {"district": code, "basis": query["basis"], "points": points}


#: The acceptance report's formats: endpoint, file suffix, how it is laid out, media type, what.
REPORT_FORMATS = (
    ("AcceptanceWorkbook", "xlsx", xlsx, XLSX_TYPE, "The report workbook"),
    ("AcceptancePdf", "pdf", pdf, PDF_TYPE, "The report document"),
)


def _report_view(
    name: str,
    suffix: str,
    render: Callable[[dict[str, Any], str], bytes],
    mimetype: str,
    what: str,
) -> type[MethodView]:
    """The view class of the acceptance report in one format."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, content_type=mimetype, description=what)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self: MethodView, query: dict[str, Any], code: str) -> Response:
        """As of a day and clock, with the ledger head, roll-ups and problem list."""
        body = campaign.acceptance_report(caller(), code, query)
        filename = f"acceptance-{code}-{body['as_of']}-{query['basis']}.{suffix}"
        return Response(
            render(body, query["lang"]),
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return type(name, (MethodView,), {"get": get, "__doc__": f"The acceptance report ({suffix})."})


for _name, _suffix, *_layout in REPORT_FORMATS:
    blp.route(f"/districts/<code>/acceptance-report.{_suffix}")(
        _report_view(_name, _suffix, *_layout)
    )
