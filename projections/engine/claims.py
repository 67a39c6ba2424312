"""Who is projecting a district right now: a claim held for the length of one catch-up task.

The batch transactions of :func:`projections.engine.catchup.catch_up` already lock the district
(exactly-once).  The claim is a second, coarser lock: a PostgreSQL session-level advisory lock
held on a connection of its own for a whole task, taken without waiting.  A worker that finds
the district claimed drops its wake-up at once instead of queueing behind the lock, so several
wake-ups for one busy district never tie up several workers while other districts wait.

Why dropping is safe: a task refused the claim first marks the district "missed" in the
catalog and tries once more; the holder, after releasing the claim, takes that mark away and
queues another catch-up if it was there (see ``workers.tasks.project_district``).  Either the
mark was made before the holder released (the holder sees it), or the second try comes after
the release (and gets the claim, unless a newer holder has it, who will see the mark).  Only
refused wake-ups cost a write; the holder's check is a DELETE that usually matches nothing.

SQLite (embedded) has a single projector thread: the claim is always granted there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from projections.platform.database import Database, PostgresDatabase, schema_name
from projections.platform.tables import Table, columns

log = logging.getLogger(__name__)

#: The first key of the two-key advisory locks; the batch lock uses the one-key form, so the
#: two never collide.
CLAIM_LOCK_CLASS = 0x63780001

#: Districts whose wake-up was refused while another worker held the claim (PostgreSQL only).
MISSED_WAKEUPS = Table(
    name="missed_wakeups",
    columns=columns("district text, missed_at timestamp"),
    key=("district",),
)


@contextmanager
def district_claim(db: Database, district: str, *, wait_seconds: float = 0.0) -> Iterator[bool]:
    """Yield True while this process holds the district's claim, False if someone else does.

    With ``wait_seconds`` the claim is retried until then (e.g. an operator's rebuild).
    """
    if not isinstance(db, PostgresDatabase):
        yield True
        return
    pool = db.pool
    key = (CLAIM_LOCK_CLASS, schema_name(district))
    deadline = time.monotonic() + wait_seconds
    with pool.connection() as conn:
        got = _try(conn, key)
        if not got:
            _mark_missed(conn, district)
            got = _try(conn, key)
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
            got = _try(conn, key)
        if not got:
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


def _try(conn: Any, key: tuple[int, str]) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s)) AS got", key).fetchone()
    return bool(row["got"])


def _mark_missed(conn: Any, district: str) -> None:
    conn.execute(
        "INSERT INTO canxie_catalog.missed_wakeups (district, missed_at) VALUES (%s, now()) "
        "ON CONFLICT (district) DO NOTHING",
        (district,),
    )


def take_missed(db: Database, district: str) -> bool:
    """Whether a wake-up for the district was refused since the last look (and forget it)."""
    if not isinstance(db, PostgresDatabase):
        return False
    with db.pool.connection() as conn:
        row = conn.execute(
            "DELETE FROM canxie_catalog.missed_wakeups WHERE district = %s RETURNING district",
            (district,),
        ).fetchone()
    return row is not None
