"""Associations (残协) and their officers.

Requests translated to the application layer and back.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.application.disclosure import Unmasking
from service.association import application
from service.http.access import Action, Target
from service.http.blueprint import BEHIND, DISTRICT, ApiBlueprint, created, page
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
    RemovalIn,
)

blp = ApiBlueprint("associations", __name__, url_prefix=f"{DISTRICT}/associations")


@blp.route("")
class Associations(MethodView):
    """A district's associations."""

    @blp.reads(Target.DISTRICT, AssociationListQuery, AssociationList)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """List associations, by division code."""
        found = application.associations(
            caller_on(query), code, township_code=query.get("township_code"), paging=query
        )
        return page(found.items, found.total, query, position=found.position)

    @blp.writes(Target.DISTRICT, AssociationIn, Created)
    @blp.problems({404: "Unknown district", 409: "The village has an association"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Establish the association of a village or community."""
        return created(application.establish(caller(), code, **data))


@blp.route("/<uuid:association_id>")
class AssociationResource(MethodView):
    """One association."""

    @blp.reads(Target.ASSOCIATION, AssociationQuery, AssociationDetail)
    @blp.problems(
        {403: "The role may not unmask", 404: "Unknown district or association", **BEHIND}
    )
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """The association with its sitting officers and officer history, as of a day."""
        asked = Unmasking.asked(query)
        return application.association(
            caller_on(query), code, association_id, asked, query.get("min_position")
        )


@blp.route("/<uuid:association_id>/officers")
class Officers(MethodView):
    """Appointments."""

    @blp.writes(Target.ASSOCIATION, OfficerIn, OfficerCreated, status=201)
    @blp.problems({404: "Unknown district or association", 409: "A rule of S3.3/S3.6 forbids it"})
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
