"""The audit trail of a district (issue 16): every change with who made it, when it was
recorded, when it took effect and why, filtered on a plain GET form and paged on the server;
and one record's whole history as a timeline.  Read-only: the bureau auditor and the
administrators (``Action.AUDIT``), each within their scope (a district outside it is 404)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from flask import Response, request, url_for
from flask_babel import LazyString, gettext, lazy_gettext
from marshmallow import ValidationError

from aggregates.clock import CHINA
from service.application import inspecting as reads
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.ledger import application as audit
from service.ledger.schemas import AuditEntriesQuery
from service.web.as_of import parse_day
from service.web.blueprint import go_to, pages, render_page
from service.web.event_names import change_kinds, change_name
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of

#: The filters of the trail, as the page's form names them (``from``/``to`` are days here).
FILTERS = ("actor", "from", "to", "event_type", "aggregate_id")
#: Who made a change, by the role its provenance names.
ROLES = {
    "city_admin": lazy_gettext("City administrator"),
    "district_admin": lazy_gettext("District administrator"),
    "township_officer": lazy_gettext("Township officer"),
    "association_worker": lazy_gettext("Village worker"),
    "inspector": lazy_gettext("Inspector"),
    "bureau_auditor": lazy_gettext("Bureau auditor"),
    "operator": lazy_gettext("Server operator"),
}


def china_time(value: Any) -> str:
    """A stored moment as a clock in China shows it (the trail keeps UTC)."""
    if value is None:
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def audited(code: str) -> str:
    """The district's name, once the caller is known to cover it (404 otherwise)."""
    return reads.district_name(caller(), code)


def _bound(day: date, last: bool) -> str:
    """The first (or last) moment of a day in China, as the API's ``from``/``to`` take it."""
    return datetime.combine(day, time.max if last else time.min, CHINA).isoformat()


def _days(form: Form, given: dict[str, str]) -> dict[str, str]:
    """The ``from``/``to`` days as the schema's moments; a bad day refused beside its field."""
    moments: dict[str, str] = {}
    for name in ("from", "to"):
        day, refusal = parse_day(given.get(name, ""), caller().today())
        if refusal:
            form.refused(name, refusal)
        elif day:
            moments[name] = _bound(day, last=name == "to")
    return moments


def filters() -> tuple[Form, dict[str, Any] | None]:
    """The filter form as sent, and the API's query (None when a filter was refused)."""
    given = {k: request.args[k].strip() for k in FILTERS if request.args.get(k, "").strip()}
    form = Form(values=dict(given))
    moments = _days(form, given)
    wire = {k: v for k, v in given.items() if k not in ("from", "to")}
    try:
        query = AuditEntriesQuery().load(
            {**wire, **moments, "limit": PAGE_SIZE, "offset": offset_of(request.args)}
        )
    except ValidationError as error:
        form.invalid(error)
        if "aggregate_id" in form.errors:  # typed, not chosen: say what is expected
            form.errors["aggregate_id"] = gettext(
                "Enter a record's full id, as its history page shows it."
            )
        return form, None
    return form, None if form.errors else query


def own_or_choice(endpoint: str, title: LazyString) -> Response:
    """A district's staff go to their district's page; the city-wide choose a district."""
    own = reads.own_district(caller())
    if own:
        return go_to(url_for(endpoint, code=own))
    return render_page(
        "audit/districts.html",
        title=title,
        endpoint=endpoint,
        districts=reads.districts(caller()),
    )


@pages.route("/audit")
@rule(Action.AUDIT, Target.NONE)
def audit_home() -> Response:
    """The trail of the caller's district, or the choice of a district."""
    return own_or_choice("pages.audit_entries", lazy_gettext("Audit trail"))


@pages.route("/districts/<code>/audit")
@rule(Action.AUDIT, Target.NONE)
def audit_entries(code: str) -> Response:
    """The district's changes in the order they were recorded, filtered and paged."""
    name = audited(code)
    form, query = filters()
    page = None
    if query is not None:
        found = audit.entries(caller(), code, query)
        kept = {"code": code, **form.values}
        page = Page(found.items, found.total, query["offset"], PAGE_SIZE, kept)
    return render_page(
        "audit/entries.html",
        200 if page else 422,
        code=code,
        district_name=name,
        form=form,
        page=page,
        kinds=[(kind, change_name(kind)) for kind in change_kinds()],
        roles=ROLES,
        when=china_time,
        change=change_name,
        today=caller().today().isoformat(),
    )


@pages.route("/districts/<code>/audit/records/<uuid:aggregate_id>")
@rule(Action.AUDIT, Target.NONE)
def record_history(code: str, aggregate_id: UUID) -> Response:
    """One record's every change, oldest first: who, what, when recorded, in effect, why."""
    name = audited(code)
    found = audit.history(caller(), code, aggregate_id, None)
    return render_page(
        "audit/history.html",
        code=code,
        district_name=name,
        aggregate_id=str(aggregate_id),
        entries=found.items,
        roles=ROLES,
        when=china_time,
        change=change_name,
    )
