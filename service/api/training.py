"""Training sessions (S3.7): recorded by the district or a township federation.

Attendance is recorded under each attendee's association (``/training-attendance``), so a
session's attendees are shown only as far as the caller's scope reaches.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.errors import NoSuchTrainingSession
from aggregates.training import TrainingMode
from projections.associations import find_association_township
from projections.training import find_session, list_sessions
from service.access import Action, Principal, Target, rule
from service.api.blueprint import ApiBlueprint
from service.auth import current_principal
from service.context import await_position, known_district, provenance, services
from service.lifecycle_schemas import CreatedId, Paging, SessionDetail, SessionIn, SessionList
from service.problems import ProblemError
from service.schemas import ProblemSchema, ReadQuery

blp = ApiBlueprint(
    "training",
    __name__,
    url_prefix="/api/v1/districts/<code>/training-sessions",
    description="Training sessions of officers (S3.7)",
)


def _scope(principal: Principal, code: str) -> dict[str, str | None]:
    """The township or association a narrow caller sees sessions of."""
    if principal.association_id:
        return {
            "association_id": principal.association_id,
            "township": find_association_township(
                services().runtime.db, code, principal.association_id
            ),
        }
    return {"township": principal.township, "association_id": None}


@blp.route("")
class Sessions(MethodView):
    """A district's sessions."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(Paging, location="query")
    @blp.response(200, SessionList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Sessions of the district, of the caller's township, or attended from their scope."""
        known_district(code)
        await_position(code, query.get("min_position"))
        scope = _scope(current_principal(), code)
        items, total = list_sessions(
            services().runtime.db,
            code,
            township=scope["township"],
            association_id=scope["association_id"],
            limit=query["limit"],
            offset=query["offset"],
        )
        return {"items": items, "total": total, "limit": query["limit"], "offset": query["offset"]}

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(SessionIn)
    @blp.response(201, CreatedId)
    @blp.alt_response(403, schema=ProblemSchema, description="Outside the caller's township")
    @blp.alt_response(422, schema=ProblemSchema, description="Hours or date out of range")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Record a session held by the district (no township) or by one township."""
        records = services().runtime.tenancy.records(known_district(code))
        principal = current_principal()
        if principal.association_id:
            raise ProblemError(403, "forbidden", "sessions are recorded by the federations")
        if principal.township and data["township_code"] != principal.township:
            raise ProblemError(
                403,
                "forbidden",
                "record sessions of your own township",
                extra={"field": "township_code"},
            )
        saved = records.hold_training(
            township_code=data["township_code"],
            topic=data["topic"],
            mode=TrainingMode(data["mode"]),
            hours=data["hours"],
            held_on=data["held_on"],
            organiser=data["organiser"],
            by=provenance(),
        )
        services().wakeups.district_changed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route("/<uuid:session_id>")
class SessionResource(MethodView):
    """One session."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ReadQuery, location="query")
    @blp.response(200, SessionDetail)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown session")
    def get(self, query: dict[str, Any], code: str, session_id: UUID) -> dict[str, Any]:
        """The session with the attendees the caller may see."""
        known_district(code)
        await_position(code, query.get("min_position"))
        scope = _scope(current_principal(), code)
        session = find_session(
            services().runtime.db,
            code,
            str(session_id),
            township=scope["township"],
            association_id=scope["association_id"],
        )
        if session is None:
            raise NoSuchTrainingSession(id=session_id, field="session_id")
        return session
