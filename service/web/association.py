"""My association (read-mostly): its status and term, sitting officers (personal data
masked), facilities, full-time members and the training its officers attended."""

from __future__ import annotations

from flask import Response

from service.application import village_association as own
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.vocabulary import FACILITIES, OFFICES


@pages.route("/association")
@rule(Action.READ, Target.NONE)
def my_association() -> Response:
    """The worker's own association as the records hold it today."""
    return render_page(
        "association/index.html",
        association=own.profile(caller()),
        offices=OFFICES,
        facilities=FACILITIES,
    )
