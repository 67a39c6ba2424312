"""An association's page for the township officer (S3.3, S3.6, S3.7): its officers, full-time
members with their pay, qualifications, training attended and evaluations; and one page per
change an officer makes: appoint or remove an officer, select a full-time member, arrange
their pay or record their exit, record a qualification.

Each change is a question page (GOV.UK's one task per page, on a phone): the API's schema
parses it and the domain refuses what breaks a rule of the plan, in the page's language with
its clause (a second chair: 协会已有 1 名在任主席，S3.3 条规定最多 1 名).  A change is made
once per submission key and the page comes back with the change announced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import Response, abort, request, url_for
from flask_babel import LazyString, lazy_gettext
from marshmallow import Schema

from aggregates.association.association import (
    Background,
    OfficerRole,
    PayKind,
    PriorityGroup,
    QualificationKind,
    SelectionMethod,
)
from aggregates.store.district import DistrictRecords
from service.application import township
from service.application.caller import Caller
from service.association.schemas import ExitIn, PayIn, QualificationIn, SelectionIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.http.schemas import OfficerIn, RemovalIn
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.submitting import after, submit
from service.web.vocabulary import OFFICES

Options = tuple[tuple[str, LazyString], ...]

ROLES: Options = tuple(OFFICES.items())
BACKGROUNDS: Options = (
    (Background.DISABLED.value, lazy_gettext("Disabled person")),
    (Background.RELATIVE.value, lazy_gettext("Relative of a disabled person")),
    (Background.TWO_COMMITTEES.value, lazy_gettext("Member of the two committees")),
    (Background.GROUP_LEADER.value, lazy_gettext("Villagers' group leader")),
    (Background.GRID_WORKER.value, lazy_gettext("Grid worker")),
    (Background.SOCIAL_ORG.value, lazy_gettext("Head of a social organisation")),
    (Background.HELPER.value, lazy_gettext("Helper of disabled persons")),
    (Background.VOLUNTEER.value, lazy_gettext("Volunteer")),
    (Background.PARTY_MEMBER.value, lazy_gettext("Party member")),
)
YES_NO: Options = (("true", lazy_gettext("Yes")), ("false", lazy_gettext("No")))
METHODS: Options = (
    (SelectionMethod.OPEN_RECRUITMENT.value, lazy_gettext("Open recruitment")),
    (SelectionMethod.ELECTION.value, lazy_gettext("Election")),
    (SelectionMethod.RECOMMENDATION.value, lazy_gettext("Recommended by the two committees")),
    (SelectionMethod.OTHER.value, lazy_gettext("Other")),
)
PRIORITY: Options = (
    (PriorityGroup.DISABLED.value, lazy_gettext("Disabled person")),
    (PriorityGroup.RELATIVE.value, lazy_gettext("Relative of a disabled person")),
    (PriorityGroup.NEITHER.value, lazy_gettext("Neither")),
)
PAY_KINDS: Options = (
    (PayKind.PUBLIC_WELFARE_POST.value, lazy_gettext("Public welfare post")),
    (PayKind.SUBSIDY.value, lazy_gettext("Subsidy")),
)
QUALIFICATIONS: Options = (
    (QualificationKind.ASSISTANT_SOCIAL_WORKER.value, lazy_gettext("Assistant social worker")),
    (QualificationKind.SOCIAL_WORKER.value, lazy_gettext("Social worker")),
    (QualificationKind.CIVIL_SERVICE.value, lazy_gettext("Civil service examination")),
    (QualificationKind.DEGREE.value, lazy_gettext("Degree")),
    (QualificationKind.OTHER.value, lazy_gettext("Other")),
)


@dataclass(frozen=True)
class Field:
    """One question of a change's page, drawn by the form macros."""

    name: str
    label: LazyString
    kind: str = "text"  # text, date, textarea, radios, checkboxes, select
    options: Options = ()
    hint: LazyString | None = None
    required: bool = False


def _day(name: str, label: LazyString) -> Field:
    """The day a change takes effect: asked of every change, today proposed."""
    return Field(name, label, "date", required=True)


