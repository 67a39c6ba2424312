"""Recording a home visit (S3.4, S3.5): the household from the task list or a search, the
date, on site or by phone, who visited, what was found and the difficulties to follow up.

The API's schema parses the form and the domain refuses what breaks a rule; a form that
fails comes back (422) with every value kept.  The submission key makes a double tap or a
resend record the visit once.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext
from marshmallow import ValidationError

from aggregates.care.visit import ReferredTo, VisitMode
from aggregates.errors import DomainError
from projections.care.visit_tasks import HouseholdToVisit
from service.application import tasks as worker
from service.care.schemas import VisitIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import Form
from service.web.submitting import once

#: The visit schema's fields that the page fills itself (from the household chosen).
DERIVED = ("household_id", "household_kind", "person_ids")


def _payload(form: Form, household: HouseholdToVisit) -> dict[str, Any]:
    lines = str(form.values.get("difficulties", "")).splitlines()
    return {
        "household_id": household.household_id,
        "household_kind": household.household_kind,
        "person_ids": [m.person_id for m in household.members],
        "visited_on": form.values.get("visited_on") or None,
        "visitor_officer_id": form.values.get("visitor_officer_id") or None,
        "mode": form.values.get("mode") or None,
        "findings": form.values.get("findings", ""),
        "difficulties": [line.strip() for line in lines if line.strip()],
    }


def _referral(form: Form) -> str | None:
    """Who the difficulties go to (the two committees, the township), if anyone."""
    chosen = str(form.values.get("referred_to") or "")
    if chosen and chosen not in {r.value for r in ReferredTo}:
        form.refused("referred_to", gettext("Choose one of the options."))
    return chosen or None


def _choose(status: int = 200) -> Response:
    """The household chooser: search by a member's name, or pick from the households due."""
    text = request.args.get("q", "").strip()
    found = worker.find_households(caller(), text) if text else []
    due = worker.tasks(caller(), limit=10).households.items
    return render_page("visits/choose.html", status, text=text, found=found, due=due)


def _likely_visitor(visitors: list[dict[str, Any]]) -> str:
    """The officer the account names ("刘洋（专职委员）"), else the one full-time member."""
    name = caller().principal.name
    for group in (
        [v for v in visitors if v["name"] and v["name"] in name],
        [v for v in visitors if v["full_time"]],
        visitors,
    ):
        if len(group) == 1:
            return str(group[0]["officer_id"])
    return ""


def _form_page(form: Form, household: HouseholdToVisit, status: int = 200) -> Response:
    return render_page(
        "visits/new.html",
        status,
        form=form,
        household=household,
        visitors=worker.visitors(caller()),
    )


@pages.route("/visits/new", methods=["GET"])
@rule(Action.READ, Target.NONE)
def new_visit() -> Response:
    """The visit form for a household (404 outside the association), else the chooser."""
    household_id = request.args.get("household", "")
    if not household_id:
        return _choose()
    household = worker.household(caller(), household_id)
    visitors = worker.visitors(caller())
    form = Form(
        values={
            "visited_on": caller().today().isoformat(),
            "mode": VisitMode.ON_SITE.value,
            "visitor_officer_id": _likely_visitor(visitors),
        }
    )
    return _form_page(form, household)


@pages.route("/visits/new", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def record_visit() -> Response:
    """Record the visit once, then back to the task list (the household gone from it)."""
    form = Form.posted(request.form.to_dict())
    household = worker.household(caller(), str(form.values.get("household_id", "")))
    try:
        data = VisitIn().load(_payload(form, household))
    except ValidationError as error:
        form.invalid(error)
    referred_to = _referral(form)
    if form.errors:
        return _form_page(form, household, 422)

    def act() -> str:
        saved = worker.record_visit(
            caller(), household.household_id, data | {"referred_to": referred_to}
        )
        return url_for("pages.tasks", recorded=1, after=saved.position)

    try:
        location = once(form, act)
    except DomainError as error:
        form.domain(error)
        return _form_page(form, household, 422)
    return go_to(location)
