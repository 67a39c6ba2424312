"""The roster imported from a CSV or .xlsx file (S3.5): every row checked first, nothing stored
while a row has errors (unless only the valid rows are asked for), the errors shown row by row
and column by column.  Sending the file checks that it can be read and counts its rows, then
starts the import in the background (service/roster/import_jobs.py) and goes to the job's page,
which shows its progress and, once done, its report.  Scope and every check are the roster
application's (service/roster/application.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from projections.platform.import_jobs import ImportJob, ImportJobs
from service.application import inspecting as reads
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.roster import import_jobs
from service.roster.imports import ImportFileError, count_rows
from service.roster.schemas import RosterImportIn
from service.web.blueprint import error_page, go_to, pages, render_page
from service.web.forms import Form
from service.web.import_messages import file_message, kept_failure, kept_row
from service.web.submitting import once, posted

OPTIONS = ("valid_rows_only", "dry_run")
#: Seconds between two refreshes of a running job's page.
REFRESH_SECONDS = 2


def _jobs() -> ImportJobs:
    return ImportJobs(caller().runtime.db)


def _page(code: str, form: Form, status: int = 200) -> Response:
    return render_page(
        "admin/roster_import.html",
        status,
        code=code,
        district_name=reads.district_name(caller(), code),
        form=form,
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
    """Check that the file can be read, start importing it, and go to the job's page."""
    reads.district(caller(), code)
    form = posted()
    options = _options(form)
    if options is None:
        return _page(code, form, 422)
    content = request.files["file"].read()
    filename = options.pop("filename")
    try:
        total = count_rows(lambda: io.BytesIO(content), filename)
    except ImportFileError as error:
        form.refused("file", file_message(str(error)))
        return _page(code, form, 422)
    runner: import_jobs.Runner = current_app.extensions.get(
        "canxie_import_runner", import_jobs.in_thread
    )

    def begin() -> str:
        upload = (filename, content, total)
        job_id = import_jobs.start(caller(), _jobs(), code, upload, options, runner)
        return url_for("pages.roster_import_job", code=code, job_id=job_id)

    return go_to(once(form, begin))


def _job(code: str, job_id: str) -> ImportJob:
    """The caller's own job in this district; anyone else's is not found."""
    reads.district(caller(), code)
    job = _jobs().get(job_id)
    if job is None or job.district != code or job.user_id != caller().principal.actor:
        abort(404)
    return job


@pages.route("/districts/<code>/roster/imports/<job_id>", methods=["GET"])
@rule(Action.WRITE, Target.NONE)
def roster_import_job(code: str, job_id: str) -> Response:
    """A job's progress (refreshing itself while it runs, unless asked not to), then its
    report with the errors by row and column."""
    job = _job(code, job_id)
    refreshing = job.running and request.args.get("refresh") != "off"
    outcome = job.outcome or {}
    answer = render_page(
        "admin/roster_import_job.html",
        code=code,
        district_name=reads.district_name(caller(), code),
        job=job,
        report=outcome if job.phase == "done" else None,
        errors=[kept_row(e) for e in outcome.get("errors", [])],
        failure=kept_failure(outcome) if job.phase == "failed" else None,
        refreshing=refreshing,
        seconds=REFRESH_SECONDS,
    )
    if refreshing:
        # A header, not <meta>: the page offers to stop it (WCAG 2.2.1), and htmx or a
        # browser without scripts follows it alike.
        answer.headers["Refresh"] = str(REFRESH_SECONDS)
        answer.headers["Cache-Control"] = "no-store"
    return answer


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
