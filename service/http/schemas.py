"""Marshmallow schemas: the API's field names, validation and its OpenAPI document.

Unknown fields are refused (marshmallow's default ``RAISE``); types are strict, so ``"3"`` is
not a number and ``"yes"`` is not a boolean.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, ClassVar

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from aggregates.association.association import Background, OfficerRole
from projections.engine.history import Basis
from service.http.access import Role


class WholeMatch(validate.Regexp):
    """A pattern the whole text must match, written with ``[0-9]`` rather than ``\\d``.

    ``validate.Regexp`` searches with ``match``, so ``$`` lets a trailing newline through, and
    ``\\d`` takes any Unicode digit ("４１０１０２", "٤١٠١٠٢"): codes name files and schemas.
    """

    def __call__(self, value: str) -> str:
        """The value, or a ValidationError."""
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


DISTRICT_CODE = WholeMatch(r"^[0-9]{6}$", error="must be a 6-digit district code")
TOWNSHIP_CODE = WholeMatch(r"^[0-9]{9}$", error="must be a 9-digit township code")
VILLAGE_CODE = WholeMatch(r"^[0-9]{12}$", error="must be a 12-digit village or community code")
PHONE = WholeMatch(
    r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$",
    error="must be an 11-digit mobile number or a landline like 0371-12345678",
)
#: The largest event-log position or tree size anyone may ask for (SQLite's and PostgreSQL's
#: 64-bit integers; a larger number would overflow in the database driver).
POSITION_MAX = 2**63 - 1
#: No list holds a billion rows; larger offsets are typing errors or probes.
OFFSET_MAX = 1_000_000_000


class Text(fields.String):
    """A string with surrounding blanks removed, refused when empty or too long."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is None:
            raise ValidationError("must be a string")
        return text.strip()


class Choice(fields.String):
    """One value of a StrEnum, loaded as its member, so that a route hands the loaded body on to
    the command as it is.  ``allowed`` narrows the values the API accepts."""

    def __init__(self, kind: type[StrEnum], *, allowed: Iterable[StrEnum] = (), **kwargs: Any):
        self.kind = kind
        values = [member.value for member in (allowed or kind)]
        super().__init__(validate=validate.OneOf(values), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        # Not a value of the kind: returned as it is for OneOf to refuse with its message.
        return self.kind._value2member_map_.get(text, text)


class StrictBoolean(fields.Boolean):
    """Only JSON ``true`` and ``false``."""

    truthy: ClassVar[set[Any]] = {True}
    falsy: ClassVar[set[Any]] = {False}


def list_of(name: str, item: type[Schema], *, paged: bool = True, position: bool = True) -> type:
    """The schema ``name`` of a list answer: its ``items``, their ``total``, the paging asked for
    (``limit``, ``offset``) where ``paged``, and the read model's ``position`` where it has one."""
    declared: dict[str, fields.Field] = {
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True),
    }
    if paged:
        declared |= {
            "limit": fields.Integer(required=True),
            "offset": fields.Integer(required=True),
        }
    if position:
        declared["position"] = fields.Integer(required=True)
    return Schema.from_dict(declared, name=name)


def dated_reason(name: str, day: str, *, max_length: int = 200) -> type[Schema]:
    """The body ``name`` of a command that ends something: the ``day`` (a date field of that
    name) it takes effect and the ``reason`` (text up to ``max_length``), both required."""
    declared: dict[str, fields.Field] = {
        day: fields.Date(required=True),
        "reason": Text(required=True, max_length=max_length),
    }
    return Schema.from_dict(declared, name=name)


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error answer carries them."""

    class Meta:
        """Problems may carry extension members (e.g. ``position``, ``checks``)."""

        unknown = INCLUDE

    type = fields.String(required=True)
    title = fields.String(required=True)
    title_zh = fields.String()
    title_en = fields.String()
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    request_id = fields.String(allow_none=True)
    field = fields.String()
    errors = fields.List(fields.Dict())


class DistrictIn(Schema):
    """A new district (tenant)."""

    code = fields.String(required=True, validate=DISTRICT_CODE)
    name = Text(required=True, max_length=50)


class DistrictOut(Schema):
    """A district."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    created_at = fields.String(required=True)


