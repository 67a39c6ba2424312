"""Associations and their officers: commands go to the event store, reads to the read models."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.association.association import Background, OfficerRole
from aggregates.errors import NoSuchAssociation
from projections.association.associations import find_association, list_associations
from service.http.access import Action, Target, rule
from service.http.auth import current_principal
from service.http.blueprint import ApiBlueprint
from service.http.context import known_district, provenance, services
from service.http.freshness import await_position
from service.http.masking import mask_fields
from service.http.problems import ProblemError
from service.http.schemas import (
    Accepted,
    AssociationDetail,
    AssociationIn,
    AssociationList,
    AssociationListQuery,
    Created,
    OfficerCreated,
    OfficerIn,
    ProblemSchema,
    RemovalIn,
    UnmaskQuery,
)
from service.http.unmasking import record_unmasked_read, unmasked_fields

blp = ApiBlueprint(
    "associations",
    __name__,
    url_prefix="/api/v1/districts/<code>/associations",
    description="Associations (残协) and officers",
)


def _committed(district: str) -> None:
    """Tell the workers the district has new events (never fails the command)."""
    services().wakeups.district_changed(district)


@blp.route("")
class Associations(MethodView):
    """A district's associations."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AssociationListQuery, location="query")
    @blp.response(200, AssociationList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """List associations, by division code."""
        known_district(code)
        await_position(code, query.get("min_position"))
        principal = current_principal()
        township = query.get("township_code")
        if principal.township and township not in (None, principal.township):
            township = "-"  # another township: nothing of it is in scope
        page = list_associations(
            services().runtime.db,
            code,
            township_code=township or principal.township,
            association_id=principal.association_id,
            limit=query["limit"],
            offset=query["offset"],
        )
        return {
            "items": page.items,
            "total": page.total,
            "limit": query["limit"],
            "offset": query["offset"],
            "position": page.position,
        }

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(AssociationIn)
    @blp.response(201, Created)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(409, schema=ProblemSchema, description="The village has an association")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Establish the association of a village or community."""
        records = services().runtime.tenancy.records(known_district(code))
        if not current_principal().covers_village(data["division_code"]):
            raise ProblemError(
                403,
                "forbidden",
                "the village is outside your scope",
                extra={"field": "division_code"},
            )
        saved = records.establish_association(by=provenance(), **data)
        _committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route("/<uuid:association_id>")
class AssociationResource(MethodView):
    """One association."""

    @rule(Action.READ, Target.ASSOCIATION)
    @blp.arguments(UnmaskQuery, location="query")
    @blp.response(200, AssociationDetail)
    @blp.alt_response(403, schema=ProblemSchema, description="The role may not unmask")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or association")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """The association with its sitting officers and officer history."""
        known_district(code)
        await_position(code, query.get("min_position"))
        unmasked = unmasked_fields(query)
        association = find_association(services().runtime.db, code, str(association_id))
        if association is None:
            raise NoSuchAssociation(id=association_id, field="association_id")
        for officer in association["officer_history"]:
            mask_fields(officer, unmasked)
        if unmasked:
            record_unmasked_read(
                code, "association_officers", str(association_id), unmasked, query["reason"]
            )
        return association


@blp.route("/<uuid:association_id>/officers")
class Officers(MethodView):
    """Appointments."""

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(OfficerIn)
    @blp.response(201, OfficerCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or association")
    @blp.alt_response(409, schema=ProblemSchema, description="A rule of S3.3/S3.6 forbids it")
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Appoint an officer."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.appoint_officer(
            association_id,
            name=data["name"],
            role=OfficerRole(data["role"]),
            full_time=data["full_time"],
            backgrounds=[Background(b) for b in data["backgrounds"]],
            appointed_on=data["appointed_on"],
            phone=data["phone"],
            by=provenance(),
        )
        _committed(code)
        return {"officer_id": str(saved.id), "position": saved.position}


@blp.route("/<uuid:association_id>/officers/<uuid:officer_id>/removal")
class OfficerRemoval(MethodView):
    """An officer leaving office."""

    @rule(Action.WRITE, Target.ASSOCIATION)
    @blp.arguments(RemovalIn)
    @blp.response(200, Accepted)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association or officer")
    @blp.alt_response(409, schema=ProblemSchema, description="The officer has already left")
    def post(
        self, data: dict[str, Any], code: str, association_id: UUID, officer_id: UUID
    ) -> dict[str, Any]:
        """Remove an officer, with the date and the reason."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.remove_officer(association_id, officer_id, by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}
