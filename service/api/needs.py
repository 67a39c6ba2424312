"""Needs surveys of persons and the services delivered against their needs (S3.5)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.needs import NeedCategory
from projections.needs import list_needs, person_surveys
from projections.scope import Scope
from service.access import Action, Target, rule
from service.api.blueprint import ApiBlueprint
from service.api.care_scope import caller_scope, committed, known_association
from service.care_schemas import (
    CareCreated,
    NeedList,
    NeedsQuery,
    PersonNeedsOut,
    ServiceIn,
    SurveyCreated,
    SurveyIn,
)
from service.context import await_position, known_district, provenance, services
from service.schemas import ProblemSchema, ReadQuery

blp = ApiBlueprint(
    "needs",
    __name__,
    url_prefix="/api/v1/districts/<code>",
    description="Needs surveys, needs and services (S3.5)",
)

PERSON = "/associations/<uuid:association_id>/persons/<uuid:person_id>"


@blp.route(f"{PERSON}/surveys")
class Surveys(MethodView):
    """Surveying a person."""

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(SurveyIn)
    @blp.response(201, SurveyCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association or person")
    @blp.alt_response(409, schema=ProblemSchema, description="A need of that kind is open")
    def post(
        self, data: dict[str, Any], code: str, association_id: UUID, person_id: UUID
    ) -> dict[str, Any]:
        """Record a survey: services the person receives and needs found."""
        records = services().runtime.tenancy.records(known_association(code, association_id))
        saved = records.survey_needs(
            association_id,
            person_id,
            surveyed_on=data["surveyed_on"],
            surveyor=data["surveyor"],
            services_received=[NeedCategory(c) for c in data["services_received"]],
            needs=[(NeedCategory(n["category"]), n["description"]) for n in data["needs"]],
            by=provenance(),
        )
        committed(code)
        return {
            "id": str(saved.id),
            "need_ids": [str(n) for n in saved.more],
            "position": saved.position,
        }


@blp.route(f"{PERSON}/needs")
class PersonNeeds(MethodView):
    """A person's surveys and needs."""

    @rule(Action.READ, Target.ASSOCIATION)
    @blp.arguments(ReadQuery, location="query")
    @blp.response(200, PersonNeedsOut)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(
        self, query: dict[str, Any], code: str, association_id: UUID, person_id: UUID
    ) -> dict[str, Any]:
        """Every survey of the person by this association, and every need with its services."""
        known_association(code, association_id)
        await_position(code, query.get("min_position"))
        db = services().runtime.db
        surveys, position = person_surveys(db, code, str(person_id), str(association_id))
        needs, _, _ = list_needs(
            db,
            code,
            Scope(association_id=str(association_id)),
            person_id=str(person_id),
            limit=1000,
        )
        return {
            "person_id": str(person_id),
            "surveys": surveys,
            "needs": needs,
            "position": position,
        }


@blp.route(f"{PERSON}/needs/<uuid:need_id>/services")
class Services(MethodView):
    """Services delivered against a need."""

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(ServiceIn)
    @blp.response(201, CareCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown person or need")
    @blp.alt_response(409, schema=ProblemSchema, description="The need is already met")
    def post(
        self,
        data: dict[str, Any],
        code: str,
        association_id: UUID,
        person_id: UUID,
        need_id: UUID,
    ) -> dict[str, Any]:
        """Record a service; one that meets the need closes it."""
        records = services().runtime.tenancy.records(known_association(code, association_id))
        saved = records.deliver_service(association_id, person_id, need_id, by=provenance(), **data)
        committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route("/needs")
class DistrictNeeds(MethodView):
    """Needs across the caller's part of the district."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(NeedsQuery, location="query")
    @blp.response(200, NeedList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Needs, e.g. ``?status=open``, oldest first, with their services."""
        known_district(code)
        await_position(code, query.get("min_position"))
        person = query.get("person_id")
        items, total, position = list_needs(
            services().runtime.db,
            code,
            caller_scope(query.get("township_code"), query.get("association_id")),
            status=query.get("status"),
            category=query.get("category"),
            person_id=str(person) if person else None,
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
