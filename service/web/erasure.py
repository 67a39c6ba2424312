"""Erasure of a person's personal data (被遗忘), behind a two-step confirmation: find the
person, say why (step 1, a GET form), then a page naming what will be erased, whose button is
the only POST (step 2).  Scope, the reason's rules and the erasure itself are the roster
application's (service/roster/application.py); what is erased is the domain's list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for
from flask_babel import LazyString, lazy_gettext
from marshmallow import ValidationError

from aggregates.roster.person import PERSONAL_DETAILS
from service.application import inspecting as reads
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.roster import application as roster
from service.roster.schemas import PersonErasureIn
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import posted, submit

#: How the pages name each personal field the erasure forgets.
ERASED_FIELDS: dict[str, LazyString] = {
    "name": lazy_gettext("Name"),
    "birth_date": lazy_gettext("Date of birth"),
    "resident_id": lazy_gettext("Resident ID"),
    "certificate_number": lazy_gettext("Disability certificate"),
    "address": lazy_gettext("Address"),
    "phone": lazy_gettext("Phone"),
    "hardship_reason": lazy_gettext("Reason for special hardship"),
}


def erased_fields() -> list[str]:
    """What an erasure forgets, in the domain's order, as the page says it."""
    names = (path.removeprefix("details.") for path in PERSONAL_DETAILS)
    return [str(ERASED_FIELDS.get(name, name)) for name in names]


@pages.route("/districts/<code>/erasure")
@rule(Action.ERASE, Target.NONE)
def erasure(code: str) -> Response:
    """Find the person whose personal data is to be erased, by name (paged)."""
    name = reads.district_name(caller(), code)  # 404 outside the caller's districts
    text = request.args.get("q", "").strip()[:40]
    offset = offset_of(request.args)
    page = None
    if text:
        query: dict[str, Any] = {"name_contains": text, "sort": "name"}
        found = roster.persons(caller(), code, {**query, "limit": PAGE_SIZE, "offset": offset})
        page = Page(found.items, found.total, offset, PAGE_SIZE, query={"code": code, "q": text})
    return render_page(
        "admin/erasure_find.html",
        code=code,
        district_name=name,
        text=text,
        page=page,
        erased=request.args.get("erased") == "1",
    )


def _step(code: str, person_id: UUID, template: str, form: Form, status: int = 200) -> Response:
    reads.district(caller(), code)
    person = roster.person(caller(), code, person_id, {})
    return render_page(
        template, status, code=code, person=person, form=form, fields=erased_fields()
    )


@pages.route("/districts/<code>/erasure/<uuid:person_id>")
@rule(Action.ERASE, Target.NONE)
def erasure_reason(code: str, person_id: UUID) -> Response:
    """Step 1: the person, and why their personal data is erased."""
    return _step(code, person_id, "admin/erasure_reason.html", Form())


@pages.route("/districts/<code>/erasure/<uuid:person_id>/confirm", methods=["GET"])
@rule(Action.ERASE, Target.NONE)
def erasure_confirm(code: str, person_id: UUID) -> Response:
    """Step 2: what will be erased, for good, and the button that erases it; a reason the
    schema refuses sends step 1 back with the message beside it."""
    form = Form(values={"reason": request.args.get("reason", "")})
    try:
        PersonErasureIn().load({"reason": form.values["reason"]})
    except ValidationError as error:
        form.invalid(error)
        return _step(code, person_id, "admin/erasure_reason.html", form, 422)
    return _step(code, person_id, "admin/erasure_confirm.html", form)


@pages.route("/districts/<code>/erasure/<uuid:person_id>/confirm", methods=["POST"])
@rule(Action.ERASE, Target.NONE)
def erasing(code: str, person_id: UUID) -> Response:
    """Erase, once, and go back to the search saying so."""
    reads.district(caller(), code)
    form = posted()

    def record(data: dict[str, Any]) -> str:
        roster.erase(caller(), code, person_id, data["reason"])
        return url_for("pages.erasure", code=code, erased=1)

    return submit(
        form,
        PersonErasureIn(),
        {"reason": form.values.get("reason", "")},
        record,
        lambda status: _step(code, person_id, "admin/erasure_reason.html", form, status),
    )
