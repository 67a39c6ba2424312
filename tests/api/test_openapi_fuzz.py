"""Property-based calls generated from the OpenAPI document, with a valid token.

schemathesis generates requests for every operation of the document; each must end in no
5xx and in an answer that matches the documented status codes, content types and schemas.
Bounded: a fixed number of derandomised examples per operation.  (schemathesis's own
pytest plugin does not run under pytest 9, so the operations are driven with hypothesis
directly.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from service.app import create_app
from service.auth import FailedAuthLimiter
from workers.settings import Settings

TOKEN = "cx_fuzz_bootstrap_token"
EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app on an embedded store with one district and association, and its document."""
    data_dir = Path(tmp_path_factory.mktemp("fuzz"))
    app = create_app(Settings(data_dir=data_dir, bootstrap_token=TOKEN, sweep_seconds=3600))
    # schemathesis probes every operation with the same invalid token, far more often than the
    # failure limiter allows (its 429 is tested in tests/access/test_tokens.py): lift it here.
    app.extensions["canxie_auth_limiter"] = FailedAuthLimiter(limit=10**9, address_limit=10**9)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    client.post("/api/v1/districts", json={"code": "410102", "name": "中原区"}, headers=headers)
    client.post(
        "/api/v1/districts/410102/associations",
        headers=headers,
        json={
            "division_code": "410102001001",
            "name": "残协",
            "township_code": "410102001",
            "established_on": "2021-01-01",
        },
    )
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    app.extensions["canxie"].wakeups.close()


def operations(schema: Any) -> list[Any]:
    """Every operation of the document."""
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_survives_generated_requests(api_schema: Any) -> None:
    failures: list[str] = []
    found = operations(api_schema)
    assert len(found) >= 10
    for operation in found:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})

        try:
            call()
        except Exception as exc:  # collect every operation's first failure
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
