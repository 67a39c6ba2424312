"""The projection tasks: catch one district up; sweep every district."""

from __future__ import annotations

import logging
from datetime import date

from celery import signals
from eventsourcing.persistence import OperationalError as StoreOperationalError
from psycopg import OperationalError as PgOperationalError

from aggregates.errors import NotFound
from projections.compliance import kept_rollup
from projections.engine.claims import district_claim, take_missed
from projections.platform.database import Database
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
    """Catch a district's read models up; safe to run any number of times, in any order.

    Fair to the other districts: a task runs at most ``CANXIE_TASK_MAX_BATCHES`` batches and
    then queues a fresh wake-up for the district behind everyone else's.  A district another
    worker is projecting right now is skipped at once (its claim is held) and marked missed;
    the holder, after letting go of the claim, queues a wake-up if the mark is there and the
    log grew, so the skipped wake-up is never lost (projections/engine/claims.py).

    The holder does not queue one merely because the log grew meanwhile: those events came
    with wake-ups of their own, and re-queueing on every growth fed a chain of tasks per
    wake-up under a steady stream of commands (measured: lag p50 0.5-0.9 s at 200 commands/s).
    """
    runtime = current_runtime()
    limit = runtime.settings.task_max_batches
    try:
        with district_claim(runtime.db, district) as claimed:
            if not claimed:
                log.debug("district %s is being projected by another worker", district)
                return {"district": district, "applied": 0, "position": -1, "busy": 1}
            result = runtime.catch_up(district, max_batches=limit)
        yielded = result.batches >= limit
        missed = take_missed(runtime.db, district)
        if (yielded or missed) and runtime.head(district) > result.position:
            again(district, "yielded" if yielded else "missed")
    except NotFound:
        log.warning("wake-up for unknown district %s ignored", district)
        return {"district": district, "applied": 0, "position": 0}
    return {"district": district, "applied": result.applied, "position": result.position}


def again(district: str, why: str) -> None:
    """Queue another catch-up of the district (behind the wake-ups already waiting)."""
    try:
        project_district.apply_async((district,))
        log.info("district %s queued again (%s)", district, why)
    except Exception as exc:  # the sweep will find the district behind
        log.warning("could not queue district %s again: %s", district, type(exc).__name__)


@celery.task(name=SWEEP)
def sweep() -> list[str]:
    """Queue a catch-up for every district whose read models are behind its events, and
    keep today's roll-up of the others.

    This is what makes a lost wake-up harmless: beat runs it every few seconds.
    """
    runtime = current_runtime()
    behind, settled = [], []
    for district in runtime.tenancy.districts():
        head, projected = runtime.lag(district.code)
        if head > projected:
            behind.append(district.code)
            project_district.apply_async((district.code,))
        else:
            settled.append(district.code)
    keep_today(runtime.db, settled, runtime.clock.today())
    return behind


def keep_today(db: Database, codes: list[str], today: date) -> None:
    """Keep today's compliance roll-up of each caught-up district (projections/kept_rollups):
    the city's answer then finds every district kept but those that changed since the last
    sweep.  Computed only where the events moved; a failure leaves the answer to compute it."""
    for code in codes:
        try:
            kept_rollup(db, code, today, None)
        except Exception as exc:  # the reads compute it themselves
            log.warning("could not keep the roll-up of %s: %s", code, type(exc).__name__)


@signals.worker_ready.connect
def sweep_at_start(**_: object) -> None:
    """Queue one sweep as soon as a worker is ready, without waiting for beat.

    Commands taken while the broker was unreachable lost their wake-ups; the next periodic
    sweep may be ``CANXIE_SWEEP_SECONDS`` away, or beat not running yet.  Several workers
    starting together queue several sweeps: each is harmless (a district is claimed by one).
    """
    try:
        sweep.apply_async()
        log.info("sweep at worker start queued")
    except Exception as exc:  # beat's sweep still comes
        log.warning("could not queue the sweep at worker start: %s", type(exc).__name__)
