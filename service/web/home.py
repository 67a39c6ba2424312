"""The start page, each role's home, the language switch and the static files."""

from __future__ import annotations

from flask import Response, current_app, g, redirect, request, url_for

from service.http.access import Action, Principal, Target, rule
from service.web.blueprint import pages, render_page
from service.web.language import CHOICES, COOKIE, local_path
from service.web.navigation import home_endpoint
from service.web.static_files import StaticFiles

YEAR = 365 * 24 * 3600


@pages.route("/")
@rule(Action.PUBLIC, Target.NONE)
def index() -> Response:
    """A new visitor signs in; a signed-in user goes to their role's first page."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        return redirect(url_for("pages.sign_in"), 303)  # type: ignore[return-value]
    return redirect(url_for(home_endpoint(principal)), 303)  # type: ignore[return-value]


@pages.route("/home")
@rule(Action.READ, Target.NONE)
def home() -> Response:
    """The home of a role whose screens come later: who is signed in, what is there."""
    return render_page("home.html")


@pages.route("/language/<choice>")
@rule(Action.PUBLIC, Target.NONE)
def language(choice: str) -> Response:
    """Remember the language chosen and go back where the user was."""
    response = redirect(local_path(request.args.get("next")), 303)
    if choice in CHOICES:
        response.set_cookie(
            COOKIE,
            CHOICES[choice],
            max_age=YEAR,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response  # type: ignore[return-value]


@pages.route("/static/<path:name>")
@rule(Action.PUBLIC, Target.NONE)
def static(name: str) -> Response:
    """A static file (compressed, cached for a year under its versioned address)."""
    files: StaticFiles = current_app.extensions["canxie_static"]
    return files.response(name)
