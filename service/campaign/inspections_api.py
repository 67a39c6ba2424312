"""Inspections of the campaign (S4): problem lists, rectification, key supervision, models.

Inspectors record inspections, problems, escalations and conclusions (``Action.INSPECT``); the
district (and, for their own associations, township officers and association workers) records
rectifications (``Action.WRITE``); city administrators record the three bodies' decisions of
the joint acceptance (``Target.CITY``).  Reads are live or as of a day on either clock.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.application import campaign
from service.campaign.schemas import (
    CampaignCreated,
    ConclusionIn,
    DecisionIn,
    EscalationIn,
    InspectionDetail,
    InspectionIn,
    InspectionList,
    ModelIn,
    ModelList,
    ModelWithdrawalIn,
    Position,
    ProblemIn,
    ProblemList,
    ProblemQuery,
    RectificationIn,
    ReleaseIn,
    ReviewIn,
    SupervisionIn,
    SupervisionList,
)
from service.http.access import Action, Target
from service.http.blueprint import DISTRICT, ApiBlueprint, accepted, created
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.schemas import AsOfQuery

blp = ApiBlueprint("inspections", __name__, url_prefix=DISTRICT)


@blp.route("/inspections")
class Inspections(MethodView):
    """A district's inspections."""

    @blp.reads(Target.DISTRICT, AsOfQuery, InspectionList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every inspection in scope, live or as of a day."""
        return campaign.inspections(caller_on(query), code, query)

    @blp.writes(Target.DISTRICT, InspectionIn, CampaignCreated, action=Action.INSPECT)
    @blp.problems(
        {403: "The joint acceptance is the city's", 404: "Unknown district or association"}
    )
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Record an inspection: its sample, the rule findings as of its day, its problems."""
        saved = campaign.open_inspection(caller(), code, **data)
        return created(saved, problem_ids=[str(p) for p in saved.more])


@blp.route("/inspections/<uuid:inspection_id>")
class InspectionResource(MethodView):
    """One inspection and its problem list."""

    @blp.reads(Target.DISTRICT, AsOfQuery, InspectionDetail)
    @blp.problems({404: "Unknown district or inspection"})
    def get(self, query: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """The inspection with its problems and their rectification status."""
        return campaign.inspection(caller_on(query), code, inspection_id, query)


@blp.route("/inspections/<uuid:inspection_id>/problems")
class InspectionProblems(MethodView):
    """Problems added to an inspection's list after the visit."""

    @blp.writes(Target.DISTRICT, ProblemIn, CampaignCreated, action=Action.INSPECT)
    @blp.problems(
        {
            404: "Unknown inspection",
            409: "The inspection is concluded, or the rule's problem there is already listed",
        }
    )
    def post(self, data: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """Write a problem onto the list."""
        saved = campaign.record_problem(caller(), code, inspection_id, **data)
        return created(saved, problem_ids=[str(saved.id)])


@blp.route("/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/rectification")
class Rectification(MethodView):
    """A problem rectified."""

    @blp.writes(Target.DISTRICT, RectificationIn, Position)
    @blp.problems({404: "Unknown inspection or problem", 409: "Already rectified"})
    def post(
        self, data: dict[str, Any], code: str, inspection_id: UUID, problem_id: UUID
    ) -> dict[str, Any]:
        """Record the rectification (整改) with its evidence."""
        return accepted(campaign.rectify(caller(), code, inspection_id, problem_id, **data))


@blp.route("/inspections/<uuid:inspection_id>/decisions")
class Decisions(MethodView):
    """The three city bodies' decisions of the joint acceptance."""

    @blp.writes(Target.CITY, DecisionIn, Position, status=201)
    @blp.problems({404: "Unknown district or inspection", 409: "The body has decided already"})
    def post(self, data: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """Record one body's decision; the third concludes with the overall outcome."""
        saved, outcome = campaign.decide(caller(), code, inspection_id, **data)
        return {"position": saved.position, "outcome": outcome}


@blp.route("/inspections/<uuid:inspection_id>/conclusion")
class Conclusion(MethodView):
    """An inspection concluded."""

    @blp.writes(Target.DISTRICT, ConclusionIn, Position, action=Action.INSPECT)
    @blp.problems({404: "Unknown inspection", 409: "Concluded already"})
    def post(self, data: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """Conclude with an outcome and a summary."""
        saved = caller().run(code, DistrictRecords.conclude_inspection, inspection_id, **data)
        return {"position": saved.position, "outcome": data["outcome"]}


@blp.route("/problems")
class Problems(MethodView):
    """The district's problem list across its inspections."""

    @blp.reads(Target.DISTRICT, ProblemQuery, ProblemList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every problem in scope with its rectification status, live or as of a day."""
        return campaign.problems(caller_on(query), code, query)


@blp.route("/key-supervisions")
class KeySupervisions(MethodView):
    """Key supervision (重点督办)."""

    @blp.reads(Target.DISTRICT, AsOfQuery, SupervisionList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Spells of key supervision in scope (the district's own are seen by all)."""
        return campaign.supervisions(caller_on(query), code, query)

    @blp.writes(Target.DISTRICT, SupervisionIn, CampaignCreated, action=Action.INSPECT)
    @blp.problems({404: "Unknown association or inspection"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Put the district, or one of its associations, under key supervision."""
        saved = caller().run(code, DistrictRecords.start_key_supervision, **data)
        return created(saved, problem_ids=[])


@blp.route("/model-associations")
class ModelAssociations(MethodView):
    """Model associations (典型培育, S5.3)."""

    @blp.reads(Target.DISTRICT, AsOfQuery, ModelList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Models in scope, current and withdrawn."""
        return campaign.models(caller_on(query), code, query)

    @blp.writes(Target.DISTRICT, ModelIn, CampaignCreated, action=Action.INSPECT)
    @blp.problems({404: "Unknown association", 409: "Already a model"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Designate an association as a model."""
        saved = caller().run(
            code,
            DistrictRecords.designate_model,
            data["association_id"],
            designated_on=data["designated_on"],
            practice=data["practice"],
        )
        return created(saved, problem_ids=[])


#: An inspector's commands on problems and key supervision (:mod:`service.http.commands`).
DISTRICT_COMMANDS = [
    Command(
        "Escalation",
        "/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/escalation",
        DistrictRecords.escalate_problem,
        EscalationIn,
        Position,
        "Escalate an open problem to a higher level.",
        {404: "Unknown inspection or problem", 409: "Not open"},
    ),
    Command(
        "RectificationReview",
        "/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/review",
        DistrictRecords.review_rectification,
        ReviewIn,
        Position,
        "Confirm a rectification, or return it (the problem opens again).",
        {404: "Unknown inspection or problem", 409: "Not rectified, or confirmed already"},
    ),
    Command(
        "KeySupervisionRelease",
        "/key-supervisions/<uuid:supervision_id>/release",
        DistrictRecords.release_key_supervision,
        ReleaseIn,
        Position,
        "End a spell of key supervision.",
        {404: "Unknown supervision", 409: "Released already"},
    ),
]
register(blp, Action.INSPECT, Target.DISTRICT, DISTRICT_COMMANDS)


#: An inspector's command on one model association (:mod:`service.http.commands`).
ASSOCIATION_COMMANDS = [
    Command(
        "ModelWithdrawal",
        "/model-associations/<uuid:association_id>/withdrawal",
        DistrictRecords.withdraw_model,
        ModelWithdrawalIn,
        Position,
        "Withdraw the designation.",
        {404: "Not a model", 409: "Withdrawn already"},
    ),
]
register(blp, Action.INSPECT, Target.ASSOCIATION, ASSOCIATION_COMMANDS)
