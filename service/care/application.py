"""Care's commands and reads: an association's own records, or the caller's part of a district.

Commands under an association check it exists (404) before running; district policy
(visit intervals, evaluation schemes, evaluations) needs a district-wide role.  Lists
across a district are narrowed to the caller's township or association.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from aggregates.care.district_settings import Criterion
from aggregates.care.evaluation import Subject
from aggregates.care.visit import HouseholdKind
from aggregates.errors import NoSuchGroup, NoSuchVisit
from aggregates.records import Saved
from aggregates.store.district import DistrictRecords
from projections.care import evaluations, groups, needs, visits
from projections.care.district_settings import evaluation_schemes, visit_settings
from projections.platform.database import Database
from projections.platform.scope import Scope
from service.application import scope
from service.application.caller import Caller

T = TypeVar("T")


def on_or_today(caller: Caller, on: date | None) -> date:
    """The date a question is about: today in China unless given."""
    return on or caller.today()


def _association(caller: Caller, code: str, association_id: UUID) -> None:
    """NotFound unless the association is in the district: asked of its store, which the
    command then loads again from the same cache."""
    caller.records(code).association(association_id)


def run(
    caller: Caller,
    code: str,
    association_id: UUID,
    command: Callable[..., T],
    /,
    *args: Any,
    **kw: Any,
) -> T:
    """A command on an association's care records (404 for an unknown association)."""
    _association(caller, code, association_id)
    return caller.run(code, command, association_id, *args, **kw)


def set_policy(
    caller: Caller, code: str, what: str, command: Callable[..., T], /, *args: Any, **kw: Any
) -> T:
    """A command setting district policy, which only a district-wide role may give."""
    caller.known(code)
    scope.require_whole_district(caller.principal, code, f"{what} needs a district-wide role")
    return caller.run(code, command, *args, **kw)


def set_visit_intervals(caller: Caller, code: str, data: dict[str, Any]) -> Saved:
    """New visit intervals (days) per household kind, in force from ``effective_from``."""
    return set_policy(
        caller,
        code,
        "setting visit intervals",
        DistrictRecords.set_visit_intervals,
        effective_from=data["effective_from"],
        intervals={HouseholdKind(k): v for k, v in data["intervals"].items()},
    )


def adopt_scheme(caller: Caller, code: str, data: dict[str, Any]) -> Saved:
    """A new evaluation scheme (weighted criteria and the performance weight) in force from
    ``effective_from``."""
    return set_policy(
        caller,
        code,
        "adopting an evaluation scheme",
        DistrictRecords.adopt_evaluation_scheme,
        effective_from=data["effective_from"],
        criteria=[Criterion(**c) for c in data["criteria"]],
        performance_weight=data["performance_weight"],
    )


def reading(caller: Caller, code: str, association_id: UUID, min_position: int | None) -> Database:
    """The read models, for a read of one association's records (404 if unknown)."""
    _association(caller, code, association_id)
    return caller.reading(code, min_position)


def _narrowed(caller: Caller, query: dict[str, Any]) -> Scope:
    return scope.narrowed(caller.principal, query.get("township_code"), query.get("association_id"))


def _paging(query: dict[str, Any]) -> dict[str, Any]:
    return {"limit": query["limit"], "offset": query["offset"]}


# -- visits (S3.4, S3.5) ----------------------------------------------------------------------


def association_visits(
    caller: Caller, code: str, association_id: UUID, query: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, int]:
    """An association's visits, newest first, with their follow-ups."""
    db = reading(caller, code, association_id, query.get("min_position"))
    return visits.list_visits(
        db,
        code,
        Scope(association_id=str(association_id)),
        household_id=query.get("household_id"),
        **_paging(query),
    )


def visit(
    caller: Caller, code: str, association_id: UUID, visit_id: UUID, min_position: int | None
) -> dict[str, Any]:
    """One visit of the association with its follow-ups."""
    db = reading(caller, code, association_id, min_position)
    found = visits.find_visit(db, code, str(visit_id))
    if found is None or found["association_id"] != str(association_id):
        raise NoSuchVisit(id=visit_id, field="visit_id")
    return found


