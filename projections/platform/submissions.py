"""Form submissions already taken, per account: a double tap, a reload after a time-out or a
resend after the network dropped carries the same submission key, and is answered with where
the first one led instead of recording twice."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from projections.platform.database import Database
from projections.platform.tables import Table

SUBMISSIONS = Table(
    name="form_submissions",
    columns={
        "user_id": "text",
        "submission_key": "text",
        "location": "text",  # where the page went after the act; NULL while it runs
        "taken_at": "timestamp",
    },
    key=("user_id", "submission_key"),
    indexes=(("taken_at",),),
)

#: How long a key is remembered (a phone that resends later than that is very late).
KEPT = timedelta(days=2)
#: How long a resend waits for the first submission, still running, to finish.
WAIT_SECONDS = 10.0


class StillRunning(Exception):
    """The first submission with this key has not finished (or its process died)."""


class Submissions:
    """Runs an act once per (account, submission key) and remembers where it led."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _sql(self, template: str) -> str:
        return self.db.sql(None, template)

    def _claim(self, user_id: str, key: str) -> bool:
        now = datetime.now(UTC)
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql("DELETE FROM {s}form_submissions WHERE taken_at < %s"),
                ((now - KEPT).isoformat(),),
            )
            cur.execute(
                self._sql(
                    "INSERT INTO {s}form_submissions (user_id, submission_key, taken_at) "
                    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
                ),
                (user_id, key, now.isoformat()),
            )
            return cur.rowcount == 1

    def _location(self, user_id: str, key: str) -> str | None:
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT location FROM {s}form_submissions "
                    "WHERE user_id = %s AND submission_key = %s"
                ),
                (user_id, key),
            )
            row = cur.fetchone()
        return str(row["location"]) if row and row["location"] else None

    def _finish(self, user_id: str, key: str, location: str | None) -> None:
        with self.db.catalog(write=True) as cur:
            if location is None:  # refused: the corrected form may be sent with the same key
                cur.execute(
                    self._sql(
                        "DELETE FROM {s}form_submissions WHERE user_id = %s AND submission_key = %s"
                    ),
                    (user_id, key),
                )
            else:
                cur.execute(
                    self._sql(
                        "UPDATE {s}form_submissions SET location = %s "
                        "WHERE user_id = %s AND submission_key = %s"
                    ),
                    (location, user_id, key),
                )

    def once(self, user_id: str, key: str, act: Callable[[], str]) -> tuple[str, bool]:
        """Where ``act`` led (running it only for the first submission of ``key``), and
        whether this call ran it.  An act that raises is forgotten, so it may be retried."""
        if self._claim(user_id, key):
            location: str | None = None
            try:
                location = act()
            finally:
                self._finish(user_id, key, location)
            return location, True
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            found = self._location(user_id, key)
            if found is not None:
                return found, False
            if time.monotonic() > deadline:
                raise StillRunning(key)
            time.sleep(0.1)
