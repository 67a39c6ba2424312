"""Marshmallow schemas of groups, needs, visits, district settings and evaluations.

As in :mod:`service.http.schemas`: unknown fields refused, strict types (``"3"`` is not a number).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from aggregates.care.evaluation import Subject
from aggregates.care.group import DisabilityCategory, GroupBasis
from aggregates.care.needs import NeedCategory
from aggregates.care.visit import HouseholdKind, ReferredTo, VisitMode
from service.http.schemas import (
    TOWNSHIP_CODE,
    AsOfPaging,
    AsOfQuery,
    Choice,
    Created,
    ReadQuery,
    StrictBoolean,
    Text,
    dated_reason,
    limit_field,
    list_of,
    offset_field,
)


class StrictNumber(fields.Float):
    """A JSON number (not a string, not a boolean), finite."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("must be a number")
        return float(super()._deserialize(value, attr, data, **kwargs))


def _one_of(values: Any) -> validate.OneOf:
    return validate.OneOf([v.value for v in values])


class Page(AsOfPaging):
    """Paging of a list."""


class WithinDistrict(Page):
    """A district-wide list narrowed to a township or an association (and the caller's scope)."""

    township_code = fields.String(validate=TOWNSHIP_CODE)
    association_id = fields.UUID()


class OnDate(ReadQuery, AsOfQuery):
    """The date a question is asked about (today when absent)."""

    on = fields.Date(load_default=None)


# -- groups ------------------------------------------------------------------------------


class GroupIn(Schema):
    """A new disabled persons' group: by category (with its category) or by area (S3.3)."""

    name = Text(required=True, max_length=50)
    basis = Choice(GroupBasis, required=True)
    category = Choice(DisabilityCategory, load_default=None)
    area = Text(load_default=None, max_length=100)
    formed_on = fields.Date(required=True)


class MemberIn(Schema):
    """A person joining a group."""

    person_id = fields.UUID(required=True)
    joined_on = fields.Date(required=True)


#: A member leaving a group: from ``left_on`` on they are no longer in it.
GroupDepartureIn = dated_reason("GroupDepartureIn", "left_on")


class LeaderIn(Schema):
    """A member becoming the group's leader."""

    person_id = fields.UUID(required=True)
    appointed_on = fields.Date(required=True)


#: A group closing.
DisbandIn = dated_reason("DisbandIn", "disbanded_on")


class GroupsQuery(OnDate):
    """Groups (with members) on a date."""

    include_disbanded = fields.Boolean(load_default=False)


class MemberOut(Schema):
    """A member on the date asked about."""

    person_id = fields.String(required=True)
    joined_on = fields.String(required=True)


class MembershipOut(Schema):
    """One stay in a group."""

    membership_id = fields.String(required=True)
    person_id = fields.String(required=True)
    joined_on = fields.String(required=True)
    left_on = fields.String(allow_none=True)
    leave_reason = fields.String(allow_none=True)


class GroupOut(Schema):
    """A group with its members on a date and every membership interval."""

    id = fields.String(required=True)
    association_id = fields.String(required=True)
    name = fields.String(required=True)
    basis = fields.String(required=True)
    category = fields.String(allow_none=True)
    area = fields.String(allow_none=True)
    formed_on = fields.String(required=True)
    leader_person_id = fields.String(allow_none=True)
    leader_since = fields.String(allow_none=True)
    disbanded_on = fields.String(allow_none=True)
    disband_reason = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    on = fields.String(required=True)
    members = fields.List(fields.Nested(MemberOut), required=True)
    memberships = fields.List(fields.Nested(MembershipOut), required=True)


class GroupDetail(GroupOut):
    """One group and the read model's position."""

    position = fields.Integer(required=True)


#: The groups of an association on a date.
GroupList = list_of("GroupList", GroupOut, paged=False)


# -- needs and services ------------------------------------------------------------------


