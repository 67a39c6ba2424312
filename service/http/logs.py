"""Logging: plain text for a laptop, one JSON object per line for a cluster.

The formatter lives in :mod:`workers.logs` (the workers log the same way); here the web adds
each request's id and district to its lines.
"""

from __future__ import annotations

import logging

from flask import g, has_request_context, request

from workers.logs import JsonFormatter, log_context
from workers.logs import configure_logging as _configure_logging
from workers.settings import Settings

__all__ = ["JsonFormatter", "RequestFilter", "configure_logging", "log_context"]


class RequestFilter(logging.Filter):
    """Adds ``request_id`` and ``district`` (from the path) to lines logged in a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate; never drops a record."""
        if has_request_context():
            if not hasattr(record, "request_id"):
                record.request_id = getattr(g, "request_id", None)
            if not hasattr(record, "district"):
                code = (request.view_args or {}).get("code")
                if isinstance(code, str) and code.isdigit() and len(code) == 6:
                    record.district = code
        return True


def configure_logging(settings: Settings) -> None:
    """Set up the root logger once."""
    _configure_logging(settings, filters=[RequestFilter()])
