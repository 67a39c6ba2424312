"""Read model of evaluations of associations and full-time members (S3.5, S3.6).

Each row keeps the scores given, the scheme applied (its id and effective date) and the total
it produced when recorded; a later scheme never changes it.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aggregates.care.evaluation import Evaluation
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.scope import Scope, Selection, tracked_position
from projections.platform.tables import Table, columns, copied

#: ``figures``: the scores, performance_score, rating_score and total, exact as recorded.
EVALUATIONS = Table(
    name="evaluations",
    columns=columns(
        "evaluation_id text, association_id text, subject text, officer_id text, cycle int, "
        "evaluated_on date, evaluator text, scheme_id text, scheme_effective_from date, "
        "figures json, notes text, position int, recorded_by text"
    ),
    key=("evaluation_id",),
    indexes=(("association_id", "cycle"), ("cycle",)),
)


def _recorded(event: Evaluation.Recorded, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        EVALUATIONS,
        {
            "evaluation_id": str(event.originator_id),
            "association_id": str(event.association_id),
            "subject": event.subject,
            "officer_id": str(event.officer_id) if event.officer_id else None,
            "cycle": event.cycle,
            "evaluated_on": event.evaluated_on.isoformat(),
            "evaluator": event.evaluator,
            "scheme_id": str(event.scheme_id),
            "scheme_effective_from": event.scheme_effective_from.isoformat(),
            "figures": json.dumps(
                copied(event, "scores performance_score rating_score total"),
                sort_keys=True,
            ),
            "notes": event.notes,
            "position": position,
            "recorded_by": event.by.actor,
        },
    )


EVALUATIONS_PROJECTION = Projection(
    name="evaluations",
    tables=(EVALUATIONS,),
    handlers=handled(_recorded),
)


# -- queries --------------------------------------------------------------------------------


def list_evaluations(
    db: Database,
    district: str,
    scope: Scope,
    *,
    cycle: int | None = None,
    subject: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int, int]:
    """Evaluations in scope, by cycle then association; the total and the position."""
    sql = partial(db.sql, district)
    selection = Selection("evaluations", *scope.where()).equal(cycle=cycle, subject=subject)
    order = "cycle DESC, association_id, subject, position"
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, EVALUATIONS_PROJECTION.name)
        rows, total = selection.page(cur, sql, order, limit, offset)
        items = []
        for row in rows:
            item = dict(row)
            item.update(json.loads(item.pop("figures")))
            items.append(item)
    return items, total, position


def evaluated_in_cycle(db: Database, district: str, cycle: int) -> set[str]:
    """Ids of the associations evaluated in ``cycle`` (the S3.5 rule)."""
    with db.transaction(district, write=False) as cur:
        cur.execute(
            db.sql(
                district,
                "SELECT DISTINCT association_id FROM {s}evaluations "
                "WHERE cycle = %s AND subject = 'association'",
            ),
            (cycle,),
        )
        return {r["association_id"] for r in cur.fetchall()}
