"""Accounts, API tokens and the record of unmasked reads, kept in the catalog.

Tokens are random (256 bits) and stored only as their SHA-256 digest: a stolen catalog
does not yield usable tokens, and a fast digest is enough for a secret of that entropy.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aggregates.errors import LastCityAdministrator, NoSuchToken, NoSuchUser
from projections.platform.database import Database
from projections.platform.passwords import PASSWORD_TABLES, Passwords
from projections.platform.tables import Table, columns
from projections.platform.users import USER_COLUMNS, User, user_of
from projections.platform.web_sessions import WEB_SESSIONS, end_sessions_of

TOKEN_PREFIX = "cx_"
#: The role whose last active account must stay (service.http.access.Role.CITY_ADMIN).
CITY_ADMIN = "city_admin"

USERS = Table(
    name="users",
    columns=columns(
        "id text, name text, role text, district text, township text, association_id text, "
        "organisation text, created_at timestamp, created_by text, disabled_at timestamp, "
        "disabled_by text"
    ),
    key=("id",),
    indexes=(("district",),),
)

TOKENS = Table(
    name="tokens",
    columns=columns(
        "token_hash text, token_id text, user_id text, created_at timestamp, "
        "expires_at timestamp, revoked_at timestamp, revoked_by text"
    ),
    key=("token_hash",),
    unique=(("token_id",),),
    indexes=(("user_id",),),
)

PERSONAL_DATA_READS = Table(
    name="personal_data_reads",
    columns=columns(
        "id text, read_at timestamp, actor text, role text, organisation text, district text, "
        "subject_kind text, subject_id text, fields json, reason text, request_id text"
    ),
    key=("id",),
    indexes=(("district", "read_at"),),
)

ACCOUNT_TABLES = (USERS, TOKENS, PERSONAL_DATA_READS, *PASSWORD_TABLES, WEB_SESSIONS)

#: Accounts with their login (None: the account signs in with API tokens only).
_USERS = f"SELECT {USER_COLUMNS} FROM {{s}}users u LEFT JOIN {{s}}passwords p ON p.user_id = u.id"


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret is shown once and never stored."""

    token: str
    token_id: str
    expires_at: str


