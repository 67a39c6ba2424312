"""Needs surveys of persons and the services delivered against their needs (S3.5)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.care import application as care
from service.care.commands import run_on_association
from service.care.schemas import (
    CareCreated,
    NeedList,
    NeedsQuery,
    PersonNeedsOut,
    ServiceIn,
    SurveyCreated,
    SurveyIn,
)
from service.http.access import Action, Target
from service.http.blueprint import BEHIND, DISTRICT, ApiBlueprint, created, page
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.schemas import ReadAsOf

blp = ApiBlueprint("needs", __name__, url_prefix=DISTRICT)

PERSON = "/associations/<uuid:association_id>/persons/<uuid:person_id>"


@blp.route(f"{PERSON}/surveys")
class Surveys(MethodView):
    """Surveying a person."""

    @blp.writes(Target.ASSOCIATION, SurveyIn, SurveyCreated)
    @blp.problems({404: "Unknown association or person", 409: "A need of that kind is open"})
    def post(
        self, data: dict[str, Any], code: str, association_id: UUID, person_id: UUID
    ) -> dict[str, Any]:
        """Record a survey: services the person receives and needs found."""
        saved = care.survey(caller(), code, association_id, person_id, data)
        return created(saved, need_ids=[str(n) for n in saved.more])


@blp.route(f"{PERSON}/needs")
class PersonNeeds(MethodView):
    """A person's surveys and needs."""

    @blp.reads(Target.ASSOCIATION, ReadAsOf, PersonNeedsOut)
    @blp.problems({404: "Unknown association", **BEHIND})
    def get(
        self, query: dict[str, Any], code: str, association_id: UUID, person_id: UUID
    ) -> dict[str, Any]:
        """Every survey of the person by this association, and every need with its services."""
        return care.person_needs(
            caller_on(query), code, association_id, person_id, query.get("min_position")
        )


@blp.route("/needs")
class DistrictNeeds(MethodView):
    """Needs across the caller's part of the district."""

    @blp.reads(Target.DISTRICT, NeedsQuery, NeedList)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Needs, e.g. ``?status=open``, oldest first, with their services."""
        items, total, position = care.district_needs(caller_on(query), code, query)
        return page(items, total, query, position=position)


#: A service delivered: one command of the records on a known association
#: (:mod:`service.http.commands`).
COMMANDS = [
    Command(
        "Services",
        f"{PERSON}/needs/<uuid:need_id>/services",
        DistrictRecords.deliver_service,
        ServiceIn,
        CareCreated,
        "Record a service; one that meets the need closes it.",
        {404: "Unknown person or need", 409: "The need is already met"},
    ),
]
register(blp, Action.WRITE, Target.ASSOCIATION, COMMANDS, run=run_on_association)
