"""Training sessions of the township (S3.7): the sessions held by the district or the township
federation, recording one, and who of the township's associations attended it (the association
chosen first, then one of its officers: never a list of every officer of a district)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for
from flask_babel import lazy_gettext
from marshmallow import ValidationError

from aggregates.association.training import TrainingMode
from aggregates.errors import DomainError
from service.application import township
from service.association.schemas import AttendanceIn, SessionIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import SCHEMA_MESSAGES, Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import after, once, submit

MODES = (
    (TrainingMode.OFFLINE.value, lazy_gettext("In person")),
    (TrainingMode.ONLINE.value, lazy_gettext("Online")),
)
#: What the session's page announces after a change, by the ``done`` argument.
DONE = {
    "held": lazy_gettext("The training session was recorded."),
    "attended": lazy_gettext("The attendance was recorded."),
}


@pages.route("/township/training")
@rule(Action.READ, Target.NONE)
def township_training() -> Response:
    """Sessions held by the district or the township, newest first, paged."""
    offset = offset_of(request.args)
    items, total = township.sessions(caller(), offset=offset, limit=PAGE_SIZE)
    page = Page(items, total, offset, PAGE_SIZE)
    return render_page("township/training.html", page=page, modes=dict(MODES))


def _session_form(form: Form, status: int = 200) -> Response:
    return render_page("township/session_new.html", status, form=form, modes=MODES)


@pages.route("/township/training/new", methods=["GET"])
@rule(Action.READ, Target.NONE)
def new_session() -> Response:
    """The form of a session the township held, today proposed."""
    township.own_township(caller())
    today = caller().today().isoformat()
    return _session_form(Form(values={"held_on": today, "mode": TrainingMode.OFFLINE.value}))


@pages.route("/township/training/new", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def hold_session() -> Response:
    """Record the session once, then its page (where attendance is recorded)."""
    township.own_township(caller())
    form = Form.posted(request.form.to_dict())
    fields = ("topic", "mode", "hours", "held_on", "organiser")

    def record(data: dict[str, Any]) -> str:
        saved = township.hold_training(caller(), data)
        return url_for(
            "pages.township_session", session_id=saved.id, done="held", after=saved.position
        )

    payload = {k: form.values.get(k) or None for k in fields}
    return submit(form, SessionIn(), payload, record, lambda status: _session_form(form, status))


def _chosen(value: Any) -> UUID | None:
    """The association chosen (None when none is, or the value is no id)."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _session_page(session_id: UUID, form: Form, status: int = 200) -> Response:
    found = township.session(caller(), session_id, after())
    choices = township.association_choices(caller())
    chosen = _chosen(form.values.get("association_id"))
    officers = township.association(caller(), chosen)["sitting"] if chosen else []
    done = DONE.get(request.args.get("done", ""))
    return render_page(
        "township/session.html",
        status,
        session=found,
        form=form,
        choices=choices,
        chosen=str(chosen or ""),
        officers=officers,
        done=done,
        modes=dict(MODES),
    )


@pages.route("/township/training/<uuid:session_id>", methods=["GET"])
@rule(Action.READ, Target.NONE)
def township_session(session_id: UUID) -> Response:
    """A session with its attendees; choosing an association lists its officers to add."""
    return _session_page(
        session_id, Form(values={"association_id": request.args.get("association_id", "")})
    )


@pages.route("/township/training/<uuid:session_id>/attendance", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def record_township_attendance(session_id: UUID) -> Response:
    """Record once that an officer attended, then the session's page with it announced."""
    form = Form.posted(request.form.to_dict())
    association_id = _chosen(form.values.get("association_id"))
    payload = {
        "session_id": str(session_id),
        "officer_id": form.values.get("officer_id") or None,
        "hours": form.values.get("hours") or None,
    }
    try:
        data = AttendanceIn().load(payload)
    except ValidationError as error:
        form.invalid(error)
    if association_id is None:
        form.refused("association_id", str(SCHEMA_MESSAGES["Not a valid UUID."]))
    if form.errors:
        return _session_page(session_id, form, 422)

    def act() -> str:
        assert association_id is not None
        saved = township.attend(caller(), association_id, data)
        return url_for(
            "pages.township_session", session_id=session_id, done="attended", after=saved.position
        )

    try:
        return go_to(once(form, act))
    except DomainError as error:
        form.domain(error)
        return _session_page(session_id, form, 422)
