"""Administration's start page (city and district administrators): accounts, and each
district's settings, roster import and erasure of personal data."""

from __future__ import annotations

from flask import Response

from service.admin import application as admin
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page


@pages.route("/admin")
@rule(Action.MANAGE_USERS, Target.NONE)
def administration() -> Response:
    """What an administrator manages, district by district."""
    return render_page("admin/index.html", districts=admin.districts(caller()))
