"""The district's evaluation scheme and the evaluations scored by it (S3.5, S3.6)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from service.care import application as care
from service.care.schemas import (
    CareCreated,
    EvaluationIn,
    EvaluationList,
    EvaluationsQuery,
    OnDate,
    SchemeIn,
    SchemesOut,
)
from service.http.access import Target
from service.http.blueprint import BEHIND, DISTRICT, ApiBlueprint, created, page
from service.http.context import caller, caller_on

blp = ApiBlueprint("evaluations", __name__, url_prefix=DISTRICT)


@blp.route("/evaluation-schemes")
class Schemes(MethodView):
    """The district's evaluation scheme, versioned by effective date."""

    @blp.reads(Target.DISTRICT, OnDate, SchemesOut)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every version, and the scheme in force on ``on``."""
        return care.schemes(caller_on(query), code, query)

    @blp.writes(Target.DISTRICT, SchemeIn, CareCreated)
    @blp.problems({403: "Needs a district-wide role", 404: "Unknown district"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Adopt a scheme: weighted criteria (weights add up to 100) and, for full-time
        members, the weight of performance against the disabled persons' rating."""
        saved = care.adopt_scheme(caller(), code, data)
        return created(saved)


@blp.route("/associations/<uuid:association_id>/evaluations")
class AssociationEvaluations(MethodView):
    """Evaluations of an association and its full-time members."""

    @blp.reads(Target.ASSOCIATION, EvaluationsQuery, EvaluationList)
    @blp.problems({404: "Unknown district or association", **BEHIND})
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """The association's evaluations, newest cycle first."""
        items, total, position = care.association_evaluations(
            caller_on(query), code, association_id, query
        )
        return page(items, total, query, position=position)

    @blp.writes(Target.ASSOCIATION, EvaluationIn, CareCreated)
    @blp.problems(
        {
            403: "Needs a district-wide role",
            404: "Unknown association or officer",
            409: "Already evaluated in the cycle",
        }
    )
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Evaluate the association (or a full-time member) for a cycle, scored by the
        scheme in force on ``evaluated_on``."""
        return created(care.evaluate(caller(), code, association_id, data))


@blp.route("/evaluations")
class DistrictEvaluations(MethodView):
    """Evaluations across the caller's part of the district."""

    @blp.reads(Target.DISTRICT, EvaluationsQuery, EvaluationList)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Evaluations, e.g. ``?cycle=2021``, narrowed to the caller's scope."""
        items, total, position = care.district_evaluations(caller_on(query), code, query)
        return page(items, total, query, position=position)
