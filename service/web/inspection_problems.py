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
        "inspections/problem.html",
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


def _problem_command(
    code: str,
    inspection_id: UUID,
    problem_id: UUID,
    name: str,
    schema: Any,
    payload: Callable[[Form], dict[str, Any]],
    command: Callable[..., Any],
) -> Response:
    """Send one of the problem page's forms through the records' ``command``."""
    _problem(code, inspection_id, problem_id)
    form = posted()

    def record(data: dict[str, Any]) -> str:
        saved = caller().run(code, command, inspection_id, problem_id, **data)
        return _back(code, inspection_id, saved.position)

    return submit(
        form,
        schema,
        payload(form),
        record,
        lambda status: _problem_page(code, inspection_id, problem_id, {name: form}, status),
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/review",
    methods=["POST"],
)
@rule(Action.INSPECT, Target.NONE)
def review_rectification(code: str, inspection_id: UUID, problem_id: UUID) -> Response:
    """The inspector confirms the rectification, or returns it with the reason."""
    return _problem_command(
        code,
        inspection_id,
        problem_id,
        "review",
        ReviewIn(),
        lambda form: {
            "reviewed_on": form.values.get("reviewed_on") or None,
            "accepted": {"yes": True, "no": False}.get(str(form.values.get("accepted"))),
            "remarks": form.values.get("remarks", ""),
        },
        DistrictRecords.review_rectification,
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/escalation",
    methods=["POST"],
)
@rule(Action.INSPECT, Target.NONE)
def escalate_problem(code: str, inspection_id: UUID, problem_id: UUID) -> Response:
    """Escalate an open problem to a higher level."""
    return _problem_command(
        code,
        inspection_id,
        problem_id,
        "escalation",
        EscalationIn(),
        lambda form: {
            "escalated_on": form.values.get("escalated_on") or None,
            "escalated_to": form.values.get("escalated_to", ""),
            "reason": form.values.get("reason", ""),
        },
        DistrictRecords.escalate_problem,
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/problems/new", methods=["GET", "POST"]
)
@rule(Action.INSPECT, Target.NONE)
def write_problem(code: str, inspection_id: UUID) -> Response:
    """Write a problem onto the list after the visit."""
    return one_form_page(
        code,
        OneForm(
            "inspections/write_problem.html",
            ProblemIn(),
            ("found_on", "association_id", "clause"),
            texts=("description",),
        ),
        {"i": _inspection(code, inspection_id), **_vocabulary()},
        {"found_on": caller().today().isoformat()},
        lambda data: campaign.record_problem(caller(), code, inspection_id, **data),
        lambda position: _back(code, inspection_id, position),
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/conclusion", methods=["GET", "POST"]
)
@rule(Action.INSPECT, Target.NONE)
def conclude_inspection(code: str, inspection_id: UUID) -> Response:
    """Conclude an inspection (not the joint acceptance: its third decision concludes it)."""
    return one_form_page(
        code,
        OneForm(
            "inspections/conclude.html",
            ConclusionIn(),
            ("concluded_on", "outcome"),
            texts=("summary",),
        ),
        {"i": _inspection(code, inspection_id), **_vocabulary()},
        {"concluded_on": caller().today().isoformat()},
        lambda data: caller().run(code, DistrictRecords.conclude_inspection, inspection_id, **data),
        lambda position: _back(code, inspection_id, position),
    )
