"""Schemas of the compliance and as-of answers."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.http.schemas import (
    DISTRICT_CODE,
    TOWNSHIP_CODE,
    AsOfQuery,
    StrictBoolean,
    basis_field,
)


class ComplianceQuery(AsOfQuery):
    """As of which day, on which clock; without ``as_of``: the live read models today."""

    township_code = fields.String(validate=TOWNSHIP_CODE)
    failing_only = StrictBoolean(load_default=False)


class DiffQuery(Schema):
    """Two days to compare on one clock."""

    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    basis = basis_field()


class CityQuery(AsOfQuery):
    """The city roll-up as of a day."""

    district = fields.String(validate=DISTRICT_CODE)


class FindingOut(Schema):
    """One rule against one association (or one uncovered village)."""

    rule_id = fields.String(required=True)
    clause = fields.String(required=True)
    title_zh = fields.String(required=True)
    title_en = fields.String(required=True)
    passed = fields.Boolean(required=True)
    association_id = fields.String(allow_none=True)
    association_name = fields.String(allow_none=True)
    division_code = fields.String(required=True)
    township_code = fields.String(required=True)
    facts = fields.Dict(required=True)


class Figures(Schema):
    """Compliance and coverage of a township, a district or the city (the roll-up's figures)."""

    associations = fields.Integer(required=True)
    fully_compliant = fields.Integer(required=True)
    compliant_share = fields.Float(allow_none=True)
    villages = fields.Integer(allow_none=True)
    covered_villages = fields.Integer(allow_none=True)
    coverage_rate = fields.Float(allow_none=True)


class Rollup(Figures):
    """Counts for a township, a district or the city."""

    township_code = fields.String()
    district = fields.String()
    failures_by_rule = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ComplianceOut(Schema):
    """A district's compliance on a day."""

    district = fields.String(required=True)
    as_of = fields.Date(required=True)
    basis = fields.String(required=True)
    live = fields.Boolean(required=True)
    rules_effective_from = fields.Date(required=True)
    events_applied = fields.Integer(allow_none=True)
    last_position = fields.Integer(allow_none=True)
    summary = fields.Nested(Rollup, required=True)
    townships = fields.List(fields.Nested(Rollup), required=True)
    findings = fields.List(fields.Nested(FindingOut), required=True)
    recorded_clock_empty = fields.Boolean(
        required=True,
        metadata={
            "description": "True when the recorded clock knew nothing yet on as_of while "
            "events effective on or before it were recorded later (so basis=recorded shows "
            "an empty district)"
        },
    )
    clock_note = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why, in Chinese then English, when recorded_clock_empty"},
    )


class DiffOut(Schema):
    """What changed between two days."""

    district = fields.String(required=True)
    basis = fields.String(required=True)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    became_failing = fields.List(fields.Nested(FindingOut), required=True)
    became_passing = fields.List(fields.Nested(FindingOut), required=True)
    no_longer_checked = fields.List(fields.Nested(FindingOut), required=True)


class CityOut(Schema):
    """Every district in scope, and the city."""

    as_of = fields.Date(required=True)
    basis = fields.String(required=True)
    city = fields.Nested(Rollup, required=True)
    districts = fields.List(fields.Nested(Rollup), required=True)
