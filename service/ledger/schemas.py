"""Marshmallow schemas of the audit trail and ledger API (inputs refuse unknown fields)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.http.schemas import POSITION_MAX, ReadQuery, limit_field, list_of, offset_field


class AuditEntriesQuery(ReadQuery):
    """Filters and paging of the audit trail."""

    # "from" and "to" are Python keywords: data_key keeps the wire names.
    since = fields.AwareDateTime(data_key="from", format="iso", default_timezone=None)
    until = fields.AwareDateTime(data_key="to", format="iso", default_timezone=None)
    actor = fields.String(validate=validate.Length(min=1, max=200))
    aggregate_id = fields.UUID()
    event_type = fields.String(
        validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_.]{0,199}$", error="not an event type")
    )
    limit = limit_field(1000)
    offset = offset_field()

    @validates_schema
    def _range(self, data: dict, **kwargs: object) -> None:
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError("must not lie before from", field_name="to")


class AuditEntryOut(Schema):
    """One event of the trail: where, what, who, when, why, and its digests."""

    position = fields.Integer(required=True)
    leaf_index = fields.Integer(
        allow_none=True,
        metadata={
            "description": "the entry's leaf in the Merkle log, numbered when it is projected"
        },
    )
    aggregate_id = fields.String(required=True)
    aggregate_version = fields.Integer(required=True)
    event_type = fields.String(required=True)
    topic = fields.String(required=True)
    actor = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    recorded_at = fields.String(allow_none=True)
    effective_on = fields.String(allow_none=True)
    record_digest = fields.String(required=True)
    leaf_hash = fields.String(required=True)


#: A page of the trail.
AuditEntryList = list_of("AuditEntryList", AuditEntryOut)


class AggregateHistory(Schema):
    """Every event of one aggregate, by version."""

    aggregate_id = fields.String(required=True)
    items = fields.List(fields.Nested(AuditEntryOut), required=True)
    total = fields.Integer(required=True)
    position = fields.Integer(required=True)


class SignedHeadOut(Schema):
    """A signed tree head: what was signed, the signature and the signing key."""

    district_code = fields.String(required=True)
    tree_size = fields.Integer(required=True)
    root_hash = fields.String(required=True)
    timestamp = fields.String(required=True)
    signature = fields.String(required=True, metadata={"description": "Ed25519, base64"})
    key_id = fields.String(required=True, metadata={"description": "SHA-256 of the public key"})
    public_key = fields.String(required=True)


class LedgerHeadOut(SignedHeadOut):
    """The newest signed head and whether this deployment signs new ones."""

    signing = fields.String(required=True, validate=validate.OneOf(["enabled", "disabled"]))
    message = fields.String()


class SignHeadIn(Schema):
    """Sign a head now (no fields)."""


class SignHeadOut(Schema):
    """The head signed now, or the newest one when the log has not grown."""

    signed = fields.Boolean(required=True)
    head = fields.Nested(SignedHeadOut, required=True)


class HeadListQuery(Schema):
    """Paging of the signed heads."""

    limit = limit_field(1000)
    offset = offset_field()


#: Signed heads by size.
HeadList = list_of("HeadList", SignedHeadOut, position=False)


class InclusionQuery(Schema):
    """Which event, against which signed head (default: the newest)."""

    position = fields.Integer(required=True, validate=validate.Range(min=1, max=POSITION_MAX))
    tree_size = fields.Integer(validate=validate.Range(min=1, max=POSITION_MAX))
    record = fields.Boolean(
        load_default=False,
        metadata={"description": "also return the stored record (it may hold personal data)"},
    )


class StoredRecordOut(Schema):
    """The event as stored, so its leaf can be recomputed (state in base64)."""

    position = fields.Integer(required=True)
    originator_id = fields.String(required=True)
    originator_version = fields.Integer(required=True)
    topic = fields.String(required=True)
    state = fields.String(required=True)


class InclusionOut(Schema):
    """An RFC 6962 audit path: siblings from the leaf up, hex."""

    head = fields.Nested(SignedHeadOut, required=True)
    position = fields.Integer(required=True)
    leaf_index = fields.Integer(required=True)
    leaf_hash = fields.String(required=True)
    record = fields.Nested(StoredRecordOut, allow_none=True)
    audit_path = fields.List(fields.String(), required=True)


class ConsistencyQuery(Schema):
    """Two signed head sizes, first <= second."""

    first = fields.Integer(required=True, validate=validate.Range(min=1, max=POSITION_MAX))
    second = fields.Integer(required=True, validate=validate.Range(min=1, max=POSITION_MAX))

    @validates_schema
    def _order(self, data: dict, **kwargs: object) -> None:
        if data.get("first", 0) > data.get("second", 0):
            raise ValidationError("must not be smaller than first", field_name="second")


class ConsistencyOut(Schema):
    """An RFC 6962 consistency proof between two signed heads, hex."""

    first = fields.Nested(SignedHeadOut, required=True)
    second = fields.Nested(SignedHeadOut, required=True)
    proof = fields.List(fields.String(), required=True)


class PublicKeyOut(Schema):
    """The key that signs tree heads."""

    algorithm = fields.String(required=True)
    public_key = fields.String(allow_none=True, metadata={"description": "raw 32 bytes, base64"})
    key_id = fields.String(allow_none=True)
    signing = fields.String(required=True)
    message = fields.String()
