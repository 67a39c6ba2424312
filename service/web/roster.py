"""The roster (S3.3, S3.5): search the persons of one's villages, and a person's page with
personal data masked; seeing a field in full asks for a reason, and the read is recorded
(service/application/disclosure.py), as through the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request
from flask_babel import gettext

from aggregates.errors import NoSuchDistrict
from service.application.disclosure import Unmasking
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.http.problems import ProblemError
from service.roster import application as roster
from service.roster.schemas import PERSONAL_FIELDS
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of


def _district() -> str:
    """The caller's district: the roster pages serve accounts of one district."""
    district = caller().principal.district
    if not district:
        raise NoSuchDistrict(id="-", field="code")
    return district


@pages.route("/roster")
@rule(Action.READ, Target.NONE)
def roster_search() -> Response:
    """Persons of the caller's villages, by name, paged on the server."""
    text = request.args.get("q", "").strip()[:40]
    offset = offset_of(request.args)
    query: dict[str, Any] = {
        "name_contains": text or None,
        "status": "active",
        "sort": "name",
        "limit": PAGE_SIZE,
        "offset": offset,
    }
    found = roster.persons(caller(), _district(), query)
    page = Page(found.items, found.total, offset, PAGE_SIZE, query={"q": text} if text else {})
    return render_page("roster/search.html", text=text, page=page)


def _person_page(person_id: UUID, form: Form, status: int = 200) -> Response:
    asked = Unmasking(frozenset(form.values.get("unmask", [])), form.values.get("reason"))
    query = {"unmask": sorted(asked.fields), "reason": asked.reason}
    try:
        person = roster.person(caller(), _district(), person_id, query)
    except ProblemError as error:
        if error.status != 422:
            raise
        form.refused("reason", gettext("Say why you need to see it (at least 4 characters)."))
        status = 422
        person = roster.person(caller(), _district(), person_id, {})
    return render_page(
        "roster/person.html", status, person=person, form=form, fields=PERSONAL_FIELDS
    )


@pages.route("/roster/<uuid:person_id>", methods=["GET"])
@rule(Action.READ, Target.NONE)
def person(person_id: UUID) -> Response:
    """A person's page, personal data masked (404 outside the caller's villages)."""
    return _person_page(person_id, Form())


@pages.route("/roster/<uuid:person_id>", methods=["POST"])
@rule(Action.READ, Target.NONE)
def unmask(person_id: UUID) -> Response:
    """The same page with the fields asked for in full, for the reason given (recorded)."""
    form = Form.posted(request.form.to_dict())
    form.values["unmask"] = [f for f in request.form.getlist("unmask") if f in PERSONAL_FIELDS]
    if not form.values["unmask"]:
        form.refused("unmask", gettext("Choose what to see in full."))
        return _person_page(person_id, Form(errors=form.errors), 422)
    return _person_page(person_id, form)
