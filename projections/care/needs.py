"""Read model of needs surveys, the needs they found and the services delivered (S3.5).

A need is ``open`` until a service recorded as meeting it; then ``met`` with that date.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aggregates.care.needs import PersonNeeds
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.scope import Scope, Selection, rows_by, tracked_position
from projections.platform.tables import Table, columns, copied

SURVEYS = Table(
    name="needs_surveys",
    columns=columns(
        "survey_id text, person_id text, association_id text, surveyed_on date, surveyor text, "
        "services_received json, position int, recorded_by text"
    ),
    key=("survey_id",),
    indexes=(("person_id",), ("association_id",)),
)

NEEDS = Table(
    name="needs",
    columns=columns(
        "need_id text, person_id text, association_id text, survey_id text, category text, "
        "description text, found_on date, status text, met_on date, services int, position int"
    ),
    key=("need_id",),
    indexes=(("association_id", "status"), ("person_id",)),
)

SERVICES = Table(
    name="need_services",
    columns=columns(
        "service_id text, need_id text, person_id text, association_id text, delivered_on date, "
        "provider text, description text, meets_need bool, position int, recorded_by text"
    ),
    key=("service_id",),
    indexes=(("need_id",),),
)


def _surveyed(event: PersonNeeds.Surveyed, position: int, uow: UnitOfWork) -> None:
    person, association = str(event.person_id), str(event.association_id)
    uow.upsert(
        SURVEYS,
        {
            "survey_id": str(event.survey_id),
            "person_id": person,
            "association_id": association,
            "surveyed_on": event.surveyed_on.isoformat(),
            "surveyor": event.surveyor,
            "services_received": json.dumps(event.services_received),
            "position": position,
            "recorded_by": event.by.actor,
        },
    )
    for need in event.needs:
        uow.upsert(
            NEEDS,
            {
                "need_id": need["need_id"],
                "person_id": person,
                "association_id": association,
                "survey_id": str(event.survey_id),
                "category": need["category"],
                "description": need["description"],
                "found_on": event.surveyed_on.isoformat(),
                "status": "open",
                "met_on": None,
                "services": 0,
                "position": position,
            },
        )


def _delivered(event: PersonNeeds.ServiceDelivered, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        SERVICES,
        {
            "service_id": str(event.service_id),
            "need_id": str(event.need_id),
            "person_id": str(event.person_id),
            "association_id": str(event.association_id),
            "delivered_on": event.delivered_on.isoformat(),
            **copied(event, "provider description meets_need"),
            "position": position,
            "recorded_by": event.by.actor,
        },
    )
    met = {"status": "met", "met_on": event.delivered_on.isoformat()} if event.meets_need else {}
    uow.patch(
        NEEDS,
        (str(event.need_id),),
        values={"position": position, **met},
        increments={"services": 1},
    )


NEEDS_PROJECTION = Projection(
    name="needs",
    tables=(SURVEYS, NEEDS, SERVICES),
    handlers=handled(_surveyed, _delivered),
)


# -- queries --------------------------------------------------------------------------------


def _service(row: Any) -> dict[str, Any]:
    service = dict(row)
    service["meets_need"] = bool(service["meets_need"])
    return service


def list_needs(
    db: Database,
    district: str,
    scope: Scope,
    *,
    status: str | None = None,
    category: str | None = None,
    person_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int, int]:
    """Needs in scope, oldest first, each with its services; the total and the position."""
    sql = partial(db.sql, district)
    selection = Selection("needs", *scope.where())
    selection.equal(status=status, category=category, person_id=person_id)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, NEEDS_PROJECTION.name)
        rows, total = selection.page(cur, sql, "found_on, position, need_id", limit, offset)
        needs = [dict(r) for r in rows]
        ids = [n["need_id"] for n in needs]
        services = rows_by(cur, sql, "need_services", "need_id", ids, "position")
    for need in needs:
        need["service_records"] = [_service(r) for r in services.get(need["need_id"], [])]
    return needs, total, position


def person_surveys(
    db: Database, district: str, person_id: str, association_id: str
) -> tuple[list[dict[str, Any]], int]:
    """Every survey of a person by the association, oldest first, and the position."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, NEEDS_PROJECTION.name)
        cur.execute(
            sql(
                "SELECT * FROM {s}needs_surveys WHERE person_id = %s AND association_id = %s "
                "ORDER BY surveyed_on, position"
            ),
            (person_id, association_id),
        )
        surveys = [dict(r) for r in cur.fetchall()]
    for survey in surveys:
        survey["services_received"] = json.loads(survey["services_received"] or "[]")
    return surveys, position
