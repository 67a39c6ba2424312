"""Rectification (整改) of the problems an inspection found in the association (S4): the list
with each problem's state, and the rectification with its evidence and a note."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for

from service.application import village_association as own
from service.campaign.schemas import RectificationIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.submitting import after, posted, submit
from service.web.vocabulary import PROBLEM_STATES


@pages.route("/problems")
@rule(Action.READ, Target.NONE)
def problems() -> Response:
    """The association's problems: those to rectify first, then the rectified."""
    return render_page(
        "problems/index.html",
        problems=own.problems(caller(), after()),
        states=PROBLEM_STATES,
        recorded=request.args.get("recorded"),
    )


def _form_page(problem: dict[str, Any], form: Form, status: int = 200) -> Response:
    return render_page(
        "problems/rectify.html", status, problem=problem, form=form, states=PROBLEM_STATES
    )


@pages.route("/problems/<uuid:problem_id>", methods=["GET"])
@rule(Action.READ, Target.NONE)
def rectification(problem_id: UUID) -> Response:
    """The problem and its rectification form (404 for a problem of another association)."""
    form = Form(values={"rectified_on": caller().today().isoformat()})
    return _form_page(own.problem(caller(), problem_id), form)


@pages.route("/problems/<uuid:problem_id>", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def rectify(problem_id: UUID) -> Response:
    """Record the rectification once, then the list with the problem rectified."""
    problem = own.problem(caller(), problem_id)
    form = posted()
    payload = {
        "rectified_on": form.values.get("rectified_on") or None,
        "evidence": form.values.get("evidence", ""),
        "note": form.values.get("note", ""),
    }

    def record(data: dict[str, Any]) -> str:
        saved = own.rectify(caller(), problem_id, data)
        return url_for("pages.problems", recorded=1, after=saved.position)

    return submit(
        form, RectificationIn(), payload, record, lambda status: _form_page(problem, form, status)
    )
