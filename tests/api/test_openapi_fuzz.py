"""schemathesis over every operation of the OpenAPI document, with a city administrator's token.

Each operation runs schemathesis's three phases: the document's examples, its coverage cases
(boundaries, missing and wrong-typed fields, each parameter negated) and hypothesis fuzzing,
positive and negative.  Every answer must be no 5xx and match the documented status codes,
content types and schemas.  (schemathesis's pytest plugin does not run under pytest 9, so its
test builder is driven here directly.)  Operations that disable an account or revoke a token
run against a throwaway account, never against the administrator doing the fuzzing.

Bounded for CI: ``FUZZ_EXAMPLES`` (50; ``CANXIE_FUZZ_EXAMPLES`` changes it) hypothesis
examples per operation, derandomised, and the coverage cases on top: measured 12,218 requests
over 111 operations (6,815 coverage, 5,403 fuzzing) in about 40 s on a shared 2-core machine.
The document has no examples of its own yet, so the examples phase adds none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.http.auth import FailedAuthLimiter
from tests.factories import district_through_api
from tests.plugin import ADMIN, embedded_app

AUTH = ADMIN
#: Hypothesis examples per operation (the coverage phase adds its own cases).
FUZZ_EXAMPLES = int(os.environ.get("CANXIE_FUZZ_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
D = "410102"


def _seed(client: Any) -> dict[str, str]:
    """A district with an association, and a throwaway account with a token."""
    district_through_api(client, D)
    user = client.post(
        "/api/v1/users",
        headers=AUTH,
        json={"name": "throwaway", "role": "district_admin", "district": D},
    )
    assert user.status_code == 201, user.get_data(as_text=True)
    created = user.get_json()
    return {"user_id": created["user"]["id"], "token_id": created["token"]["token_id"]}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app on an embedded store, its document, and the throwaway account's ids."""
    with embedded_app(Path(tmp_path_factory.mktemp("fuzz"))) as app:
        # schemathesis probes every operation with the same invalid token, far more often than
        # the failure limiter allows (its 429 is tested in tests/access/test_tokens.py): lift it.
        limiter = FailedAuthLimiter(limit=10**9, address_limit=10**9)
        app.extensions["canxie_auth_limiter"] = limiter
        throwaway = _seed(app.test_client())
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), throwaway


def _overrides(path: str, throwaway: dict[str, str]) -> Override:
    """Disabling and revoking aim at the throwaway account only; districts at the seeded one."""
    path_parameters = {}
    if "{code}" in path:
        path_parameters["code"] = D
    if path.endswith("/disable") or path.endswith("/tokens"):
        path_parameters["user_id"] = throwaway["user_id"]
    if path.endswith("/revocation"):
        path_parameters["token_id"] = throwaway["token_id"]
    return Override(path_parameters=path_parameters)


def _run(schema: Any, operation: Any, throwaway: dict[str, str]) -> None:
    def check(case: Any) -> None:
        case.call_and_validate(headers=AUTH, checks=CHECKS)

    config = HypothesisTestConfig(
        project=schema.config,
        modes=[
            HypothesisTestMode.EXAMPLES,
            HypothesisTestMode.COVERAGE,
            HypothesisTestMode.FUZZING,
        ],
        settings=hypothesis.settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
        override=_overrides(operation.path, throwaway),
    )
    create_test(operation=operation, test_func=check, config=config)()


def test_every_operation_survives_examples_coverage_and_fuzzing(
    fuzzed: tuple[Any, dict[str, str]],
) -> None:
    schema, throwaway = fuzzed
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 90
    failures: list[str] = []
    for operation in operations:
        try:
            _run(schema, operation, throwaway)
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # every operation's first failure, not only the first one
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
