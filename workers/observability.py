"""What a worker process tells the operator: JSON logs with the task's district, and counts of
failed and retried tasks (in the catalog, reported by the web's ``/metrics``).

Imported by ``workers/__init__.py``, so ``canxie worker`` and ``celery -A workers worker``
both connect these signal handlers.
"""

from __future__ import annotations

import contextvars
import threading
from typing import Any

from celery import signals

from projections.engine import task_stats
from workers.logs import configure_logging, reset_log_context, set_log_context
from workers.runtime import current_runtime
from workers.settings import Settings

_tokens: dict[str, contextvars.Token[dict[str, str] | None]] = {}


@signals.setup_logging.connect
def _setup_logging(**_: Any) -> None:
    """Celery leaves logging to us: the same text or JSON lines as the web."""
    configure_logging(Settings.from_environ())


def _district(args: Any) -> str:
    if args and isinstance(args[0], str) and args[0].isdigit() and len(args[0]) == 6:
        return args[0]
    return ""


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, task: Any = None, args: Any = None, **_: Any) -> None:
    if task_id:
        _tokens[task_id] = set_log_context(
            task=getattr(task, "name", None), task_id=task_id, district=_district(args)
        )


@signals.task_postrun.connect
def _task_ended(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        reset_log_context(token)


def _count(task: Any, args: Any, outcome: str) -> None:
    """Count in the background: a database outage must not stall the worker."""
    name = getattr(task, "name", None) or str(task)

    def write() -> None:
        task_stats.record(current_runtime().db, name, _district(args), outcome)

    threading.Thread(target=write, name=f"canxie-count-{outcome}", daemon=True).start()


@signals.task_failure.connect
def _task_failed(sender: Any = None, args: Any = None, **_: Any) -> None:
    _count(sender, args, "failure")


@signals.task_retry.connect
def _task_retried(sender: Any = None, request: Any = None, **_: Any) -> None:
    _count(sender, getattr(request, "args", None), "retry")