#: Every district.
DistrictList = list_of("DistrictList", DistrictOut, paged=False, position=False)


class AssociationIn(Schema):
    """A new association for one village or community."""

    division_code = fields.String(required=True, validate=VILLAGE_CODE)
    name = Text(required=True, max_length=100)
    township_code = fields.String(required=True, validate=TOWNSHIP_CODE)
    established_on = fields.Date(required=True)


class SeatIn(Schema):
    """Who takes a seat of an association's committee, and in what office: what an
    appointment and an officer of a new term both say."""

    name = Text(required=True, max_length=50)
    role = Choice(OfficerRole, required=True)
    full_time = StrictBoolean(load_default=False)
    backgrounds = fields.List(Choice(Background), load_default=list)


class OfficerIn(SeatIn):
    """An appointment (S3.2, S3.3, S3.6)."""

    appointed_on = fields.Date(required=True)
    phone = fields.String(load_default=None, validate=PHONE)


#: An officer leaving office.
RemovalIn = dated_reason("RemovalIn", "removed_on")


class Created(Schema):
    """The id of what a command created and the log position of its event."""

    id = fields.String(required=True)
    position = fields.Integer(required=True)


class OfficerCreated(Schema):
    """The new officer's id and the log position of the appointment."""

    officer_id = fields.String(required=True)
    position = fields.Integer(required=True)


class Accepted(Schema):
    """The log position a command reached."""

    position = fields.Integer(required=True)


class ReadQuery(Schema):
    """Freshness: answer only once the read model includes position ``min_position``."""

    min_position = fields.Integer(strict=False, validate=validate.Range(min=0, max=POSITION_MAX))


#: The clocks an answer as of a day can be read on (issue 15).
BASES = [basis.value for basis in Basis]


def basis_field() -> fields.String:
    """Which clock a question about past days uses (``recorded`` unless asked)."""
    return fields.String(
        load_default=Basis.RECORDED.value,
        validate=validate.OneOf(BASES),
        metadata={
            "description": "recorded: as the records stood on that day; effective: what was "
            "true on that day as known now (late entries and corrections included)"
        },
    )


class AsOfQuery(Schema):
    """As of which day, on which clock; without ``as_of``: the live read models today.

    Every read a supervisor uses declares these two (the route hands them to
    ``Caller.on``); a day after today is refused with 422 naming ``as_of``.
    """

    as_of = fields.Date(
        load_default=None,
        metadata={
            "description": "the day to answer as of (YYYY-MM-DD, not after today); "
            "absent: today, from the live read models"
        },
    )
    basis = basis_field()


def limit_field(maximum: int = 500) -> fields.Integer:
    """How many items a page holds (100 unless asked)."""
    return fields.Integer(load_default=100, validate=validate.Range(min=1, max=maximum))


def offset_field() -> fields.Integer:
    """How many items to skip; bounded, so the database never sees an overflowing number."""
    return fields.Integer(load_default=0, validate=validate.Range(min=0, max=OFFSET_MAX))


class Paging(ReadQuery):
    """Limit and offset of a list, as every list route takes them."""

    limit = limit_field()
    offset = offset_field()


class ReadAsOf(ReadQuery, AsOfQuery):
    """Freshness, and the day and clock to answer as of."""


class AsOfPaging(Paging, AsOfQuery):
    """Limit and offset of a list answered as of a day on a clock."""


class UnmaskQuery(ReadQuery):
    """Asking to see personal fields unmasked: which, and why (the read is recorded)."""

    unmask = fields.List(fields.String(validate=validate.OneOf(["phone"])), load_default=list)
    reason = Text(max_length=200, load_default=None)


class AssociationListQuery(AsOfPaging):
    """Filters and paging of the association list."""

    township_code = fields.String(validate=TOWNSHIP_CODE)


