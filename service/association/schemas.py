"""Schemas of divisions, the association's lifecycle, facilities, full-time members and training.

Same habits as ``service/http/schemas.py``: unknown fields refused, strict types, the OpenAPI
document generated from the schemas that validate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from aggregates.association.association import (
    FacilityKind,
    NewOfficer,
    PayKind,
    PriorityGroup,
    QualificationKind,
    SelectionMethod,
)
from aggregates.association.training import MAXIMUM_HOURS, TrainingMode
from aggregates.divisions.division import DivisionPart
from service.http.schemas import (
    PHONE,
    TOWNSHIP_CODE,
    VILLAGE_CODE,
    Choice,
    Created,
    OfficerOut,
    Paging,
    SeatIn,
    StrictBoolean,
    Text,
    WholeMatch,
    dated_reason,
    list_of,
)

DIVISION_CODE = WholeMatch(
    r"^([0-9]{9}|[0-9]{12})$", error="must be a 9-digit township or 12-digit village code"
)
MAX_CSV_CHARACTERS = 900_000


def monthly_amount_in_range(value: Decimal) -> None:
    """Pay in yuan per month; a plain function because a Decimal range would enter the
    OpenAPI document as text."""
    if not Decimal(0) <= value <= Decimal(100000):
        raise ValidationError("must lie between 0 and 100000")


# -- divisions -------------------------------------------------------------------------------


class DivisionIn(Schema):
    """A township (9 digits) or village/community (12 digits) of the district."""

    code = fields.String(required=True, validate=DIVISION_CODE)
    name = Text(required=True, max_length=100)
    effective_on = fields.Date(load_default=None)


class DivisionImportIn(Schema):
    """A CSV file (columns ``code,name`` and optionally ``district_code``, ``effective_on``)."""

    csv = fields.String(required=True, validate=validate.Length(min=1, max=MAX_CSV_CHARACTERS))
    effective_on = fields.Date(load_default=None)


class DivisionImported(Schema):
    """What an import did."""

    created = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    skipped_other_districts = fields.Integer(required=True)
    position = fields.Integer(required=True)


class RenameIn(Schema):
    """A new name from a date."""

    name = Text(required=True, max_length=100)
    effective_on = fields.Date(required=True)


class MergeIn(Schema):
    """Villages merged into one of them or into a new village."""

    sources = fields.List(
        fields.String(validate=VILLAGE_CODE), required=True, validate=validate.Length(min=2, max=20)
    )
    into_code = fields.String(required=True, validate=VILLAGE_CODE)
    into_name = Text(max_length=100, load_default=None)
    effective_on = fields.Date(required=True)


class PartIn(Schema):
    """One village a split produces."""

    code = fields.String(required=True, validate=VILLAGE_CODE)
    name = Text(required=True, max_length=100)

    @post_load
    def part(self, data: dict[str, Any], **kwargs: Any) -> DivisionPart:
        """The part as the split command takes it."""
        return DivisionPart(**data)


class SplitIn(Schema):
    """A village split into parts; its association follows ``association_to``."""

    parts = fields.List(
        fields.Nested(PartIn), required=True, validate=validate.Length(min=2, max=20)
    )
    effective_on = fields.Date(required=True)
    association_to = fields.String(validate=VILLAGE_CODE, load_default=None)


class DivisionListQuery(Paging):
    """Filters of the division list."""

    level = fields.String(validate=validate.OneOf(["township", "village"]))
    township_code = fields.String(validate=TOWNSHIP_CODE)
    include_ended = StrictBoolean(load_default=False, truthy={True, "true"}, falsy={False, "false"})


class DivisionOut(Schema):
    """A division as the read model has it."""

    code = fields.String(required=True)
    level = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    township_code = fields.String(allow_none=True)
    valid_from = fields.String(allow_none=True)
    ended_on = fields.String(allow_none=True)
    successors = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)


class DivisionChangeOut(Schema):
    """One change of a division."""

    change = fields.String(required=True)
    effective_on = fields.String(allow_none=True)
    detail = fields.Dict(required=True)
    recorded_by = fields.String(allow_none=True)
    position = fields.Integer(required=True)


class DivisionDetail(DivisionOut):
    """A division with its history and its association."""

    history = fields.List(fields.Nested(DivisionChangeOut), required=True)
    association = fields.Dict(allow_none=True)


#: A page of divisions.
DivisionList = list_of("DivisionList", DivisionOut, position=False)


# -- lifecycle -------------------------------------------------------------------------------


class TermOfficerIn(SeatIn):
    """An officer of the new term; ``continuing`` names a sitting officer re-elected."""

    phone = fields.String(load_default=None, validate=PHONE)
    continuing = fields.UUID(load_default=None)

    @post_load
    def new_officer(self, data: dict[str, Any], **kwargs: Any) -> NewOfficer:
        """The officer as the re-election command takes it."""
        return NewOfficer(**{**data, "backgrounds": tuple(data["backgrounds"])})


class TermIn(Schema):
    """换届: the new term's dates and officers."""

    started_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    officers = fields.List(
        fields.Nested(TermOfficerIn), required=True, validate=validate.Length(min=1, max=9)
    )


