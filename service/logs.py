"""Logging: plain text for a laptop, one JSON object per line for a cluster."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from workers.settings import Settings


class JsonFormatter(logging.Formatter):
    """One JSON object per record; request ids travel in the message arguments."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Set up the root logger once."""
    root = logging.getLogger()
    if getattr(root, "_canxie_configured", False):
        return
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    root._canxie_configured = True  # type: ignore[attr-defined]