class NeedIn(Schema):
    """A need found by a survey."""

    category = Choice(NeedCategory, required=True)
    description = Text(required=True, max_length=500)

    @post_load
    def need(self, data: dict[str, Any], **kwargs: Any) -> tuple[NeedCategory, str]:
        """The need as the survey command takes it: its category and description."""
        return data["category"], data["description"]


class SurveyIn(Schema):
    """A needs survey of a person (S3.5): services received and needs found."""

    surveyed_on = fields.Date(required=True)
    surveyor = Text(required=True, max_length=50)
    services_received = fields.List(Choice(NeedCategory), load_default=list)
    needs = fields.List(fields.Nested(NeedIn), load_default=list)


class SurveyCreated(Schema):
    """The survey's id, its needs' ids and the log position."""

    id = fields.String(required=True)
    need_ids = fields.List(fields.String(), required=True)
    position = fields.Integer(required=True)


class ServiceIn(Schema):
    """A service delivered against a need."""

    delivered_on = fields.Date(required=True)
    provider = Text(required=True, max_length=100)
    description = Text(required=True, max_length=500)
    meets_need = StrictBoolean(load_default=True)


class NeedsQuery(WithinDistrict):
    """Filters of the needs list."""

    status = fields.String(validate=validate.OneOf(["open", "met"]))
    category = fields.String(validate=_one_of(NeedCategory))
    person_id = fields.UUID()


class ServiceOut(Schema):
    """A service delivered."""

    service_id = fields.String(required=True)
    need_id = fields.String(required=True)
    person_id = fields.String(required=True)
    association_id = fields.String(required=True)
    delivered_on = fields.String(required=True)
    provider = fields.String(required=True)
    description = fields.String(required=True)
    meets_need = fields.Boolean(required=True)


class NeedOut(Schema):
    """A need, open or met, with the services delivered against it."""

    need_id = fields.String(required=True)
    person_id = fields.String(required=True)
    association_id = fields.String(required=True)
    survey_id = fields.String(required=True)
    category = fields.String(required=True)
    description = fields.String(required=True)
    found_on = fields.String(required=True)
    status = fields.String(required=True)
    met_on = fields.String(allow_none=True)
    services = fields.Integer(required=True)
    service_records = fields.List(fields.Nested(ServiceOut), required=True)


#: A page of needs.
NeedList = list_of("NeedList", NeedOut)


class SurveyOut(Schema):
    """A survey as recorded."""

    survey_id = fields.String(required=True)
    person_id = fields.String(required=True)
    association_id = fields.String(required=True)
    surveyed_on = fields.String(required=True)
    surveyor = fields.String(required=True)
    services_received = fields.List(fields.String(), required=True)


class PersonNeedsOut(Schema):
    """A person's surveys and needs."""

    person_id = fields.String(required=True)
    surveys = fields.List(fields.Nested(SurveyOut), required=True)
    needs = fields.List(fields.Nested(NeedOut), required=True)
    position = fields.Integer(required=True)


# -- visits ------------------------------------------------------------------------------


class VisitIn(Schema):
    """A home visit (S3.4, S3.5)."""

    household_id = Text(required=True, max_length=64)
    household_kind = Choice(HouseholdKind, required=True)
    person_ids = fields.List(fields.UUID(), load_default=list)
    visited_on = fields.Date(required=True)
    visitor_officer_id = fields.UUID(required=True)
    mode = Choice(VisitMode, required=True)
    findings = Text(required=True, max_length=2000)
    difficulties = fields.List(Text(max_length=500), load_default=list)


class FollowUpIn(Schema):
    """A difficulty referred to the two committees or the township."""

    referred_to = Choice(ReferredTo, required=True)
    referred_on = fields.Date(required=True)
    matter = Text(required=True, max_length=500)


class OutcomeIn(Schema):
    """What came of a referral."""

    concluded_on = fields.Date(required=True)
    outcome = Text(required=True, max_length=500)
    resolved = StrictBoolean(required=True)


