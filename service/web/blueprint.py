"""The pages' blueprint and what every page shares: rendering a whole page or the part htmx
asked for, CSRF on every form, the security headers, and errors as pages (404 for anything
outside the caller's scope, as the API answers)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2_fragments.flask import render_block
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from aggregates.errors import NotFound
from projections.platform.submissions import StillRunning
from service.http.auth import PasswordChangeNeeded, SignInNeeded
from service.http.problems import ProblemError
from service.web.language import here
from service.web.security import page_headers

pages = Blueprint("pages", __name__, template_folder="templates")
csrf = CSRFProtect()

#: The element htmx swaps: every page's ``<main id="main">`` (the template block ``main``).
MAIN = "main"


def wants_fragment() -> bool:
    """An htmx request for the page's main part (not a boosted whole page, not history)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == MAIN
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _block(template: str, name: str, context: dict[str, Any]) -> str:
    """One block of the page as the whole page draws it, also where a layout the page extends
    (form_page.html) defines it: the page's own settings (its ``labels``) and blocks in scope."""
    page = current_app.jinja_env.get_template(template)
    if name in page.blocks:
        return str(render_block(template, name, **context))
    current_app.update_template_context(context)
    drawn = page.new_context(context)
    for _ in page.root_render_func(drawn):  # the page's settings run, its layouts' blocks known
        pass
    return str(current_app.jinja_env.concat(drawn.blocks[name][0](drawn)))


def render_page(template: str, status: int = 200, **context: Any) -> Response:
    """The whole page, or its ``main`` block (with the page's title) for htmx."""
    if wants_fragment():
        title = _block(template, "title", context)
        body = _block(template, MAIN, context)
        nav = render_template("nav.html", oob=True)
        html = f"<title>{escape(title.strip())} · {escape(gettext('canxie'))}</title>\n{body}{nav}"
    else:
        html = render_template(template, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    if status >= 400:  # a refused form stays at its address in the history
        response.headers["HX-Push-Url"] = "false"
    return response


@pages.before_request
def _protect() -> None:
    """Every form sent to a page carries the CSRF token (field, or htmx's header)."""
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        csrf.protect()


@pages.after_request
def _headers(response: Response) -> Response:
    return page_headers(response)


def error_page(status: int, heading: str, detail: str) -> Response:
    """An error as a page of the site, in the page's language."""
    return render_page("errors/error.html", status, heading=heading, detail=detail)


@pages.errorhandler(NotFound)
def _not_found(error: Exception | None) -> Response:
    return error_page(404, gettext("Page not found"), gettext("There is nothing here for you."))


@pages.errorhandler(StillRunning)
def _still_running(error: StillRunning) -> Response:
    return error_page(
        409,
        gettext("This form is still being saved"),
        gettext("Look at your task list in a moment before sending it again."),
    )


@pages.errorhandler(CSRFError)
def _csrf(error: CSRFError) -> Response:
    return error_page(
        400,
        gettext("The form has expired"),
        gettext("Go back, reload the page and send the form again."),
    )


def _status_page(status: int) -> Response:
    """A refusal or failure of the service as a page: 404, 403, or try again later."""
    if status == 404:
        return _not_found(None)
    if status == 403:
        return error_page(403, gettext("Not allowed"), gettext("Your role may not do this."))
    return error_page(status, gettext("Something went wrong"), gettext("Try again later."))


@pages.errorhandler(ProblemError)
def _problem(error: ProblemError) -> Response:
    if error.status >= 500:
        current_app.logger.warning("page problem %s: %s", error.status, error.detail)
    return _status_page(error.status)


@pages.errorhandler(HTTPException)
def _http(error: HTTPException) -> Response:
    return _status_page(error.code or 500)


def go_to(location: str) -> Response:
    """Redirect after a POST (303), or tell htmx to load the page as a whole."""
    if request.headers.get("HX-Request") == "true" and not wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, 303)  # type: ignore[return-value]


@pages.errorhandler(SignInNeeded)
def _sign_in_needed(error: SignInNeeded) -> Response:
    return go_to(url_for("pages.sign_in", next=here()))


@pages.errorhandler(PasswordChangeNeeded)
def _password_change_needed(error: PasswordChangeNeeded) -> Response:
    return go_to(url_for("pages.change_password"))
