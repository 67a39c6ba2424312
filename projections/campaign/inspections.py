"""Read model of the campaign: work plan, inspections, problem lists, key supervision, models.

The tables are small (a district holds dozens of inspections), so the queries work on
:class:`MemoryTables`: the live tables copied into memory, or an as-of replay built by the
same handlers; one query code answers "now" and "as the records stood on that day".  The
village worker's open problems are the exception, read by SQL (:func:`association_problems`).
"""

from __future__ import annotations

import json
from typing import Any

from aggregates.campaign.campaign import WorkPlan
from aggregates.campaign.cultivation import ModelAssociation
from aggregates.campaign.inspection import Inspection
from aggregates.campaign.supervision import KeySupervision
from projections.engine.memory import MemoryTables
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.tables import Table, columns, copied

WORK_PLANS = Table(
    name="work_plans",
    columns=columns(
        "district_code text, title text, summary text, filed_on date, deadline date, late bool, "
        "revisions int, last_filed_on date, recorded_at timestamp, position int"
    ),
    key=("district_code",),
)
INSPECTIONS = Table(
    name="inspections",
    columns=columns(
        "inspection_id text, kind text, title text, inspected_on date, township_code text, "
        "inspectors json, sampled json, rules_basis text, rule_findings json, concluded_on date, "
        "outcome text, summary text, recorded_by text, recorded_at timestamp, position int"
    ),
    key=("inspection_id",),
    indexes=(("inspected_on",),),
)
PROBLEMS = Table(
    name="inspection_problems",
    columns=columns(
        "problem_id text, inspection_id text, association_id text, association_name text, "
        "division_code text, township_code text, source text, rule_id text, clause text, "
        "description text, facts json, found_on date, state text, rectified_on date, "
        "evidence text, note text, escalated_on date, escalated_to text, escalation_reason text, "
        "recorded_by text, position int"
    ),
    key=("problem_id",),
    indexes=(("inspection_id",), ("association_id",)),
)
#: The inspector's last review of each problem's rectification (整改确认): confirmed or returned.
REVIEWS = Table(
    name="rectification_reviews",
    columns=columns(
        "problem_id text, inspection_id text, verdict text, reviewed_on date, remarks text, "
        "reviewed_by text, position int"
    ),
    key=("problem_id",),
)
DECISIONS = Table(
    name="acceptance_decisions",
    columns=columns(
        "inspection_id text, body text, decision text, decided_on date, signatory text, "
        "remarks text, recorded_by text, position int"
    ),
    key=("inspection_id", "body"),
)
SUPERVISIONS = Table(
    name="key_supervisions",
    columns=columns(
        "supervision_id text, subject text, association_id text, association_name text, "
        "division_code text, township_code text, reason text, started_on date, "
        "inspection_id text, released_on date, release_reason text, position int"
    ),
    key=("supervision_id",),
)
MODELS = Table(
    name="model_associations",
    columns=columns(
        "association_id text, name text, division_code text, township_code text, "
        "designated_on date, practice text, withdrawn_on date, withdrawal_reason text, "
        "position int"
    ),
    key=("association_id",),
)


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def _filed(event: WorkPlan.Filed, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        WORK_PLANS,
        {
            **copied(event, "district_code title summary"),
            "filed_on": _day(event.filed_on),
            "deadline": _day(event.deadline),
            "late": event.filed_on > event.deadline,
            "revisions": 0,
            "last_filed_on": _day(event.filed_on),
            "recorded_at": event.timestamp.isoformat(),
            "position": position,
        },
    )


def _revised(event: WorkPlan.Revised, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        WORK_PLANS,
        (event.district_code,),
        {
            **copied(event, "title summary"),
            "last_filed_on": _day(event.filed_on),
            "position": position,
        },
        {"revisions": 1},
    )


def _opened(event: Inspection.Opened, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        INSPECTIONS,
        {
            "inspection_id": str(event.originator_id),
            **copied(event, "kind title"),
            "inspected_on": _day(event.inspected_on),
            "township_code": event.township_code,
            "inspectors": json.dumps(event.inspectors, ensure_ascii=False),
            "sampled": json.dumps(event.sampled, ensure_ascii=False),
            "rules_basis": event.rules_basis,
            "rule_findings": json.dumps(event.rule_findings, ensure_ascii=False, default=str),
            "concluded_on": None,
            "outcome": None,
            "summary": None,
            "recorded_by": event.by.actor,
            "recorded_at": event.timestamp.isoformat(),
            "position": position,
        },
    )


