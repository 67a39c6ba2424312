"""Key supervision (重点督办, S4.3) and model associations (典型培育, S5.3): the district's
spells of supervision and its models on any day and clock; an association of an inspection's
sample (or the whole district) put under key supervision and released; an association of the
sample marked as a model, and the designation withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Response, request, url_for

from aggregates.store.district import DistrictRecords
from service.application import campaign
from service.application import inspecting as reads
from service.campaign.schemas import ModelIn, ModelWithdrawalIn, ReleaseIn, SupervisionIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.as_of import picked
from service.web.blueprint import pages, render_page
from service.web.inspection_problems import _inspection
from service.web.inspections import _vocabulary
from service.web.one_form import OneForm, one_form_page
from service.web.submitting import after


@pages.route("/districts/<code>/supervision")
@rule(Action.READ, Target.NONE)
def supervision(code: str) -> Response:
    """Spells of key supervision and model associations, on a day and clock."""
    frame = picked()
    caller().reading(reads.district(caller(), code), after())
    spells = models = None
    if frame.valid:
        spells = campaign.supervisions(caller(), code, frame.query())["items"]
        models = campaign.models(caller(), code, frame.query())["items"]
    return render_page(
        "inspections/supervision.html",
        200 if frame.valid else 422,
        code=code,
        frame=frame,
        spells=spells,
        models=models,
        recorded=request.args.get("recorded"),
        may_inspect=caller().principal.may(Action.INSPECT),
    )


def _done(code: str, position: int) -> str:
    return url_for("pages.supervision", code=code, recorded=1, after=position)


def _form(
    code: str,
    spec: OneForm,
    context: dict[str, Any],
    defaults: dict[str, str],
    run: Callable[[dict[str, Any]], Any],
) -> Response:
    return one_form_page(
        code, spec, {**context, **_vocabulary()}, defaults, run, lambda p: _done(code, p)
    )


@pages.route(
    "/districts/<code>/inspections/<uuid:inspection_id>/key-supervision", methods=["GET", "POST"]
)
@rule(Action.INSPECT, Target.NONE)
def start_supervision(code: str, inspection_id: UUID) -> Response:
    """Put an association of the inspection (or the whole district) under key supervision."""
    found = _inspection(code, inspection_id)
    return _form(
        code,
        OneForm(
            "inspections/start_supervision.html",
            SupervisionIn(),
            ("association_id", "reason", "started_on"),
        ),
        {"i": found},
        {"started_on": caller().today().isoformat(), "association_id": ""},
        lambda data: caller().run(
            code, DistrictRecords.start_key_supervision, **{**data, "inspection_id": inspection_id}
        ),
    )


@pages.route(
    "/districts/<code>/key-supervisions/<uuid:supervision_id>/release", methods=["GET", "POST"]
)
@rule(Action.INSPECT, Target.NONE)
def release_supervision(code: str, supervision_id: UUID) -> Response:
    """Release a spell of key supervision."""
    return _form(
        code,
        OneForm("inspections/release.html", ReleaseIn(), ("released_on", "reason")),
        {"action": url_for("pages.release_supervision", code=code, supervision_id=supervision_id)},
        {"released_on": caller().today().isoformat()},
        lambda data: caller().run(
            code, DistrictRecords.release_key_supervision, supervision_id, **data
        ),
    )


@pages.route("/districts/<code>/inspections/<uuid:inspection_id>/model", methods=["GET", "POST"])
@rule(Action.INSPECT, Target.NONE)
def designate_model(code: str, inspection_id: UUID) -> Response:
    """Mark an association of the inspection's sample as a model (典型培育)."""
    found = _inspection(code, inspection_id)
    return _form(
        code,
        OneForm(
            "inspections/designate.html", ModelIn(), ("association_id", "designated_on", "practice")
        ),
        {"i": found},
        {"designated_on": caller().today().isoformat()},
        lambda data: caller().run(
            code,
            DistrictRecords.designate_model,
            data["association_id"],
            designated_on=data["designated_on"],
            practice=data["practice"],
        ),
    )


@pages.route(
    "/districts/<code>/model-associations/<uuid:association_id>/withdrawal",
    methods=["GET", "POST"],
)
@rule(Action.INSPECT, Target.NONE)
def withdraw_model(code: str, association_id: UUID) -> Response:
    """End an association's designation as a model."""
    return _form(
        code,
        OneForm("inspections/withdraw.html", ModelWithdrawalIn(), ("withdrawn_on", "reason")),
        {"action": url_for("pages.withdraw_model", code=code, association_id=association_id)},
        {"withdrawn_on": caller().today().isoformat()},
        lambda data: caller().run(code, DistrictRecords.withdraw_model, association_id, **data),
    )
