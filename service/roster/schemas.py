"""Marshmallow schemas of the roster API: persons, their changes, lists, totals and imports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from aggregates.roster.person import HouseholdRelation, PersonStatus, ServiceNeed
from projections.roster.roster import GROUPABLE, SORTABLE
from service.http.schemas import (
    DISTRICT_CODE,
    PHONE,
    TOWNSHIP_CODE,
    VILLAGE_CODE,
    AsOfQuery,
    Created,
    ReadQuery,
    StrictBoolean,
    Text,
    WholeMatch,
    limit_field,
    list_of,
    offset_field,
)

PERSONAL_FIELDS = ["resident_id", "certificate_number", "phone", "address"]
#: Shape only; the check character, birth date and agreement are the domain's checks.
RESIDENT_ID = WholeMatch(r"^\s*[0-9]{17}[0-9Xx]\s*$", error="must be 17 digits and a digit or X")
CERTIFICATE = WholeMatch(
    r"^\s*[0-9]{17}[0-9Xx][0-9]{2}\s*$",
    error="must be the 18-character resident ID and two digits",
)
RELATION = validate.OneOf([r.value for r in HouseholdRelation])


class PersonIn(Schema):
    """A person to put on the roster (S3.3, S3.5)."""

    name = Text(required=True, max_length=50)
    sex = fields.String(required=True, validate=validate.OneOf(["male", "female"]))
    birth_date = fields.Date(required=True)
    resident_id = fields.String(required=True, validate=RESIDENT_ID)
    certificate_number = fields.String(load_default=None, validate=CERTIFICATE)
    category = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 7))
    grade = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 4))
    service_needs = fields.List(
        fields.String(validate=validate.OneOf([n.value for n in ServiceNeed])),
        load_default=list,
    )
    household_id = Text(max_length=40, load_default=None)
    household_relation = fields.String(load_default=None, validate=RELATION)
    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    address = Text(required=True, max_length=200)
    phone = fields.String(load_default=None, validate=PHONE)
    special_hardship = StrictBoolean(load_default=False)
    hardship_reason = Text(max_length=200, load_default=None)
    registered_on = fields.Date(required=True)
    moved_in_from = Text(
        max_length=100,
        load_default=None,
        metadata={"description": "set when the person moved in from outside the district"},
    )


class PersonRelocationIn(Schema):
    """Moved to another village or township of the same district."""

    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    address = Text(required=True, max_length=200)
    effective_on = fields.Date(required=True)


class PersonDepartureIn(Schema):
    """Moved out to a place no district of the city keeps (another province, abroad)."""

    destination = Text(required=True, max_length=100)
    effective_on = fields.Date(required=True)


class PersonReturnIn(Schema):
    """Moved in again after having left."""

    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    address = Text(required=True, max_length=200)
    origin = Text(required=True, max_length=100)
    effective_on = fields.Date(required=True)


class PersonCertificateIn(Schema):
    """A certificate issued: the number and its category and grade."""

    certificate_number = fields.String(required=True, validate=CERTIFICATE)
    category = fields.Integer(strict=True, required=True, validate=validate.Range(1, 7))
    grade = fields.Integer(strict=True, required=True, validate=validate.Range(1, 4))
    effective_on = fields.Date(required=True)


class PersonCertificateChangeIn(PersonCertificateIn):
    """A certificate re-issued."""

    reason = Text(required=True, max_length=200)


class PersonCertificateCancelIn(Schema):
    """A certificate cancelled; the person stays for their service needs."""

    effective_on = fields.Date(required=True)
    reason = Text(required=True, max_length=200)
    service_needs = fields.List(
        fields.String(validate=validate.OneOf([n.value for n in ServiceNeed])),
        required=True,
        validate=validate.Length(min=1),
    )


class PersonDeathIn(Schema):
    """The date of death."""

    died_on = fields.Date(required=True)


class PersonCorrectionIn(Schema):
    """Corrected details; only the fields given change (the result is checked whole)."""

    name = Text(max_length=50)
    sex = fields.String(validate=validate.OneOf(["male", "female"]))
    birth_date = fields.Date()
    resident_id = fields.String(validate=RESIDENT_ID)
    service_needs = fields.List(
        fields.String(validate=validate.OneOf([n.value for n in ServiceNeed]))
    )
    household_id = Text(max_length=40, allow_none=True)
    household_relation = fields.String(allow_none=True, validate=RELATION)
    address = Text(max_length=200)
    phone = fields.String(allow_none=True, validate=PHONE)
    special_hardship = StrictBoolean()
    hardship_reason = Text(max_length=200, allow_none=True)
    reason = Text(required=True, max_length=200)
    effective_on = fields.Date(required=True)


class PersonTransferOutIn(Schema):
    """A move to another district of the city: where the person will live there."""

    to_district = fields.String(required=True, validate=DISTRICT_CODE)
    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    address = Text(required=True, max_length=200)
    household_id = Text(max_length=40, load_default=None)
    household_relation = fields.String(load_default=None, validate=RELATION)
    effective_on = fields.Date(required=True)


class PersonTransferOut(Schema):
    """How a hand-over stands: completed, pending (finished later) or cancelled."""

    transfer_id = fields.String(required=True)
    state = fields.String(required=True)
    to_district = fields.String(required=True)
    received_as = fields.String(allow_none=True)
    position = fields.Integer(required=True)
    reason = fields.String(allow_none=True)


class PersonTransferSweep(Schema):
    """The hand-overs a sweep finished."""

    items = fields.List(fields.Nested(PersonTransferOut), required=True)


class PersonUnmaskQuery(ReadQuery, AsOfQuery):
    """Which personal fields to see unmasked, and why (the read is recorded)."""

    unmask = fields.List(fields.String(validate=validate.OneOf(PERSONAL_FIELDS)), load_default=list)
    reason = Text(max_length=200, load_default=None)


class PersonFilterQuery(PersonUnmaskQuery):
    """Filters of a list of persons."""

    township_code = fields.String(validate=TOWNSHIP_CODE)
    village_code = fields.String(validate=VILLAGE_CODE)
    category = fields.Integer(validate=validate.Range(1, 7))
    grade = fields.Integer(validate=validate.Range(1, 4))
    certified = fields.Boolean()
    special_hardship = fields.Boolean()
    status = fields.String(validate=validate.OneOf([s.value for s in PersonStatus]))
    household_id = Text(max_length=40)
    open_need = fields.Boolean(metadata={"description": "with (true) or without a need open"})
    overdue_visit = fields.Boolean(
        metadata={"description": "whose household is (true) or is not overdue for a visit"}
    )


class PersonListQuery(PersonFilterQuery):
    """Filters, order and paging of the list of persons."""

    sort = fields.String(
        load_default="village_code",
        validate=validate.OneOf([*SORTABLE, *(f"-{s}" for s in SORTABLE)]),
    )
    limit = limit_field()
    offset = offset_field()


class PersonCountsQuery(PersonFilterQuery):
    """Counts of persons grouped by one attribute."""

    by = fields.String(required=True, validate=validate.OneOf(GROUPABLE))


class PersonOut(Schema):
    """A person as the read model has them (personal fields masked unless unmasked)."""

    id = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)
    erased = fields.Boolean(load_default=False, dump_default=False)
    sex = fields.String(required=True)
    birth_date = fields.String(required=True, allow_none=True)
    resident_id = fields.String(required=True, allow_none=True)
    certificate_number = fields.String(allow_none=True)
    certified = fields.Boolean(required=True)
    category = fields.Integer(allow_none=True)
    grade = fields.Integer(allow_none=True)
    service_needs = fields.List(fields.String(), required=True)
    household_id = fields.String(allow_none=True)
    household_relation = fields.String(allow_none=True)
    township_code = fields.String(required=True)
    village_code = fields.String(required=True)
    address = fields.String(required=True, allow_none=True)
    phone = fields.String(allow_none=True)
    special_hardship = fields.Boolean(required=True)
    hardship_reason = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_on = fields.String(allow_none=True)
    registered_on = fields.String(required=True)
    source = fields.String(required=True)
    origin = fields.String(allow_none=True)
    transfer_to_district = fields.String(allow_none=True)
    transferred_as = fields.String(allow_none=True)
    died_on = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class PersonHistoryEntry(Schema):
    """One event of a person: what, effective when, recorded by whom."""

    version = fields.Integer(required=True)
    position = fields.Integer(required=True)
    event = fields.String(required=True)
    effective_on = fields.String(allow_none=True)
    details = fields.Dict(required=True)
    actor = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    recorded_at = fields.String(required=True)


class PersonDetail(PersonOut):
    """A person with their history."""

    history = fields.List(fields.Nested(PersonHistoryEntry), required=True)
    position = fields.Integer(required=True)


#: A page of persons.
PersonList = list_of("PersonList", PersonOut)


class PersonTotalGroup(Schema):
    """One group's count."""

    value = fields.Raw(allow_none=True)
    count = fields.Integer(required=True)


