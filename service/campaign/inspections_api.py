"""Inspections of the campaign (S4): problem lists, rectification, key supervision, models.

Inspectors record inspections, problems, escalations and conclusions (``Action.INSPECT``); the
district (and, for their own associations, township officers and association workers) records
rectifications (``Action.WRITE``); city administrators record the three bodies' decisions of
the joint acceptance (``Target.CITY``).  Reads are live or as of a day on either clock.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import Body, Decision, InspectionKind, overall_outcome
from aggregates.errors import NoSuchInspection, NoSuchProblem
from projections.campaign import inspections as campaign_records
from service.campaign.queries import RULES_BASIS, campaign_tables, rule_findings
from service.campaign.schemas import (
    AsOfQuery,
    CampaignCreated,
    ConclusionIn,
    DecisionIn,
    EscalationIn,
    InspectionDetail,
    InspectionIn,
    InspectionList,
    ModelIn,
    ModelList,
    ModelWithdrawalIn,
    Position,
    ProblemIn,
    ProblemList,
    ProblemQuery,
    RectificationIn,
    ReleaseIn,
    SupervisionIn,
    SupervisionList,
)
from service.http.access import Action, Target, rule
from service.http.auth import current_principal
from service.http.blueprint import ApiBlueprint
from service.http.context import known_district, provenance, services, today_in_china
from service.http.problems import ProblemError
from service.http.schemas import ProblemSchema

blp = ApiBlueprint(
    "inspections",
    __name__,
    url_prefix="/api/v1/districts/<code>",
    description="Inspections, problem lists, key supervision and models (S4, S5.3)",
)


def visible(association_id: str | None, township_code: str | None) -> bool:
    """Whether something about an association (or a township, or the district) is in scope."""
    principal = current_principal()
    if principal.association_id:
        return association_id is not None and association_id == principal.association_id
    if principal.township:
        return township_code == principal.township
    return True


def _frame(query: dict[str, Any]) -> dict[str, Any]:
    return {
        "as_of": query["as_of"] or today_in_china(),
        "basis": query["basis"],
        "live": query["as_of"] is None,
    }


def scoped_inspection(inspection: dict[str, Any]) -> dict[str, Any] | None:
    """The inspection as the caller may see it: only in-scope samples, findings and problems."""
    sampled = [s for s in inspection["sampled"] if visible(s["association_id"], s["township_code"])]
    if not sampled:
        return None
    ids = {s["association_id"] for s in sampled}
    principal = current_principal()
    narrow = bool(principal.township or principal.association_id)
    scoped = {**inspection, "sampled": sampled}
    if narrow:
        scoped["rule_findings"] = [
            f for f in inspection["rule_findings"] if f.get("association_id") in ids
        ]
    return scoped


def _inspection_body(tables: Any, inspection_id: str) -> dict[str, Any]:
    found = next(
        (i for i in campaign_records.inspections(tables) if i["inspection_id"] == inspection_id),
        None,
    )
    scoped = scoped_inspection(found) if found else None
    if scoped is None:
        raise NoSuchInspection(id=inspection_id, field="inspection_id")
    problems = [
        p
        for p in campaign_records.problems(tables, inspection_id)
        if visible(p["association_id"], p["township_code"])
    ]
    scoped["problems"] = problems
    scoped["problem_counts"] = campaign_records.problem_counts(problems)
    return scoped


def _committed(district: str) -> None:
    services().wakeups.district_changed(district)


def _check_problem_scope(code: str, inspection_id: UUID, problem_id: UUID) -> None:
    """Narrow roles may act only on problems of their own township or association."""
    records = services().runtime.tenancy.records(code)
    association_id, township = records.inspection(inspection_id).subject_of(problem_id)
    if not visible(association_id, township):
        raise NoSuchProblem(id=problem_id, field="problem_id")


@blp.route("/inspections")
class Inspections(MethodView):
    """A district's inspections."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, InspectionList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every inspection in scope, live or as of a day."""
        known_district(code)
        tables = campaign_tables(services().runtime, code, query["as_of"], query["basis"])
        items = []
        for inspection in campaign_records.inspections(tables):
            scoped = scoped_inspection(inspection)
            if scoped is not None:
                problems = [
                    p
                    for p in campaign_records.problems(tables, scoped["inspection_id"])
                    if visible(p["association_id"], p["township_code"])
                ]
                scoped["problem_counts"] = campaign_records.problem_counts(problems)
                items.append(scoped)
        return {**_frame(query), "items": items}

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(InspectionIn)
    @blp.response(201, CampaignCreated)
    @blp.alt_response(403, schema=ProblemSchema, description="The joint acceptance is the city's")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or association")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Record an inspection: its sample, the rule findings as of its day, its problems."""
        runtime = services().runtime
        records = runtime.tenancy.records(known_district(code))
        kind = InspectionKind(data["kind"])
        if kind is InspectionKind.CITY_JOINT_ACCEPTANCE and not current_principal().city_wide:
            raise ProblemError(
                403,
                "forbidden",
                "the city joint acceptance needs a city-wide role",
                extra={"field": "kind"},
            )
        if data["inspected_on"] > today_in_china():
            raise ProblemError(
                422,
                "validation",
                "inspected_on lies in the future",
                extra={"field": "inspected_on"},
            )
        findings = rule_findings(runtime, code, data["inspected_on"]) if data["from_rules"] else []
        saved = records.open_inspection(
            kind=kind,
            title=data["title"],
            inspected_on=data["inspected_on"],
            township_code=data["township_code"],
            inspectors=data["inspectors"],
            association_ids=data["association_ids"],
            rules_basis=RULES_BASIS.value if data["from_rules"] else None,
            rule_findings=findings,
            written=[WrittenProblem(**p) for p in data["problems"]],
            by=provenance(),
        )
        _committed(code)
        return {
            "id": str(saved.id),
            "position": saved.position,
            "problem_ids": [str(p) for p in saved.more],
        }


