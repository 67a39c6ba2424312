"""Home visits, their follow-ups, the district's visit intervals and households due (S3.4, S3.5)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.errors import NoSuchVisit
from aggregates.visit import HouseholdKind, ReferredTo, VisitMode
from projections.district_settings import visit_settings
from projections.scope import Scope
from projections.visits import find_visit, households_due, list_visits
from service.access import Action, Target, rule
from service.api.blueprint import ApiBlueprint
from service.api.care_scope import (
    caller_scope,
    committed,
    known_association,
    on_or_today,
    require_whole_district,
)
from service.care_schemas import (
    CareCreated,
    DueList,
    DueQuery,
    FollowUpIn,
    OnDate,
    OutcomeIn,
    VisitDetail,
    VisitIn,
    VisitIntervalsIn,
    VisitList,
    VisitSettingsOut,
    VisitsQuery,
)
from service.context import await_position, known_district, provenance, services
from service.schemas import Accepted, ProblemSchema, ReadQuery

blp = ApiBlueprint(
    "visits",
    __name__,
    url_prefix="/api/v1/districts/<code>",
    description="Home visits, follow-ups and visit intervals (S3.4, S3.5)",
)

VISITS = "/associations/<uuid:association_id>/visits"


def _records(code: str, association_id: UUID) -> Any:
    return services().runtime.tenancy.records(known_association(code, association_id))


@blp.route(VISITS)
class Visits(MethodView):
    """The visits of an association."""

    @rule(Action.READ, Target.ASSOCIATION)
    @blp.arguments(VisitsQuery, location="query")
    @blp.response(200, VisitList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or association")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Visits, newest first, with their follow-ups."""
        known_association(code, association_id)
        await_position(code, query.get("min_position"))
        items, total, position = list_visits(
            services().runtime.db,
            code,
            Scope(association_id=str(association_id)),
            household_id=query.get("household_id"),
            limit=query["limit"],
            offset=query["offset"],
        )
        return {
            "items": items,
            "total": total,
            "limit": query["limit"],
            "offset": query["offset"],
            "position": position,
        }

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(VisitIn)
    @blp.response(201, CareCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association or officer")
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Record a home visit by an officer of the association."""
        saved = _records(code, association_id).record_visit(
            association_id,
            household_id=data["household_id"],
            household_kind=HouseholdKind(data["household_kind"]),
            person_ids=data["person_ids"],
            visited_on=data["visited_on"],
            visitor_officer_id=data["visitor_officer_id"],
            mode=VisitMode(data["mode"]),
            findings=data["findings"],
            difficulties=data["difficulties"],
            by=provenance(),
        )
        committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route(f"{VISITS}/<uuid:visit_id>")
class VisitResource(MethodView):
    """One visit."""

    @rule(Action.READ, Target.ASSOCIATION)
    @blp.arguments(ReadQuery, location="query")
    @blp.response(200, VisitDetail)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association or visit")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(
        self, query: dict[str, Any], code: str, association_id: UUID, visit_id: UUID
    ) -> dict[str, Any]:
        """The visit with its follow-ups and their outcomes."""
        known_association(code, association_id)
        await_position(code, query.get("min_position"))
        visit = find_visit(services().runtime.db, code, str(visit_id))
        if visit is None or visit["association_id"] != str(association_id):
            raise NoSuchVisit(id=visit_id, field="visit_id")
        return visit


@blp.route(f"{VISITS}/<uuid:visit_id>/follow-ups")
class FollowUps(MethodView):
    """Referring a difficulty."""

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(FollowUpIn)
    @blp.response(201, CareCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown visit")
    def post(
        self, data: dict[str, Any], code: str, association_id: UUID, visit_id: UUID
    ) -> dict[str, Any]:
        """Refer a difficulty to the two committees or the township."""
        saved = _records(code, association_id).refer_follow_up(
            association_id,
            visit_id,
            referred_to=ReferredTo(data["referred_to"]),
            referred_on=data["referred_on"],
            matter=data["matter"],
            by=provenance(),
        )
        committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route(f"{VISITS}/<uuid:visit_id>/follow-ups/<uuid:follow_up_id>/outcome")
class Outcome(MethodView):
    """The outcome of a referral."""

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(OutcomeIn)
    @blp.response(200, Accepted)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown visit or follow-up")
    @blp.alt_response(409, schema=ProblemSchema, description="Already concluded")
    def post(
        self,
        data: dict[str, Any],
        code: str,
        association_id: UUID,
        visit_id: UUID,
        follow_up_id: UUID,
    ) -> dict[str, Any]:
        """Record what came of the referral, and whether it resolved the difficulty."""
        saved = _records(code, association_id).conclude_follow_up(
            association_id, visit_id, follow_up_id, by=provenance(), **data
        )
        committed(code)
        return {"position": saved.position}


@blp.route("/visits/due")
class Due(MethodView):
    """Households due or overdue a visit."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(DueQuery, location="query")
    @blp.response(200, DueList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Households with their latest visit on or before ``on`` and the next due date, paged."""
        known_district(code)
        await_position(code, query.get("min_position"))
        return households_due(
            services().runtime.db,
            code,
            caller_scope(query.get("township_code"), query.get("association_id")),
            on=on_or_today(query.get("on")),
            within_days=query["within_days"],
            status=query["status"],
            limit=query["limit"],
            offset=query["offset"],
        )


@blp.route("/settings/visit-intervals")
class VisitIntervals(MethodView):
    """The district's visit intervals, versioned by effective date."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(OnDate, location="query")
    @blp.response(200, VisitSettingsOut)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every version, and the intervals in force on ``on``."""
        known_district(code)
        await_position(code, query.get("min_position"))
        return visit_settings(services().runtime.db, code, on_or_today(query.get("on")))

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(VisitIntervalsIn)
    @blp.response(201, Accepted)
    @blp.alt_response(403, schema=ProblemSchema, description="Needs a district-wide role")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Set new intervals (days) per household kind, in force from ``effective_from``."""
        records = services().runtime.tenancy.records(known_district(code))
        require_whole_district(code, "setting visit intervals")
        saved = records.set_visit_intervals(
            effective_from=data["effective_from"],
            intervals={HouseholdKind(k): v for k, v in data["intervals"].items()},
            by=provenance(),
        )
        committed(code)
        return {"position": saved.position}
