"""The district's evaluation scheme and the evaluations scored by it (S3.5, S3.6)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.district_settings import Criterion
from aggregates.evaluation import Subject
from projections.district_settings import evaluation_schemes
from projections.evaluations import list_evaluations
from projections.scope import Scope
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
    EvaluationIn,
    EvaluationList,
    EvaluationsQuery,
    OnDate,
    SchemeIn,
    SchemesOut,
)
from service.context import await_position, known_district, provenance, services
from service.schemas import ProblemSchema

blp = ApiBlueprint(
    "evaluations",
    __name__,
    url_prefix="/api/v1/districts/<code>",
    description="Evaluation schemes and evaluations (S3.5, S3.6)",
)


def _page(query: dict[str, Any], scope: Scope, code: str) -> dict[str, Any]:
    items, total, position = list_evaluations(
        services().runtime.db,
        code,
        scope,
        cycle=query.get("cycle"),
        subject=query.get("subject"),
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


@blp.route("/evaluation-schemes")
class Schemes(MethodView):
    """The district's evaluation scheme, versioned by effective date."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(OnDate, location="query")
    @blp.response(200, SchemesOut)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every version, and the scheme in force on ``on``."""
        known_district(code)
        await_position(code, query.get("min_position"))
        return evaluation_schemes(services().runtime.db, code, on_or_today(query.get("on")))

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(SchemeIn)
    @blp.response(201, CareCreated)
    @blp.alt_response(403, schema=ProblemSchema, description="Needs a district-wide role")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Adopt a scheme: weighted criteria (weights add up to 100) and, for full-time
        members, the weight of performance against the disabled persons' rating."""
        records = services().runtime.tenancy.records(known_district(code))
        require_whole_district(code, "adopting an evaluation scheme")
        saved = records.adopt_evaluation_scheme(
            effective_from=data["effective_from"],
            criteria=[Criterion(**c) for c in data["criteria"]],
            performance_weight=data["performance_weight"],
            by=provenance(),
        )
        committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route("/associations/<uuid:association_id>/evaluations")
class AssociationEvaluations(MethodView):
    """Evaluations of an association and its full-time members."""

    @rule(Action.READ, Target.ASSOCIATION)
    @blp.arguments(EvaluationsQuery, location="query")
    @blp.response(200, EvaluationList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or association")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """The association's evaluations, newest cycle first."""
        known_association(code, association_id)
        await_position(code, query.get("min_position"))
        return _page(query, Scope(association_id=str(association_id)), code)

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(EvaluationIn)
    @blp.response(201, CareCreated)
    @blp.alt_response(403, schema=ProblemSchema, description="Needs a district-wide role")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association or officer")
    @blp.alt_response(409, schema=ProblemSchema, description="Already evaluated in the cycle")
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Evaluate the association (or a full-time member) for a cycle, scored by the
        scheme in force on ``evaluated_on``."""
        records = services().runtime.tenancy.records(known_association(code, association_id))
        require_whole_district(code, "evaluating")
        common = {
            "cycle": data["cycle"],
            "evaluated_on": data["evaluated_on"],
            "evaluator": data["evaluator"],
            "notes": data["notes"],
            "by": provenance(),
        }
        if data["subject"] == Subject.FULL_TIME_MEMBER.value:
            saved = records.evaluate_full_time_member(
                association_id,
                data["officer_id"],
                performance_score=data["performance_score"],
                rating_score=data["rating_score"],
                **common,
            )
        else:
            saved = records.evaluate_association(association_id, scores=data["scores"], **common)
        committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route("/evaluations")
class DistrictEvaluations(MethodView):
    """Evaluations across the caller's part of the district."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(EvaluationsQuery, location="query")
    @blp.response(200, EvaluationList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Evaluations, e.g. ``?cycle=2021``, narrowed to the caller's scope."""
        known_district(code)
        await_position(code, query.get("min_position"))
        return _page(
            query, caller_scope(query.get("township_code"), query.get("association_id")), code
        )
