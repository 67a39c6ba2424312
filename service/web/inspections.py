"""Inspections of the campaign (S4 phases 3 and 4): a district's inspections on any day and
clock, a new inspection planned step by step (what and when, then the associations township by
township, then the problem list the rules found on its day, kept, edited or removed, plus the
inspector's own), and one inspection with its problem list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for
from flask_babel import gettext, lazy_gettext
from marshmallow import ValidationError

from aggregates.campaign.inspection import Body, InspectionKind
from aggregates.errors import DateInFuture, DomainError
from service.application import campaign
from service.application import inspecting as reads
from service.campaign.schemas import InspectionIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.as_of import BASES, picked
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import Form
from service.web.submitting import after, posted, submit
from service.web.vocabulary import PROBLEM_STATES

KINDS = {
    InspectionKind.SUPERVISION.value: lazy_gettext("Level-by-level supervision"),
    InspectionKind.MUTUAL_INSPECTION.value: lazy_gettext("Mutual check"),
    InspectionKind.SPOT_CHECK.value: lazy_gettext("Key spot check"),
    InspectionKind.TOWNSHIP_ACCEPTANCE.value: lazy_gettext("Township acceptance"),
    InspectionKind.DISTRICT_ACCEPTANCE.value: lazy_gettext("County acceptance"),
    InspectionKind.CITY_JOINT_ACCEPTANCE.value: lazy_gettext("Joint city acceptance"),
}
OUTCOMES = {
    "passed": lazy_gettext("Passed"),
    "conditional": lazy_gettext("Passed once rectified"),
    "failed": lazy_gettext("Not passed"),
}
BODIES = {
    Body.CITY_FEDERATION.value: lazy_gettext("City federation of disabled persons"),
    Body.GOVERNANCE_COMMITTEE.value: lazy_gettext("Community governance committee"),
    Body.CIVIL_AFFAIRS_BUREAU.value: lazy_gettext("Civil affairs bureau"),
}
#: The first step's fields, as the API's schema names them.
PLAN_FIELDS = ("kind", "title", "inspected_on", "inspectors")
#: Blank lines for problems the inspector writes on the list.
WRITTEN_ROWS = 3
#: A township's associations shown at once for sampling (a township has a few dozen).
SAMPLE_LIMIT = 100


def _vocabulary() -> dict[str, Any]:
    return {
        "kinds": KINDS,
        "outcomes": OUTCOMES,
        "bodies": BODIES,
        "states": PROBLEM_STATES,
        "bases": BASES,
    }


@pages.route("/inspections")
@rule(Action.READ, Target.NONE)
def inspections_home() -> Response:
    """A district-scoped supervisor's inspections; a city-wide one chooses the district."""
    own = reads.own_district(caller())
    if own:
        return go_to(url_for("pages.inspections", code=own))
    return render_page("inspections/districts.html", districts=reads.districts(caller()))


@pages.route("/districts/<code>/inspections")
@rule(Action.READ, Target.NONE)
def inspections(code: str) -> Response:
    """The district's inspections on a day and clock (live by default)."""
    frame = picked()
    name = reads.district_name(caller(), code)
    found = campaign.inspections(caller(), code, frame.query()) if frame.valid else None
    return render_page(
        "inspections/index.html",
        422 if found is None else 200,
        code=code,
        district_name=name,
        found=found,
        frame=frame,
        may_inspect=caller().principal.may(Action.INSPECT),
        **_vocabulary(),
    )


@pages.route("/districts/<code>/inspections/<uuid:inspection_id>")
@rule(Action.READ, Target.NONE)
def inspection(code: str, inspection_id: UUID) -> Response:
    """One inspection: its sample, its problem list and, for the joint acceptance, who
    signed what and when."""
    frame = picked()
    caller().reading(reads.district(caller(), code), after())
    query = frame.query()
    found = campaign.inspection(caller(), code, inspection_id, query)["inspection"]
    principal = caller().principal
    return render_page(
        "inspections/inspection.html",
        200 if frame.valid else 422,
        code=code,
        i=found,
        frame=frame,
        recorded=request.args.get("recorded"),
        may_inspect=principal.may(Action.INSPECT),
        may_sign=principal.city_wide and principal.may(Action.WRITE),
        **_vocabulary(),
    )


