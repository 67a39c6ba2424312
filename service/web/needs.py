"""Needs surveys (S3.5): the association's open needs, a person's surveys and needs with the
services delivered, a survey of a person, and a service delivered for a need.

The API's schemas parse the forms and the domain refuses what breaks a rule; a refused form
comes back (422) with its values; the submission key records a resend once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from flask import Response, current_app, request, url_for
from marshmallow import ValidationError

from aggregates.care.commands import CareSaved
from aggregates.errors import DomainError
from projections.platform.submissions import Submissions
from service.application import village_care as village
from service.care.schemas import ServiceIn, SurveyIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.vocabulary import NEEDS

#: Rows for needs found on one survey form (a survey finds few; another survey adds more).
NEED_ROWS = 3


def after() -> int | None:
    """The position of what was just recorded, so the page already shows it."""
    value = request.args.get("after", "")
    return int(value) if value.isdigit() else None


def once(form: Form, act: Callable[[], str]) -> str:
    """Run ``act`` once for the form's submission key: its location (the first one's on a
    resend)."""
    submissions: Submissions = current_app.extensions["canxie_submissions"]
    location, _ = submissions.once(caller().principal.actor, form.submission_key, act)
    return location


def posted(names: tuple[str, ...] = ()) -> Form:
    """The form as sent, with the listed multi-valued fields as lists."""
    form = Form.posted(request.form.to_dict())
    for name in names:
        form.values[name] = request.form.getlist(name)
    return form


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
        "needs/index.html", page=page, names=called, text=text, persons=persons, labels=NEEDS
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
        labels=NEEDS,
        recorded=request.args.get("recorded"),
    )


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


def _need_fields(messages: Mapping[str, Any], rows: list[int]) -> dict[str, Any]:
    """The schema's refusals of needs named by their form fields (``need-0-category``)."""
    flat = {k: v for k, v in messages.items() if k != "needs"}
    for index, fields in (messages.get("needs") or {}).items():
        if isinstance(fields, Mapping):
            for name, message in fields.items():
                flat[f"need-{rows[int(index)]}-{name}"] = message
    return flat


def _survey_page(form: Form, person: village.Named, status: int = 200) -> Response:
    return render_page(
        "needs/survey.html", status, form=form, person=person, labels=NEEDS, rows=range(NEED_ROWS)
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
    try:
        data = SurveyIn().load(payload)
    except ValidationError as error:
        form.invalid(ValidationError(_need_fields(error.normalized_messages(), rows)))
        return _survey_page(form, person, 422)

    def act() -> str:
        saved = village.survey(caller(), person_id, data)
        return _recorded(person_id, saved, "survey")

    try:
        return go_to(once(form, act))
    except DomainError as error:
        form.domain(error)
        return _survey_page(form, person, 422)


def _recorded(person_id: UUID, saved: CareSaved, what: str) -> str:
    return url_for("pages.person_needs", person_id=person_id, recorded=what, after=saved.position)


# -- a service for a need ---------------------------------------------------------------------


def _service_page(
    form: Form, person: village.Named, need: dict[str, Any], status: int = 200
) -> Response:
    return render_page(
        "needs/service.html", status, form=form, person=person, need=need, labels=NEEDS
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
    try:
        data = ServiceIn().load(payload)
    except ValidationError as error:
        form.invalid(error)
        return _service_page(form, person, need, 422)

    def act() -> str:
        return _recorded(person_id, village.deliver(caller(), person_id, need_id, data), "service")

    try:
        return go_to(once(form, act))
    except DomainError as error:
        form.domain(error)
        return _service_page(form, person, need, 422)
