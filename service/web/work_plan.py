"""The district's work plan (S4 phase 1): filed with the city federation by its deadline, filed
again as a revision.  The deadline, lateness and the district-wide rule are the campaign's
(service/application/campaign.py)."""

from __future__ import annotations

from flask import Response, url_for

from service.application import campaign
from service.campaign.schemas import WorkPlanIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages
from service.web.one_form import OneForm, one_form_page
from service.web.submitting import after

PLAN_FORM = OneForm("admin/work_plan.html", WorkPlanIn(), ("filed_on",), ("title", "summary"))


@pages.route("/districts/<code>/work-plan", methods=["GET", "POST"])
@rule(Action.READ, Target.NONE)
def work_plan(code: str) -> Response:
    """Where the work plan stands against the deadline, and the form that files it."""
    if after() is not None:
        caller().reading(code, after())
    status = campaign.work_plan(caller(), code, None, "recorded")
    return one_form_page(
        code,
        PLAN_FORM,
        {"plan": status},
        {"filed_on": caller().today().isoformat(), "title": status["title"] or ""},
        lambda data: campaign.file_work_plan(caller(), code, **data),
        lambda position: url_for("pages.work_plan", code=code, after=position),
    )
