"""Signing in, the first sign-in's password change and signing out: the pages of
service/application/sign_in.py, which decides everything about passwords and sessions."""

from __future__ import annotations

from flask import Response, g, request, url_for
from flask_babel import gettext

from aggregates.errors import DomainError, SignInThrottled
from service.application import sign_in as accounts
from service.application.sign_in import WebSession
from service.http.access import Action, Target, rule
from service.http.auth import SESSION_COOKIE
from service.http.context import services
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import Form
from service.web.language import local_path
from service.web.navigation import home_endpoint


def _keep(response: Response, session: WebSession) -> Response:
    """The browser holds the session id only: HttpOnly, SameSite=Lax, Secure behind TLS."""
    response.set_cookie(
        SESSION_COOKIE,
        session.id,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
        path="/",
    )
    return response


def _forget(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax")
    return response


def _refused(template: str, form: Form, error: DomainError) -> Response:
    form.domain(error)
    form.values.pop("password", None)
    for secret in ("current", "new", "repeat"):
        form.values.pop(secret, None)
    status = 429 if isinstance(error, SignInThrottled) else 422
    response = render_page(template, status, form=form)
    if isinstance(error, SignInThrottled):
        response.headers["Retry-After"] = str(error.facts["retry_after_seconds"])
    return response


@pages.route("/sign-in", methods=["GET"])
@rule(Action.PUBLIC, Target.NONE)
def sign_in() -> Response:
    """The sign-in page (a signed-in user goes on to their home)."""
    if g.get("principal") is not None:
        return go_to(url_for("pages.index"))
    return render_page(
        "account/sign_in.html", form=Form(values={"next": request.args.get("next", "")})
    )


@pages.route("/sign-in", methods=["POST"])
@rule(Action.PUBLIC, Target.NONE)
def signing_in() -> Response:
    """Check the password; a one-time password leads to the password change first."""
    form = Form.posted(request.form.to_dict())
    login = str(form.values.get("login", "")).strip()
    try:
        session = accounts.sign_in(
            services().runtime,
            login,
            str(form.values.get("password", "")),
            request.remote_addr or "-",
        )
    except DomainError as error:
        return _refused("account/sign_in.html", form, error)
    if session.must_change_password:
        target = url_for("pages.change_password")
    else:
        found = accounts.session_principal(services().runtime, session.id)
        home = url_for(home_endpoint(found[0])) if found else url_for("pages.index")
        target = local_path(str(form.values.get("next") or ""), home)
    return _keep(go_to(target), session)


@pages.route("/password", methods=["GET"])
@rule(Action.READ, Target.NONE)
def change_password() -> Response:
    """The password change page (required after signing in with a one-time password)."""
    return render_page("account/password.html", form=Form())


@pages.route("/password", methods=["POST"])
@rule(Action.READ, Target.NONE)
def changing_password() -> Response:
    """Set the new password; every other session of the account ends."""
    form = Form.posted(request.form.to_dict())
    new, repeat = str(form.values.get("new", "")), str(form.values.get("repeat", ""))
    if new != repeat:
        form.refused("repeat", gettext("The two new passwords differ."))
        form.values.clear()
        return render_page("account/password.html", 422, form=form)
    try:
        session = accounts.change_password(
            services().runtime, g.web_session.id, str(form.values.get("current", "")), new
        )
    except DomainError as error:
        return _refused("account/password.html", form, error)
    return _keep(go_to(url_for(home_endpoint(g.principal), changed="password")), session)


@pages.route("/sign-out", methods=["POST"])
@rule(Action.PUBLIC, Target.NONE)
def sign_out() -> Response:
    """End the session and go back to the sign-in page."""
    session_id = request.cookies.get(SESSION_COOKIE, "")
    if session_id:
        accounts.sign_out(services().runtime, session_id)
    return _forget(go_to(url_for("pages.sign_in")))
