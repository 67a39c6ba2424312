"""Logging for every canxie process: plain text for a laptop, one JSON object per line for a
cluster, with the request id and district of whatever the line is about.

Context travels in a context variable that the web (per request) and the workers (per task)
fill in; a filter copies it onto each record.  Only identifiers go there (request id, district
code, task id and name), never names, phone numbers or other personal data, and the JSON
lines carry an exception's type and stack but not its message, which may quote input.
"""

from __future__ import annotations

import contextvars
import json
import logging
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from workers.settings import Settings

#: Fields every line may carry, in this order.
CONTEXT_FIELDS = ("request_id", "district", "task", "task_id")

_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "canxie_log_context", default=None
)


def _current() -> dict[str, str]:
    return _context.get() or {}


@contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Lines logged inside carry these fields (None values are left out)."""
    token = _context.set({**_current(), **{k: v for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def set_log_context(**fields: str | None) -> contextvars.Token[dict[str, str] | None]:
    """Like :func:`log_context` for hooks that cannot wrap a block; reset with the token."""
    return _context.set({**_current(), **{k: v for k, v in fields.items() if v}})


def reset_log_context(token: contextvars.Token[dict[str, str] | None]) -> None:
    """Undo :func:`set_log_context`."""
    try:
        _context.reset(token)
    except ValueError:  # set in another context (e.g. another thread): just clear
        _context.set({})


class ContextFilter(logging.Filter):
    """Copies the current context fields onto each record (never overriding ``extra=``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate; never drops a record."""
        for name, value in _current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value:
                entry[name] = value
        for name in getattr(record, "fields", None) or ():
            entry[name] = getattr(record, name, None)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["exception"] = kind.__name__
            entry["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(settings: Settings, filters: Iterable[logging.Filter] = ()) -> None:
    """Set up the root logger once per process."""
    root = logging.getLogger()
    if getattr(root, "_canxie_configured", False):
        return
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(ContextFilter())
    for extra in filters:
        handler.addFilter(extra)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    root._canxie_configured = True  # type: ignore[attr-defined]
