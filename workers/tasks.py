"""The projection tasks: catch one district up; sweep every district."""

from __future__ import annotations

import logging

from eventsourcing.persistence import OperationalError as StoreOperationalError
from psycopg import OperationalError as PgOperationalError

from aggregates.errors import NotFound
from workers.celery_app import celery
from workers.runtime import current_runtime
from workers.wakeups import PROJECT_DISTRICT

log = logging.getLogger(__name__)

SWEEP = "canxie.sweep"


@celery.task(
    name=PROJECT_DISTRICT,
    autoretry_for=(PgOperationalError, StoreOperationalError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def project_district(district: str) -> dict[str, int | str]:
    """Catch a district's read models up; safe to run any number of times, in any order."""
    runtime = current_runtime()
    try:
        result = runtime.catch_up(district)
    except NotFound:
        log.warning("wake-up for unknown district %s ignored", district)
        return {"district": district, "applied": 0, "position": 0}
    return {"district": district, "applied": result.applied, "position": result.position}


@celery.task(name=SWEEP)
def sweep() -> list[str]:
    """Queue a catch-up for every district whose read models are behind its events.

    This is what makes a lost wake-up harmless: beat runs it every few seconds.
    """
    runtime = current_runtime()
    behind = []
    for district in runtime.tenancy.districts():
        head, projected = runtime.lag(district.code)
        if head > projected:
            behind.append(district.code)
            project_district.apply_async((district.code,))
    return behind
