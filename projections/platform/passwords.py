"""Sign-in names and passwords of accounts, and the failures counted against them.

Kept in their own catalog table beside ``users`` (not columns of it): a catalog made before
accounts had passwords gains the table on its next start, and the account reads that list
users never select a password hash.  Hashes are argon2id (``argon2-cffi``) with OWASP's
recommended minimum (19 MiB, 2 passes, 1 lane) rather than the library's 64 MiB default: a
server of 2 processes x 8 threads may hash 16 sign-ins at once, and 1 GiB for that is more
than a district's small server has.  The hash string carries its parameters, so stronger
ones later still verify the old hashes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from aggregates.errors import BadLogin, LoginTaken
from projections.platform.database import Database
from projections.platform.tables import Table, columns

PASSWORDS = Table(
    name="passwords",
    columns=columns(
        "user_id text, login text, password_hash text, must_change bool, set_at timestamp, "
        "set_by text"
    ),
    key=("user_id",),
    unique=(("login",),),
)

#: Recent failed sign-ins per subject: ``login:<login>`` (known or not, so that a lock says
#: nothing about whether the account exists) or ``address:<client address>``.
SIGN_IN_FAILURES = Table(
    name="sign_in_failures",
    columns=columns(
        "subject text, failures int, first_failure_at timestamp, last_failure_at timestamp, "
        "locked_until timestamp"
    ),
    key=("subject",),
    indexes=(("last_failure_at",),),
)

PASSWORD_TABLES = (PASSWORDS, SIGN_IN_FAILURES)

#: A login: what a person types on a phone, so lower-case ASCII letters, digits, ``.-_``.
LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: Verified against when the login is unknown, so both answers take the same time.
_DECOY_HASH = _HASHER.hash("canxie decoy: no account has this password")


def hash_password(password: str) -> str:
    """The argon2id hash stored for ``password``."""
    return _HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed (an unknown account still costs one hash)."""
    try:
        return _HASHER.verify(password_hash or _DECOY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def normal_login(login: str) -> str:
    """The login as stored: trimmed and lower-case; BadLogin if it has the wrong shape."""
    normal = login.strip().lower()
    if not LOGIN.fullmatch(normal):
        raise BadLogin(field="login")
    return normal


@dataclass(frozen=True)
class Credential:
    """An account's login, password hash and the failures counted against it."""

    user_id: str
    login: str
    password_hash: str
    must_change: bool


@dataclass(frozen=True)
class Failures:
    """The failed sign-ins counted against a subject (a login or an address)."""

    failures: int
    first_failure_at: datetime
    last_failure_at: datetime
    locked_until: datetime | None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _credential(row: Any) -> Credential:
    return Credential(
        user_id=row["user_id"],
        login=row["login"],
        password_hash=row["password_hash"],
        must_change=bool(row["must_change"]),
    )


class Passwords:
    """Reads and writes logins, password hashes and failure counts in the catalog."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _sql(self, template: str) -> str:
        return self.db.sql(None, template)

    def by_login(self, login: str) -> Credential | None:
        """The credential of a login (compared as stored: trimmed, lower-case)."""
        with self.db.catalog(write=False) as cur:
            cur.execute(
                self._sql("SELECT * FROM {s}passwords WHERE login = %s"), (login.strip().lower(),)
            )
            row = cur.fetchone()
        return _credential(row) if row else None

    def of_user(self, user_id: str) -> Credential | None:
        """The credential of an account, if it has one."""
        with self.db.catalog(write=False) as cur:
            cur.execute(self._sql("SELECT * FROM {s}passwords WHERE user_id = %s"), (user_id,))
            row = cur.fetchone()
        return _credential(row) if row else None

    def assign(
        self, cur: Any, user_id: str, login: str, password: str, by: str, now: datetime
    ) -> str:
        """Give an account a login and a one-time password, inside the caller's write (an
        account made before logins existed gets its first; another login replaces the old).
        Returns the login as stored."""
        login = normal_login(login)
        if not password:
            raise ValueError("an account with a login needs a one-time password")
        cur.execute(self._sql("SELECT user_id FROM {s}passwords WHERE login = %s"), (login,))
        holder = cur.fetchone()
        if holder and holder["user_id"] != user_id:
            raise LoginTaken(login=login, field="login")
        cur.execute(self._sql("DELETE FROM {s}passwords WHERE user_id = %s"), (user_id,))
        cur.execute(
            self._sql(
                "INSERT INTO {s}passwords (user_id, login, password_hash, must_change, set_at, "
                "set_by) VALUES (%s, %s, %s, %s, %s, %s)"
            ),
            (user_id, login, hash_password(password), True, now.isoformat(), by),
        )
        return login

    def replace(
        self, cur: Any, user_id: str, password: str, *, must_change: bool, by: str, now: datetime
    ) -> None:
        """A new password for an account (one-time when ``must_change``)."""
        cur.execute(
            self._sql(
                "UPDATE {s}passwords SET password_hash = %s, must_change = %s, set_at = %s, "
                "set_by = %s WHERE user_id = %s"
            ),
            (hash_password(password), must_change, now.isoformat(), by, user_id),
        )


class SignInFailures:
    """Counts failed sign-ins per subject; the policy (delays, locks) is the caller's."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _sql(self, template: str) -> str:
        return self.db.sql(None, template)

    def of(self, subject: str) -> Failures | None:
        """The failures counted against a subject, if any."""
        with self.db.catalog(write=False) as cur:
            return self._of(cur, subject)

    def _of(self, cur: Any, subject: str) -> Failures | None:
        cur.execute(self._sql("SELECT * FROM {s}sign_in_failures WHERE subject = %s"), (subject,))
        row = cur.fetchone()
        if row is None:
            return None
        return Failures(
            failures=int(row["failures"]),
            first_failure_at=datetime.fromisoformat(row["first_failure_at"]),
            last_failure_at=datetime.fromisoformat(row["last_failure_at"]),
            locked_until=_when(row["locked_until"]),
        )

    def failed(
        self,
        subject: str,
        count: Callable[[Failures | None], Failures],
        *,
        forget_before: datetime,
    ) -> Failures:
        """Count one more failure of ``subject`` as ``count(before)`` says, read and written
        in one catalog write (serialised, so concurrent guesses are all counted).  Subjects
        whose last failure came before ``forget_before`` are dropped: unknown logins and
        addresses cannot pile up."""
        with self.db.catalog(write=True) as cur:
            cur.execute(
                self._sql("DELETE FROM {s}sign_in_failures WHERE last_failure_at < %s"),
                (forget_before.isoformat(),),
            )
            counted = count(self._of(cur, subject))
            cur.execute(self._sql("DELETE FROM {s}sign_in_failures WHERE subject = %s"), (subject,))
            cur.execute(
                self._sql(
                    "INSERT INTO {s}sign_in_failures (subject, failures, first_failure_at, "
                    "last_failure_at, locked_until) VALUES (%s, %s, %s, %s, %s)"
                ),
                (
                    subject,
                    counted.failures,
                    counted.first_failure_at.isoformat(),
                    counted.last_failure_at.isoformat(),
                    counted.locked_until.isoformat() if counted.locked_until else None,
                ),
            )
        return counted

    def forget(self, subject: str) -> None:
        """Clear a subject's failures (its password was right)."""
        with self.db.catalog(write=True) as cur:
            cur.execute(self._sql("DELETE FROM {s}sign_in_failures WHERE subject = %s"), (subject,))
