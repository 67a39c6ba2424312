"""Needs surveys (S3.5): the association's open needs, a person's surveys and needs with the
services delivered, a survey of a person, and a service delivered for a need.

The API's schemas parse the forms and the domain refuses what breaks a rule; a refused form
comes back (422) with its values; the submission key records a resend once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from flask import Response, request, url_for

from aggregates.records import Saved
from service.application import village_care as village
from service.care.schemas import ServiceIn, SurveyIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import after, posted, submit
from service.web.vocabulary import NEEDS

#: Rows for needs found on one survey form (a survey finds few; another survey adds more).
NEED_ROWS = 3


@pages.route("/needs")
@rule(Action.READ, Target.NONE)
def needs() -> Response:
    """Open needs of the association, and a person to survey found by name."""
    text = request.args.get("q", "").strip()[:40]
    offset = offset_of(request.args)
    found, total = village.open_needs(caller(), offset=offset, limit=PAGE_SIZE)
    page = Page(found, total, offset, PAGE_SIZE, query={})
    persons = village.persons(caller(), text=text).items if text else []
    called = village.names(caller(), [n["person_id"] for n in found])
    return render_page(
        "needs/index.html", page=page, names=called, text=text, persons=persons, categories=NEEDS
    )


@pages.route("/needs/persons/<uuid:person_id>")
@rule(Action.READ, Target.NONE)
def person_needs(person_id: UUID) -> Response:
    """A person's surveys and needs with their services (404 outside the villages)."""
    person = village.person(caller(), person_id)
    record = village.person_needs(caller(), person_id, after())
    return render_page(
        "needs/person.html",
        person=person,
        record=record,
        categories=NEEDS,
        recorded=request.args.get("recorded"),
    )


def _recorded(person_id: UUID, saved: Saved, what: str) -> str:
    return url_for("pages.person_needs", person_id=person_id, recorded=what, after=saved.position)


# -- a survey ---------------------------------------------------------------------------------


def _survey_payload(form: Form) -> tuple[dict[str, Any], list[int]]:
    """The survey as ``SurveyIn`` reads it, and the form row of each need given."""
    rows = [
        i
        for i in range(NEED_ROWS)
        if any(
            str(form.values.get(f"need-{i}-{name}") or "").strip()
            for name in ("category", "description")
        )
    ]
    return {
        "surveyed_on": form.values.get("surveyed_on") or None,
        "surveyor": form.values.get("surveyor", ""),
        "services_received": form.values.get("services_received", []),
        "needs": [
            {
                "category": form.values.get(f"need-{i}-category") or None,
                "description": form.values.get(f"need-{i}-description", ""),
            }
            for i in rows
        ],
    }, rows


def _survey_page(form: Form, person: village.Named, status: int = 200) -> Response:
    return render_page(
        "needs/survey.html",
        status,
        form=form,
        person=person,
        categories=NEEDS,
        rows=range(NEED_ROWS),
    )


@pages.route("/needs/persons/<uuid:person_id>/survey", methods=["GET"])
@rule(Action.READ, Target.NONE)
def new_survey(person_id: UUID) -> Response:
    """The survey form for a person of the villages."""
    person = village.person(caller(), person_id)
    form = Form(
        values={"surveyed_on": caller().today().isoformat(), "surveyor": caller().principal.name}
    )
    return _survey_page(form, person)


@pages.route("/needs/persons/<uuid:person_id>/survey", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def record_survey(person_id: UUID) -> Response:
    """Record the survey once, then the person's needs with the new ones."""
    person = village.person(caller(), person_id)
    form = posted(("services_received",))
    payload, rows = _survey_payload(form)

    def by_row(messages: Mapping[str, Any]) -> dict[str, Any]:
        flat = {k: v for k, v in messages.items() if k != "needs"}
        for index, fields in (messages.get("needs") or {}).items():
            for name, message in fields.items() if isinstance(fields, Mapping) else ():
                flat[f"need-{rows[int(index)]}-{name}"] = message
        return flat

    return submit(
        form,
        SurveyIn(),
        payload,
        lambda data: _recorded(person_id, village.survey(caller(), person_id, data), "survey"),
        lambda status: _survey_page(form, person, status),
        nested=by_row,
    )


# -- a service for a need ---------------------------------------------------------------------


def _service_page(
    form: Form, person: village.Named, need: dict[str, Any], status: int = 200
) -> Response:
    return render_page(
        "needs/service.html", status, form=form, person=person, need=need, categories=NEEDS
    )


@pages.route("/needs/persons/<uuid:person_id>/needs/<uuid:need_id>/service", methods=["GET"])
@rule(Action.READ, Target.NONE)
def new_service(person_id: UUID, need_id: UUID) -> Response:
    """The form of a service delivered for one of the person's needs."""
    person = village.person(caller(), person_id)
    need = village.need(caller(), person_id, need_id)
    form = Form(values={"delivered_on": caller().today().isoformat(), "meets_need": "yes"})
    return _service_page(form, person, need)


@pages.route("/needs/persons/<uuid:person_id>/needs/<uuid:need_id>/service", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def record_service(person_id: UUID, need_id: UUID) -> Response:
    """Record the service once; one that meets the need closes it."""
    person = village.person(caller(), person_id)
    need = village.need(caller(), person_id, need_id)
    form = posted()
    payload = {
        "delivered_on": form.values.get("delivered_on") or None,
        "provider": form.values.get("provider", ""),
        "description": form.values.get("description", ""),
        "meets_need": form.values.get("meets_need") == "yes",
    }
    return submit(
        form,
        ServiceIn(),
        payload,
        lambda data: _recorded(
            person_id, village.deliver(caller(), person_id, need_id, data), "service"
        ),
        lambda status: _service_page(form, person, need, status),
    )
