"""Associations and their officers: requests translated to the application layer and back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.application.disclosure import Unmasking
from service.association import application
from service.http.access import Action, Target, rule
from service.http.blueprint import ApiBlueprint, created, page
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.schemas import (
    Accepted,
    AssociationDetail,
    AssociationIn,
    AssociationList,
    AssociationListQuery,
    AssociationQuery,
    Created,
    OfficerCreated,
    OfficerIn,
    ProblemSchema,
    RemovalIn,
)

blp = ApiBlueprint(
    "associations",
    __name__,
    url_prefix="/api/v1/districts/<code>/associations",
    description="Associations (残协) and officers",
)


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
        found = application.associations(
            caller_on(query), code, township_code=query.get("township_code"), paging=query
        )
        return page(found.items, found.total, query, position=found.position)

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(AssociationIn)
    @blp.response(201, Created)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(409, schema=ProblemSchema, description="The village has an association")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Establish the association of a village or community."""
        return created(application.establish(caller(), code, **data))


@blp.route("/<uuid:association_id>")
class AssociationResource(MethodView):
    """One association."""

    @rule(Action.READ, Target.ASSOCIATION)
    @blp.arguments(AssociationQuery, location="query")
    @blp.response(200, AssociationDetail)
    @blp.alt_response(403, schema=ProblemSchema, description="The role may not unmask")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or association")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """The association with its sitting officers and officer history, as of a day."""
        asked = Unmasking.asked(query)
        return application.association(
            caller_on(query), code, association_id, asked, query.get("min_position")
        )


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
        saved = caller().run(code, DistrictRecords.appoint_officer, association_id, **data)
        return {"officer_id": str(saved.id), "position": saved.position}


#: An officer's removal: one command of the records (:mod:`service.http.commands`).
COMMANDS = [
    Command(
        "OfficerRemoval",
        "/<uuid:association_id>/officers/<uuid:officer_id>/removal",
        DistrictRecords.remove_officer,
        RemovalIn,
        Accepted,
        "Remove an officer, with the date and the reason.",
        {404: "Unknown association or officer", 409: "The officer has already left"},
    ),
]
register(blp, Action.WRITE, Target.ASSOCIATION, COMMANDS)