class VisitsQuery(Page):
    """Filters of the visit list."""

    household_id = fields.String(validate=validate.Length(min=1, max=64))


class DueQuery(OnDate):
    """Households due or overdue a visit on a date."""

    status = fields.String(load_default="all", validate=validate.OneOf(["all", "due", "overdue"]))
    within_days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=366))
    township_code = fields.String(validate=TOWNSHIP_CODE)
    association_id = fields.UUID()
    limit = limit_field()
    offset = offset_field()


class FollowUpOut(Schema):
    """A referral and its outcome."""

    follow_up_id = fields.String(required=True)
    visit_id = fields.String(required=True)
    referred_to = fields.String(required=True)
    referred_on = fields.String(required=True)
    matter = fields.String(required=True)
    concluded_on = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    resolved = fields.Boolean(allow_none=True)


class VisitOut(Schema):
    """A visit with its follow-ups."""

    visit_id = fields.String(required=True)
    association_id = fields.String(required=True)
    household_id = fields.String(required=True)
    household_kind = fields.String(required=True)
    person_ids = fields.List(fields.String(), required=True)
    visited_on = fields.String(required=True)
    visitor_officer_id = fields.String(required=True)
    visitor_name = fields.String(required=True)
    mode = fields.String(required=True)
    findings = fields.String(required=True)
    difficulties = fields.List(fields.String(), required=True)
    open_follow_ups = fields.Integer(required=True)
    follow_ups = fields.List(fields.Nested(FollowUpOut), required=True)


class VisitDetail(VisitOut):
    """One visit and the read model's position."""

    position = fields.Integer(required=True)


#: A page of visits.
VisitList = list_of("VisitList", VisitOut)


class IntervalsOut(Schema):
    """Visit intervals (days) and the date they took effect (null: the built-in default)."""

    effective_from = fields.String(allow_none=True)
    intervals = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class HouseholdDue(Schema):
    """A household with its latest visit and the date the next one is due."""

    association_id = fields.String(required=True)
    household_id = fields.String(required=True)
    household_kind = fields.String(required=True)
    last_visited_on = fields.String(required=True)
    last_visit_id = fields.String(required=True)
    interval_days = fields.Integer(required=True)
    due_on = fields.String(required=True)
    overdue = fields.Boolean(required=True)
    days_overdue = fields.Integer(required=True)


class DueList(Schema):
    """Households due or overdue on a date, with the intervals applied."""

    on = fields.String(required=True)
    status = fields.String(required=True)
    intervals = fields.Nested(IntervalsOut, required=True)
    items = fields.List(fields.Nested(HouseholdDue), required=True)
    total = fields.Integer(required=True, metadata={"description": "households on every page"})
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    position = fields.Integer(required=True)


# -- district settings -------------------------------------------------------------------


class IntervalsIn(Schema):
    """Days between visits, per household kind."""

    special_hardship = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=366)
    )
    ordinary = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=366))


class VisitIntervalsIn(Schema):
    """A new version of the visit intervals, in force from a date."""

    effective_from = fields.Date(required=True)
    intervals = fields.Nested(IntervalsIn, required=True)


class IntervalVersionOut(Schema):
    """A recorded version of the visit intervals."""

    position = fields.Integer(required=True)
    effective_from = fields.String(required=True)
    intervals = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    recorded_at = fields.String(required=True)
    recorded_by = fields.String(allow_none=True)


class VisitSettingsOut(Schema):
    """The visit interval versions and those in force on a date."""

    on = fields.String(required=True)
    in_force = fields.Nested(IntervalsOut, required=True)
    versions = fields.List(fields.Nested(IntervalVersionOut), required=True)
    position = fields.Integer(required=True)


