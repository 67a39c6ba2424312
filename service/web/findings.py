"""The association's compliance as of a day (issue 16's drill-down, below the township): each
failed rule with its clause id, the plan's own wording of that clause (service/web/clauses.py)
and the facts behind the finding — who is missing, which household is overdue since when."""

from __future__ import annotations

from flask import Response

from service.application import dashboard
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.as_of import picked
from service.web.blueprint import pages
from service.web.clauses import CLAUSES
from service.web.dashboard import show


@pages.route("/compliance/districts/<code>/associations/<association_id>")
@rule(Action.READ, Target.NONE)
def compliance_association(code: str, association_id: str) -> Response:
    """Every rule checked against one association, the failed ones with their clause."""
    asof = picked()
    found = dashboard.association(caller(), code, association_id, asof.query())
    return show("dashboard/association.html", asof.status, asof=asof, found=found, clauses=CLAUSES)
