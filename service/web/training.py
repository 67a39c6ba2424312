"""Training attendance (S3.7): the sessions the association's officers may attend, and who of
them attended one, recorded once however often the form is sent."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for

from service.application import tasks as worker
from service.application import village_association as own
from service.association.schemas import AttendanceIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import after, posted, submit
from service.web.vocabulary import TRAINING_MODES


@pages.route("/training")
@rule(Action.READ, Target.NONE)
def training() -> Response:
    """Sessions of the district and the township, newest first, paged."""
    offset = offset_of(request.args)
    found, total = own.sessions(caller(), offset=offset, limit=PAGE_SIZE)
    page = Page(found, total, offset, PAGE_SIZE, query={})
    return render_page("training/index.html", page=page, modes=TRAINING_MODES)


def _session_page(session_id: UUID, form: Form, status: int = 200) -> Response:
    return render_page(
        "training/session.html",
        status,
        session=own.session(caller(), session_id, after()),
        officers=worker.visitors(caller()),
        form=form,
        modes=TRAINING_MODES,
        recorded=request.args.get("recorded"),
    )


@pages.route("/training/<uuid:session_id>", methods=["GET"])
@rule(Action.READ, Target.NONE)
def training_session(session_id: UUID) -> Response:
    """A session, the association's officers who attended, and the attendance form."""
    return _session_page(session_id, Form())


@pages.route("/training/<uuid:session_id>", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def record_attendance(session_id: UUID) -> Response:
    """Record that an officer attended (hours: the session's unless given)."""
    form = posted()
    payload: dict[str, Any] = {
        "session_id": str(session_id),
        "officer_id": form.values.get("officer_id") or None,
        "hours": form.values.get("hours") or None,
    }

    def record(data: dict[str, Any]) -> str:
        saved = own.attend(caller(), session_id, data)
        return url_for(
            "pages.training_session", session_id=session_id, recorded=1, after=saved.position
        )

    return submit(
        form,
        AttendanceIn(),
        payload,
        record,
        lambda status: _session_page(session_id, form, status),
    )
