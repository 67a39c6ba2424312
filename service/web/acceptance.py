"""The joint city acceptance (S4.4) and the acceptance report: each of the three co-signers
(city federation, community governance committee, civil affairs bureau) records its decision,
the third concluding it; the report of a district as of a day, previewed in the page and
downloaded as a workbook or a PDF."""

from __future__ import annotations

from uuid import UUID

from flask import Response
from flask_babel import get_locale

from service.application import campaign
from service.application import inspecting as reads
from service.campaign.reports import (
    PDF_TYPE,
    XLSX_TYPE,
    inspection_rows,
    pdf,
    problem_rows,
    township_rows,
    xlsx,
)
from service.campaign.schemas import DecisionIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.as_of import picked
from service.web.blueprint import pages, render_page
from service.web.inspection_problems import _back, _inspection
from service.web.inspections import _vocabulary
from service.web.one_form import OneForm, one_form_page


@pages.route("/districts/<code>/inspections/<uuid:inspection_id>/decision", methods=["GET", "POST"])
@rule(Action.WRITE, Target.CITY)
def record_decision(code: str, inspection_id: UUID) -> Response:
    """One co-signer's decision in the joint acceptance; the third concludes it."""
    reads.require_city(caller())
    found = _inspection(code, inspection_id)
    decided = {d["body"] for d in found["decisions"]}
    words = _vocabulary()
    return one_form_page(
        code,
        OneForm(
            "inspections/decide.html",
            DecisionIn(),
            ("body", "decision", "decided_on"),
            texts=("signatory", "remarks"),
        ),
        {"i": found, "undecided": [b for b in words["bodies"] if b not in decided], **words},
        {"decided_on": caller().today().isoformat(), "signatory": caller().principal.name},
        lambda data: campaign.decide(caller(), code, inspection_id, **data)[0],
        lambda position: _back(code, inspection_id, position),
    )


def _language() -> str:
    return "zh" if get_locale().language == "zh" else "en"


@pages.route("/districts/<code>/acceptance-report")
@rule(Action.READ, Target.NONE)
def acceptance_report(code: str) -> Response:
    """The acceptance report as of a day and clock, previewed, with its downloads."""
    frame = picked()
    reads.district(caller(), code)
    body = None
    if frame.valid:
        body = campaign.acceptance_report(caller(), code, frame.query())
    lang = _language()
    return render_page(
        "inspections/report.html",
        200 if body else 422,
        code=code,
        frame=frame,
        body=body,
        townships=township_rows(body) if body else [],
        inspection_rows=inspection_rows(body, lang) if body else [],
        problem_rows=problem_rows(body, lang) if body else [],
        **_vocabulary(),
    )


@pages.route("/districts/<code>/acceptance-report.<any(xlsx, pdf):suffix>")
@rule(Action.READ, Target.NONE)
def acceptance_report_file(code: str, suffix: str) -> Response:
    """The report as a workbook or a PDF, in the page's language."""
    frame = picked()
    reads.district(caller(), code)
    if not frame.valid:
        return acceptance_report(code)
    body = campaign.acceptance_report(caller(), code, frame.query())
    render, mimetype = (xlsx, XLSX_TYPE) if suffix == "xlsx" else (pdf, PDF_TYPE)
    filename = f"acceptance-{code}-{body['as_of']}-{frame.basis}.{suffix}"
    return Response(
        render(body, _language()),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
