"""What no client should ever see, and what every answer carries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service.access import Action, Target, rule
from service.app import create_app
from workers.settings import Settings

SECRET_ID = "410102199001011234"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    built = create_app(Settings(data_dir=tmp_path, bootstrap_token="cx_hardening"))

    @rule(Action.PUBLIC, Target.NONE)
    def explode() -> None:
        raise RuntimeError(f"failed for person {SECRET_ID}")

    built.add_url_rule("/explode", "explode", explode)
    yield built
    built.extensions["canxie"].wakeups.close()


def test_an_unexpected_error_is_a_problem_without_trace_or_personal_data(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/explode", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and SECRET_ID not in body and "RuntimeError" not in body
    assert response.get_json()["request_id"] == "req-42"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "req-42" in logged
    assert SECRET_ID not in logged


def test_every_answer_carries_the_security_headers_and_request_id(app: Flask) -> None:
    client = app.test_client()
    for path in ("/api/v1/health", "/api/v1/districts", "/no/such/route"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert len(response.headers["X-Request-ID"]) >= 16