class TermCreated(Schema):
    """The new term's officers' ids, in the order given."""

    officer_ids = fields.List(fields.String(), required=True)
    position = fields.Integer(required=True)


#: Dissolving an association.
DissolutionIn = dated_reason("DissolutionIn", "dissolved_on")


class AssociationMergerIn(Schema):
    """Merging an association into another of the district."""

    into_association_id = fields.UUID(required=True)
    merged_on = fields.Date(required=True)
    reason = Text(required=True, max_length=200)


class FacilityIn(Schema):
    """A venue, barrier-free facility or wall display (S3.4, S3.5)."""

    kind = Choice(FacilityKind, required=True)
    description = Text(required=True, max_length=500)
    recorded_on = fields.Date(required=True)
    evidence = Text(required=True, max_length=500)


#: A facility gone.
WithdrawalIn = dated_reason("WithdrawalIn", "withdrawn_on")


class SelectionIn(Schema):
    """A full-time member's selection (S3.6)."""

    method = Choice(
        SelectionMethod,
        allowed=[m for m in SelectionMethod if m is not SelectionMethod.UNRECORDED],
        required=True,
    )
    priority_group = Choice(PriorityGroup, required=True)
    selected_on = fields.Date(required=True)
    note = Text(max_length=500, load_default="")


class PayIn(Schema):
    """A full-time member's pay from a date."""

    kind = Choice(PayKind, required=True)
    monthly_amount = fields.Decimal(
        required=True,
        places=2,
        validate=monthly_amount_in_range,
        metadata={"description": "yuan per month, 0 to 100000, two decimals"},
    )
    from_on = fields.Date(required=True)


#: A full-time member's exit (能进能出).
ExitIn = dated_reason("ExitIn", "exited_on")


class QualificationIn(Schema):
    """A qualification an officer obtained (S3.7)."""

    kind = Choice(QualificationKind, required=True)
    title = Text(required=True, max_length=100)
    obtained_on = fields.Date(required=True)
    issuer = Text(max_length=100, load_default="")
    evidence = Text(max_length=500, load_default="")


class AttendanceIn(Schema):
    """One of the association's officers attended a session."""

    session_id = fields.UUID(required=True)
    officer_id = fields.UUID(required=True)
    hours = fields.Float(
        load_default=None, validate=validate.Range(min=0, min_inclusive=False, max=MAXIMUM_HOURS)
    )


class CreatedId(Created):
    """The id of what a command created and the log position of its event."""


class PayOut(Schema):
    """One pay arrangement."""

    kind = fields.String(required=True)
    monthly_amount = fields.String(required=True)
    from_on = fields.String(required=True)


