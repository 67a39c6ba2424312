"""The roster imported from a CSV or .xlsx file (S3.5): every row checked first, nothing stored
while a row has errors (unless only the valid rows are asked for), the errors shown row by row
and column by column.  The import runs synchronously within the request, as the API's does
(files up to the body limit; larger ones: ``canxie roster import``); scope and every check are
the roster application's (service/roster/application.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Response, request
from flask_babel import gettext
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from service.application import inspecting as reads
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.roster import application as roster
from service.roster.imports import ImportFileError, ImportReport
from service.roster.schemas import RosterImportIn
from service.web.blueprint import error_page, pages, render_page
from service.web.forms import Form
from service.web.import_messages import column_label, file_message, row_message
from service.web.submitting import posted

#: Row errors shown at most (the count says how many there are).
SHOWN_ERRORS = 500
OPTIONS = ("valid_rows_only", "dry_run")


def _page(code: str, form: Form, status: int = 200, report: ImportReport | None = None) -> Response:
    errors = [
        {"row": e.row, "column": column_label(e), "message": row_message(e)}
        for e in (report.errors[:SHOWN_ERRORS] if report else [])
    ]
    return render_page(
        "admin/roster_import.html",
        status,
        code=code,
        district_name=reads.district_name(caller(), code),
        form=form,
        report=report,
        errors=errors,
        shown=SHOWN_ERRORS,
    )


@pages.route("/districts/<code>/roster-import", methods=["GET"])
@rule(Action.WRITE, Target.NONE)
def roster_import(code: str) -> Response:
    """The import form."""
    return _page(code, Form())


def _options(form: Form) -> dict[str, Any] | None:
    """The file's name and the options, parsed by the API's schema."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.refused("file", gettext("Choose a .csv or .xlsx file."))
        return None
    sent = {name: form.values.get(name) == "on" for name in OPTIONS}
    try:
        options: dict[str, Any] = RosterImportIn(only=("filename", *OPTIONS)).load(
            {"filename": upload.filename, **sent}
        )
    except ValidationError:
        form.refused("file", gettext("Choose a .csv or .xlsx file."))
        return None
    return options


@pages.route("/districts/<code>/roster-import", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def importing_roster(code: str) -> Response:
    """Check the file and import it (or only check it); the report with its errors."""
    reads.district(caller(), code)
    form = posted()
    options = _options(form)
    if options is None:
        return _page(code, form, 422)
    content = request.files["file"].read()
    try:
        report = roster.import_file(
            caller(), code, lambda: io.BytesIO(content), options.pop("filename"), **options
        )
    except ImportFileError as error:
        form.refused("file", file_message(str(error)))
        return _page(code, form, 422)
    status = 422 if report.errors and not report.valid_rows_only else 200
    return _page(code, form, status, report)


#: The pages sending a file (endpoint -> the page with its form refused), where a file over the
#: body limit is said beside the file field.
UPLOAD_PAGES: dict[str, Callable[[str, Form, int], Response]] = {"pages.importing_roster": _page}


@pages.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Response:
    """A file over the body limit: said beside the file field, else as an error page."""
    code = (request.view_args or {}).get("code")
    shown = UPLOAD_PAGES.get(request.endpoint or "")
    if shown and code:
        form = Form()
        form.refused(
            "file", gettext("The file is too large for the page: import it with the command line.")
        )
        return shown(str(code), form, 413)
    return error_page(413, gettext("Something went wrong"), gettext("The request is too large."))
