"""Counts of the workers' task failures and retries, kept in the catalog.

Worker processes come and go (and Celery forks several per pod); counting in the database
lets the web's ``/metrics`` report every worker's failures without scraping the workers
themselves.  Failures that happen while the database is unreachable are kept in the
process's memory and written with the next count that gets through.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime

from projections.platform.database import Database
from projections.platform.tables import Table, columns

log = logging.getLogger(__name__)

TASK_STATS = Table(
    name="task_stats",
    columns=columns("task text, district text, outcome text, total int, updated_at timestamp"),
    key=("task", "district", "outcome"),
)

_pending: Counter[tuple[str, str, str]] = Counter()
_pending_lock = threading.Lock()
_ready: set[str] = set()


def _ensure(db: Database) -> None:
    where = f"{db.kind}:{getattr(db, 'url', None) or getattr(db, 'data_dir', '')}"
    if where in _ready:
        return
    with db.catalog(write=True) as cur:
        for statement in TASK_STATS.ddl(db.kind):
            cur.execute(db.sql(None, statement))
    _ready.add(where)


def record(db: Database, task: str, district: str, outcome: str) -> bool:
    """Count one outcome (``failure``, ``retry``); False if it could only be kept for later."""
    with _pending_lock:
        _pending[(task, district, outcome)] += 1
        batch = dict(_pending)
        _pending.clear()
    try:
        _ensure(db)
        now = datetime.now(UTC).isoformat()
        with db.catalog(write=False) as cur:
            cur.executemany(
                db.sql(
                    None,
                    "INSERT INTO {s}task_stats AS t (task, district, outcome, total, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (task, district, outcome) "
                    "DO UPDATE SET total = t.total + excluded.total, "
                    "updated_at = excluded.updated_at",
                ),
                [(*key, n, now) for key, n in sorted(batch.items())],
            )
    except Exception as exc:
        log.warning("task %s counted in memory only (%s)", outcome, type(exc).__name__)
        with _pending_lock:
            _pending.update(batch)
        return False
    return True


def totals(db: Database) -> dict[tuple[str, str, str], int]:
    """(task, district, outcome) -> count, over every worker."""
    _ensure(db)
    with db.catalog(write=False) as cur:
        cur.execute(db.sql(None, "SELECT task, district, outcome, total FROM {s}task_stats"))
        return {
            (row["task"], row["district"], row["outcome"]): int(row["total"])
            for row in cur.fetchall()
        }
