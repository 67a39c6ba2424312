"""Signed-in browser sessions, kept server-side in the catalog so they can be ended.

The session id is the cookie's value: 256 random bits, stored only as its SHA-256 digest
(like the API's tokens), so a copy of the catalog opens no session.  Which session is still
valid (idle timeout, absolute lifetime, account disabled) is decided by the application
layer (``service/application/sign_in.py``) on the clock it is given; this module keeps rows.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from projections.platform.database import Database
from projections.platform.tables import Table, columns
from projections.platform.users import USER_COLUMNS, User, user_of

WEB_SESSIONS = Table(
    name="web_sessions",
    columns=columns(
        "digest text, user_id text, created_at timestamp, last_seen_at timestamp, "
        "ended_at timestamp, ended_because text"
    ),
    key=("digest",),
    indexes=(("user_id",),),
)


def session_digest(session_id: str) -> str:
    """How a session id is stored and looked up."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class WebSession:
    """A signed-in session.  ``id`` is the cookie's value, known only to the browser (and to
    this object when it was just opened or presented); the catalog holds its digest."""

    id: str = field(repr=False)  # a secret: never in a log line or a traceback
    user_id: str
    login: str
    must_change_password: bool
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class StoredSession:
    """A session row with its account: deciding its validity and whom it signs in need both,
    so one query reads them (a page asks for the session on every request)."""

    user: User
    must_change_password: bool
    created_at: datetime
    last_seen_at: datetime
    ended: bool

    @property
    def user_id(self) -> str:
        """The account's id."""
        return self.user.id

    @property
    def login(self) -> str:
        """What the account signs in with (a session is opened only by signing in)."""
        return self.user.login or ""

    @property
    def account_disabled(self) -> bool:
        """The account was disabled after the session was opened."""
        return self.user.disabled_at is not None


def end_sessions_of(cur: Any, sql: Any, user_id: str, now: datetime, because: str) -> None:
    """End every open session of an account, inside the caller's write transaction
    (``sql`` turns the template into the catalog's dialect)."""
    cur.execute(
        sql(
            "UPDATE {s}web_sessions SET ended_at = %s, ended_because = %s "
            "WHERE user_id = %s AND ended_at IS NULL"
        ),
        (now.isoformat(), because, user_id),
    )


class WebSessions:
    """Opens, finds, refreshes and ends sessions in the catalog."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _sql(self, template: str) -> str:
        return self.db.sql(None, template)

    def open(self, user_id: str, now: datetime, *, purge_before: datetime) -> str:
        """A new session of the account; returns its id (shown to nobody but the browser).

        Sessions that started before ``purge_before`` are past any lifetime: their rows go.
        """
        session_id = secrets.token_urlsafe(32)
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql("DELETE FROM {s}web_sessions WHERE created_at < %s"),
                (purge_before.isoformat(),),
            )
            cur.execute(
                self._sql(
                    "INSERT INTO {s}web_sessions (digest, user_id, created_at, last_seen_at) "
                    "VALUES (%s, %s, %s, %s)"
                ),
                (session_digest(session_id), user_id, now.isoformat(), now.isoformat()),
            )
        return session_id

    def find(self, session_id: str) -> StoredSession | None:
        """The session an id names, with its account's login and state."""
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql(
                    f"SELECT {USER_COLUMNS}, p.must_change, s.created_at AS opened_at, "
                    "s.last_seen_at AS seen_at, s.ended_at AS session_ended_at "
                    "FROM {s}web_sessions s JOIN {s}users u ON u.id = s.user_id "
                    "JOIN {s}passwords p ON p.user_id = s.user_id WHERE s.digest = %s"
                ),
                (session_digest(session_id),),
            )
            row = cur.fetchone()
        if row is None:
            return None
        return StoredSession(
            user=user_of(row),
            must_change_password=bool(row["must_change"]),
            created_at=datetime.fromisoformat(row["opened_at"]),
            last_seen_at=datetime.fromisoformat(row["seen_at"]),
            ended=row["session_ended_at"] is not None,
        )

    def seen(self, session_id: str, now: datetime) -> None:
        """Note the session was used now (the idle timeout counts from here)."""
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql(
                    "UPDATE {s}web_sessions SET last_seen_at = %s "
                    "WHERE digest = %s AND ended_at IS NULL"
                ),
                (now.isoformat(), session_digest(session_id)),
            )

    def end(self, session_id: str, now: datetime, because: str) -> None:
        """End one session (signed out, timed out)."""
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql(
                    "UPDATE {s}web_sessions SET ended_at = %s, ended_because = %s "
                    "WHERE digest = %s AND ended_at IS NULL"
                ),
                (now.isoformat(), because, session_digest(session_id)),
            )

    def end_all(self, user_id: str, now: datetime, because: str) -> None:
        """End every open session of an account."""
        with self.db.catalog(write=True) as cur:
            end_sessions_of(cur, self._sql, user_id, now, because)