class CriterionIn(Schema):
    """An evaluation criterion of associations."""

    key = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z][a-z0-9_]{0,39}$", error="lower-case letters, digits and _ (at most 40)"
        ),
    )
    name = Text(required=True, max_length=100)
    weight = StrictNumber(required=True, validate=validate.Range(min=0, min_inclusive=False))
    min_score = StrictNumber(load_default=0.0)
    max_score = StrictNumber(required=True)


class SchemeIn(Schema):
    """A new evaluation scheme (S3.5, S3.6), in force from a date."""

    effective_from = fields.Date(required=True)
    criteria = fields.List(
        fields.Nested(CriterionIn), required=True, validate=validate.Length(min=1, max=50)
    )
    performance_weight = StrictNumber(required=True, validate=validate.Range(min=0, max=100))


class CriterionOut(Schema):
    """A criterion as adopted."""

    key = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Float(required=True)
    min_score = fields.Float(required=True)
    max_score = fields.Float(required=True)


class SchemeOut(Schema):
    """A version of the evaluation scheme."""

    scheme_id = fields.String(required=True)
    effective_from = fields.String(required=True)
    criteria = fields.List(fields.Nested(CriterionOut), required=True)
    performance_weight = fields.Float(required=True)
    rating_weight = fields.Float(required=True)
    position = fields.Integer(required=True)
    recorded_at = fields.String(required=True)
    recorded_by = fields.String(allow_none=True)


class SchemesOut(Schema):
    """Every scheme version and the one in force on a date."""

    on = fields.String(required=True)
    in_force = fields.Nested(SchemeOut, allow_none=True, required=True)
    versions = fields.List(fields.Nested(SchemeOut), required=True)
    position = fields.Integer(required=True)


# -- evaluations -------------------------------------------------------------------------


class EvaluationIn(Schema):
    """An evaluation for a cycle: an association's criteria scores, or a full-time member's
    performance and rating scores (S3.6)."""

    cycle = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    evaluated_on = fields.Date(required=True)
    evaluator = Text(required=True, max_length=50)
    subject = fields.String(load_default=Subject.ASSOCIATION.value, validate=_one_of(Subject))
    officer_id = fields.UUID(load_default=None)
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=40)),
        values=StrictNumber(),
        load_default=dict,
    )
    performance_score = StrictNumber(load_default=None)
    rating_score = StrictNumber(load_default=None)
    notes = Text(load_default=None, max_length=1000)

    @validates_schema
    def _fits_subject(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["subject"] == Subject.FULL_TIME_MEMBER.value:
            for name in ("officer_id", "performance_score", "rating_score"):
                if data.get(name) is None:
                    raise ValidationError("needed to evaluate a full-time member", name)
            if data.get("scores"):
                raise ValidationError("a full-time member has no criteria scores", "scores")
        else:
            for name in ("officer_id", "performance_score", "rating_score"):
                if data.get(name) is not None:
                    raise ValidationError("only for a full-time member", name)
            if not data.get("scores"):
                raise ValidationError("give a score for every criterion", "scores")


class EvaluationsQuery(WithinDistrict):
    """Filters of the evaluation list."""

    cycle = fields.Integer(validate=validate.Range(min=2000, max=2100))
    subject = fields.String(validate=_one_of(Subject))


class EvaluationOut(Schema):
    """An evaluation, its scores, the scheme applied and the total."""

    evaluation_id = fields.String(required=True)
    association_id = fields.String(required=True)
    subject = fields.String(required=True)
    officer_id = fields.String(allow_none=True)
    cycle = fields.Integer(required=True)
    evaluated_on = fields.String(required=True)
    evaluator = fields.String(required=True)
    scheme_id = fields.String(required=True)
    scheme_effective_from = fields.String(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    performance_score = fields.Float(allow_none=True)
    rating_score = fields.Float(allow_none=True)
    total = fields.Float(required=True)
    notes = fields.String(allow_none=True)


#: A page of evaluations.
EvaluationList = list_of("EvaluationList", EvaluationOut)


class CareCreated(Created):
    """The id of what a command created and the log position of its event."""
