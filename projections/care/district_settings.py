"""Read model of the district's settings versions: visit intervals and evaluation schemes.

Versions are kept in recording order with their effective dates; what applies on a date is
chosen by :func:`aggregates.care.district_settings.in_force`, the same rule the commands use.
"""

from __future__ import annotations

import json
from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from aggregates.care.district_settings import (
    Criterion,
    DistrictSettings,
    EvaluationScheme,
    VisitIntervals,
    default_intervals,
    in_force,
)
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Cursor, Database
from projections.platform.scope import tracked_position
from projections.platform.tables import Table, columns

INTERVAL_VERSIONS = Table(
    name="visit_interval_versions",
    columns=columns(
        "position int, effective_from date, intervals json, recorded_at timestamp, recorded_by text"
    ),
    key=("position",),
)

SCHEMES = Table(
    name="evaluation_schemes",
    columns=columns(
        "scheme_id text, effective_from date, criteria json, performance_weight json, "
        "position int, recorded_at timestamp, recorded_by text"
    ),
    key=("scheme_id",),
)


def _intervals(event: DistrictSettings.VisitIntervalsSet, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        INTERVAL_VERSIONS,
        {
            "position": position,
            "effective_from": event.effective_from.isoformat(),
            "intervals": json.dumps(event.intervals, sort_keys=True),
            "recorded_at": event.timestamp.isoformat(),
            "recorded_by": event.by.actor,
        },
    )


def _scheme(
    event: DistrictSettings.EvaluationSchemeAdopted, position: int, uow: UnitOfWork
) -> None:
    uow.upsert(
        SCHEMES,
        {
            "scheme_id": str(event.scheme_id),
            "effective_from": event.effective_from.isoformat(),
            "criteria": json.dumps(event.criteria, ensure_ascii=False),
            "performance_weight": json.dumps(event.performance_weight),
            "position": position,
            "recorded_at": event.timestamp.isoformat(),
            "recorded_by": event.by.actor,
        },
    )


DISTRICT_SETTINGS_PROJECTION = Projection(
    name="district_settings",
    tables=(INTERVAL_VERSIONS, SCHEMES),
    handlers=handled(_intervals, _scheme),
)


# -- queries --------------------------------------------------------------------------------


def interval_versions(cur: Cursor, sql: Any) -> list[dict[str, Any]]:
    """Every visit-interval version, in recording order."""
    cur.execute(sql("SELECT * FROM {s}visit_interval_versions ORDER BY position"))
    versions = [dict(r) for r in cur.fetchall()]
    for version in versions:
        version["intervals"] = json.loads(version["intervals"])
    return versions


def intervals_in_force(versions: list[dict[str, Any]], on: date) -> dict[str, Any]:
    """The intervals that apply on ``on``, with the date they took effect (None: default)."""
    chosen = in_force(
        [VisitIntervals(date.fromisoformat(v["effective_from"]), v["intervals"]) for v in versions],
        on,
    )
    if chosen is None:
        return {"effective_from": None, "intervals": default_intervals(on)}
    return {"effective_from": chosen.effective_from.isoformat(), "intervals": chosen.intervals}


def visit_settings(db: Database, district: str, on: date) -> dict[str, Any]:
    """The versions of the visit intervals and those in force on ``on``."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, DISTRICT_SETTINGS_PROJECTION.name)
        versions = interval_versions(cur, sql)
    return {
        "on": on.isoformat(),
        "in_force": intervals_in_force(versions, on),
        "versions": versions,
        "position": position,
    }


def _scheme_row(row: Any) -> dict[str, Any]:
    scheme = dict(row)
    scheme["criteria"] = json.loads(scheme["criteria"])
    scheme["performance_weight"] = json.loads(scheme["performance_weight"])
    scheme["rating_weight"] = 100 - scheme["performance_weight"]
    return scheme


def evaluation_schemes(db: Database, district: str, on: date) -> dict[str, Any]:
    """Every evaluation scheme version and the one in force on ``on`` (None if none)."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, DISTRICT_SETTINGS_PROJECTION.name)
        cur.execute(sql("SELECT * FROM {s}evaluation_schemes ORDER BY position"))
        versions = [_scheme_row(r) for r in cur.fetchall()]
    chosen = in_force(
        [
            EvaluationScheme(
                UUID(v["scheme_id"]),
                date.fromisoformat(v["effective_from"]),
                tuple(Criterion(**c) for c in v["criteria"]),
                v["performance_weight"],
            )
            for v in versions
        ],
        on,
    )
    current = next(
        (v for v in versions if chosen and v["scheme_id"] == str(chosen.scheme_id)), None
    )
    return {"on": on.isoformat(), "in_force": current, "versions": versions, "position": position}
