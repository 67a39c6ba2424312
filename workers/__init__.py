"""Celery workers that build the read models: ``celery -A workers worker`` finds ``app`` here."""

from workers import observability  # noqa: F401  (signal handlers: logs, task counts)
from workers.celery_app import celery
from workers.signing import sign_heads
from workers.tasks import project_district, sweep

app = celery

__all__ = ["app", "celery", "project_district", "sign_heads", "sweep"]
