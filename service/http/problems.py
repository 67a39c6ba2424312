"""RFC 9457 problem details: every error canxie returns, in one shape.

``type`` is a stable URN per kind of problem, ``title`` is in Chinese unless the client
prefers English (``Accept-Language: en``), ``errors`` lists each field at fault, and
``request_id`` ties the answer to the server's logs.  No stack trace ever leaves here.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, json, request
from werkzeug.exceptions import HTTPException

from aggregates.errors import Conflict, DomainError, InvalidValue, InvariantViolated, NotFound
from projections.platform.encryption import WrongEncryptionKey
from service.messages import LOCALES, fact_text, said, say

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

#: code -> the problem's English title, a message id of the one catalog (in TITLE_CONTEXT);
#: modules with problems of their own add theirs (and their catalog entries).
TITLE_CONTEXT = "problem title"
TITLES: dict[str, str] = {
    "validation": "The request has invalid fields",
    "malformed-json": "The request body is not valid JSON",
    "unsupported-media-type": "Only application/json is accepted",
    "invalid-value": "A value is not acceptable",
    "invariant-violated": "The change would break a rule of the plan",
    "conflict": "The change conflicts with what is stored",
    "not-found": "Not found",
    "unauthorized": "A valid API token is required",
    "forbidden": "Your role may not do this",
    "too-many-failures": "Too many failed authentications",
    "wrong-encryption-key": "The configured encryption key does not match",
    "method-not-allowed": "Method not allowed",
    "read-model-behind": "The read model has not caught up yet",
    "position-ahead": "That position does not exist yet",
    "unavailable": "A service canxie depends on is down",
    "payload-too-large": "The request body is too large",
    "uri-too-long": "The request URI is too long",
    "internal": "Internal server error",
    "http-error": "The request could not be handled",
}


def title(code: str, locale: str) -> str:
    """The title of problem ``code`` in ``locale``, from the one catalog."""
    return said(TITLE_CONTEXT, TITLES.get(code, TITLES["http-error"]), locale)


#: The kind of a domain refusal -> (HTTP status, problem code); the first base that matches.
DOMAIN_KINDS: tuple[tuple[type[DomainError], int, str], ...] = (
    (InvalidValue, 422, "invalid-value"),
    (InvariantViolated, 409, "invariant-violated"),
    (Conflict, 409, "conflict"),
    (NotFound, 404, "not-found"),
)
#: Members of the problem body that an error's facts never overwrite.
_RESERVED = frozenset(
    {"type", "title", "title_zh", "title_en", "status", "detail", "instance", "request_id"}
    | {"field", "errors"}
)


def domain_kind(error: DomainError) -> tuple[int, str]:
    """The HTTP status and problem code of a domain refusal."""
    for kind, status, code in DOMAIN_KINDS:
        if isinstance(error, kind):
            return status, code
    return 400, "http-error"


def problem_type(code: str) -> str:
    """The stable identifier of a kind of problem."""
    return f"urn:canxie:problem:{code}"


def _prefers_english() -> bool:
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    return bool(best and best.startswith("en"))


def request_locale() -> str:
    """The catalog locale of this request: Chinese unless the client prefers English."""
    return "en" if _prefers_english() else "zh_Hans_CN"


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build a problem+json response."""
    zh, en = (title(code, locale) for locale in LOCALES)
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": en if _prefers_english() else zh,
        "title_zh": zh,
        "title_en": en,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": getattr(g, "request_id", None),
    }
    if errors:
        body["errors"] = errors
        body["field"] = errors[0]["field"]
    if extra:
        body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, path: str = "") -> list[dict[str, str]]:
    """Turn marshmallow/webargs nested messages into ``[{field, message}]``."""
    if isinstance(messages, Mapping):
        out: list[dict[str, str]] = []
        for key, value in messages.items():
            name = str(key)
            if not path and name in {"json", "query", "view_args", "path", "headers"}:
                out += flatten_messages(value, "")
            elif name == "_schema":
                out += flatten_messages(value, path)
            else:
                out += flatten_messages(value, f"{path}.{name}" if path else name)
        return out
    if isinstance(messages, list | tuple):
        return [e for m in messages for e in flatten_messages(m, path)]
    return [{"field": path or "body", "message": str(messages)}]


def _http_problem(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    status = error.code or 500
    if status == 400 and messages and "Invalid JSON body." in str(messages):
        return problem(400, "malformed-json", "the request body could not be parsed as JSON")
    if messages:
        errors = flatten_messages(messages)
        fields = ", ".join(e["field"] for e in errors)
        return problem(422, "validation", f"invalid fields: {fields}", errors=errors)
    code = {
        404: "not-found",
        405: "method-not-allowed",
        413: "payload-too-large",
        414: "uri-too-long",
        415: "unsupported-media-type",
    }.get(status, "http-error")
    # RFC 9110: a 405 lists the methods the resource does support.
    allowed = getattr(error, "valid_methods", None)
    headers = {"Allow": ", ".join(sorted(allowed))} if status == 405 and allowed else None
    return problem(status, code, error.description or error.name, headers=headers)


def _domain_problem(error: DomainError) -> Response:
    status, code = domain_kind(error)
    detail = say(error, request_locale())
    errors = [{"field": error.field, "message": detail}] if error.field else None
    facts = {k: fact_text(v) for k, v in error.facts.items() if k not in _RESERVED}
    extra = {k: v for k, v in facts.items() if isinstance(v, int | str | float | bool)}
    return problem(status, code, detail, errors=errors, extra=extra)


def _internal_problem(error: Exception) -> Response:
    # Logged by type and stack only: exception messages may quote personal data.
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "unhandled %s in %s %s (request %s)\n%s",
        type(error).__name__,
        request.method,
        request.path,
        getattr(g, "request_id", "-"),
        stack,
    )
    return problem(500, "internal", "an unexpected error occurred; quote the request id")


def _key_problem(error: WrongEncryptionKey) -> Response:
    log.error("encryption key mismatch: %s", error)
    return problem(503, "wrong-encryption-key", str(error))


def register_problem_handlers(app: Flask) -> None:
    """Every error path of the app ends in a problem response."""
    app.register_error_handler(HTTPException, _http_problem)
    app.register_error_handler(DomainError, _domain_problem)
    app.register_error_handler(ProblemError, _service_problem)
    app.register_error_handler(WrongEncryptionKey, _key_problem)
    app.register_error_handler(Exception, _internal_problem)


class ProblemError(Exception):
    """A problem the service layer raises (not a domain refusal): behind, unavailable."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.extra, self.headers = extra, headers

    @classmethod
    def invalid(cls, field: str, detail: str, message: str, **extra: Any) -> ProblemError:
        """A 422 naming the one field at fault (``message`` says what is wrong with it)."""
        errors = [{"field": field, "message": message, **extra.pop("error", {})}]
        return cls(422, "validation", detail, extra={"field": field, "errors": errors, **extra})


def _service_problem(error: ProblemError) -> Response:
    return problem(error.status, error.code, error.detail, extra=error.extra, headers=error.headers)
