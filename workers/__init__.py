"""Celery workers that build the read models: ``celery -A workers worker`` finds ``app`` here."""

from workers.celery_app import celery
from workers.tasks import project_district, sweep

app = celery

__all__ = ["app", "celery", "project_district", "sweep"]
