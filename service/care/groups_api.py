"""Disabled persons' groups (残疾人小组) of an association and their membership over time (S3.3)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.care import application as care
from service.care.commands import run_on_association
from service.care.schemas import (
    CareCreated,
    DisbandIn,
    GroupDepartureIn,
    GroupDetail,
    GroupIn,
    GroupList,
    GroupsQuery,
    LeaderIn,
    MemberIn,
    OnDate,
)
from service.http.access import Action, Target
from service.http.blueprint import ASSOCIATION, BEHIND, ApiBlueprint, accepted, created
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.schemas import Accepted

blp = ApiBlueprint("groups", __name__, url_prefix=f"{ASSOCIATION}/groups")


@blp.route("")
class Groups(MethodView):
    """The groups of an association."""

    @blp.reads(Target.ASSOCIATION, GroupsQuery, GroupList)
    @blp.problems({404: "Unknown district or association", **BEHIND})
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Groups with their members on ``on`` (today by default)."""
        items, position = care.association_groups(caller_on(query), code, association_id, query)
        return {"items": items, "total": len(items), "position": position}

    @blp.writes(Target.ASSOCIATION, GroupIn, CareCreated)
    @blp.problems({404: "Unknown district or association"})
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Form a group by disability category or by area."""
        return created(care.run(caller(), code, association_id, DistrictRecords.form_group, **data))


@blp.route("/<uuid:group_id>")
class GroupResource(MethodView):
    """One group."""

    @blp.reads(Target.ASSOCIATION, OnDate, GroupDetail)
    @blp.problems({404: "Unknown association or group", **BEHIND})
    def get(
        self, query: dict[str, Any], code: str, association_id: UUID, group_id: UUID
    ) -> dict[str, Any]:
        """The group, its members on ``on`` and every membership interval."""
        return care.group(caller_on(query), code, association_id, group_id, query)


@blp.route("/<uuid:group_id>/members/<uuid:person_id>/departure")
class Departure(MethodView):
    """Leaving a group."""

    @blp.writes(Target.ASSOCIATION, GroupDepartureIn, Accepted)
    @blp.problems({404: "Unknown group, or not a member"})
    def post(
        self,
        data: dict[str, Any],
        code: str,
        association_id: UUID,
        group_id: UUID,
        person_id: UUID,
    ) -> dict[str, Any]:
        """A member leaves on ``left_on`` (no longer a member from that day)."""
        saved = care.run(
            caller(),
            code,
            association_id,
            DistrictRecords.leave_group,
            group_id,
            person_id=person_id,
            **data,
        )
        return accepted(saved)


#: Members joining and groups changing: each one command of the records on a known
#: association (:mod:`service.http.commands`).
COMMANDS = [
    Command(
        "Members",
        "/<uuid:group_id>/members",
        DistrictRecords.join_group,
        MemberIn,
        CareCreated,
        "A person joins the group on ``joined_on``; answers the membership's id.",
        {404: "Unknown group or person", 409: "Already a member, or disbanded"},
    ),
    Command(
        "Leader",
        "/<uuid:group_id>/leader",
        DistrictRecords.appoint_group_leader,
        LeaderIn,
        Accepted,
        "Make a member the group's leader.",
        {404: "Unknown group", 409: "The person is not a member"},
    ),
    Command(
        "Disbandment",
        "/<uuid:group_id>/disbandment",
        DistrictRecords.disband_group,
        DisbandIn,
        Accepted,
        "Disband a group whose members have all left or moved.",
        {404: "Unknown group", 409: "Members left in the group"},
    ),
]
register(blp, Action.WRITE, Target.ASSOCIATION, COMMANDS, run=run_on_association)