# -- planning a new inspection, step by step --------------------------------------------------


def _plan(code: str, form: Form) -> dict[str, Any] | None:
    """The first step's values parsed by the API's schema (refusals beside the fields)."""
    values = form.values
    payload = {
        "kind": values.get("kind", ""),
        "title": values.get("title", ""),
        "inspected_on": values.get("inspected_on") or None,
        "inspectors": [p.strip() for p in values.get("inspectors", "").split(",") if p.strip()],
    }
    try:
        plan: dict[str, Any] = InspectionIn(only=PLAN_FIELDS).load(payload)
    except ValidationError as error:
        form.invalid(error)
        return None
    if plan["inspected_on"] > caller().today():
        form.domain(DateInFuture(day=plan["inspected_on"], field="inspected_on"))
        return None
    if not values.get("township"):
        form.refused("township", gettext("Choose a township."))
        return None
    if plan["kind"] == InspectionKind.CITY_JOINT_ACCEPTANCE and not caller().principal.city_wide:
        form.refused("kind", gettext("The joint city acceptance is opened by the city."))
        return None
    return plan


def _step_form() -> Form:
    form = Form(values=request.args.to_dict())
    form.values["association_ids"] = request.args.getlist("association_ids")
    return form


def _first_step(code: str, form: Form, status: int = 200) -> Response:
    return render_page(
        "inspections/new.html",
        status,
        code=code,
        form=form,
        townships=reads.townships(caller(), code),
        city_wide=caller().principal.city_wide,
        **_vocabulary(),
    )


@pages.route("/districts/<code>/inspections/new")
@rule(Action.INSPECT, Target.NONE)
def new_inspection(code: str) -> Response:
    """Step 1: the kind, the title, the day, the inspectors and the first township."""
    form = _step_form()
    form.values.setdefault("inspected_on", caller().today().isoformat())
    form.values.setdefault("inspectors", caller().principal.name or "")
    return _first_step(code, form)


def _chosen_ids(form: Form) -> list[UUID]:
    ids = []
    for value in form.values.get("association_ids", []):
        try:
            ids.append(UUID(str(value)))
        except ValueError:
            form.refused("association_ids", gettext("Choose from the list."))
    return list(dict.fromkeys(ids))


@pages.route("/districts/<code>/inspections/new/sample")
@rule(Action.INSPECT, Target.NONE)
def sample(code: str) -> Response:
    """Step 2: the associations of one township to sample; another township may be shown,
    and those already chosen stay chosen."""
    form = _step_form()
    plan = _plan(code, form)
    ids = _chosen_ids(form)
    if plan is None:
        return _first_step(code, form, 422)
    return _sample_page(code, form, ids)


def _sample_page(code: str, form: Form, ids: list[UUID], status: int = 200) -> Response:
    township = str(form.values["township"])
    shown, total = reads.associations_of(caller(), code, township, 0, SAMPLE_LIMIT)
    shown_ids = {str(a["id"]) for a in shown}
    elsewhere = [a for a in reads.chosen(caller(), code, ids) if str(a["id"]) not in shown_ids]
    return render_page(
        "inspections/sample.html",
        status,
        code=code,
        form=form,
        shown=shown,
        total=total,
        elsewhere=elsewhere,
        chosen={str(i) for i in ids},
        townships=reads.townships(caller(), code),
        **_vocabulary(),
    )


def _township_code(plan: dict[str, Any], form: Form) -> str | None:
    """A township acceptance is of its township; other kinds span the district."""
    if plan["kind"] == InspectionKind.TOWNSHIP_ACCEPTANCE:
        return str(form.values["township"])
    return None