class AssociationQuery(UnmaskQuery, AsOfQuery):
    """An association with its officers, as of a day; personal fields unmasked if asked."""


class OfficerOut(Schema):
    """An officer, sitting or former."""

    officer_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    full_time = fields.Boolean(required=True)
    backgrounds = fields.List(fields.String(), required=True)
    appointed_on = fields.String(required=True)
    removed_on = fields.String(allow_none=True)
    removal_reason = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "masked unless unmasked"})


class AssociationOut(Schema):
    """An association as the read model has it."""

    id = fields.String(required=True)
    division_code = fields.String(required=True)
    name = fields.String(required=True)
    township_code = fields.String(required=True)
    established_on = fields.String(required=True)
    version = fields.Integer(required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class AssociationDetail(AssociationOut):
    """An association with its sitting officers and its officer history."""

    officers = fields.List(fields.Nested(OfficerOut), required=True)
    officer_history = fields.List(fields.Nested(OfficerOut), required=True)
    position = fields.Integer(required=True)


#: A page of associations.
AssociationList = list_of("AssociationList", AssociationOut)


class Health(Schema):
    """What answers."""

    status = fields.String(required=True)
    mode = fields.String(
        required=True,
        metadata={
            "description": "What runs: embedded (SQLite, projector in the serving process), "
            "hosted (PostgreSQL, Celery workers), postgresql-in-process (PostgreSQL, no broker) "
            "or sqlite-workers (SQLite, Celery workers)."
        },
    )
    checks = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


ROLES = [role.value for role in Role]


class UserIn(Schema):
    """A new account; the scope fields required depend on the role."""

    name = Text(required=True, max_length=50)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    district = fields.String(validate=DISTRICT_CODE, load_default=None)
    township = fields.String(validate=TOWNSHIP_CODE, load_default=None)
    association_id = fields.UUID(load_default=None)
    organisation = Text(max_length=100, load_default="")
    valid_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=366))


class AccountOut(Schema):
    """Who an account is and the part of the city its role reaches."""

    name = fields.String(required=True)
    role = fields.String(required=True)
    district = fields.String(allow_none=True)
    township = fields.String(allow_none=True)
    association_id = fields.String(allow_none=True)
    organisation = fields.String()


class UserOut(AccountOut):
    """An account (never its tokens' secrets)."""

    id = fields.String(required=True)
    created_at = fields.String(required=True)
    disabled_at = fields.String(allow_none=True)


class TokenOut(Schema):
    """A token as issued: the secret appears in this answer only."""

    token = fields.String(required=True)
    token_id = fields.String(required=True)
    expires_at = fields.String(required=True)


class UserCreated(Schema):
    """The new account and its first token."""

    user = fields.Nested(UserOut, required=True)
    token = fields.Nested(TokenOut, required=True)


class UserList(Schema):
    """Accounts in the caller's scope."""

    items = fields.List(fields.Nested(UserOut), required=True)
    total = fields.Integer(required=True)


class TokenIn(Schema):
    """How long a new token lives."""

    valid_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=366))


class Me(AccountOut):
    """The caller as the server sees them."""

    actor = fields.String(required=True)


class PersonalReadQuery(Schema):
    """Filters of the unmasked-read record."""

    district = fields.String(validate=DISTRICT_CODE)
    limit = limit_field()
    offset = offset_field()


class PersonalRead(Schema):
    """One unmasked read of personal data."""

    id = fields.String(required=True)
    read_at = fields.String(required=True)
    actor = fields.String(required=True)
    role = fields.String(required=True)
    organisation = fields.String(allow_none=True)
    district = fields.String(required=True)
    subject_kind = fields.String(required=True)
    subject_id = fields.String(required=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", required=True)
    reason = fields.String(required=True)
    request_id = fields.String(allow_none=True)


class PersonalReadList(Schema):
    """A page of the unmasked-read record."""

    items = fields.List(fields.Nested(PersonalRead), required=True)
