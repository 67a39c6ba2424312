"""Telling the workers that a district has new events.

A wake-up carries only the district code: the event store is the outbox and the workers
always read from their own tracking position, so a lost, repeated or late wake-up is
harmless.  Publishing happens on a background thread, so a command never waits for (or
fails because of) the broker; wake-ups for one district are coalesced while one is pending.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from workers.celery_app import make_celery
from workers.settings import Settings

log = logging.getLogger(__name__)

#: The name of the catch-up task (see workers.tasks).
PROJECT_DISTRICT = "canxie.project_district"

#: How long a web process gathers commands before it publishes their wake-ups: at most one
#: message per district per 50 ms instead of one per command (each costs the web process, the
#: broker and the worker about as much as the command itself), for at most 50 ms of lag.
#: Measured at 8 clients: 20 ms gave 352 commands/s with the worker at 0.66 ms of CPU per
#: command, 50 ms gave 428/s at 0.34 ms (docs/PERFORMANCE.md).
COALESCE_SECONDS = 0.05


class Wakeups(Protocol):
    """Anything that can be told a district has new events."""

    def district_changed(self, district: str) -> None: ...

    def close(self) -> None: ...


class WakeupThread:
    """Runs ``deliver(district)`` for changed districts on a thread, coalescing repeats.

    A failed delivery is retried with backoff (up to ``retry_max_seconds`` apart) for as long
    as the process lives; the periodic sweep covers a process that dies meanwhile.
    """

    def __init__(
        self,
        deliver: Callable[[str], None],
        *,
        name: str,
        retry_max_seconds: float = 10.0,
        idle_callback: Callable[[], None] | None = None,
        idle_seconds: float | None = None,
        coalesce_seconds: float = 0.0,
    ) -> None:
        self._deliver = deliver
        self._pending: set[str] = set()
        self._condition = threading.Condition()
        self._closed = False
        self._retry_max = retry_max_seconds
        self._idle_callback = idle_callback
        self._idle_seconds = idle_seconds
        self._coalesce = coalesce_seconds
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def district_changed(self, district: str) -> None:
        """Note the district; the thread delivers it soon."""
        with self._condition:
            self._pending.add(district)
            self._condition.notify()

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is pending (one attempt each), then stop."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        backoff = 0.0
        next_idle = time.monotonic()  # an embedded projector sweeps once at start
        while True:
            with self._condition:
                if not self._pending and not self._closed:
                    self._condition.wait(timeout=self._wait_seconds(backoff, next_idle))
                if self._closed:
                    batch, self._pending = self._pending, set()
                    break
            if self._coalesce and self._pending:
                time.sleep(self._coalesce)  # let a burst of commands share one delivery
            with self._condition:
                batch, self._pending = self._pending, set()
            if self._idle_callback and self._idle_seconds and time.monotonic() >= next_idle:
                next_idle = time.monotonic() + self._idle_seconds
                self._safely(self._idle_callback, "periodic sweep")
            failed = {d for d in sorted(batch) if not self._safely(self._deliver, d, d)}
            if failed:
                with self._condition:
                    self._pending |= failed
                backoff = min(max(backoff * 2, 0.25), self._retry_max)
                time.sleep(backoff)
            else:
                backoff = 0.0
        for district in sorted(batch):  # closing: flush once, the sweep covers a failure
            self._safely(self._deliver, district, district)

    def _wait_seconds(self, backoff: float, next_idle: float) -> float | None:
        """How long to sleep when nothing is pending: until a retry or the next sweep."""
        waits = [backoff] if backoff else []
        if self._idle_callback and self._idle_seconds:
            waits.append(max(next_idle - time.monotonic(), 0.0))
        return min(waits) if waits else None

    @staticmethod
    def _safely(action: Callable[..., None], what: str, *args: str) -> bool:
        try:
            action(*args)
        except Exception as exc:  # a wake-up must never take the process down
            log.warning("could not deliver %s: %s", what, type(exc).__name__)
            return False
        return True


def celery_wakeups(settings: Settings) -> WakeupThread:
    """Wake-ups published to the configured broker as ``project_district`` tasks."""
    publisher = make_celery(settings)

    def publish(district: str) -> None:
        publisher.send_task(PROJECT_DISTRICT, args=(district,), retry=False)

    thread = WakeupThread(publish, name="canxie-wakeups", coalesce_seconds=COALESCE_SECONDS)
    # A gunicorn worker stopping gracefully exits normally: flush its pending wake-ups.
    atexit.register(thread.close)
    return thread