class FullTimeMemberOut(Schema):
    """A full-time membership: selection, current pay, exit."""

    membership_id = fields.String(required=True)
    officer_id = fields.String(required=True)
    name = fields.String(required=True)
    method = fields.String(required=True)
    priority_group = fields.String(required=True)
    selected_on = fields.String(required=True)
    note = fields.String(allow_none=True)
    pay_kind = fields.String(allow_none=True)
    monthly_amount = fields.String(allow_none=True)
    pay_from = fields.String(allow_none=True)
    pay_history = fields.List(fields.Nested(PayOut), required=True)
    exited_on = fields.String(allow_none=True)
    exit_reason = fields.String(allow_none=True)
    current = fields.Boolean(required=True)


class FullTimeMemberList(Schema):
    """Every full-time membership of an association."""

    items = fields.List(fields.Nested(FullTimeMemberOut), required=True)
    position = fields.Integer(required=True)


class TermOut(Schema):
    """One term."""

    term = fields.Integer(required=True)
    started_on = fields.String(required=True)
    ends_on = fields.String(allow_none=True)
    officer_ids = fields.List(fields.String(), required=True)
    continuing_officer_ids = fields.List(fields.String(), required=True)
    ended_officer_ids = fields.List(fields.String(), required=True)


class FacilityOut(Schema):
    """A facility."""

    facility_id = fields.String(required=True)
    kind = fields.String(required=True)
    description = fields.String(required=True)
    recorded_on = fields.String(required=True)
    evidence = fields.String(required=True)
    withdrawn_on = fields.String(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)


class QualificationOut(Schema):
    """A qualification."""

    qualification_id = fields.String(required=True)
    officer_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    obtained_on = fields.String(required=True)
    issuer = fields.String(allow_none=True)
    evidence = fields.String(allow_none=True)


class HeldOut(Schema):
    """A training session as held: what every answer about one says."""

    session_id = fields.String(required=True)
    topic = fields.String(required=True)
    mode = fields.String(required=True)
    hours = fields.Float(required=True)
    held_on = fields.String(required=True)
    organiser = fields.String(required=True)


class AttendedOut(HeldOut):
    """A session an officer of the association attended (``hours``: those the officer spent)."""

    officer_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)


class AbsorbedOut(Schema):
    """An association merged into this one."""

    from_association_id = fields.String(required=True)
    merged_on = fields.String(required=True)


class LifecycleOut(Schema):
    """The association's lifecycle and working conditions."""

    association_id = fields.String(required=True)
    status = fields.String(required=True)
    term = fields.Integer(required=True)
    term_started_on = fields.String(required=True)
    term_ends_on = fields.String(allow_none=True)
    ended_on = fields.String(allow_none=True)
    end_reason = fields.String(allow_none=True)
    merged_into = fields.String(allow_none=True)
    terms = fields.List(fields.Nested(TermOut), required=True)
    absorbed = fields.List(fields.Nested(AbsorbedOut), required=True)
    facilities = fields.List(fields.Nested(FacilityOut), required=True)
    full_time_members = fields.List(fields.Nested(FullTimeMemberOut), required=True)
    qualifications = fields.List(fields.Nested(QualificationOut), required=True)
    training = fields.List(fields.Nested(AttendedOut), required=True)
    officers = fields.List(fields.Nested(OfficerOut), required=True)
    position = fields.Integer(required=True)


# -- training sessions -------------------------------------------------------------------------


class SessionIn(Schema):
    """A training session (S3.7)."""

    topic = Text(required=True, max_length=200)
    mode = Choice(TrainingMode, required=True)
    hours = fields.Float(
        required=True, validate=validate.Range(min=0, min_inclusive=False, max=MAXIMUM_HOURS)
    )
    held_on = fields.Date(required=True)
    organiser = Text(required=True, max_length=100)
    township_code = fields.String(validate=TOWNSHIP_CODE, load_default=None)


class AttendeeOut(Schema):
    """Who attended."""

    officer_id = fields.String(required=True)
    association_id = fields.String(required=True)
    association_name = fields.String(allow_none=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    hours = fields.Float(required=True)


class SessionOut(HeldOut):
    """A session."""

    township_code = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)


class SessionDetail(SessionOut):
    """A session with the attendees in the caller's scope."""

    attendees = fields.List(fields.Nested(AttendeeOut), required=True)


#: A page of sessions.
SessionList = list_of("SessionList", SessionOut, position=False)
