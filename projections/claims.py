"""Who is projecting a district right now: a claim held for the length of one catch-up task.

The batch transactions of :func:`projections.catchup.catch_up` already lock the district
(exactly-once).  The claim is a second, coarser lock: a PostgreSQL session-level advisory lock
held on a connection of its own for a whole task, taken without waiting.  A worker that finds
the district claimed drops its wake-up at once instead of queueing behind the lock, so several
wake-ups for one busy district never tie up several workers while other districts wait.

Why dropping is safe: the holder releases the claim first and then checks whether the
district's log grew; a wake-up refused before that release is therefore covered by the
holder's check (see ``workers.tasks.project_district``).

SQLite (embedded) has a single projector thread: the claim is always granted there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from projections.database import Database, schema_name

log = logging.getLogger(__name__)

#: The first key of the two-key advisory locks; the batch lock uses the one-key form, so the
#: two never collide.
CLAIM_LOCK_CLASS = 0x63780001


@contextmanager
def district_claim(db: Database, district: str, *, wait_seconds: float = 0.0) -> Iterator[bool]:
    """Yield True while this process holds the district's claim, False if someone else does.

    With ``wait_seconds`` the claim is retried until then (e.g. an operator's rebuild).
    """
    if db.kind != "postgresql":
        yield True
        return
    pool = db.pool  # type: ignore[attr-defined]
    key = (CLAIM_LOCK_CLASS, schema_name(district))
    deadline = time.monotonic() + wait_seconds
    with pool.connection() as conn:
        while True:
            row = conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s)) AS got", key
            ).fetchone()
            if row["got"] or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        if not row["got"]:
            yield False
            return
        try:
            yield True
        finally:
            try:
                conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
            except Exception:
                # A connection whose unlock failed must not go back to the pool holding it.
                log.warning("could not release the claim on district %s; closing", district)
                conn.close()

