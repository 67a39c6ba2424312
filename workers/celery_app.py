"""The Celery application: JSON only, late acks, prefetch 1, one queue of projection work."""

from __future__ import annotations

from celery import Celery

from workers.settings import Settings


def make_celery(settings: Settings) -> Celery:
    """Celery configured for wake-ups that may be lost, duplicated or reordered safely."""
    celery = Celery("canxie", broker=settings.broker_url or "amqp://guest:guest@127.0.0.1//")
    celery.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        # A task's message is acknowledged only after the catch-up committed; a worker killed
        # mid-batch leaves the message for another worker (and the sweep covers the rest).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue,
        task_default_exchange=settings.queue,
        task_default_routing_key=settings.queue,
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"confirm_publish": True},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_schedule={
            "sweep-every-district": {
                "task": "canxie.sweep",
                "schedule": settings.sweep_seconds,
                "options": {"expires": max(settings.sweep_seconds, 5.0)},
            },
            "sign-tree-heads": {
                "task": "canxie.sign_heads",
                "schedule": settings.sign_seconds,
                "options": {"expires": max(settings.sign_seconds, 5.0)},
            },
        },
        timezone="Asia/Shanghai",
    )
    return celery


celery = make_celery(Settings.from_environ())
