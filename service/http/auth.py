"""Authentication and the one place where every request's access is decided.

Order of checks, for every request: the endpoint's declared rule (none: refused); public
endpoints pass; a bearer token must name an active user (401 otherwise; a token that keeps
failing, or an address flooding unknown tokens, gets 429, while a valid token always
passes); the target in the path must be in the caller's scope (404 when it is not, so that
guessing codes or ids reveals nothing); the role must allow the action (403).  Views then
narrow lists to the caller's scope with the same Principal.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import OrderedDict, deque
from typing import Any

from flask import current_app, g, request

from projections.platform.accounts import token_digest
from service.application import scope
from service.application.sign_in import session_principal
from service.http.access import Action, Principal, Role, Rule, Target, principal_of, rule_of
from service.http.context import services
from service.http.problems import ProblemError

#: Failed authentications allowed per presented credential in a sliding minute.
FAILED_AUTH_LIMIT = 20
FAILED_AUTH_WINDOW_SECONDS = 60.0
#: Failed authentications allowed per client address: only a flood of unknown tokens from
#: one address reaches it, never the colleagues behind the same NAT who send valid ones.
FAILED_AUTH_ADDRESS_LIMIT = 300
#: Keys (credentials, addresses) remembered at most; the oldest are forgotten first.
FAILED_AUTH_MAX_KEYS = 10_000


class FailureWindow:
    """Recent failures per key in a sliding window, in memory of this process (bounded)."""

    def __init__(self, limit: int, window: float, max_keys: int = FAILED_AUTH_MAX_KEYS) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            failures = self._failures[key] = deque(maxlen=self.limit)
            if len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, key: str, now: float) -> int:
        """Seconds until ``key`` may fail again (0: not blocked)."""
        failures = self._recent(key, now)
        if len(failures) < self.limit:
            return 0
        return max(1, math.ceil(failures[0] + self.window - now))

    def failed(self, key: str, now: float) -> None:
        """Count one failure of ``key``."""
        self._recent(key, now).append(now)
        self._failures.move_to_end(key)


class FailedAuthLimiter:
    """Slows down failing credentials, and addresses that flood unknown tokens.

    Only failures are limited: a valid token is always looked up and accepted, whatever
    else came from its address, so one client cannot lock out everyone behind its NAT.
    """

    def __init__(
        self,
        limit: int = FAILED_AUTH_LIMIT,
        window: float = FAILED_AUTH_WINDOW_SECONDS,
        address_limit: int = FAILED_AUTH_ADDRESS_LIMIT,
    ) -> None:
        self.credentials = FailureWindow(limit, window)
        self.addresses = FailureWindow(address_limit, window)
        self._lock = threading.Lock()

    def retry_after(self, credential: str, address: str) -> int:
        """Seconds the failing credential (or its address) must wait; 0: answer 401."""
        with self._lock:
            now = time.monotonic()
            return max(
                self.credentials.retry_after(credential, now),
                self.addresses.retry_after(address, now),
            )

    def failed(self, credential: str, address: str) -> None:
        """Count one failed authentication of ``credential`` from ``address``."""
        with self._lock:
            now = time.monotonic()
            self.credentials.failed(credential, now)
            self.addresses.failed(address, now)


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


def _principal_for(token: str) -> Principal | None:
    """The caller a presented token names, if it is valid (one digest lookup)."""
    runtime = services().runtime
    bootstrap = runtime.settings.bootstrap_token
    if bootstrap and hmac.compare_digest(token.encode(), bootstrap.encode()):
        return Principal(
            actor="bootstrap", name="bootstrap", role=Role.CITY_ADMIN, organisation="city"
        )
    user = runtime.accounts.user_for_token(token)
    return None if user is None else principal_of(user)


def _refuse_failed(token: str) -> ProblemError:
    """401 for an unknown token, 429 once it (or its address) failed too often."""
    limiter: FailedAuthLimiter = current_app.extensions["canxie_auth_limiter"]
    credential, address = token_digest(token), request.remote_addr or "-"
    wait = limiter.retry_after(credential, address)
    if wait:
        return ProblemError(
            429,
            "too-many-failures",
            f"too many failed authentications with this token or from this address; wait {wait} s",
            headers={"Retry-After": str(wait)},
        )
    limiter.failed(credential, address)
    return _unauthorized("the token is unknown, expired or revoked")


def authenticate() -> Principal:
    """The caller named by the bearer token; 401, or 429 for a token that keeps failing."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("send an API token as 'Authorization: Bearer <token>'")
    token = token.strip()
    principal = _principal_for(token)
    if principal is None:
        raise _refuse_failed(token)
    return principal


def check_target(principal: Principal, target: Target, args: dict[str, Any]) -> None:
    """404 when the path's district or association is outside the caller's scope."""
    code, association_id = str(args.get("code", "")), str(args.get("association_id", ""))
    scope.check_target(services().runtime, principal, target, code, association_id)


def authorize_request() -> None:
    """The before-request hook: see the module docstring."""
    if request.endpoint is None:
        return  # no route: the 404/405 handlers answer
    rule = endpoint_rule()
    if rule is None:
        raise ProblemError(403, "forbidden", "this endpoint has no access rule")
    if request.blueprint == PAGES_BLUEPRINT:
        authorize_page(rule)
        return
    if rule.action is Action.PUBLIC:
        return
    principal = authenticate()
    g.principal = principal
    check_target(principal, rule.target, request.view_args or {})
    if not principal.may(rule.action):
        raise ProblemError(
            403, "forbidden", f"the role {principal.role.value} may not {rule.action.value}"
        )


# -- the web pages: a signed-in browser's session cookie names the same Principal ------------

#: The blueprint of the web pages (service/web/blueprint.py).
PAGES_BLUEPRINT = "pages"
#: The cookie holding a signed-in browser's session id (HttpOnly, SameSite=Lax).
SESSION_COOKIE = "canxie_session"
#: The pages a session that must change its one-time password may reach (public ones too).
PASSWORD_CHANGE_PAGES = frozenset(
    {"pages.change_password", "pages.changing_password", "pages.sign_out"}
)


class SignInNeeded(Exception):
    """A page needs a signed-in user; the pages answer with the sign-in page."""


class PasswordChangeNeeded(Exception):
    """The one-time password must be changed before any other page."""


def page_principal() -> Principal | None:
    """The caller the session cookie names (None: signed out, ended or expired)."""
    session_id = request.cookies.get(SESSION_COOKIE, "")
    if not session_id:
        return None
    found = session_principal(services().runtime, session_id)
    if found is None:
        return None
    principal, g.web_session = found
    return principal


def authorize_page(rule: Rule) -> None:
    """A page's rule, with the cookie session instead of a bearer token; scope (404) is
    decided by the application layer the page calls, as for the API."""
    principal = page_principal()
    if principal is not None:
        g.principal = principal
    if rule.action is Action.PUBLIC:
        return
    if principal is None:
        raise SignInNeeded()
    if g.web_session.must_change_password and request.endpoint not in PASSWORD_CHANGE_PAGES:
        raise PasswordChangeNeeded()
    if not principal.may(rule.action):
        raise ProblemError(
            403, "forbidden", f"the role {principal.role.value} may not {rule.action.value}"
        )
