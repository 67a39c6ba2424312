"""A district's settings (S3.4-S3.6): the visit intervals per household kind and the evaluation
scheme, each a version in force from a date, listed with their history and set one form per
page.  Reads, the district-wide rule and every check are care's (service/care/application.py);
the forms go through the API's schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, request, url_for

from aggregates.care.visit import HouseholdKind
from service.application import inspecting as reads
from service.care import application as care
from service.care.schemas import SchemeIn, VisitIntervalsIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.forms import Form, rows_named
from service.web.one_form import district_form
from service.web.submitting import after, posted, submit

#: Blank criterion rows on the scheme's form.
CRITERION_ROWS = 6
CRITERION_FIELDS = ("key", "name", "weight", "min_score", "max_score")


def number(value: Any) -> Any:
    """A typed number as the schema's strict numbers take it; anything else as typed (refused
    by the schema beside its field)."""
    text = str(value or "").strip()
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return text or None


@pages.route("/districts/<code>/settings")
@rule(Action.READ, Target.NONE)
def settings(code: str) -> Response:
    """The intervals and scheme in force today, and every version recorded."""
    name = reads.district_name(caller(), code)
    query = {"min_position": after()}
    return render_page(
        "admin/settings.html",
        code=code,
        district_name=name,
        intervals=care.intervals(caller(), code, query),
        schemes=care.schemes(caller(), code, query),
        changed=request.args.get("changed"),
    )


def _done(code: str, position: int, changed: str) -> str:
    return url_for("pages.settings", code=code, after=position, changed=changed)


@pages.route("/districts/<code>/settings/visit-intervals", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def visit_intervals(code: str) -> Response:
    """New visit intervals (days) per household kind, in force from a date."""
    page = district_form(code, "admin/intervals.html")

    if request.method == "GET":
        in_force = care.intervals(caller(), code, {})["in_force"]["intervals"]
        return page(Form(values={k: str(v) for k, v in in_force.items()}))
    form = posted()
    payload = {
        "effective_from": form.values.get("effective_from") or None,
        "intervals": {kind: number(form.values.get(kind)) for kind in HouseholdKind},
    }

    def record(data: dict[str, Any]) -> str:
        saved = care.set_visit_intervals(caller(), code, data)
        return _done(code, saved.position, "intervals")

    def flat(messages: Mapping[str, Any]) -> dict[str, Any]:
        inner = messages.get("intervals")
        kinds = inner if isinstance(inner, Mapping) else {"ordinary": inner} if inner else {}
        return {**{k: v for k, v in messages.items() if k != "intervals"}, **kinds}

    names = {"intervals": HouseholdKind.SPECIAL_HARDSHIP.value}
    return submit(form, VisitIntervalsIn(), payload, record, lambda s: page(form, s), names, flat)


def _criteria(form: Form) -> tuple[list[dict[str, Any]], list[int]]:
    """The criterion rows filled in, and the form row each came from."""
    rows, numbers = [], []
    for row in range(CRITERION_ROWS):
        typed = {f: form.values.get(f"criterion-{row}-{f}", "") for f in CRITERION_FIELDS}
        if not any(str(v).strip() for v in typed.values()):
            continue
        criterion: dict[str, Any] = {"key": typed["key"].strip(), "name": typed["name"]}
        for name in ("weight", "min_score", "max_score"):
            if str(typed[name]).strip() or name != "min_score":
                criterion[name] = number(typed[name])
        rows.append(criterion)
        numbers.append(row)
    return rows, numbers


@pages.route("/districts/<code>/settings/evaluation-scheme", methods=["GET", "POST"])
@rule(Action.WRITE, Target.NONE)
def evaluation_scheme(code: str) -> Response:
    """A new evaluation scheme: weighted criteria adding up to 100, and the weight of a
    full-time member's performance against the disabled persons' rating."""
    page = district_form(code, "admin/scheme.html", rows=range(CRITERION_ROWS))

    if request.method == "GET":
        return page(Form(values=_scheme_defaults(code)))
    form = posted()
    criteria, numbers = _criteria(form)
    payload = {
        "effective_from": form.values.get("effective_from") or None,
        "criteria": criteria,
        "performance_weight": number(form.values.get("performance_weight")),
    }

    def record(data: dict[str, Any]) -> str:
        saved = care.adopt_scheme(caller(), code, data)
        return _done(code, saved.position, "scheme")

    def by_row(messages: Mapping[str, Any]) -> dict[str, Any]:
        return rows_named(
            messages, "criteria", lambda index, name: f"criterion-{numbers[index]}-{name}"
        )

    return submit(form, SchemeIn(), payload, record, lambda s: page(form, s), nested=by_row)


def _scheme_defaults(code: str) -> dict[str, str]:
    """The form starts from the scheme in force (or empty)."""
    current = care.schemes(caller(), code, {})["in_force"]
    if not current:
        return {}
    values = {"performance_weight": str(current["performance_weight"])}
    for row, criterion in enumerate(current["criteria"][:CRITERION_ROWS]):
        values.update({f"criterion-{row}-{f}": str(criterion[f]) for f in CRITERION_FIELDS})
    return values
