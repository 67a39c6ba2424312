"""``/metrics`` in one process (embedded store), task counts, and the JSON log lines."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask

from projections.engine import task_stats
from service.http.logs import RequestFilter
from tests.client import BOOTSTRAP_TOKEN
from tests.operations.metrics_scrape import by_label, samples, value
from tests.plugin import MakeApp
from workers.logs import ContextFilter, JsonFormatter, log_context

TOKEN = BOOTSTRAP_TOKEN
RESIDENT_ID = "4101021990" + "01011234"  # personal data in an exception's message


def make_requests_and_task_outcomes(app: Flask, client: Any, auth: dict[str, str]) -> None:
    """One created district, one conflict, two unmatched paths, two retries and a failure."""
    assert (
        client.post(
            "/api/v1/districts", json={"code": "410102", "name": "中原区"}, headers=auth
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/districts", json={"code": "410102", "name": "again"}, headers=auth
        ).status_code
        == 409
    )
    assert client.get("/api/v1/districts/410102/associations/no-such", headers=auth)
    assert client.get("/no/such/path").status_code == 404
    runtime = app.extensions["canxie"].runtime
    task_stats.record(runtime.db, "canxie.project_district", "410102", "retry")
    task_stats.record(runtime.db, "canxie.project_district", "410102", "retry")
    task_stats.record(runtime.db, "canxie.project_district", "410102", "failure")


def assert_request_counts(found: dict[tuple[str, frozenset[tuple[str, str]]], float]) -> None:
    """Requests counted by method, route template and status; durations likewise."""
    assert (
        value(
            found,
            "canxie_http_requests_total",
            method="POST",
            route="/api/v1/districts",
            status="201",
        )
        == 1
    )
    assert (
        value(found, "canxie_http_requests_total", method="GET", route="unmatched", status="404")
        == 2
    )  # "no-such" is no uuid: no route either
    assert (
        value(
            found,
            "canxie_http_request_duration_seconds_count",
            method="POST",
            route="/api/v1/districts",
            status="409",
        )
        == 1
    )


def test_metrics_count_requests_and_read_lag_and_task_counts(app: Flask) -> None:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    make_requests_and_task_outcomes(app, client, auth)

    assert client.get("/metrics").status_code == 401  # city-wide accounts, or the token
    response = client.get("/metrics", headers=auth)
    assert response.status_code == 200
    found = samples(response.get_data(as_text=True))
    assert_request_counts(found)
    assert by_label(found, "canxie_projection_lag_events", "district") == {"410102": 0}
    assert by_label(found, "canxie_projection_lag_seconds", "district") == {"410102": 0}
    assert value(found, "canxie_districts") == 1
    assert (
        value(found, "canxie_task_retries_total", task="canxie.project_district", district="410102")
        == 2
    )
    assert (
        value(
            found, "canxie_task_failures_total", task="canxie.project_district", district="410102"
        )
        == 1
    )
    # Never a concrete path or id as a label: routes are templates.
    assert not any("no-such" in str(labels) for _, labels in found)


def test_the_metrics_token_opens_metrics_and_nothing_else(make_app: MakeApp) -> None:
    app = make_app(metrics_token="m" * 30)
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = {"Authorization": "Bearer " + "n" * 30}
    assert client.get("/metrics", headers=wrong).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    good = {"Authorization": "Bearer " + "m" * 30}
    assert client.get("/metrics", headers=good).status_code == 200
    assert client.get("/api/v1/districts", headers=good).status_code == 401


def test_json_lines_carry_request_id_and_district_and_no_exception_message(app: Flask) -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RequestFilter())
    probe = logging.getLogger("canxie.test-probe")
    probe.addHandler(handler)

    @app.get("/api/v1/districts/<code>/probe")
    def probe_view(code: str) -> str:
        try:
            raise ValueError(f"resident {RESIDENT_ID} not found")
        except ValueError:
            probe.exception("probe failed")
        return "ok"

    from service.http.access import Action, Target, rule

    rule(Action.PUBLIC, Target.NONE)(probe_view)
    try:
        response = app.test_client().get(
            "/api/v1/districts/410102/probe", headers={"X-Request-ID": "req-42"}
        )
        assert response.status_code == 200
        with log_context(district="410103", task_id="t-1"):
            probe.info("in a task")
    finally:
        probe.removeHandler(handler)
    request_line, task_line = (json.loads(r) for r in records)
    assert request_line["request_id"] == "req-42" and request_line["district"] == "410102"
    assert request_line["exception"] == "ValueError" and "probe_view" in request_line["stack"]
    assert RESIDENT_ID not in records[0]
    assert task_line["district"] == "410103" and task_line["task_id"] == "t-1"
