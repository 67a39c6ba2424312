"""The village worker's task list (S3.5): households to visit, open needs, problems."""

from __future__ import annotations

from flask import Response, request

from service.application import tasks as worker
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import after


@pages.route("/tasks")
@rule(Action.READ, Target.NONE)
def tasks() -> Response:
    """My tasks: the special hardship households first, then the most overdue."""
    offset = offset_of(request.args)
    found = worker.tasks(caller(), offset=offset, limit=PAGE_SIZE, after=after())
    households = Page(found.households.items, found.households.total, offset, PAGE_SIZE, query={})
    return render_page("tasks.html", found=found, households=households)
