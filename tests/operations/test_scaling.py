"""Three worker processes share eight districts on the real broker and PostgreSQL."""

from __future__ import annotations

import ast
import re
import time

import pytest

from projections.engine.catchup import projected_position
from projections.platform.tenancy import Tenancy
from tests.client import BOOTSTRAP_TOKEN
from tests.factories import seeded_district
from tests.hosted.exactly_once import assert_exactly_once
from tests.operations.metrics_scrape import by_label, scrape
from tests.processes import ProcessFactory
from tests.seeding import SEEDER, seed_district
from workers.celery_app import make_celery
from workers.settings import Settings
from workers.wakeups import PROJECT_DISTRICT

pytestmark = pytest.mark.hosted

DISTRICTS = [f"4101{n:02d}" for n in range(2, 10)]  # eight districts
ASSOCIATIONS, CYCLES = 12, 12  # 12 x (1 + 24) = 300 events per district
SUCCEEDED = re.compile(r"project_district\[[^\]]+\] succeeded in [\d.]+s: (\{[^}]*\})")


@pytest.fixture
def districts_without_events(hosted_tenancy: Tenancy) -> Tenancy:
    """Eight districts, still without events."""
    for code in DISTRICTS:
        hosted_tenancy.create_district(code, f"区{code}", SEEDER)
    return hosted_tenancy


def seed(tenancy: Tenancy) -> dict[str, dict[str, int]]:
    """Events in every district, written without waking anyone."""
    return {
        code: seed_district(tenancy, code, associations=ASSOCIATIONS, cycles=CYCLES)
        for code in DISTRICTS
    }


def wake(env: dict[str, str], districts: list[str]) -> None:
    publisher = make_celery(Settings.from_environ(env))
    for code in districts:
        publisher.send_task(PROJECT_DISTRICT, args=(code,))


def projected_by(output: str) -> dict[str, int]:
    """District -> events a worker applied, from its task log lines."""
    applied: dict[str, int] = {}
    for match in SUCCEEDED.finditer(output):
        result = ast.literal_eval(match[1])
        if result.get("applied"):
            applied[result["district"]] = applied.get(result["district"], 0) + result["applied"]
    return applied


def all_caught_up(tenancy: Tenancy, timeout: float) -> dict[str, tuple[int, int]]:
    """Wait for every district; returns district -> (projected, head)."""
    heads = {code: tenancy.records(code).head_position() for code in tenancy_codes(tenancy)}
    deadline = time.monotonic() + timeout
    while True:
        state = {code: (projected_position(tenancy.db, code), head) for code, head in heads.items()}
        if all(p == h for p, h in state.values()) or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def tenancy_codes(tenancy: Tenancy) -> list[str]:
    return [d.code for d in tenancy.districts()]


def test_three_workers_share_eight_districts(
    processes: ProcessFactory,
    hosted_env: dict[str, str],
    districts_without_events: Tenancy,
) -> None:
    tenancy = districts_without_events
    # Small slices: each task applies at most 2 x 25 events, then queues the district again,
    # so the districts take turns and every worker gets some of them.
    env = {
        **hosted_env,
        "CANXIE_PROJECTION_BATCH": "25",
        "CANXIE_TASK_MAX_BATCHES": "2",
        "CANXIE_SWEEP_SECONDS": "3600",
    }
    workers = [processes.worker(env) for _ in range(3)]
    server = processes.server(env)
    # The events are written once all three are ready: each worker sweeps when it starts, and
    # a backlog there already would be taken by the first one up before the others are ready.
    versions = seed(tenancy)
    wake(env, DISTRICTS)

    state = all_caught_up(tenancy, timeout=120)
    assert all(p == h for p, h in state.values()), f"not caught up: {state}"
    for code in DISTRICTS:
        assert_exactly_once(tenancy.db, code, versions[code], officers=ASSOCIATIONS * CYCLES)

    spread = [projected_by(w.output()) for w in workers]
    assert all(spread), f"a worker projected nothing: {spread}"
    # The log lines add up to exactly the events there are: nothing applied twice.
    for code in DISTRICTS:
        total = sum(s.get(code, 0) for s in spread)
        assert total == state[code][1], f"{code}: applied {total} of {state[code][1]}"
    assert len({code for s in spread for code in s}) == len(DISTRICTS)

    found = scrape(server.url or "", BOOTSTRAP_TOKEN)
    lag = by_label(found, "canxie_projection_lag_events", "district")
    assert lag == dict.fromkeys(DISTRICTS, 0.0)

    # A district added now is projected by the running workers: nothing restarts.
    late = seeded_district(tenancy, "410110", "新区", associations=3, cycles=2)
    wake(env, ["410110"])
    state = all_caught_up(tenancy, timeout=60)
    assert state["410110"][0] == state["410110"][1] > 0
    assert_exactly_once(tenancy.db, "410110", late, officers=3 * 2)
    found = scrape(server.url or "", BOOTSTRAP_TOKEN)
    lag = by_label(found, "canxie_projection_lag_events", "district")
    assert lag == dict.fromkeys([*DISTRICTS, "410110"], 0.0)