def _problem(event: Inspection.ProblemRecorded, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        PROBLEMS,
        {
            "problem_id": str(event.problem_id),
            "inspection_id": str(event.originator_id),
            "association_id": _text(event.association_id),
            **copied(
                event,
                "association_name division_code township_code source rule_id clause description",
            ),
            "facts": json.dumps(event.facts, ensure_ascii=False, default=str),
            "found_on": _day(event.found_on),
            "state": "open",
            "rectified_on": None,
            "evidence": None,
            "note": None,
            "escalated_on": None,
            "escalated_to": None,
            "escalation_reason": None,
            "recorded_by": event.by.actor,
            "position": position,
        },
    )


def _rectified(event: Inspection.ProblemRectified, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        PROBLEMS,
        (str(event.problem_id),),
        {
            "state": "rectified",
            "rectified_on": _day(event.rectified_on),
            **copied(event, "evidence note"),
            "position": position,
        },
    )


def _review(event: Any, verdict: str, day: Any, remarks: str, position: int) -> dict[str, Any]:
    return {
        "problem_id": str(event.problem_id),
        "inspection_id": str(event.originator_id),
        "verdict": verdict,
        "reviewed_on": _day(day),
        "remarks": remarks,
        "reviewed_by": event.by.actor,
        "position": position,
    }


def _confirmed(event: Inspection.RectificationConfirmed, position: int, uow: UnitOfWork) -> None:
    uow.upsert(REVIEWS, _review(event, "confirmed", event.confirmed_on, event.remarks, position))


def _returned(event: Inspection.RectificationReturned, position: int, uow: UnitOfWork) -> None:
    uow.upsert(REVIEWS, _review(event, "returned", event.returned_on, event.reason, position))
    uow.patch(
        PROBLEMS,
        (str(event.problem_id),),
        {"state": "open", "rectified_on": None, "position": position},
    )


def _escalated(event: Inspection.ProblemEscalated, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        PROBLEMS,
        (str(event.problem_id),),
        {
            "state": "escalated",
            "escalated_on": _day(event.escalated_on),
            "escalated_to": event.escalated_to,
            "escalation_reason": event.reason,
            "position": position,
        },
    )


def _decided(event: Inspection.BodyDecided, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        DECISIONS,
        {
            "inspection_id": str(event.originator_id),
            **copied(event, "body decision"),
            "decided_on": _day(event.decided_on),
            **copied(event, "signatory remarks"),
            "recorded_by": event.by.actor,
            "position": position,
        },
    )


def _concluded(event: Inspection.Concluded, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        INSPECTIONS,
        (str(event.originator_id),),
        {
            "concluded_on": _day(event.concluded_on),
            **copied(event, "outcome summary"),
        },
    )


def _supervised(event: KeySupervision.Started, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        SUPERVISIONS,
        {
            "supervision_id": str(event.originator_id),
            "subject": event.subject,
            "association_id": _text(event.association_id),
            **copied(event, "association_name division_code township_code reason"),
            "started_on": _day(event.started_on),
            "inspection_id": _text(event.inspection_id),
            "released_on": None,
            "release_reason": None,
            "position": position,
        },
    )


def _released(event: KeySupervision.Released, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        SUPERVISIONS,
        (str(event.originator_id),),
        {
            "released_on": _day(event.released_on),
            "release_reason": event.reason,
        },
    )


def _designated(event: ModelAssociation.Designated, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        MODELS,
        {
            "association_id": str(event.association_id),
            **copied(event, "name division_code township_code"),
            "designated_on": _day(event.designated_on),
            "practice": event.practice,
            "withdrawn_on": None,
            "withdrawal_reason": None,
            "position": position,
        },
    )


def _model_key(event: Any) -> tuple[str]:
    return (str(event.association_id),)


def _redesignated(event: ModelAssociation.Redesignated, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        MODELS,
        _model_key(event),
        {
            "designated_on": _day(event.designated_on),
            "practice": event.practice,
            "withdrawn_on": None,
            "withdrawal_reason": None,
            "position": position,
        },
    )


def _withdrawn(event: ModelAssociation.Withdrawn, position: int, uow: UnitOfWork) -> None:
    uow.patch(
        MODELS,
        _model_key(event),
        {
            "withdrawn_on": _day(event.withdrawn_on),
            "withdrawal_reason": event.reason,
        },
    )