def token_digest(token: str) -> str:
    """How a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class Accounts:
    """Reads and writes users, tokens and unmasked reads in the catalog."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _sql(self, template: str) -> str:
        return self.db.sql(None, template)

    def add_user(
        self,
        *,
        name: str,
        role: str,
        district: str | None,
        township: str | None,
        association_id: str | None,
        organisation: str,
        created_by: str,
        login: str | None = None,
        one_time_password: str | None = None,
    ) -> User:
        """Create an account (its scope was checked by the caller's policy); with a login, it
        signs in with ``one_time_password`` once and must then choose its own."""
        user_id = uuid.uuid4().hex
        created_at = _now().isoformat()
        with self.db.catalog(write=True) as cur:
            if login is not None:
                Passwords(self.db).assign(
                    cur, user_id, login, one_time_password or "", created_by, _now()
                )
            cur.execute(
                self._sql(
                    "INSERT INTO {s}users (id, name, role, district, township, association_id, "
                    "organisation, created_at, created_by) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                ),
                (
                    user_id,
                    name,
                    role,
                    district,
                    township,
                    association_id,
                    organisation,
                    created_at,
                    created_by,
                ),
            )
        return self.user(user_id)

    def user(self, user_id: str) -> User:
        """One account, or NotFound."""
        with self.db.catalog(write=False) as cur:
            cur.execute(self._sql(f"{_USERS} WHERE u.id = %s"), (user_id,))
            row = cur.fetchone()
        if row is None:
            raise NoSuchUser(id=user_id, field="user_id")
        return user_of(row)

    def users(self, district: str | None = None) -> list[User]:
        """Every account, or those of one district."""
        where, params = ("WHERE u.district = %s", [district]) if district else ("", [])
        with self.db.catalog(write=False) as cur:
            cur.execute(self._sql(f"{_USERS} {where} ORDER BY u.created_at"), params)
            return [user_of(row) for row in cur.fetchall()]

    def issue_token(self, user_id: str, *, valid_for: timedelta) -> IssuedToken:
        """A new bearer token for the user."""
        self.user(user_id)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(6)
        expires_at = (_now() + valid_for).isoformat()
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}tokens (token_hash, token_id, user_id, created_at, expires_at) "
                    "VALUES (%s, %s, %s, %s, %s)"
                ),
                (token_digest(token), token_id, user_id, _now().isoformat(), expires_at),
            )
        return IssuedToken(token=token, token_id=token_id, expires_at=expires_at)

    def user_for_token(self, token: str) -> User | None:
        """The active user a valid (known, unexpired, unrevoked) token belongs to."""
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT u.*, p.login, t.expires_at AS token_expires_at, "
                    "t.revoked_at AS token_revoked_at FROM {s}tokens t "
                    "JOIN {s}users u ON u.id = t.user_id "
                    "LEFT JOIN {s}passwords p ON p.user_id = u.id WHERE t.token_hash = %s"
                ),
                (token_digest(token),),
            )
            row = cur.fetchone()
        if row is None or row["token_revoked_at"] or row["disabled_at"]:
            return None
        if datetime.fromisoformat(row["token_expires_at"]) <= _now():
            return None
        return user_of(row)

    def tokens(self, user_id: str) -> list[dict[str, Any]]:
        """A user's tokens, without their secrets."""
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT token_id, created_at, expires_at, revoked_at FROM {s}tokens "
                    "WHERE user_id = %s ORDER BY created_at"
                ),
                (user_id,),
            )
            return [dict(row) for row in cur.fetchall()]

    def token_owner(self, token_id: str) -> User | None:
        """The user a token was issued to, if the token exists."""
        with self.db.catalog(write=False) as cur:
            cur.execute(self._sql("SELECT user_id FROM {s}tokens WHERE token_id = %s"), (token_id,))
            row = cur.fetchone()
        return self.user(str(row["user_id"])) if row else None

    def _live_city_admin_tokens(self, cur: Any) -> list[tuple[str, str]]:
        """(user id, token id) of every token a city administrator can still sign in with."""
        cur.execute(
            self._sql(
                "SELECT u.id AS user_id, t.token_id, t.expires_at FROM {s}users u "
                "JOIN {s}tokens t ON t.user_id = u.id WHERE u.role = %s "
                "AND u.disabled_at IS NULL AND t.revoked_at IS NULL"
            ),
            (CITY_ADMIN,),
        )
        now = _now()
        return [
            (str(row["user_id"]), str(row["token_id"]))
            for row in cur.fetchall()
            if datetime.fromisoformat(row["expires_at"]) > now
        ]

    def _keep_a_city_admin(
        self, cur: Any, *, user_id: str | None = None, token_id: str | None = None
    ) -> None:
        """Refuse taking away the last way in of the last active city administrator.

        Only the command line could restore access afterwards.  Checked inside the write
        transaction (catalog writes are serialised), so two administrators removing each
        other at once cannot both succeed.
        """
        live = self._live_city_admin_tokens(cur)
        left = [(u, t) for u, t in live if u != user_id and t != token_id]
        if live and not left:
            raise LastCityAdministrator(field="token_id" if token_id else "user_id")

    def revoke_token(self, token_id: str, *, by: str) -> str:
        """Revoke one token; returns the user it belonged to."""
        with self.db.catalog(write=True) as cur:
            cur.execute(self._sql("SELECT user_id FROM {s}tokens WHERE token_id = %s"), (token_id,))
            row = cur.fetchone()
            if row is None:
                raise NoSuchToken(id=token_id, field="token_id")
            self._keep_a_city_admin(cur, token_id=token_id)
            cur.execute(
                self._sql(
                    "UPDATE {s}tokens SET revoked_at = %s, revoked_by = %s "
                    "WHERE token_id = %s AND revoked_at IS NULL"
                ),
                (_now().isoformat(), by, token_id),
            )
        return str(row["user_id"])

    def disable_user(self, user_id: str, *, by: str) -> None:
        """Disable an account, revoke all its tokens and end its signed-in sessions."""
        self.user(user_id)
        now = _now().isoformat()
        with self.db.catalog(write=True) as cur:
            self._keep_a_city_admin(cur, user_id=user_id)
            cur.execute(
                self._sql("UPDATE {s}users SET disabled_at = %s, disabled_by = %s WHERE id = %s"),
                (now, by, user_id),
            )
            cur.execute(
                self._sql(
                    "UPDATE {s}tokens SET revoked_at = %s, revoked_by = %s "
                    "WHERE user_id = %s AND revoked_at IS NULL"
                ),
                (now, by, user_id),
            )
            end_sessions_of(cur, self._sql, user_id, _now(), "account disabled")

    def set_password(
        self, user_id: str, password: str, *, one_time: bool, by: str, because: str
    ) -> None:
        """Replace an account's password and end all its sessions in one write: whoever
        knew the old one is signed out.  A one-time password must be changed at the next
        sign-in (an administrator's reset)."""
        self.user(user_id)
        with self.db.catalog(write=True) as cur:
            Passwords(self.db).replace(
                cur, user_id, password, must_change=one_time, by=by, now=_now()
            )
            end_sessions_of(cur, self._sql, user_id, _now(), because)

    def set_login(self, user_id: str, login: str, one_time_password: str, *, by: str) -> None:
        """Give an account a (new) login with a one-time password; its sessions end."""
        self.user(user_id)
        with self.db.catalog(write=True) as cur:
            Passwords(self.db).assign(cur, user_id, login, one_time_password, by, _now())
            end_sessions_of(cur, self._sql, user_id, _now(), "login set")

    def record_unmasked_read(
        self,
        *,
        actor: str,
        role: str,
        organisation: str,
        district: str,
        subject_kind: str,
        subject_id: str,
        fields: list[str],
        reason: str,
        request_id: str,
    ) -> None:
        """Note who saw whose personal data unmasked, when and why."""
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}personal_data_reads (id, read_at, actor, role, organisation, "
                    "district, subject_kind, subject_id, fields, reason, request_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                ),
                (
                    uuid.uuid4().hex,
                    _now().isoformat(),
                    actor,
                    role,
                    organisation,
                    district,
                    subject_kind,
                    subject_id,
                    json.dumps(sorted(fields)),
                    reason,
                    request_id,
                ),
            )

    def unmasked_reads(self, district: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        """The record of unmasked reads, newest first, of one district or all."""
        where, params = ("WHERE district = %s", [district]) if district else ("", [])
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql(
                    f"SELECT * FROM {{s}}personal_data_reads {where} "
                    "ORDER BY read_at DESC LIMIT %s OFFSET %s"
                ),
                [*params, limit, offset],
            )
            rows = [dict(row) for row in cur.fetchall()]
        for row in rows:
            row["fields"] = json.loads(row["fields"])
        return rows
