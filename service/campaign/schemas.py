"""Schemas of the campaign: work plan, inspections and their problems, supervision, models,
progress series and acceptance reports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from aggregates.campaign.inspection import Body, Decision, InspectionKind
from projections.compliance import RULES_BY_ID
from service.compliance.schemas import Figures
from service.http.schemas import (
    TOWNSHIP_CODE,
    VILLAGE_CODE,
    Accepted,
    AsOfQuery,
    Choice,
    Created,
    Text,
    basis_field,
    dated_reason,
)

KINDS = [k.value for k in InspectionKind]


class ProblemQuery(AsOfQuery):
    """The problem list, optionally only problems in one state."""

    state = fields.String(validate=validate.OneOf(["open", "escalated", "rectified"]))


class ReportQuery(AsOfQuery):
    """An acceptance report as of a day (today by default), in Chinese or English."""

    lang = fields.String(load_default="zh", validate=validate.OneOf(["zh", "en"]))


class ProgressQuery(Schema):
    """Monthly progress on a clock, up to a day (the campaign's end or today)."""

    basis = basis_field()
    until = fields.Date(load_default=None)


class WorkPlanIn(Schema):
    """A district's work plan as filed with the city federation."""

    title = Text(required=True, max_length=200)
    summary = Text(required=True, max_length=4000)
    filed_on = fields.Date(required=True)


class WrittenProblemIn(Schema):
    """A problem the inspector writes: about a sampled association, a village or the district."""

    description = Text(required=True, max_length=1000)
    association_id = fields.UUID(load_default=None)
    division_code = fields.String(load_default=None, validate=VILLAGE_CODE)
    clause = fields.String(load_default=None, validate=validate.Regexp(r"^S\d(\.\d)?$"))
    rule_id = fields.String(
        load_default=None,
        validate=validate.OneOf(sorted(RULES_BY_ID)),
        metadata={
            "description": "The rule the problem is about; one the rules also found on the same "
            "association or village is merged with it (one problem, keeping this description)"
        },
    )


class ProblemIn(WrittenProblemIn):
    """A problem added to an inspection's list after the visit."""

    found_on = fields.Date(required=True)


class DismissedIn(Schema):
    """A failing rule finding the inspector leaves off the problem list (it stays among the
    findings the inspection recorded)."""

    rule_id = fields.String(required=True, validate=validate.OneOf(sorted(RULES_BY_ID)))
    association_id = fields.UUID(load_default=None)
    division_code = fields.String(load_default=None, validate=VILLAGE_CODE)


class InspectionIn(Schema):
    """An inspection: its kind, day, inspectors and sample; rule findings and written problems."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = Text(required=True, max_length=200)
    inspected_on = fields.Date(required=True)
    township_code = fields.String(load_default=None, validate=TOWNSHIP_CODE)
    inspectors = fields.List(
        Text(max_length=100), required=True, validate=validate.Length(min=1, max=20)
    )
    association_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=500)
    )
    from_rules = fields.Boolean(load_default=True, truthy={True}, falsy={False})
    problems = fields.List(
        fields.Nested(WrittenProblemIn), load_default=list, validate=validate.Length(max=200)
    )
    dismissed = fields.List(
        fields.Nested(DismissedIn), load_default=list, validate=validate.Length(max=500)
    )


class RectificationIn(Schema):
    """A problem rectified (整改), with the evidence."""

    rectified_on = fields.Date(required=True)
    evidence = Text(required=True, max_length=2000)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ReviewIn(Schema):
    """The inspector's review of a rectification: confirmed, or returned with the reason."""

    reviewed_on = fields.Date(required=True)
    accepted = fields.Boolean(required=True)
    remarks = fields.String(load_default="", validate=validate.Length(max=2000))


class EscalationIn(Schema):
    """A problem escalated to a higher level."""

    escalated_on = fields.Date(required=True)
    escalated_to = Text(required=True, max_length=200)
    reason = Text(required=True, max_length=1000)


class DecisionIn(Schema):
    """One city body's decision in the joint acceptance."""

    body = Choice(Body, required=True)
    decision = Choice(Decision, required=True)
    decided_on = fields.Date(required=True)
    signatory = Text(required=True, max_length=100)
    remarks = fields.String(load_default="", validate=validate.Length(max=2000))


class ConclusionIn(Schema):
    """An inspection concluded, with its outcome."""

    concluded_on = fields.Date(required=True)
    outcome = Choice(Decision, load_default=None, allow_none=True)
    summary = Text(required=True, max_length=4000)


class SupervisionIn(Schema):
    """The district (no association) or an association put under key supervision."""

    association_id = fields.UUID(load_default=None)
    reason = Text(required=True, max_length=1000)
    started_on = fields.Date(required=True)
    inspection_id = fields.UUID(load_default=None)


#: Released from key supervision.
ReleaseIn = dated_reason("ReleaseIn", "released_on", max_length=1000)


class ModelIn(Schema):
    """An association designated as a model (典型培育)."""

    association_id = fields.UUID(required=True)
    designated_on = fields.Date(required=True)
    practice = Text(required=True, max_length=4000)


#: A model designation ended.
ModelWithdrawalIn = dated_reason("ModelWithdrawalIn", "withdrawn_on", max_length=1000)


class CampaignCreated(Created):
    """What a command created, its log position, and the problems it put on the list."""

    problem_ids = fields.List(fields.String(), required=True)


class Position(Accepted):
    """The log position a command reached."""

    outcome = fields.String(allow_none=True)


class ReviewOut(Schema):
    """The inspector's last review of a rectification."""

    verdict = fields.String(required=True, metadata={"description": "confirmed or returned"})
    reviewed_on = fields.String(required=True)
    remarks = fields.String(allow_none=True)
    reviewed_by = fields.String(allow_none=True)


class ProblemOut(Schema):
    """One problem of a list, with its rectification status."""

    problem_id = fields.String(required=True)
    inspection_id = fields.String(required=True)
    association_id = fields.String(allow_none=True)
    association_name = fields.String(allow_none=True)
    division_code = fields.String(required=True)
    township_code = fields.String(allow_none=True)
    source = fields.String(required=True)
    rule_id = fields.String(allow_none=True)
    clause = fields.String(allow_none=True)
    description = fields.String(required=True)
    facts = fields.Dict(required=True)
    found_on = fields.String(required=True)
    state = fields.String(required=True)
    rectified_on = fields.String(allow_none=True)
    evidence = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    escalated_on = fields.String(allow_none=True)
    escalated_to = fields.String(allow_none=True)
    escalation_reason = fields.String(allow_none=True)
    review = fields.Nested(ReviewOut, allow_none=True)


class DecisionOut(Schema):
    """A body's decision."""

    body = fields.String(required=True)
    decision = fields.String(required=True)
    decided_on = fields.String(required=True)
    signatory = fields.String(required=True)
    remarks = fields.String(allow_none=True)


class Counts(Schema):
    """Problems by state."""

    total = fields.Integer(required=True)
    open = fields.Integer(required=True)
    escalated = fields.Integer(required=True)
    rectified = fields.Integer(required=True)


class InspectionOut(Schema):
    """An inspection with its sample, decisions and problem counts."""

    inspection_id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    inspected_on = fields.String(required=True)
    township_code = fields.String(allow_none=True)
    inspectors = fields.List(fields.String(), required=True)
    sampled = fields.List(fields.Dict(), required=True)
    rules_basis = fields.String(allow_none=True)
    rule_findings = fields.List(fields.Dict(), required=True)
    concluded_on = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    decisions = fields.List(fields.Nested(DecisionOut), required=True)
    problem_counts = fields.Nested(Counts, required=True)
    problems = fields.List(fields.Nested(ProblemOut))


class Frame(Schema):
    """Which day and clock an answer describes (``live`` when it is the read model now)."""

    as_of = fields.Date(required=True)
    basis = fields.String(required=True)
    live = fields.Boolean(required=True)


class InspectionList(Frame):
    """Inspections of a district."""

    items = fields.List(fields.Nested(InspectionOut), required=True)


class InspectionDetail(Frame):
    """One inspection with its problem list."""

    inspection = fields.Nested(InspectionOut, required=True)


class ProblemList(Frame):
    """A district's problem list."""

    counts = fields.Nested(Counts, required=True)
    items = fields.List(fields.Nested(ProblemOut), required=True)


class SupervisionOut(Schema):
    """A spell of key supervision."""

    supervision_id = fields.String(required=True)
    subject = fields.String(required=True)
    association_id = fields.String(allow_none=True)
    association_name = fields.String(allow_none=True)
    division_code = fields.String(required=True)
    township_code = fields.String(allow_none=True)
    reason = fields.String(required=True)
    started_on = fields.String(required=True)
    inspection_id = fields.String(allow_none=True)
    released_on = fields.String(allow_none=True)
    release_reason = fields.String(allow_none=True)


class SupervisionList(Frame):
    """Key supervision in a district."""

    items = fields.List(fields.Nested(SupervisionOut), required=True)


class ModelOut(Schema):
    """A model association."""

    association_id = fields.String(required=True)
    name = fields.String(required=True)
    division_code = fields.String(required=True)
    township_code = fields.String(required=True)
    designated_on = fields.String(required=True)
    practice = fields.String(required=True)
    withdrawn_on = fields.String(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)


class ModelList(Frame):
    """Model associations of a district."""

    items = fields.List(fields.Nested(ModelOut), required=True)


class WorkPlanOut(Schema):
    """A district's work plan against the deadline."""

    district = fields.String(required=True)
    deadline = fields.Date(required=True)
    filed = fields.Boolean(required=True)
    filed_on = fields.String(allow_none=True)
    late = fields.Boolean(required=True)
    days_late = fields.Integer(required=True)
    title = fields.String(allow_none=True)
    revisions = fields.Integer(required=True)


class PhaseOut(Schema):
    """A phase of the campaign."""

    key = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    summary_zh = fields.String(required=True)


class CampaignOut(Schema):
    """The campaign's phases and each district's work plan in the caller's scope."""

    phases = fields.List(fields.Nested(PhaseOut), required=True)
    current_phase = fields.String(allow_none=True)
    work_plan_deadline = fields.Date(required=True)
    work_plans = fields.List(fields.Nested(WorkPlanOut), required=True)


class PointFigures(Figures):
    """Coverage and compliance at one month end."""

    township_code = fields.String()


class Point(PointFigures):
    """One month end of a series."""

    as_of = fields.Date(required=True)
    events_applied = fields.Integer()
    townships = fields.List(fields.Nested(PointFigures))


class ProgressOut(Schema):
    """A district's monthly series."""

    district = fields.String(required=True)
    basis = fields.String(required=True)
    points = fields.List(fields.Nested(Point), required=True)


class CityProgressOut(Schema):
    """The city's monthly series and each district's."""

    basis = fields.String(required=True)
    city = fields.List(fields.Nested(Point), required=True)
    districts = fields.List(fields.Nested(ProgressOut), required=True)
