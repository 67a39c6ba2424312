"""People sign in with a login and a password; their browser then holds a server-side session.

The web pages call these functions and nothing else about passwords and sessions:

- :func:`sign_in` checks a password and opens a session, or refuses with
  :class:`SignInFailed` (the same for an unknown login and a wrong password),
  :class:`SignInTooSoon` (from the third failure in a row, a growing wait) or
  :class:`AccountLocked` (after ``Settings.sign_in_lock_failures`` failures, for
  ``sign_in_lock_minutes``), both :class:`SignInThrottled` with ``retry_after_seconds``.
  Failures count per login, known or not (a lock does not tell which logins exist), and
  never lock an address: many failures from one address only space its attempts out, so
  the colleagues behind one village's NAT still get in.
- :func:`session_principal` is the caller a session cookie names, with the same
  :class:`Principal` a bearer token of the account gives, or None.  A session whose
  ``must_change_password`` is set may reach the change-password page and sign out only.
- :func:`change_password` ends every session of the account, the one presented too, and
  returns the new session the browser keeps instead (a new id).
- :func:`sign_out` ends the session.

Passwords and session ids are never logged nor stored: the catalog keeps an argon2id hash
and a SHA-256 digest (``projections/platform/passwords.py``, ``web_sessions.py``).
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aggregates.errors import (
    AccountLocked,
    CurrentPasswordWrong,
    PasswordTooWeak,
    SessionEnded,
    SignInFailed,
    SignInThrottled,
    SignInTooSoon,
)
from projections.platform.passwords import (
    Failures,
    Passwords,
    SignInFailures,
    password_matches,
)
from projections.platform.web_sessions import WebSession, WebSessions
from service.http.access import Principal, principal_of

if TYPE_CHECKING:
    from workers.runtime import Runtime

__all__ = [
    "WebSession",
    "change_password",
    "new_one_time_password",
    "session_principal",
    "sign_in",
    "sign_out",
]

#: A password a person chooses has at least this many characters.
MINIMUM_PASSWORD_LENGTH = 10
#: Failures in a row after which each further attempt on the login must wait.
SLOW_AFTER_FAILURES = 3
#: The longest wait before the lock.
LONGEST_WAIT = timedelta(minutes=5)
#: An address's failures are counted over this window ...
ADDRESS_WINDOW = timedelta(minutes=15)
#: ... and past this many its attempts are spaced out (never refused for longer).
ADDRESS_CEILING = 100
ADDRESS_SPACING = timedelta(seconds=2)
#: Failures older than this are forgotten (and their rows dropped).
FORGET_FAILURES_AFTER = timedelta(days=1)
#: ``last_seen_at`` is written at most this often per session (a page load is mostly reads).
REFRESH_LAST_SEEN = timedelta(seconds=30)
#: One-time passwords: easy to read aloud and type on a phone (no 0/O, 1/l/I).
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_one_time_password() -> str:
    """A password an administrator hands over once: 3 groups of 4 (about 59 bits)."""
    groups = ("".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def _login_subject(login: str) -> str:
    # Cut to a bound: no login is longer, and a megabyte typed into the field is no key.
    return f"login:{login.strip().lower()[:64]}"


def _address_subject(address: str) -> str:
    return f"address:{address or '-'}"


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def login_wait(failures: int) -> timedelta:
    """How long after its last failure a login may try again: nothing for the first
    failures, then 2 s, 4 s, 8 s, ... up to :data:`LONGEST_WAIT`."""
    if failures < SLOW_AFTER_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - SLOW_AFTER_FAILURES + 1)), LONGEST_WAIT)


def _login_refusal(counted: Failures | None, now: datetime) -> SignInThrottled | None:
    if counted is None:
        return None
    if counted.locked_until is not None:
        if counted.locked_until <= now:
            return None  # the lock is over: the next failure starts a new count
        wait = _seconds(counted.locked_until - now)
        return AccountLocked(
            retry_after_seconds=wait, retry_after_minutes=math.ceil(wait / 60), field="login"
        )
    ready = counted.last_failure_at + login_wait(counted.failures)
    if ready > now:
        return SignInTooSoon(retry_after_seconds=_seconds(ready - now), field="login")
    return None


def _address_refusal(counted: Failures | None, now: datetime) -> SignInThrottled | None:
    if counted is None or counted.failures < ADDRESS_CEILING:
        return None
    if counted.first_failure_at + ADDRESS_WINDOW <= now:
        return None
    ready = counted.last_failure_at + ADDRESS_SPACING
    return SignInTooSoon(retry_after_seconds=_seconds(ready - now)) if ready > now else None


def _refuse_if_throttled(runtime: Runtime, login: str, address: str | None, now: datetime) -> None:
    failures = SignInFailures(runtime.db)
    refusal = _login_refusal(failures.of(_login_subject(login)), now)
    if refusal is None and address is not None:
        refusal = _address_refusal(failures.of(_address_subject(address)), now)
    if refusal is not None:
        raise refusal


def _count_failure(runtime: Runtime, login: str, address: str | None, now: datetime) -> None:
    """One more failure of the login (locking it at the limit) and of the address."""
    settings = runtime.settings
    lock_for = timedelta(minutes=settings.sign_in_lock_minutes)
    first = Failures(failures=1, first_failure_at=now, last_failure_at=now, locked_until=None)

    def next_for_login(before: Failures | None) -> Failures:
        if before is None or (before.locked_until and before.locked_until <= now):
            return first
        failures = before.failures + 1
        locked = now + lock_for if failures >= settings.sign_in_lock_failures else None
        return Failures(failures, before.first_failure_at, now, locked)

    def next_for_address(before: Failures | None) -> Failures:
        if before is None or before.first_failure_at + ADDRESS_WINDOW <= now:
            return first
        return Failures(before.failures + 1, before.first_failure_at, now, None)

    failures = SignInFailures(runtime.db)
    forget = now - FORGET_FAILURES_AFTER
    failures.failed(_login_subject(login), next_for_login, forget_before=forget)
    if address is not None:
        failures.failed(_address_subject(address), next_for_address, forget_before=forget)


def _open(runtime: Runtime, user_id: str, login: str, must_change: bool) -> WebSession:
    now = runtime.clock.now()
    lifetime = timedelta(hours=runtime.settings.session_lifetime_hours)
    session_id = WebSessions(runtime.db).open(user_id, now, purge_before=now - 2 * lifetime)
    return WebSession(
        id=session_id,
        user_id=user_id,
        login=login,
        must_change_password=must_change,
        created_at=now,
        last_seen_at=now,
    )


def sign_in(runtime: Runtime, login: str, password: str, address: str) -> WebSession:
    """Check the password of ``login`` and open a session for the browser at ``address``."""
    now = runtime.clock.now()
    _refuse_if_throttled(runtime, login, address, now)
    credential = Passwords(runtime.db).by_login(login)
    right = password_matches(credential.password_hash if credential else None, password)
    if credential is None or not right or runtime.accounts.user(credential.user_id).disabled_at:
        _count_failure(runtime, login, address, now)
        raise SignInFailed(field="password")
    SignInFailures(runtime.db).forget(_login_subject(login))
    return _open(runtime, credential.user_id, credential.login, credential.must_change)


def session_principal(runtime: Runtime, session_id: str) -> tuple[Principal, WebSession] | None:
    """The caller a session cookie names and its session, or None when the session is
    unknown, ended, unused for longer than the idle timeout, older than its lifetime, or
    its account is disabled.  Using it refreshes its last-seen time."""
    if not session_id or len(session_id) > 128:
        return None
    sessions = WebSessions(runtime.db)
    stored = sessions.find(session_id)
    if stored is None or stored.ended or stored.account_disabled:
        return None
    settings, now = runtime.settings, runtime.clock.now()
    if now - stored.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        sessions.end(session_id, now, "idle")
        return None
    if now - stored.created_at > timedelta(hours=settings.session_lifetime_hours):
        sessions.end(session_id, now, "lifetime")
        return None
    last_seen = stored.last_seen_at
    if now - last_seen >= REFRESH_LAST_SEEN:
        sessions.seen(session_id, now)
        last_seen = now
    session = WebSession(
        id=session_id,
        user_id=stored.user_id,
        login=stored.login,
        must_change_password=stored.must_change_password,
        created_at=stored.created_at,
        last_seen_at=last_seen,
    )
    return principal_of(stored.user), session


def check_password_strength(login: str, current: str, new: str) -> None:
    """Refuse a password that is short, the login, or the one it replaces."""
    folded = new.strip().casefold()
    if (
        len(new) < MINIMUM_PASSWORD_LENGTH
        or folded == login.casefold()
        or new == current
        or len(set(new)) < 3  # "aaaaaaaaaa", "ababababab"
    ):
        raise PasswordTooWeak(minimum_length=MINIMUM_PASSWORD_LENGTH, field="new")


def change_password(runtime: Runtime, session_id: str, current: str, new: str) -> WebSession:
    """Replace the signed-in account's password (clearing ``must_change_password``).

    Every session of the account ends, this one too; the browser keeps the returned one.
    A wrong current password counts as a failed sign-in of the login.
    """
    found = session_principal(runtime, session_id)
    if found is None:
        raise SessionEnded(field="session")
    _, session = found
    now = runtime.clock.now()
    _refuse_if_throttled(runtime, session.login, None, now)
    credential = Passwords(runtime.db).of_user(session.user_id)
    if credential is None or not password_matches(credential.password_hash, current):
        _count_failure(runtime, session.login, None, now)
        raise CurrentPasswordWrong(field="current")
    check_password_strength(session.login, current, new)
    runtime.accounts.set_password(
        session.user_id, new, one_time=False, by=session.user_id, because="password changed"
    )
    SignInFailures(runtime.db).forget(_login_subject(session.login))
    return _open(runtime, session.user_id, session.login, must_change=False)


def sign_out(runtime: Runtime, session_id: str) -> None:
    """End the session (nothing happens for an unknown or ended one)."""
    if session_id and len(session_id) <= 128:
        WebSessions(runtime.db).end(session_id, runtime.clock.now(), "signed out")