#: Why an officer leaves office or a full-time member leaves.
REASON = Field("reason", lazy_gettext("Reason"), "textarea", required=True)

#: A change: (caller, association, officer or None, the schema's data) -> the saved position.
Command = Callable[[Caller, UUID, UUID | None, dict[str, Any]], int]


@dataclass(frozen=True)
class Change:
    """One change an officer makes to an association, with its page and its command."""

    title: LazyString
    fields: tuple[Field, ...]
    schema: type[Schema]
    command: Command
    done: LazyString

    @property
    def dated(self) -> str:
        """The change's date field, today proposed for it."""
        return next(f.name for f in self.fields if f.kind == "date")


def _command(command: Callable[..., Any], *, on_officer: bool, **typed: Any) -> Command:
    """A command of the district's records with the schema's data, its enumerations typed
    (``typed``: field -> type); on one officer when ``on_officer``."""

    def run(c: Caller, association_id: UUID, officer_id: UUID | None, data: dict[str, Any]) -> int:
        given = {k: typed[k](v) if k in typed else v for k, v in data.items()}
        officer = (officer_id,) if on_officer else ()
        return int(township.change(c, association_id, command, *officer, **given).position)

    return run


def _backgrounds(values: list[str]) -> list[Background]:
    return [Background(v) for v in values]


CHANGES: dict[str, Change] = {
    "appointment": Change(
        lazy_gettext("Appoint an officer"),
        (
            Field("name", lazy_gettext("Name"), required=True),
            Field("role", lazy_gettext("Office"), "radios", ROLES),
            Field("full_time", lazy_gettext("Full-time member?"), "radios", YES_NO),
            Field("backgrounds", lazy_gettext("Background"), "checkboxes", BACKGROUNDS),
            _day("appointed_on", lazy_gettext("Date of appointment")),
            Field("phone", lazy_gettext("Mobile phone"), hint=lazy_gettext("11 digits; optional.")),
        ),
        OfficerIn,
        _command(
            DistrictRecords.appoint_officer,
            on_officer=False,
            role=OfficerRole,
            backgrounds=_backgrounds,
        ),
        lazy_gettext("The officer was appointed."),
    ),
    "removal": Change(
        lazy_gettext("Remove from office"),
        (_day("removed_on", lazy_gettext("Date of leaving office")), REASON),
        RemovalIn,
        _command(DistrictRecords.remove_officer, on_officer=True),
        lazy_gettext("The officer was removed from office."),
    ),
    "full-time-selection": Change(
        lazy_gettext("Select as full-time member"),
        (
            Field("method", lazy_gettext("How were they selected?"), "radios", METHODS),
            Field("priority_group", lazy_gettext("Priority group"), "radios", PRIORITY),
            _day("selected_on", lazy_gettext("Date of selection")),
            Field("note", lazy_gettext("Note"), "textarea"),
        ),
        SelectionIn,
        _command(
            DistrictRecords.select_full_time_member,
            on_officer=True,
            method=SelectionMethod,
            priority_group=PriorityGroup,
        ),
        lazy_gettext("The full-time member was selected."),
    ),
    "full-time-pay": Change(
        lazy_gettext("Arrange the full-time member's pay"),
        (
            Field("kind", lazy_gettext("Paid as"), "radios", PAY_KINDS),
            Field(
                "monthly_amount",
                lazy_gettext("Yuan per month"),
                hint=lazy_gettext("For example 1500 or 1500.50."),
                required=True,
            ),
            _day("from_on", lazy_gettext("Paid from")),
        ),
        PayIn,
        _command(DistrictRecords.arrange_full_time_pay, on_officer=True, kind=PayKind),
        lazy_gettext("The pay was recorded."),
    ),
    "full-time-exit": Change(
        lazy_gettext("End the full-time membership"),
        (_day("exited_on", lazy_gettext("Date of exit")), REASON),
        ExitIn,
        _command(DistrictRecords.exit_full_time_member, on_officer=True),
        lazy_gettext("The full-time membership was ended."),
    ),
    "qualification": Change(
        lazy_gettext("Record a qualification"),
        (
            Field("kind", lazy_gettext("Kind of qualification"), "radios", QUALIFICATIONS),
            Field("title", lazy_gettext("Title of the certificate"), required=True),
            _day("obtained_on", lazy_gettext("Date obtained")),
            Field("issuer", lazy_gettext("Issued by")),
        ),
        QualificationIn,
        _command(DistrictRecords.record_qualification, on_officer=True, kind=QualificationKind),
        lazy_gettext("The qualification was recorded."),
    ),
}