def households_due(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Households in the caller's part due or overdue a visit on ``on``."""
    db = caller.reading(code, query.get("min_position"))
    return visits.households_due(
        db,
        code,
        _narrowed(caller, query),
        on=on_or_today(caller, query.get("on")),
        within_days=query["within_days"],
        status=query["status"],
        **_paging(query),
    )


def intervals(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Every version of the visit intervals, and those in force on ``on``."""
    db = caller.reading(code, query.get("min_position"))
    return visit_settings(db, code, on_or_today(caller, query.get("on")))


# -- needs and services (S3.5) ----------------------------------------------------------------


def person_needs(
    caller: Caller, code: str, association_id: UUID, person_id: UUID, min_position: int | None
) -> dict[str, Any]:
    """Every survey of the person by this association, and every need with its services."""
    db = reading(caller, code, association_id, min_position)
    surveys, position = needs.person_surveys(db, code, str(person_id), str(association_id))
    found, _, _ = needs.list_needs(
        db, code, Scope(association_id=str(association_id)), person_id=str(person_id), limit=1000
    )
    return {"person_id": str(person_id), "surveys": surveys, "needs": found, "position": position}


def survey(
    caller: Caller, code: str, association_id: UUID, person_id: UUID, data: dict[str, Any]
) -> Saved:
    """Record a needs survey of a person (``data`` as ``SurveyIn`` loads it)."""
    return run(caller, code, association_id, DistrictRecords.survey_needs, person_id, **data)


def district_needs(
    caller: Caller, code: str, query: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, int]:
    """Needs across the caller's part of the district, oldest first."""
    db = caller.reading(code, query.get("min_position"))
    person = query.get("person_id")
    return needs.list_needs(
        db,
        code,
        _narrowed(caller, query),
        status=query.get("status"),
        category=query.get("category"),
        person_id=str(person) if person else None,
        **_paging(query),
    )


# -- groups (S3.3) ----------------------------------------------------------------------------


def association_groups(
    caller: Caller, code: str, association_id: UUID, query: dict[str, Any]
) -> tuple[list[dict[str, Any]], int]:
    """The association's groups with their members on ``on``."""
    db = reading(caller, code, association_id, query.get("min_position"))
    return groups.list_groups(
        db,
        code,
        Scope(association_id=str(association_id)),
        on=on_or_today(caller, query.get("on")),
        include_disbanded=query["include_disbanded"],
    )


def group(
    caller: Caller, code: str, association_id: UUID, group_id: UUID, query: dict[str, Any]
) -> dict[str, Any]:
    """One group of the association, its members on ``on`` and every membership."""
    db = reading(caller, code, association_id, query.get("min_position"))
    found = groups.find_group(db, code, str(group_id), on=on_or_today(caller, query.get("on")))
    if found is None or found["association_id"] != str(association_id):
        raise NoSuchGroup(id=group_id, field="group_id")
    return found


# -- evaluations (S3.5, S3.6) -----------------------------------------------------------------


def schemes(caller: Caller, code: str, query: dict[str, Any]) -> dict[str, Any]:
    """Every version of the evaluation scheme, and the one in force on ``on``."""
    db = caller.reading(code, query.get("min_position"))
    return evaluation_schemes(db, code, on_or_today(caller, query.get("on")))


def _evaluations(
    db: Database, code: str, part: Scope, query: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, int]:
    return evaluations.list_evaluations(
        db,
        code,
        part,
        cycle=query.get("cycle"),
        subject=query.get("subject"),
        **_paging(query),
    )


def association_evaluations(
    caller: Caller, code: str, association_id: UUID, query: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, int]:
    """The association's evaluations, newest cycle first."""
    db = reading(caller, code, association_id, query.get("min_position"))
    return _evaluations(db, code, Scope(association_id=str(association_id)), query)


def district_evaluations(
    caller: Caller, code: str, query: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, int]:
    """Evaluations across the caller's part of the district."""
    db = caller.reading(code, query.get("min_position"))
    return _evaluations(db, code, _narrowed(caller, query), query)


def evaluate(caller: Caller, code: str, association_id: UUID, data: dict[str, Any]) -> Any:
    """Evaluate an association or one of its full-time members for a cycle (district-wide)."""
    _association(caller, code, association_id)
    scope.require_whole_district(caller.principal, code, "evaluating needs a district-wide role")
    common = {k: data[k] for k in ("cycle", "evaluated_on", "evaluator", "notes")}
    if data["subject"] == Subject.FULL_TIME_MEMBER.value:
        return caller.run(
            code,
            DistrictRecords.evaluate_full_time_member,
            association_id,
            data["officer_id"],
            performance_score=data["performance_score"],
            rating_score=data["rating_score"],
            **common,
        )
    return caller.run(
        code, DistrictRecords.evaluate_association, association_id, scores=data["scores"], **common
    )
