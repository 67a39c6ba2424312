"""Training sessions (S3.7): recorded by the district or a township federation.

Attendance is recorded under each attendee's association (``/training-attendance``), so a
session's attendees are shown only as far as the caller's scope reaches.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from service.association import application
from service.association.schemas import CreatedId, SessionDetail, SessionIn, SessionList
from service.http.access import Target
from service.http.blueprint import DISTRICT, ApiBlueprint, created, page
from service.http.context import caller, caller_on
from service.http.schemas import AsOfPaging, ReadAsOf

blp = ApiBlueprint("training", __name__, url_prefix=f"{DISTRICT}/training-sessions")


@blp.route("")
class Sessions(MethodView):
    """A district's sessions."""

    @blp.reads(Target.DISTRICT, AsOfPaging, SessionList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Sessions of the district, of the caller's township, or attended from their scope."""
        items, total = application.sessions(caller_on(query), code, query)
        return page(items, total, query)

    @blp.writes(Target.DISTRICT, SessionIn, CreatedId)
    @blp.problems({403: "Outside the caller's township", 422: "Hours or date out of range"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Record a session held by the district (no township) or by one township."""
        return created(application.hold_training(caller(), code, **data))


@blp.route("/<uuid:session_id>")
class SessionResource(MethodView):
    """One session."""

    @blp.reads(Target.DISTRICT, ReadAsOf, SessionDetail)
    @blp.problems({404: "Unknown session"})
    def get(self, query: dict[str, Any], code: str, session_id: UUID) -> dict[str, Any]:
        """The session with the attendees the caller may see."""
        return application.session(caller_on(query), code, session_id, query.get("min_position"))
