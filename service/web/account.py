"""Signing in, the first sign-in's password change, signing out (service/application/sign_in.py)."""

from __future__ import annotations

from flask import Response, g, redirect, url_for

from service.http.access import Action, Target, rule
from service.http.auth import SESSION_COOKIE
from service.web.blueprint import pages, render_page


def _signed_out(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, samesite="Lax", httponly=True)
    return response


@pages.route("/sign-in", methods=["GET"])
@rule(Action.PUBLIC, Target.NONE)
def sign_in() -> Response:
    """The sign-in page (signing in itself comes with the accounts' passwords)."""
    if g.get("principal") is not None:
        return redirect(url_for("pages.index"), 303)  # type: ignore[return-value]
    return render_page("account/sign_in.html")


@pages.route("/password", methods=["GET"])
@rule(Action.READ, Target.NONE)
def change_password() -> Response:
    """The password change page."""
    return render_page("account/sign_in.html")


@pages.route("/sign-out", methods=["POST"])
@rule(Action.PUBLIC, Target.NONE)
def sign_out() -> Response:
    """Forget the session and go back to the sign-in page."""
    return _signed_out(redirect(url_for("pages.sign_in"), 303))  # type: ignore[arg-type]
