"""The township officer's overview (S2, S3.3-S3.7) and the overdue home visits across the
township's villages; each association links to its page (service/web/officers.py)."""

from __future__ import annotations

from flask import Response, request

from service.application import township
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.paging import PAGE_SIZE, Page, offset_of


@pages.route("/township")
@rule(Action.READ, Target.NONE)
def township_overview() -> Response:
    """Every association of the township with the rules it fails today, its overdue visits
    and open problems, paged; the villages still without an association."""
    offset = offset_of(request.args)
    found = township.overview(caller(), offset=offset, limit=PAGE_SIZE)
    page = Page(found.associations, found.total, offset, PAGE_SIZE)
    return render_page("township/overview.html", found=found, page=page)


@pages.route("/township/overdue-visits")
@rule(Action.READ, Target.NONE)
def overdue_visits() -> Response:
    """Households overdue a home visit in the township's villages, most overdue first."""
    offset = offset_of(request.args)
    found = township.overdue_visits(caller(), offset=offset, limit=PAGE_SIZE)
    page = Page(found.items, found.total, offset, PAGE_SIZE)
    return render_page("township/overdue.html", found=found, page=page)