@blp.route("/inspections/<uuid:inspection_id>")
class InspectionResource(MethodView):
    """One inspection and its problem list."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, InspectionDetail)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or inspection")
    def get(self, query: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """The inspection with its problems and their rectification status."""
        known_district(code)
        tables = campaign_tables(services().runtime, code, query["as_of"], query["basis"])
        return {**_frame(query), "inspection": _inspection_body(tables, str(inspection_id))}


@blp.route("/inspections/<uuid:inspection_id>/problems")
class InspectionProblems(MethodView):
    """Problems added to an inspection's list after the visit."""

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(ProblemIn)
    @blp.response(201, CampaignCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown inspection")
    @blp.alt_response(
        409,
        schema=ProblemSchema,
        description="The inspection is concluded, or the rule's problem there is already listed",
    )
    def post(self, data: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """Write a problem onto the list."""
        records = services().runtime.tenancy.records(known_district(code))
        found_on = data.pop("found_on")
        saved = records.record_problem(
            inspection_id, WrittenProblem(**data), found_on=found_on, by=provenance()
        )
        _committed(code)
        return {"id": str(saved.id), "position": saved.position, "problem_ids": [str(saved.id)]}


@blp.route("/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/rectification")
class Rectification(MethodView):
    """A problem rectified."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(RectificationIn)
    @blp.response(200, Position)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown inspection or problem")
    @blp.alt_response(409, schema=ProblemSchema, description="Already rectified")
    def post(
        self, data: dict[str, Any], code: str, inspection_id: UUID, problem_id: UUID
    ) -> dict[str, Any]:
        """Record the rectification (整改) with its evidence."""
        records = services().runtime.tenancy.records(known_district(code))
        _check_problem_scope(code, inspection_id, problem_id)
        saved = records.rectify_problem(inspection_id, problem_id, by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}


@blp.route("/inspections/<uuid:inspection_id>/problems/<uuid:problem_id>/escalation")
class Escalation(MethodView):
    """A problem escalated."""

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(EscalationIn)
    @blp.response(200, Position)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown inspection or problem")
    @blp.alt_response(409, schema=ProblemSchema, description="Not open")
    def post(
        self, data: dict[str, Any], code: str, inspection_id: UUID, problem_id: UUID
    ) -> dict[str, Any]:
        """Escalate an open problem to a higher level."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.escalate_problem(inspection_id, problem_id, by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}


@blp.route("/inspections/<uuid:inspection_id>/decisions")
class Decisions(MethodView):
    """The three city bodies' decisions of the joint acceptance."""

    @rule(Action.WRITE, Target.CITY)
    @blp.arguments(DecisionIn)
    @blp.response(201, Position)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or inspection")
    @blp.alt_response(409, schema=ProblemSchema, description="The body has decided already")
    def post(self, data: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """Record one body's decision; the third concludes with the overall outcome."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.record_decision(
            inspection_id,
            body=Body(data["body"]),
            decision=Decision(data["decision"]),
            decided_on=data["decided_on"],
            signatory=data["signatory"],
            remarks=data["remarks"],
            by=provenance(),
        )
        _committed(code)
        inspection = records.inspection(inspection_id)
        outcome = None
        if inspection.concluded_on is not None:
            outcome = overall_outcome(inspection.decisions).value
        return {"position": saved.position, "outcome": outcome}


@blp.route("/inspections/<uuid:inspection_id>/conclusion")
class Conclusion(MethodView):
    """An inspection concluded."""

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(ConclusionIn)
    @blp.response(200, Position)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown inspection")
    @blp.alt_response(409, schema=ProblemSchema, description="Concluded already")
    def post(self, data: dict[str, Any], code: str, inspection_id: UUID) -> dict[str, Any]:
        """Conclude with an outcome and a summary."""
        records = services().runtime.tenancy.records(known_district(code))
        outcome = Decision(data["outcome"]) if data["outcome"] else None
        saved = records.conclude_inspection(
            inspection_id,
            concluded_on=data["concluded_on"],
            outcome=outcome,
            summary=data["summary"],
            by=provenance(),
        )
        _committed(code)
        return {"position": saved.position, "outcome": data["outcome"]}


@blp.route("/problems")
class Problems(MethodView):
    """The district's problem list across its inspections."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ProblemQuery, location="query")
    @blp.response(200, ProblemList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every problem in scope with its rectification status, live or as of a day."""
        known_district(code)
        tables = campaign_tables(services().runtime, code, query["as_of"], query["basis"])
        items = [
            p
            for p in campaign_records.problems(tables)
            if visible(p["association_id"], p["township_code"])
        ]
        counts = campaign_records.problem_counts(items)
        if query.get("state"):
            items = [p for p in items if p["state"] == query["state"]]
        return {**_frame(query), "counts": counts, "items": items}


@blp.route("/key-supervisions")
class KeySupervisions(MethodView):
    """Key supervision (重点督办)."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, SupervisionList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Spells of key supervision in scope (the district's own are seen by all)."""
        known_district(code)
        tables = campaign_tables(services().runtime, code, query["as_of"], query["basis"])
        items = [
            s
            for s in campaign_records.supervisions(tables)
            if s["subject"] == "district" or visible(s["association_id"], s["township_code"])
        ]
        return {**_frame(query), "items": items}

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(SupervisionIn)
    @blp.response(201, CampaignCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association or inspection")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Put the district, or one of its associations, under key supervision."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.start_key_supervision(by=provenance(), **data)
        _committed(code)
        return {"id": str(saved.id), "position": saved.position, "problem_ids": []}


@blp.route("/key-supervisions/<uuid:supervision_id>/release")
class KeySupervisionRelease(MethodView):
    """Release from key supervision."""

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(ReleaseIn)
    @blp.response(200, Position)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown supervision")
    @blp.alt_response(409, schema=ProblemSchema, description="Released already")
    def post(self, data: dict[str, Any], code: str, supervision_id: UUID) -> dict[str, Any]:
        """End a spell of key supervision."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.release_key_supervision(supervision_id, by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}


@blp.route("/model-associations")
class ModelAssociations(MethodView):
    """Model associations (典型培育, S5.3)."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, ModelList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Models in scope, current and withdrawn."""
        known_district(code)
        tables = campaign_tables(services().runtime, code, query["as_of"], query["basis"])
        items = [
            m
            for m in campaign_records.models(tables)
            if visible(m["association_id"], m["township_code"])
        ]
        return {**_frame(query), "items": items}

    @rule(Action.INSPECT, Target.DISTRICT)
    @blp.arguments(ModelIn)
    @blp.response(201, CampaignCreated)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown association")
    @blp.alt_response(409, schema=ProblemSchema, description="Already a model")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Designate an association as a model."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.designate_model(
            data["association_id"],
            designated_on=data["designated_on"],
            practice=data["practice"],
            by=provenance(),
        )
        _committed(code)
        return {"id": str(saved.id), "position": saved.position, "problem_ids": []}


@blp.route("/model-associations/<uuid:association_id>/withdrawal")
class ModelWithdrawal(MethodView):
    """A model designation ended."""

    @rule(Action.INSPECT, Target.ASSOCIATION)
    @blp.arguments(ModelWithdrawalIn)
    @blp.response(200, Position)
    @blp.alt_response(404, schema=ProblemSchema, description="Not a model")
    @blp.alt_response(409, schema=ProblemSchema, description="Withdrawn already")
    def post(self, data: dict[str, Any], code: str, association_id: UUID) -> dict[str, Any]:
        """Withdraw the designation."""
        records = services().runtime.tenancy.records(known_district(code))
        saved = records.withdraw_model(association_id, by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}
