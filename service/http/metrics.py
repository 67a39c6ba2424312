"""``GET /metrics``: the Prometheus text format.

Two kinds of numbers:

- **Counted in the web processes**: requests by method, route template and status, their
  latency, and commands by district.  gunicorn runs several worker processes; each one writes
  its counts to memory-mapped files in a folder they share (prometheus-client's multiprocess
  mode: ``PROMETHEUS_MULTIPROC_DIR``, else a folder named after the gunicorn master under the
  temporary directory), so any of them answers a scrape with the sum over all of them.
- **Read from the database at scrape time**: each district's events, projection positions and
  lag (events and seconds behind), and the workers' task failures and retries (which the
  workers count in the catalog).  These are the same whichever process answers, and they
  include the workers without scraping them.

Access: ``/metrics`` is not public.  It names every district and its activity, which a
district-scoped account must not learn (the access matrix forbids it), so its rule is
``READ`` on the ``CITY``: city-wide accounts may read it.  Prometheus is no person: configure
``CANXIE_METRICS_TOKEN`` and send it as ``Authorization: Bearer <token>``; that token opens
``/metrics`` and nothing else (it is checked here, before the account check, for this one
endpoint).  Nothing here is personal data: district codes, counts and durations, and routes
as templates, never concrete paths or ids.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from projections.engine import task_stats
from projections.engine.lag import district_lag
from service.http.access import Action, Target, rule
from service.http.auth import authorize_request
from service.http.context import DISTRICT_CODE
from workers.runtime import Runtime
from workers.settings import Settings

log = logging.getLogger(__name__)
access_log = logging.getLogger("canxie.access")

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "OPTIONS", *COMMAND_METHODS})

_shared_dir: Path | None = None
disable_created_metrics()  # no *_created samples: they only double the output


def share_between_processes(settings: Settings) -> Path:
    """Called in each gunicorn worker before the app is built: count into a shared folder.

    The folder is ``PROMETHEUS_MULTIPROC_DIR`` when set, else one per gunicorn master (the
    worker's parent), so a restarted server starts from fresh files.
    """
    global _shared_dir
    path = settings.metrics_dir or Path(tempfile.gettempdir()) / f"canxie-metrics-{os.getppid()}"
    path.mkdir(parents=True, exist_ok=True)
    # prometheus-client reads the folder from the environment when it opens its files.
    os.environ[MULTIPROCESS_ENV] = str(path)
    values.ValueClass = values.MultiProcessValue()
    _shared_dir = path
    return path


class Metrics:
    """The web process's own counters, and the scrape."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.shared_dir = _shared_dir or runtime.settings.metrics_dir
        if self.shared_dir is not None and values.ValueClass is values.MutexValue:
            self.shared_dir = None  # the folder was named too late for this process: count here
        # One process: a registry of this app's own; several: the shared files are the registry.
        self.registry = None if self.shared_dir else CollectorRegistry(auto_describe=True)
        labels = ("method", "route", "status")
        self.requests = Counter(
            "canxie_http_requests", "HTTP requests answered", labels, registry=self.registry
        )
        self.latency = Histogram(
            "canxie_http_request_duration_seconds",
            "Time to answer an HTTP request",
            labels,
            registry=self.registry,
        )
        self.commands = Counter(
            "canxie_commands",
            "Commands (POST, PUT, PATCH, DELETE) on a district, by outcome",
            ("district", "route", "outcome"),
            registry=self.registry,
        )

    # -- counting ----------------------------------------------------------------------------

    def observe(self, response: Response) -> None:
        """Count one answered request (an after-request hook)."""
        started = g.get("_canxie_started")
        if started is None:
            return
        elapsed = time.perf_counter() - started
        method = request.method if request.method in KNOWN_METHODS else "OTHER"
        route = _template(request.url_rule.rule) if request.url_rule is not None else "unmatched"
        status = str(response.status_code)
        self.requests.labels(method, route, status).inc()
        self.latency.labels(method, route, status).observe(elapsed)
        district = self._district()
        if method in COMMAND_METHODS and district:
            self.commands.labels(district, route, _outcome(response.status_code)).inc()
        if self.runtime.settings.log_format == "json":
            access_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                status,
                elapsed * 1000,
                extra={
                    "fields": ("method", "route", "status", "duration_ms"),
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )

    def _district(self) -> str | None:
        """The path's district, when it is one that exists (keeps the label set bounded)."""
        code = (request.view_args or {}).get("code")
        if not isinstance(code, str) or not DISTRICT_CODE.fullmatch(code):
            return None
        try:
            self.runtime.tenancy.district(code)
        except Exception:
            return None
        return code

    # -- the scrape --------------------------------------------------------------------------

    def collectors(self) -> list[Any]:
        """What one scrape reads."""
        if self.shared_dir is not None:
            own = CollectorRegistry()
            multiprocess.MultiProcessCollector(own, path=str(self.shared_dir))
        else:
            own = self.registry
        return [own, DistrictCollector(self.runtime), TaskCollector(self.runtime)]

    def exposition(self) -> bytes:
        """The text format of everything."""
        return generate_latest(_Together(self.collectors()))  # type: ignore[arg-type]


_CONVERTER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


def _template(rule: str) -> str:
    """``/a/<uuid:id>`` as ``/a/{id}``, as the OpenAPI document writes it."""
    return _CONVERTER.sub(r"{\1}", rule)


def _outcome(status: int) -> str:
    if status < 400:
        return "accepted"
    return "rejected" if status < 500 else "failed"


class _Together:
    """Several collectors (or registries) read as one."""

    def __init__(self, parts: Iterable[Any]) -> None:
        self.parts = list(parts)

    def collect(self) -> Iterator[Metric]:
        for part in self.parts:
            yield from part.collect()


class DistrictCollector:
    """Each district's events and projection lag, read from its store at scrape time."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        """One pass over the catalog's districts."""
        events = CounterMetricFamily(
            "canxie_district_events",
            "Events in the district's log (the position of its newest event)",
            labels=("district",),
        )
        positions = GaugeMetricFamily(
            "canxie_projection_position",
            "Position up to which a read model has applied the district's events",
            labels=("district", "projection"),
        )
        lag_events = GaugeMetricFamily(
            "canxie_projection_lag_events",
            "Events of the district not yet applied to every read model",
            labels=("district",),
        )
        lag_seconds = GaugeMetricFamily(
            "canxie_projection_lag_seconds",
            "Age of the district's oldest event not yet applied to every read model",
            labels=("district",),
        )
        districts = GaugeMetricFamily("canxie_districts", "Districts in the catalog")
        errors = 0
        tenancy = self.runtime.tenancy
        codes = [d.code for d in tenancy.districts()]
        now = datetime.now(UTC)
        for code in codes:
            try:
                try:
                    mapper = tenancy.records(code).mapper
                except Exception:  # e.g. a key mismatch: positions still count
                    mapper = None
                lag = district_lag(self.runtime.db, code, mapper)
            except Exception as exc:
                errors += 1
                log.warning("metrics: district %s unreadable: %s", code, type(exc).__name__)
                continue
            events.add_metric([code], lag.head)
            for name, position in sorted(lag.positions.items()):
                positions.add_metric([code, name], position)
            lag_events.add_metric([code], lag.events_behind)
            lag_seconds.add_metric([code], lag.seconds_behind(now))
        districts.add_metric([], len(codes))
        failed = GaugeMetricFamily(
            "canxie_metrics_district_errors", "Districts whose figures could not be read"
        )
        failed.add_metric([], errors)
        yield from (districts, events, positions, lag_events, lag_seconds, failed)


class TaskCollector:
    """The workers' task failures and retries, counted in the catalog."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        """Read the counts."""
        failures = CounterMetricFamily(
            "canxie_task_failures", "Worker tasks that failed", labels=("task", "district")
        )
        retries = CounterMetricFamily(
            "canxie_task_retries", "Worker tasks retried", labels=("task", "district")
        )
        try:
            totals = task_stats.totals(self.runtime.db)
        except Exception as exc:
            log.warning("metrics: task counts unreadable: %s", type(exc).__name__)
            totals = {}
        for (task, district, outcome), total in sorted(totals.items()):
            family = failures if outcome == "failure" else retries if outcome == "retry" else None
            if family is not None:
                family.add_metric([task, district], total)
        yield from (failures, retries)


# -- the Flask side --------------------------------------------------------------------------


def init_app(app: Flask, runtime: Runtime) -> Metrics:
    """Count every request and serve ``/metrics``."""
    metrics = Metrics(runtime)
    app.extensions["canxie_metrics"] = metrics
    # First of all hooks, so that the time includes authentication and every check.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    hooks = app.before_request_funcs[None]
    hooks.insert(hooks.index(authorize_request), _metrics_token)  # after the request id
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", metrics_view)
    return metrics


def _start_clock() -> None:
    g._canxie_started = time.perf_counter()


def _observe(response: Response) -> Response:
    try:
        current_app.extensions["canxie_metrics"].observe(response)
    except Exception:  # counting must never break an answer
        log.exception("could not count a request")
    return response


def _metrics_token() -> Response | None:
    """Prometheus's credential: the metrics token answers ``/metrics`` (and nothing else)."""
    if request.endpoint != "metrics" or request.method not in ("GET", "HEAD"):
        return None
    token = current_app.extensions["canxie_metrics"].runtime.settings.metrics_token
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if (
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    ):
        return _exposition()
    return None  # anything else: the ordinary account check of the endpoint's rule


@rule(Action.READ, Target.CITY)
def metrics_view() -> Response:
    """Prometheus text format (see the module docstring for who may read it)."""
    return _exposition()


def _exposition() -> Response:
    body = current_app.extensions["canxie_metrics"].exposition()
    return Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)
