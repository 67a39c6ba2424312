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
from service.http.access import Action, Target, rule
from service.http.blueprint import ApiBlueprint, created, page
from service.http.context import caller, caller_on
from service.http.schemas import AsOfPaging, ProblemSchema, ReadAsOf

blp = ApiBlueprint(
    "training",
    __name__,
    url_prefix="/api/v1/districts/<code>/training-sessions",
    description="Training sessions of officers (S3.7)",
)


@blp.route("")
class Sessions(MethodView):
    """A district's sessions."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AsOfPaging, location="query")
    @blp.response(200, SessionList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Sessions of the district, of the caller's township, or attended from their scope."""
        items, total = application.sessions(caller_on(query), code, query)
        return page(items, total, query)

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(SessionIn)
    @blp.response(201, CreatedId)
    @blp.alt_response(403, schema=ProblemSchema, description="Outside the caller's township")
    @blp.alt_response(422, schema=ProblemSchema, description="Hours or date out of range")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Record a session held by the district (no township) or by one township."""
        return created(application.hold_training(caller(), code, **data))


@blp.route("/<uuid:session_id>")
class SessionResource(MethodView):
    """One session."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ReadAsOf, location="query")
    @blp.response(200, SessionDetail)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown session")
    def get(self, query: dict[str, Any], code: str, session_id: UUID) -> dict[str, Any]:
        """The session with the attendees the caller may see."""
        return application.session(caller_on(query), code, session_id, query.get("min_position"))