@pages.route("/township/associations/<uuid:association_id>")
@rule(Action.READ, Target.NONE)
def township_association(association_id: UUID) -> Response:
    """The association's page (404 outside the officer's township)."""
    record = township.association(caller(), association_id, after())
    done = CHANGES.get(request.args.get("done", ""))
    return render_page(
        "township/association.html",
        record=record,
        done=done.done if done else None,
        roles=dict(ROLES),
        pay_kinds=dict(PAY_KINDS),
        qualifications=dict(QUALIFICATIONS),
    )


def _change_of(name: str, officer_id: UUID | None) -> Change:
    change = CHANGES.get(name)
    if change is None or (officer_id is None) != (name == "appointment"):
        abort(404)
    return change


def _page(
    association_id: UUID, officer_id: UUID | None, name: str, form: Form, status: int = 200
) -> Response:
    record = township.association(caller(), association_id)
    officer = township.officer(caller(), association_id, str(officer_id)) if officer_id else None
    change = CHANGES[name]
    return render_page(
        "township/change.html",
        status,
        record=record,
        officer=officer,
        change=change,
        name=name,
        form=form,
        action=request.path,
    )


def _values(name: str) -> dict[str, Any]:
    """The form as posted: the checkboxes as a list, the rest as text."""
    values: dict[str, Any] = request.form.to_dict()
    for field in CHANGES[name].fields:
        if field.kind == "checkboxes":
            values[field.name] = request.form.getlist(field.name)
    return values


def _payload(change: Change, form: Form) -> dict[str, Any]:
    """What the API's schema reads: blanks of optional fields left out, yes/no as booleans."""
    payload: dict[str, Any] = {}
    for field in change.fields:
        value = form.values.get(field.name)
        if field.kind == "checkboxes":
            payload[field.name] = list(value or [])
        elif value in (None, ""):
            if field.required or field.kind == "radios":
                payload[field.name] = None
        elif field.options == YES_NO:
            payload[field.name] = value == "true"
        else:
            payload[field.name] = value
    return payload


@pages.route("/township/associations/<uuid:association_id>/<name>", methods=["GET"])
@pages.route(
    "/township/associations/<uuid:association_id>/officers/<uuid:officer_id>/<name>",
    methods=["GET"],
)
@rule(Action.READ, Target.NONE)
def association_change(association_id: UUID, name: str, officer_id: UUID | None = None) -> Response:
    """The page of one change, today's date proposed (404 outside the township)."""
    change = _change_of(name, officer_id)
    values = {change.dated: caller().today().isoformat()}
    if name == "appointment":
        values |= {"full_time": "false", "role": OfficerRole.COMMITTEE_MEMBER.value}
    return _page(association_id, officer_id, name, Form(values=values))


@pages.route("/township/associations/<uuid:association_id>/<name>", methods=["POST"])
@pages.route(
    "/township/associations/<uuid:association_id>/officers/<uuid:officer_id>/<name>",
    methods=["POST"],
)
@rule(Action.WRITE, Target.NONE)
def make_association_change(
    association_id: UUID, name: str, officer_id: UUID | None = None
) -> Response:
    """Make the change once, then back to the association's page with it announced; refused,
    the page again (422) with the values kept and the rule's reason beside its field."""
    change = _change_of(name, officer_id)
    form = Form.posted(_values(name))

    def record(data: dict[str, Any]) -> str:
        position = change.command(caller(), association_id, officer_id, data)
        return url_for(
            "pages.township_association", association_id=association_id, done=name, after=position
        )

    return submit(
        form,
        change.schema(),
        _payload(change, form),
        record,
        lambda status: _page(association_id, officer_id, name, form, status),
    )