class PersonCounts(Schema):
    """Counts of persons in scope, grouped."""

    by = fields.String(required=True)
    groups = fields.List(fields.Nested(PersonTotalGroup), required=True)
    total = fields.Integer(required=True)
    position = fields.Integer(required=True)


class PersonCreated(Created):
    """The new person's id and the log position of the registration."""


class RosterImportIn(Schema):
    """A roster file sent in the body (up to the body limit; larger files: the CLI)."""

    filename = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[^/\\]{1,200}\.([cC][sS][vV]|[xX][lL][sS][xX])$",
            error="a file name ending in .csv or .xlsx",
        ),
    )
    content_base64 = fields.String(required=True, validate=validate.Length(min=1))
    valid_rows_only = StrictBoolean(load_default=False)
    dry_run = StrictBoolean(load_default=False)


class RosterRowError(Schema):
    """One error of one row."""

    row = fields.Integer(required=True)
    column = fields.String(allow_none=True)
    field = fields.String(required=True)
    message = fields.String(required=True)


class RosterImportReport(Schema):
    """What an import found and did."""

    rows = fields.Integer(required=True)
    valid = fields.Integer(required=True)
    invalid = fields.Integer(required=True)
    imported = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    on_roster_differs = fields.List(fields.Integer(), required=True)
    errors = fields.List(fields.Nested(RosterRowError), required=True)
    stored = fields.Boolean(required=True)
    dry_run = fields.Boolean(required=True)
    valid_rows_only = fields.Boolean(required=True)
    position = fields.Integer(required=True)
    seconds = fields.Float(required=True)


class PersonErasureIn(Schema):
    """Why a person's personal data is erased (the lawful ground)."""

    reason = Text(required=True, max_length=200)