INSPECTIONS_PROJECTION = Projection(
    name="inspections",
    tables=(WORK_PLANS, INSPECTIONS, PROBLEMS, REVIEWS, DECISIONS, SUPERVISIONS, MODELS),
    handlers=handled(
        _filed,
        _revised,
        _opened,
        _problem,
        _rectified,
        _escalated,
        _confirmed,
        _returned,
        _decided,
        _concluded,
        _supervised,
        _released,
        _designated,
        _redesignated,
        _withdrawn,
    ),
)


# -- queries on tables in memory (live copy or as-of replay) ------------------------------------


def _decoded(row: dict[str, Any], *names: str) -> dict[str, Any]:
    out = dict(row)
    for name in names:
        value = out.get(name)
        out[name] = json.loads(value) if isinstance(value, str) else value
    return out


def problems(tables: MemoryTables, inspection_id: str | None = None) -> list[dict[str, Any]]:
    """The problem list (of one inspection, or of all), oldest first, each with the
    inspector's last review of its rectification (or None)."""
    reviews = {r["problem_id"]: dict(r) for r in tables.rows("rectification_reviews")}
    rows = [
        {**_decoded(p, "facts"), "review": reviews.get(p["problem_id"])}
        for p in tables.rows("inspection_problems")
        if inspection_id is None or p["inspection_id"] == inspection_id
    ]
    return sorted(rows, key=_problem_order)


def _problem_order(problem: dict[str, Any]) -> tuple[str, ...]:
    return (
        str(problem["found_on"]),
        problem["inspection_id"],
        str(problem["division_code"]),
        str(problem["rule_id"] or ""),
        problem["description"],
    )


def association_problems(
    db: Database, district: str, association_id: str, states: tuple[str, ...]
) -> list[dict[str, Any]]:
    """An association's problems in ``states``, oldest first, without their reviews.

    Read by the association's index for the village worker's task list, which every worker
    opens many times a day: the district's whole campaign copied into memory on each of those
    would grow with every inspection of every association.
    """
    if not states:
        return []
    marks = ", ".join("%s" for _ in states)
    query = (
        f"SELECT * FROM {{s}}inspection_problems WHERE association_id = %s AND state IN ({marks})"
    )
    with db.transaction(district, write=False) as cur:
        cur.execute(db.sql(district, query), (association_id, *states))
        rows = [_decoded({c: row[c] for c in PROBLEMS.columns}, "facts") for row in cur.fetchall()]
    return sorted(rows, key=_problem_order)


def problem_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many problems are open, escalated and rectified."""
    counts = {"total": len(rows), "open": 0, "escalated": 0, "rectified": 0}
    for row in rows:
        counts[row["state"]] += 1
    return counts


def inspections(tables: MemoryTables) -> list[dict[str, Any]]:
    """Every inspection with its decisions and problem counts, oldest first."""
    decisions: dict[str, list[dict[str, Any]]] = {}
    for decision in sorted(tables.rows("acceptance_decisions"), key=lambda d: d["position"]):
        decisions.setdefault(decision["inspection_id"], []).append(dict(decision))
    listed = []
    for row in sorted(
        tables.rows("inspections"), key=lambda i: (str(i["inspected_on"]), i["position"])
    ):
        inspection = _decoded(row, "inspectors", "sampled", "rule_findings")
        inspection["decisions"] = decisions.get(row["inspection_id"], [])
        inspection["problem_counts"] = problem_counts(problems(tables, row["inspection_id"]))
        listed.append(inspection)
    return listed


def supervisions(tables: MemoryTables) -> list[dict[str, Any]]:
    """Spells of key supervision, oldest first."""
    return sorted(
        (dict(r) for r in tables.rows("key_supervisions")),
        key=lambda r: (str(r["started_on"]), r["position"]),
    )


def models(tables: MemoryTables) -> list[dict[str, Any]]:
    """Model associations (current and withdrawn), by division code."""
    return sorted(
        (dict(r) for r in tables.rows("model_associations")), key=lambda r: r["division_code"]
    )


def work_plan(tables: MemoryTables, district: str) -> dict[str, Any] | None:
    """The district's work plan as filed, with whether it came late."""
    row = next((r for r in tables.rows("work_plans") if r["district_code"] == district), None)
    if row is None:
        return None
    return {**row, "late": bool(row["late"])}
