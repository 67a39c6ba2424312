"""An association's lifecycle and working conditions (S3.4-S3.7).

Re-election (换届), dissolution, merger; facilities and publicity; full-time members'
selection, pay and exit (能进能出); officers' qualifications and training attendance.
Every route is under one association, so the access rules scope it like the association.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.association import application
from service.association.schemas import (
    AssociationMergerIn,
    AttendanceIn,
    CreatedId,
    DissolutionIn,
    ExitIn,
    FacilityIn,
    FullTimeMemberList,
    LifecycleOut,
    PayIn,
    QualificationIn,
    SelectionIn,
    TermCreated,
    TermIn,
    WithdrawalIn,
)
from service.http.access import Action, Target
from service.http.blueprint import ASSOCIATION, ApiBlueprint, accepted
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.schemas import Accepted, ReadAsOf

blp = ApiBlueprint("lifecycle", __name__, url_prefix=ASSOCIATION)


@blp.route("/lifecycle")
class Lifecycle(MethodView):
    """Everything of S3.4-S3.7 the association has recorded."""

    @blp.reads(Target.ASSOCIATION, ReadAsOf, LifecycleOut)
    @blp.problems({404: "Unknown association"})
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Status, terms, facilities, full-time members with pay, qualifications, training."""
        return application.lifecycle(
            caller_on(query), code, association_id, query.get("min_position")
        )


@blp.route("/full-time-members")
class FullTimeMembers(MethodView):
    """Full-time memberships (for the evaluation of full-time members, S3.6)."""

    @blp.reads(Target.ASSOCIATION, ReadAsOf, FullTimeMemberList)
    @blp.problems({404: "Unknown association"})
    def get(self, query: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Every entry and exit, with the officer ids and the pay history."""
        return application.full_time_members(
            caller_on(query), code, association_id, query.get("min_position")
        )


@blp.route("/terms")
class Terms(MethodView):
    """Re-elections."""

    @blp.writes(Target.ASSOCIATION, TermIn, TermCreated, status=201)
    @blp.problems({409: "S3.3 or S3.6 forbids the term", 422: "Dates out of order"})
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """换届: begin a new term with its officers; the others leave office."""
        saved, ids = caller().run(code, DistrictRecords.reelect, association_id, **data)
        return {"officer_ids": [str(i) for i in ids], "position": saved.position}


@blp.route("/merger")
class Merger(MethodView):
    """Merging into another association."""

    @blp.writes(Target.ASSOCIATION, AssociationMergerIn, Accepted)
    @blp.problems({404: "Unknown association", 409: "Either one is not active"})
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Merge this association into another one the caller also reaches."""
        return accepted(application.merge(caller(), code, association_id, **data))


#: Dissolution, facilities, full-time work, qualifications and training attendance: each
#: one command of the records (:mod:`service.http.commands`).
COMMANDS = [
    Command(
        "Dissolution",
        "/dissolution",
        DistrictRecords.dissolve_association,
        DissolutionIn,
        Accepted,
        "Dissolve the association, with the date and the reason.",
        {409: "Already dissolved or merged"},
    ),
    Command(
        "Facilities",
        "/facilities",
        DistrictRecords.record_facility,
        FacilityIn,
        CreatedId,
        "Record a facility or publicity with its date and evidence note (S3.4, S3.5).",
        {422: "Date out of range"},
    ),
    Command(
        "FacilityWithdrawal",
        "/facilities/<uuid:facility_id>/withdrawal",
        DistrictRecords.withdraw_facility,
        WithdrawalIn,
        Accepted,
        "Record that a facility is no longer there.",
        {404: "Unknown facility"},
    ),
    Command(
        "FullTimeSelection",
        "/officers/<uuid:officer_id>/full-time-selection",
        DistrictRecords.select_full_time_member,
        SelectionIn,
        CreatedId,
        "Select a committee member as full-time member; answers the membership id.",
        {409: "Not a sitting committee member"},
    ),
    Command(
        "FullTimePay",
        "/officers/<uuid:officer_id>/full-time-pay",
        DistrictRecords.arrange_full_time_pay,
        PayIn,
        Accepted,
        "Record how a full-time member is paid from a date.",
        {409: "Not a full-time member"},
    ),
    Command(
        "FullTimeExit",
        "/officers/<uuid:officer_id>/full-time-exit",
        DistrictRecords.exit_full_time_member,
        ExitIn,
        Accepted,
        "End a full-time membership (能进能出), with the date and the reason.",
        {409: "Not a full-time member"},
    ),
    Command(
        "Qualifications",
        "/officers/<uuid:officer_id>/qualifications",
        DistrictRecords.record_qualification,
        QualificationIn,
        CreatedId,
        "Record a qualification an officer obtained (S3.7).",
        {404: "Unknown officer"},
    ),
    Command(
        "TrainingAttendance",
        "/training-attendance",
        DistrictRecords.attend_training,
        AttendanceIn,
        Accepted,
        "Record that one of the association's officers attended a training session.",
        {404: "Unknown session or officer", 409: "Already recorded"},
    ),
]
register(blp, Action.WRITE, Target.ASSOCIATION, COMMANDS)
