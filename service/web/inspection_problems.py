"""Following an inspection's problems (S4.3): one problem with its rectification (the
association's evidence and note) and the inspector's review of it (confirmed, or returned to
be rectified again), escalation, a problem written onto the list after the visit, and the
inspection's conclusion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Response, url_for

from aggregates.errors import NoSuchProblem
from aggregates.store.district import DistrictRecords
from service.application import campaign
from service.application import inspecting as reads
from service.campaign.schemas import ConclusionIn, EscalationIn, ProblemIn, ReviewIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.inspections import _vocabulary
from service.web.one_form import OneForm, one_form_page
from service.web.submitting import posted, submit

LIVE = {"as_of": None, "basis": "recorded"}
PROBLEM_PAGE = "inspections/problem.html"


def _inspection(code: str, inspection_id: UUID) -> dict[str, Any]:
    reads.district(caller(), code)
    found: dict[str, Any] = campaign.inspection(caller(), code, inspection_id, LIVE)["inspection"]
    return found


def _problem(code: str, inspection_id: UUID, problem_id: UUID) -> tuple[dict[str, Any], Any]:
    found = _inspection(code, inspection_id)
    problem = next((p for p in found["problems"] if p["problem_id"] == str(problem_id)), None)
    if problem is None:
        raise NoSuchProblem(id=problem_id, field="problem_id")
    return found, problem


def _back(code: str, inspection_id: UUID, position: int) -> str:
    return url_for(
        "pages.inspection", code=code, inspection_id=inspection_id, recorded=1, after=position
    )


def _problem_page(
    code: str, inspection_id: UUID, problem_id: UUID, forms: dict[str, Form], status: int = 200
) -> Response:
    found, problem = _problem(code, inspection_id, problem_id)
    today = caller().today().isoformat()
    forms.setdefault("review", Form(values={"reviewed_on": today, "accepted": "yes"}))
    forms.setdefault("escalation", Form(values={"escalated_on": today}))
    return render_page(
        PROBLEM_PAGE,
        status,
        code=code,
        i=found,
        p=problem,
        forms_by_name=forms,
        may_inspect=caller().principal.may(Action.INSPECT),
        **_vocabulary(),
    )


@pages.route("/districts/<code>/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>")
@rule(Action.READ, Target.NONE)
def inspection_problem(code: str, inspection_id: UUID, problem_id: UUID) -> Response:
    """One problem: where and why, its rectification, and the inspector's review."""
    return _problem_page(code, inspection_id, problem_id, {})


#: The problem page's forms by name: what each sends, and the records' command it runs.
PROBLEM_FORMS: dict[str, tuple[OneForm, Callable[..., Any]]] = {
    "review": (
        OneForm(PROBLEM_PAGE, ReviewIn(), ("reviewed_on",), ("remarks",), ("accepted",)),
        DistrictRecords.review_rectification,
    ),
    "escalation": (
        OneForm(PROBLEM_PAGE, EscalationIn(), ("escalated_on",), ("escalated_to", "reason")),
        DistrictRecords.escalate_problem,
    ),
}


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>"
    "/<any(review, escalation):name>",
    methods=["POST"],
)
@rule(Action.INSPECT, Target.NONE)
def problem_form(code: str, inspection_id: UUID, problem_id: UUID, name: str) -> Response:
    """The inspector reviews the rectification (confirmed, or returned with the reason) or
    escalates the open problem to a higher level, through the records' command."""
    _problem(code, inspection_id, problem_id)
    spec, command = PROBLEM_FORMS[name]
    form = posted()

    def record(data: dict[str, Any]) -> str:
        saved = caller().run(code, command, inspection_id, problem_id, **data)
        return _back(code, inspection_id, saved.position)

    return submit(
        form,
        spec.schema,
        spec.payload(form),
        record,
        lambda status: _problem_page(code, inspection_id, problem_id, {name: form}, status),
    )


def _inspection_form(
    code: str,
    inspection_id: UUID,
    spec: OneForm,
    day: str,
    run: Callable[[dict[str, Any]], Any],
) -> Response:
    """One form of an inspection's page, ``day`` proposing today; back to the inspection."""
    return one_form_page(
        code,
        spec,
        {"i": _inspection(code, inspection_id), **_vocabulary()},
        {day: caller().today().isoformat()},
        run,
        lambda position: _back(code, inspection_id, position),
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/problems/new", methods=["GET", "POST"]
)
@rule(Action.INSPECT, Target.NONE)
def write_problem(code: str, inspection_id: UUID) -> Response:
    """Write a problem onto the list after the visit."""
    return _inspection_form(
        code,
        inspection_id,
        OneForm(
            "inspections/write_problem.html",
            ProblemIn(),
            ("found_on", "association_id", "clause"),
            texts=("description",),
        ),
        "found_on",
        lambda data: campaign.record_problem(caller(), code, inspection_id, **data),
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/conclusion", methods=["GET", "POST"]
)
@rule(Action.INSPECT, Target.NONE)
def conclude_inspection(code: str, inspection_id: UUID) -> Response:
    """Conclude an inspection (not the joint acceptance: its third decision concludes it)."""
    return _inspection_form(
        code,
        inspection_id,
        OneForm(
            "inspections/conclude.html", ConclusionIn(), ("concluded_on", "outcome"), ("summary",)
        ),
        "concluded_on",
        lambda data: caller().run(code, DistrictRecords.conclude_inspection, inspection_id, **data),
    )
