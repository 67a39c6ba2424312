"""Home visits, their follow-ups, the district's visit intervals and households due (S3.4, S3.5)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.care import application as care
from service.care.commands import run_on_association
from service.care.schemas import (
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
from service.http.access import Action, Target
from service.http.blueprint import BEHIND, DISTRICT, ApiBlueprint, accepted, created, page
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.schemas import Accepted, ReadAsOf

blp = ApiBlueprint("visits", __name__, url_prefix=DISTRICT)

VISITS = "/associations/<uuid:association_id>/visits"


@blp.route(VISITS)
class Visits(MethodView):
    """The visits of an association."""

    @blp.reads(Target.ASSOCIATION, VisitsQuery, VisitList)
    @blp.problems({404: "Unknown district or association", **BEHIND})
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Visits, newest first, with their follow-ups."""
        items, total, position = care.association_visits(
            caller_on(query), code, association_id, query
        )
        return page(items, total, query, position=position)

    @blp.writes(Target.ASSOCIATION, VisitIn, CareCreated)
    @blp.problems({404: "Unknown association or officer"})
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Record a home visit by an officer of the association."""
        return created(
            care.run(caller(), code, association_id, DistrictRecords.record_visit, **data)
        )


@blp.route(f"{VISITS}/<uuid:visit_id>")
class VisitResource(MethodView):
    """One visit."""

    @blp.reads(Target.ASSOCIATION, ReadAsOf, VisitDetail)
    @blp.problems({404: "Unknown association or visit", **BEHIND})
    def get(
        self, query: dict[str, Any], code: str, association_id: UUID, visit_id: UUID
    ) -> dict[str, Any]:
        """The visit with its follow-ups and their outcomes."""
        return care.visit(
            caller_on(query), code, association_id, visit_id, query.get("min_position")
        )


@blp.route("/visits/due")
class Due(MethodView):
    """Households due or overdue a visit."""

    @blp.reads(Target.DISTRICT, DueQuery, DueList)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Households with their latest visit on or before ``on`` and the next due date, paged;
        as of a day, ``on`` is that day unless given (due as of that day)."""
        return care.households_due(caller_on(query), code, query)


@blp.route("/settings/visit-intervals")
class VisitIntervals(MethodView):
    """The district's visit intervals, versioned by effective date."""

    @blp.reads(Target.DISTRICT, OnDate, VisitSettingsOut)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every version, and the intervals in force on ``on``."""
        return care.intervals(caller_on(query), code, query)

    @blp.writes(Target.DISTRICT, VisitIntervalsIn, Accepted, status=201)
    @blp.problems({403: "Needs a district-wide role", 404: "Unknown district"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Set new intervals (days) per household kind, in force from ``effective_from``."""
        saved = care.set_visit_intervals(caller(), code, data)
        return accepted(saved)


#: Visits and their follow-ups: each one command of the records on a known association
#: (:mod:`service.http.commands`).
COMMANDS = [
    Command(
        "FollowUps",
        f"{VISITS}/<uuid:visit_id>/follow-ups",
        DistrictRecords.refer_follow_up,
        FollowUpIn,
        CareCreated,
        "Refer a difficulty to the two committees or the township.",
        {404: "Unknown visit"},
    ),
    Command(
        "Outcome",
        f"{VISITS}/<uuid:visit_id>/follow-ups/<uuid:follow_up_id>/outcome",
        DistrictRecords.conclude_follow_up,
        OutcomeIn,
        Accepted,
        "Record what came of the referral, and whether it resolved the difficulty.",
        {404: "Unknown visit or follow-up", 409: "Already concluded"},
    ),
]
register(blp, Action.WRITE, Target.ASSOCIATION, COMMANDS, run=run_on_association)
