"""Authentication and the one place where every request's access is decided.

Order of checks, for every request: the endpoint's declared rule (none: refused); public
endpoints pass; a bearer token must name an active user (401 otherwise, with failed
attempts rate-limited per client); the target in the path must be in the caller's scope
(404 when it is not, so that guessing codes or ids reveals nothing); the role must allow
the action (403).  Views then narrow lists to the caller's scope with the same Principal.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from typing import Any
from uuid import UUID

from flask import current_app, g, request

from aggregates.errors import NotFound
from projections.associations import find_association_township
from service.access import Action, Principal, Role, Rule, Target, rule_of
from service.context import services
from service.problems import ProblemError

#: Failed authentications allowed per client address in a sliding minute.
FAILED_AUTH_LIMIT = 20
FAILED_AUTH_WINDOW_SECONDS = 60.0


class FailedAuthLimiter:
    """Counts failed authentications per client address, in memory of this process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures[client]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, client: str) -> bool:
        """Whether the client has failed too often lately."""
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self.limit

    def failed(self, client: str) -> None:
        """Count one failure."""
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)


#: flask-smorest's own endpoints (the OpenAPI document) are public.
PUBLIC_ENDPOINT_PREFIXES = ("api-docs.",)


def endpoint_rule() -> Rule | None:
    """The rule declared by the view method this request reaches."""
    endpoint = request.endpoint or ""
    if endpoint.startswith(PUBLIC_ENDPOINT_PREFIXES):
        return Rule(Action.PUBLIC, Target.NONE)
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else view
    if method is None and request.method == "HEAD" and view_class is not None:
        method = getattr(view_class, "get", None)
    return rule_of(method) if method is not None else None


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


def authenticate() -> Principal:
    """The caller named by the bearer token, or 401."""
    limiter: FailedAuthLimiter = current_app.extensions["canxie_auth_limiter"]
    client = request.remote_addr or "-"
    if limiter.blocked(client):
        raise ProblemError(
            429,
            "too-many-failures",
            "too many failed authentications; wait a minute",
            headers={"Retry-After": str(int(FAILED_AUTH_WINDOW_SECONDS))},
        )
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("send an API token as 'Authorization: Bearer <token>'")
    token = token.strip()
    runtime = services().runtime
    bootstrap = runtime.settings.bootstrap_token
    if bootstrap and hmac.compare_digest(token.encode(), bootstrap.encode()):
        return Principal(
            actor="bootstrap", name="bootstrap", role=Role.CITY_ADMIN, organisation="city"
        )
    user = runtime.accounts.user_for_token(token)
    if user is None:
        limiter.failed(client)
        raise _unauthorized("the token is unknown, expired or revoked")
    return Principal(
        actor=user.id,
        name=user.name,
        role=Role(user.role),
        district=user.district,
        township=user.township,
        association_id=user.association_id,
        organisation=user.organisation,
    )


def _not_found(what: str) -> NotFound:
    return NotFound(f"no {what}", field="code" if what.startswith("district") else "association_id")


def check_target(principal: Principal, target: Target, args: dict[str, Any]) -> None:
    """404 when the path's district or association is outside the caller's scope."""
    if target is Target.CITY and not principal.city_wide:
        raise ProblemError(403, "forbidden", "this needs a city-wide role")
    if target not in (Target.DISTRICT, Target.ASSOCIATION):
        return
    code = str(args.get("code", ""))
    if not principal.covers_district(code):
        raise _not_found(f"district {code}")
    if target is Target.ASSOCIATION:
        association_id = str(args.get("association_id", ""))
        if principal.township is None and principal.association_id is None:
            return
        township = _association_township(code, association_id)
        if township is None or not principal.covers_association(association_id, township):
            raise _not_found(f"association {association_id}")


def _association_township(code: str, association_id: str) -> str | None:
    """The township of an association: from the read model, else from its events."""
    runtime = services().runtime
    township = find_association_township(runtime.db, code, association_id)
    if township is not None:
        return township
    try:
        records = runtime.tenancy.records(code)
        return records.association(UUID(association_id)).township_code
    except (NotFound, ValueError):
        return None


def authorize_request() -> None:
    """The before-request hook: see the module docstring."""
    if request.endpoint is None:
        return  # no route: the 404/405 handlers answer
    rule = endpoint_rule()
    if rule is None:
        raise ProblemError(403, "forbidden", "this endpoint has no access rule")
    if rule.action is Action.PUBLIC:
        return
    principal = authenticate()
    g.principal = principal
    check_target(principal, rule.target, request.view_args or {})
    if not principal.may(rule.action):
        raise ProblemError(
            403, "forbidden", f"the role {principal.role.value} may not {rule.action.value}"
        )


def current_principal() -> Principal:
    """The caller of this request (set by :func:`authorize_request`)."""
    principal = g.get("principal")
    if principal is None:
        raise RuntimeError("no authenticated principal on a public endpoint")
    return principal
