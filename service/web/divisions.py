"""Districts and their divisions (区划): a new district (the city's administrator), a district's
townships and villages, one entered or many imported from the city's CSV, and a division renamed,
split or villages merged, each from a date.  The register's rules, scope and the district-wide
requirement are the divisions application's (service/divisions/application.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Response, request, url_for
from flask_babel import get_locale, gettext, lazy_gettext
from marshmallow import ValidationError

from aggregates.errors import DivisionImportRefused, DomainError
from aggregates.store.district import DistrictRecords
from service.admin import application as admin
from service.application import inspecting as reads
from service.association.schemas import DivisionImportIn, DivisionIn, MergeIn, RenameIn, SplitIn
from service.divisions import application as divisions
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.http.schemas import DistrictIn
from service.messages import say
from service.web.blueprint import pages, render_page
from service.web.event_names import DIVISION_CHANGES, division_details
from service.web.forms import Form, rows_named
from service.web.one_form import OneForm, district_form, one_form_page
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.roster_import import UPLOAD_PAGES
from service.web.submitting import after, posted, submit

LEVELS = {"township": lazy_gettext("Township"), "village": lazy_gettext("Village")}
#: The import's own messages about a file's shape (not domain refusals), in the catalog.
FILE_MESSAGES = {
    "missing column": lazy_gettext("Missing column."),
    "must not be empty": lazy_gettext("Empty: fill it in."),
    "must be a date like 2021-03-01": lazy_gettext("Must be a date like 2021-03-01."),
}
RENAME_FORM = OneForm("admin/rename.html", RenameIn(), ("effective_on",), ("name",))
DIVISION_FORM = OneForm(
    "admin/division_new.html", DivisionIn(), ("code", "effective_on"), ("name",)
)


@pages.route("/admin/districts/new", methods=["GET", "POST"])
@rule(Action.CREATE_DISTRICT, Target.NONE)
def new_district() -> Response:
    """A new district with its own store (the city's administrator only)."""
    if request.method == "GET":
        return render_page("admin/district_new.html", form=Form())
    form = posted()
    payload = {name: form.values.get(name) or None for name in ("code", "name")}

    def record(data: dict[str, Any]) -> str:
        created = admin.create_district(caller(), data["code"], data["name"])
        return url_for("pages.divisions_page", code=created.code)

    return submit(
        form,
        DistrictIn(),
        payload,
        record,
        lambda status: render_page("admin/district_new.html", status, form=form),
    )


@pages.route("/districts/<code>/divisions")
@rule(Action.READ, Target.NONE)
def divisions_page(code: str) -> Response:
    """The district's townships and villages (ended ones too), paged."""
    name = reads.district_name(caller(), code)
    offset = offset_of(request.args)
    query = {"include_ended": True, "limit": PAGE_SIZE, "offset": offset, "min_position": after()}
    items, total = divisions.divisions(caller(), code, query)
    return render_page(
        "admin/divisions.html",
        code=code,
        district_name=name,
        page=Page(items, total, offset, PAGE_SIZE, query={"code": code}),
        levels=LEVELS,
        changed=request.args.get("changed"),
    )


def _done(code: str, position: int | None) -> str:
    return url_for("pages.divisions_page", code=code, after=position, changed=1)


@pages.route("/districts/<code>/divisions/new", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def new_division(code: str) -> Response:
    """One township (9 digits) or village (12 digits) entered in the register."""
    return one_form_page(
        code,
        DIVISION_FORM,
        {},
        {},
        lambda data: divisions.change(caller(), code, DistrictRecords.record_division, **data),
        lambda position: _done(code, position),
    )


@pages.route("/districts/<code>/divisions/<division_code>/renaming", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def rename_division(code: str, division_code: str) -> Response:
    """A new name for a township or village from a date."""
    found = divisions.division(caller(), code, division_code, None)
    return one_form_page(
        code,
        RENAME_FORM,
        {"division": found},
        {"name": found["name"]},
        lambda data: divisions.change(
            caller(), code, DistrictRecords.rename_division, division_code, **data
        ),
        lambda position: _done(code, position),
    )


@pages.route("/districts/<code>/divisions/<division_code>")
@rule(Action.READ, Target.NONE)
def division_page(code: str, division_code: str) -> Response:
    """A division with its history (renamings, merges, splits)."""
    reads.district(caller(), code)
    found = divisions.division(caller(), code, division_code, after())
    return render_page(
        "admin/division.html",
        code=code,
        division=found,
        levels=LEVELS,
        changes=DIVISION_CHANGES,
        details=division_details,
    )


def _import_page(code: str, form: Form, status: int = 200, **shown: Any) -> Response:
    return render_page("admin/divisions_import.html", status, code=code, form=form, **shown)


UPLOAD_PAGES["pages.import_divisions"] = _import_page


def _refused_rows(refused: DivisionImportRefused) -> list[dict[str, Any]]:
    """Each refused line with its column and message in the page's language."""
    rows = []
    for row in refused.rows:
        error, message = row.get("error"), str(row["message"])
        if isinstance(error, DomainError):
            message = say(error, str(get_locale()))
        elif message.startswith("not CSV"):
            message = gettext("Not CSV.")
        elif message in FILE_MESSAGES:
            message = str(FILE_MESSAGES[message])
        rows.append({"line": row["line"], "column": row["field"], "message": message})
    return rows


def _csv_text(form: Form) -> str | None:
    """The uploaded file as text (UTF-8 or GB18030), or None with the message beside it."""
    upload = request.files.get("file")
    content = upload.read() if upload and upload.filename else b""
    if not content:
        form.refused("file", gettext("Choose a .csv file."))
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    form.refused("file", gettext("The file is neither UTF-8 nor GB18030 text."))
    return None


@pages.route("/districts/<code>/divisions/import", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def import_divisions(code: str) -> Response:
    """Townships and villages from a CSV file (the city's file as it is): all rows or none."""
    reads.district(caller(), code)
    if request.method == "GET":
        return _import_page(code, Form())
    form = posted()
    text = _csv_text(form)
    if text is None:
        return _import_page(code, form, 422)
    try:
        data = DivisionImportIn().load(
            {"csv": text, "effective_on": form.values.get("effective_on") or None}
        )
        imported = divisions.import_csv(caller(), code, data["csv"], data["effective_on"])
    except ValidationError as error:
        form.invalid(error, {"csv": "file"})
        return _import_page(code, form, 422)
    except DivisionImportRefused as refused:
        form.refused("file", say(refused, str(get_locale())))
        return _import_page(code, form, 422, refused=_refused_rows(refused))
    return _import_page(code, Form(), imported=imported)


def _codes(text: str) -> list[str]:
    """Codes typed one per line or separated by commas or spaces."""
    return [c for c in re.split(r"[\s,，、]+", text) if c]


@pages.route("/districts/<code>/divisions/merger", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def merge_villages(code: str) -> Response:
    """Villages merged into one of them or into a new one, from a date."""
    page = district_form(code, "admin/merge.html")

    if request.method == "GET":
        return page(Form())
    form = posted()
    payload = {
        "sources": _codes(str(form.values.get("sources", ""))),
        "into_code": form.values.get("into_code") or None,
        "into_name": form.values.get("into_name") or None,
        "effective_on": form.values.get("effective_on") or None,
    }

    def record(data: dict[str, Any]) -> str:
        saved = divisions.change(caller(), code, DistrictRecords.merge_villages, **data)
        return _done(code, saved.position)

    return submit(form, MergeIn(), payload, record, lambda status: page(form, status))


#: Part rows on the split form, and each row's fields.
PART_ROWS = 4
PART = ("code", "name")


@pages.route("/districts/<code>/divisions/<division_code>/split", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def split_village(code: str, division_code: str) -> Response:
    """A village split into parts from a date; its association follows the part named."""
    found = divisions.division(caller(), code, division_code, None)
    page = district_form(code, "admin/split.html", division=found, rows=range(PART_ROWS))

    if request.method == "GET":
        return page(Form())
    form = posted()
    rows = [r for r in range(PART_ROWS) if any(form.values.get(f"part-{r}-{f}") for f in PART)]
    payload = {
        "parts": [{f: form.values.get(f"part-{r}-{f}") or None for f in PART} for r in rows],
        "effective_on": form.values.get("effective_on") or None,
        "association_to": form.values.get("association_to") or None,
    }

    def by_row(messages: Mapping[str, Any]) -> dict[str, Any]:
        return rows_named(messages, "parts", lambda index, name: f"part-{rows[index]}-{name}")

    def record(data: dict[str, Any]) -> str:
        saved = divisions.change(
            caller(), code, DistrictRecords.split_village, division_code, **data
        )
        return _done(code, saved.position)

    return submit(form, SplitIn(), payload, record, lambda s: page(form, s), nested=by_row)
