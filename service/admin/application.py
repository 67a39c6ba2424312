"""Administration's commands and reads: districts, accounts, tokens, unmasked reads.

The API and ``canxie districts``/``canxie users`` call the same functions; the command line
acts as the server's operator, city-wide.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aggregates.errors import NoSuchLogin, NoSuchToken, NoSuchUser
from projections.association.associations import list_associations
from projections.platform.accounts import IssuedToken
from projections.platform.passwords import Passwords
from projections.platform.tenancy import District
from projections.platform.users import User
from service.application import scope
from service.application.caller import Caller
from service.application.sign_in import new_one_time_password
from service.http.access import Role, check_scope_fields
from service.http.problems import ProblemError

if TYPE_CHECKING:
    from workers.runtime import Runtime


def districts(caller: Caller) -> list[District]:
    """The districts of the deployment the caller covers."""
    return [
        d for d in caller.runtime.tenancy.districts() if caller.principal.covers_district(d.code)
    ]


def assignable_associations(caller: Caller, code: str) -> list[dict[str, Any]]:
    """The associations of a district the caller covers that a village worker's account may
    be given, by village code; none for a district the caller does not cover.  Read from the
    associations' read model, the one the association pages list."""
    if not any(d.code == code for d in districts(caller)):
        return []
    found: list[dict[str, Any]] = []
    while True:
        page = list_associations(caller.runtime.db, code, limit=500, offset=len(found))
        found += page.items
        if not page.items or len(found) >= page.total:
            break
    return [a for a in found if scope.visible(caller.principal, a["id"], a["township_code"])]


def create_district(caller: Caller, code: str, name: str) -> District:
    """A new district with its own event store and read models."""
    return caller.runtime.tenancy.create_district(code, name, caller.by)


def users(caller: Caller) -> list[User]:
    """The accounts the caller manages."""
    principal = caller.principal
    found = caller.runtime.accounts.users(None if principal.city_wide else principal.district)
    return [u for u in found if scope.may_manage(principal, u)]


def add_user(
    caller: Caller,
    *,
    role: Role,
    valid_days: int,
    login: str | None = None,
    one_time_password: str | None = None,
    **account: Any,
) -> tuple[User, IssuedToken]:
    """An account in the caller's scope and its first token (shown once); with a ``login``
    it also signs in with ``one_time_password``, to be changed at the first sign-in."""
    check_scope_fields(role, account)
    scope.require_account_scope(caller.principal, role, account.get("district"))
    if account.get("district"):
        caller.runtime.tenancy.district(account["district"])  # NotFound if unknown
    association_id = account.get("association_id")
    accounts = caller.runtime.accounts
    user = accounts.add_user(
        name=account["name"],
        role=role.value,
        district=account.get("district"),
        township=account.get("township"),
        association_id=str(association_id) if association_id else None,
        organisation=account["organisation"],
        created_by=caller.principal.actor,
        login=login,
        one_time_password=one_time_password,
    )
    return user, accounts.issue_token(user.id, valid_for=timedelta(days=valid_days))


def free_login(runtime: Runtime, role: str) -> str:
    """The first unused login ``<role>-<n>`` (``township-officer-3``), for an account added
    without one."""
    passwords = Passwords(runtime.db)
    stem = role.replace("_", "-")
    n = 1
    while passwords.by_login(f"{stem}-{n}") is not None:
        n += 1
    return f"{stem}-{n}"


def managed_user(caller: Caller, user_id: str) -> User:
    """An account the caller manages (404 otherwise)."""
    user = caller.runtime.accounts.user(user_id)
    if not scope.may_manage(caller.principal, user):
        raise NoSuchUser(id=user_id, field="user_id")
    return user


def user_tokens(caller: Caller, user_id: str) -> list[dict[str, Any]]:
    """The tokens of an account the caller manages (ids and dates, never the secrets)."""
    return caller.runtime.accounts.tokens(managed_user(caller, user_id).id)


def issue_token(caller: Caller, user_id: str, valid_days: int) -> IssuedToken:
    """Another token for an active account the caller manages."""
    user = managed_user(caller, user_id)
    if user.disabled_at:
        raise ProblemError(409, "conflict", "the account is disabled")
    return caller.runtime.accounts.issue_token(user.id, valid_for=timedelta(days=valid_days))


def disable_user(caller: Caller, user_id: str) -> User:
    """Disable an account and revoke all its tokens."""
    user = managed_user(caller, user_id)
    accounts = caller.runtime.accounts
    accounts.disable_user(user.id, by=caller.principal.actor)
    return accounts.user(user.id)


def reset_password(caller: Caller, login: str) -> tuple[User, str]:
    """A new one-time password for an account the caller manages (shown once); its
    sessions end, and it must choose a password at its next sign-in."""
    credential = Passwords(caller.runtime.db).by_login(login)
    if credential is None:
        raise NoSuchLogin(login=login, field="login")
    try:
        user = managed_user(caller, credential.user_id)
    except NoSuchUser:
        raise NoSuchLogin(login=login, field="login") from None
    password = new_one_time_password()
    caller.runtime.accounts.set_password(
        user.id, password, one_time=True, by=caller.principal.actor, because="password reset"
    )
    return user, password


def set_login(caller: Caller, user_id: str, login: str) -> tuple[User, str]:
    """Let an account the caller manages sign in as ``login`` (one made before logins
    existed, or a renamed one), with a new one-time password (shown once)."""
    user = managed_user(caller, user_id)
    password = new_one_time_password()
    caller.runtime.accounts.set_login(user.id, login, password, by=caller.principal.actor)
    return caller.runtime.accounts.user(user.id), password


def revoke_token(caller: Caller, token_id: str) -> None:
    """Revoke one token at once (404 unless its owner is managed by the caller)."""
    accounts = caller.runtime.accounts
    owner = accounts.token_owner(token_id)
    if owner is None or not scope.may_manage(caller.principal, owner):
        raise NoSuchToken(id=token_id, field="token_id")
    accounts.revoke_token(token_id, by=caller.principal.actor)


def unmasked_reads(
    caller: Caller, district: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Who saw whose personal data unmasked, when and why (newest first), in scope."""
    audited = scope.audited_district(caller.principal, district)
    return caller.runtime.accounts.unmasked_reads(audited, limit, offset)
