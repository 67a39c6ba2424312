"""Roster imports running in the background (导入任务): where each stands, in the catalog, so
that any web process can show it.  The uploaded file itself is never kept here: only counts,
the outcome and the row errors (which quote no personal data).  A job whose process died
stops sending its heartbeat and is then shown as interrupted, never as running forever."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from projections.platform.database import Database
from projections.platform.tables import Table, columns, json_text

IMPORT_JOBS = Table(
    name="roster_import_jobs",
    columns=columns(
        "job_id text, district text, user_id text, phase text, rows int, total int, "
        "invalid int, started_at timestamp, beat_at timestamp, outcome json"
    ),
    key=("job_id",),
    indexes=(("started_at",),),
)

#: Without a heartbeat for this long, a running job's process is taken as dead.
SILENCE = timedelta(seconds=90)
#: How long a finished job's page stays (the report holds no personal data).
KEPT = timedelta(days=2)
#: Phases after which nothing more happens.
FINISHED = ("done", "failed")


@dataclass(frozen=True)
class ImportJob:
    """A job as a page shows it: the phase, rows done of the total, rows with errors so far,
    and once finished its outcome (the report, or why it failed)."""

    job_id: str
    district: str
    user_id: str
    phase: str  # "validating" | "saving" | "done" | "failed" | "interrupted"
    rows: int
    total: int
    invalid: int
    outcome: dict[str, Any] | None

    @property
    def running(self) -> bool:
        """Still working: the page keeps refreshing."""
        return self.phase not in (*FINISHED, "interrupted")


def _now() -> datetime:
    return datetime.now(UTC)


class ImportJobs:
    """Creates, advances and reads the catalog's import jobs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _sql(self, template: str) -> str:
        return self.db.sql(None, template)

    def create(self, district: str, user_id: str, total: int) -> str:
        """A new job (its id unguessable); jobs past :data:`KEPT` are forgotten."""
        job_id, now = secrets.token_urlsafe(16), _now()
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql("DELETE FROM {s}roster_import_jobs WHERE started_at < %s"),
                ((now - KEPT).isoformat(),),
            )
            cur.execute(
                self._sql(
                    "INSERT INTO {s}roster_import_jobs (job_id, district, user_id, phase, rows, "
                    "total, invalid, started_at, beat_at) VALUES (%s, %s, %s, %s, 0, %s, 0, %s, %s)"
                ),
                (job_id, district, user_id, "validating", total, now.isoformat(), now.isoformat()),
            )
        return job_id

    def advance(self, job_id: str, phase: str, rows: int, total: int, invalid: int) -> None:
        """Where a running job stands now (also its heartbeat)."""
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql(
                    "UPDATE {s}roster_import_jobs SET phase = %s, rows = %s, total = %s, "
                    "invalid = %s, beat_at = %s WHERE job_id = %s"
                ),
                (phase, rows, total, invalid, _now().isoformat(), job_id),
            )

    def finish(self, job_id: str, phase: str, outcome: dict[str, Any]) -> None:
        """The job's end: ``done`` with its report, or ``failed`` with why."""
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql(
                    "UPDATE {s}roster_import_jobs SET phase = %s, outcome = %s, beat_at = %s "
                    "WHERE job_id = %s"
                ),
                (phase, json_text(outcome), _now().isoformat(), job_id),
            )

    def get(self, job_id: str) -> ImportJob | None:
        """The job, a silent running one as ``interrupted``; None when there is none."""
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql("SELECT * FROM {s}roster_import_jobs WHERE job_id = %s"), (job_id,)
            )
            row = cur.fetchone()
        if row is None:
            return None
        phase = row["phase"]
        beat = datetime.fromisoformat(row["beat_at"])
        if phase not in FINISHED and _now() - beat > SILENCE:
            phase = "interrupted"
        return ImportJob(
            job_id=row["job_id"],
            district=row["district"],
            user_id=row["user_id"],
            phase=phase,
            rows=int(row["rows"]),
            total=int(row["total"]),
            invalid=int(row["invalid"]),
            outcome=json.loads(row["outcome"]) if row["outcome"] else None,
        )
