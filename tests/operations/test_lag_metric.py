"""``/metrics`` shows a district's lag rising while its workers are stopped, falling after."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.client import BOOTSTRAP_TOKEN, Client
from tests.operations.metrics_scrape import by_label, scrape, value
from tests.processes import ProcessFactory, run_canxie

pytestmark = pytest.mark.hosted

CODE, QUIET = "410102", "410105"
OFFICER = "欧阳秀英"  # personal data: must never reach a log line
ROUTE = "/api/v1/districts/{code}/associations/{association_id}/officers"


def lag(base: str, token: str) -> tuple[float, float, float]:
    """(events behind, seconds behind, events behind of the quiet district)."""
    found = scrape(base, token)
    return (
        by_label(found, "canxie_projection_lag_events", "district")[CODE],
        by_label(found, "canxie_projection_lag_seconds", "district")[CODE],
        by_label(found, "canxie_projection_lag_events", "district")[QUIET],
    )


def wait_for(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def start_district_and_stop_workers(
    processes: ProcessFactory, env: dict[str, str], token: str
) -> tuple[Any, Client, str]:
    """A caught-up district with one association, /metrics shut without the token, workers stopped.

    Returns the server, an API client and the association id.
    """
    server = processes.server(env, workers=2)
    base = server.url or ""
    workers = [processes.worker(env), processes.worker(env)]
    api = Client(base, BOOTSTRAP_TOKEN)
    assert api.create_district(CODE, "中原区").status_code == 201
    assert api.create_district(QUIET, "上街区").status_code == 201
    created = api.create_association(CODE, f"{CODE}001001")
    assert created.status_code == 201, created.text
    association = created.json()["id"]
    assert wait_for(lambda: lag(base, token) == (0.0, 0.0, 0.0)), lag(base, token)

    # Without the token, /metrics is refused; the access rule is public, the token is not.
    import requests

    assert requests.get(f"{base}/metrics", timeout=10).status_code == 401

    for worker in workers:  # SIGTERM: a warm shutdown, each finishes its task and exits 0
        worker.stop()
        assert worker.popen.returncode == 0, worker.output()[-2000:]
    return server, api, association


def fall_behind(
    api: Client, association: str, base: str, token: str
) -> list[tuple[float, float, float]]:
    """Three rounds of appointments and removals with no worker running; the lag after each."""
    behind = []
    for _round in range(3):
        for _ in range(2):  # appoint and remove: at most 5 members sit at once
            response = api.appoint(CODE, association, "committee_member", OFFICER)
            assert response.status_code == 201, response.text
            officer = response.json()["officer_id"]
            assert api.remove(CODE, association, officer).status_code == 200
        time.sleep(1.1)
        behind.append(lag(base, token))
    return behind


def assert_counted_by_both_processes(base: str, token: str) -> None:
    """Requests and commands were counted by both gunicorn processes together."""
    found = scrape(base, token)
    appointed = value(
        found, "canxie_commands_total", district=CODE, route=ROUTE, outcome="accepted"
    )
    assert appointed == 6
    requests_total = value(
        found, "canxie_http_requests_total", method="POST", route=ROUTE, status="201"
    )
    assert requests_total == 6
    histogram = value(
        found,
        "canxie_http_request_duration_seconds_count",
        method="POST",
        route=ROUTE,
        status="201",
    )
    assert histogram == 6


def assert_json_logs_name_requests_not_people(server: Any, processes: ProcessFactory) -> None:
    """JSON logs: every request line has its request id and district, no personal data."""
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    access = [e for e in lines if e["logger"] == "canxie.access" and e.get("route") == ROUTE]
    assert len(access) == 6
    assert all(e["request_id"] and e["district"] == CODE for e in access)
    worker_lines = [
        json.loads(line)
        for w in processes.started[1:]
        for line in w.output().splitlines()
        if line.startswith("{")
    ]
    assert any(e.get("district") == CODE and e.get("task_id") for e in worker_lines)
    for process in processes.started:
        assert OFFICER not in process.output()


def test_lag_rises_while_workers_are_stopped_and_falls_after(
    processes: ProcessFactory, hosted_env: dict[str, str]
) -> None:
    token = "metrics-" + "x" * 24
    env = {**hosted_env, "CANXIE_LOG_FORMAT": "json", "CANXIE_METRICS_TOKEN": token}
    server, api, association = start_district_and_stop_workers(processes, env, token)
    base = server.url or ""

    behind = fall_behind(api, association, base, token)
    events = [b[0] for b in behind]
    seconds = [b[1] for b in behind]
    assert events[0] > 0 and events == sorted(events) and events[-1] > events[0], behind
    assert seconds[0] > 0 and seconds[-1] > seconds[0] + 1.5, behind
    assert all(b[2] == 0 for b in behind), "the quiet district is not behind"

    # `canxie lag` says the same, with the seconds.
    out = run_canxie("lag", env=env, timeout=60, check=True).stdout
    row = next(line.split("\t") for line in out.splitlines() if line.startswith(CODE))
    assert int(row[3]) == events[-1] and float(row[4]) > 0, out

    # Workers come back: the wake-ups waiting in the queue bring the lag down to zero.
    processes.worker(env)
    processes.worker(env)
    assert wait_for(lambda: lag(base, token) == (0.0, 0.0, 0.0)), lag(base, token)
    assert_counted_by_both_processes(base, token)
    assert_json_logs_name_requests_not_people(server, processes)