@pages.route("/districts/<code>/inspections/new/problems")
@rule(Action.INSPECT, Target.NONE)
def new_problems(code: str) -> Response:
    """Step 3: the problem list the rules found on the inspection's day, to keep, edit or
    remove, and lines for the inspector's own problems."""
    form = _step_form()
    plan = _plan(code, form)
    if plan is None:
        return _first_step(code, form, 422)
    ids = _chosen_ids(form)
    if not ids:
        form.refused("association_ids", gettext("Choose at least one association."))
        return _sample_page(code, form, ids, 422)
    try:
        rows = _finding_rows(code, plan, form, ids, fresh=True)
    except DomainError as error:
        form.domain(error)
        return _first_step(code, form, 422)
    return _problems_page(code, form, plan, ids, rows)


def _finding_rows(
    code: str, plan: dict[str, Any], form: Form, ids: list[UUID], *, fresh: bool = False
) -> list[dict[str, Any]]:
    """The failing findings as rows of the list; ``fresh``: each kept, as the rules word it."""
    findings = reads.prefilled_problems(
        caller(),
        code,
        kind=InspectionKind(plan["kind"]),
        inspected_on=plan["inspected_on"],
        township_code=_township_code(plan, form),
        association_ids=ids,
    )
    rows = []
    for index, finding in enumerate(findings):
        rows.append(
            {
                "index": index,
                "rule_id": finding["rule_id"],
                "clause": finding["clause"],
                "title": finding["title_zh"],
                "title_en": finding["title_en"],
                "where": finding["association_name"] or finding["division_code"],
                "subject": finding["association_id"] or finding["division_code"],
                "association": finding["association_id"] is not None,
            }
        )
        if fresh:
            form.values[f"keep_{index}"] = "yes"
            form.values[f"description_{index}"] = finding["title_zh"]
    return rows


def _problems_page(
    code: str,
    form: Form,
    plan: dict[str, Any],
    ids: list[UUID],
    rows: list[dict[str, Any]],
    status: int = 200,
) -> Response:
    return render_page(
        "inspections/problems.html",
        status,
        code=code,
        form=form,
        plan=plan,
        rows=rows,
        sampled=reads.chosen(caller(), code, ids),
        written=range(WRITTEN_ROWS),
        **_vocabulary(),
    )


def _payload(form: Form, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The inspection as the API takes it: kept findings with their (edited) descriptions,
    removed ones dismissed, and the inspector's own lines."""
    values = form.values
    problems, dismissed = [], []
    for row in rows:
        subject = {"association_id" if row["association"] else "division_code": row["subject"]}
        if values.get(f"keep_{row['index']}"):
            text = str(values.get(f"description_{row['index']}", "")).strip()
            problems.append({"description": text, "rule_id": row["rule_id"], **subject})
        else:
            dismissed.append({"rule_id": row["rule_id"], **subject})
    for n in range(WRITTEN_ROWS):
        text = str(values.get(f"written_{n}", "")).strip()
        if text:
            problems.append(
                {
                    "description": text,
                    "association_id": values.get(f"written_association_{n}") or None,
                    "clause": values.get(f"written_clause_{n}") or None,
                }
            )
    return {
        "kind": values.get("kind"),
        "title": values.get("title"),
        "inspected_on": values.get("inspected_on"),
        "inspectors": [p.strip() for p in str(values.get("inspectors", "")).split(",") if p],
        "association_ids": values.get("association_ids", []),
        "problems": problems,
        "dismissed": dismissed,
    }


@pages.route("/districts/<code>/inspections", methods=["POST"])
@rule(Action.INSPECT, Target.NONE)
def open_inspection(code: str) -> Response:
    """Record the inspection with its problem list once, then show it."""
    form = posted(lists=("association_ids",))
    plan = _plan(code, form)
    ids = _chosen_ids(form)
    if plan is None or not ids:
        form.refused("association_ids", gettext("Choose at least one association."))
        return _first_step(code, form, 422)
    rows = _finding_rows(code, plan, form, ids)
    payload = {**_payload(form, rows), "township_code": _township_code(plan, form)}

    def record(data: dict[str, Any]) -> str:
        saved = campaign.open_inspection(caller(), code, **data)
        return url_for(
            "pages.inspection",
            code=code,
            inspection_id=saved.id,
            recorded=1,
            after=saved.position,
        )

    return submit(
        form,
        InspectionIn(),
        payload,
        record,
        lambda status: _problems_page(code, form, plan, ids, rows, status),
    )
