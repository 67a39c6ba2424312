"""Workers that die or race: the read models still hold every event exactly once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from projections.engine.catchup import catch_up, projected_position
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.factories import seeded_district
from tests.hosted.exactly_once import assert_exactly_once, wait_for_position
from tests.processes import ProcessFactory
from workers.celery_app import make_celery
from workers.settings import Settings
from workers.wakeups import PROJECT_DISTRICT

pytestmark = pytest.mark.hosted

DISTRICT = "410103"
ASSOCIATIONS, CYCLES = 100, 100  # 100 x (1 + 200) + 100 claims = 20,200 events


@pytest.fixture
def seeded(hosted_tenancy: Tenancy) -> tuple[Tenancy, dict[str, int], int]:
    """A district with 20,200 events, none projected yet."""
    tenancy = hosted_tenancy
    versions = seeded_district(
        tenancy, DISTRICT, "二七区", associations=ASSOCIATIONS, cycles=CYCLES
    )
    head = tenancy.records(DISTRICT).head_position()
    assert head >= 20_000
    assert projected_position(tenancy.db, DISTRICT) == 0
    return tenancy, versions, head


def wake(env: dict[str, str], times: int = 1) -> None:
    """Publish wake-ups for the district straight to the broker."""
    settings = Settings.from_environ(env)
    publisher = make_celery(settings)
    for _ in range(times):
        publisher.send_task(PROJECT_DISTRICT, args=(DISTRICT,))


def test_worker_killed_mid_catch_up_loses_and_doubles_nothing(
    processes: ProcessFactory,
    hosted_env: dict[str, str],
    seeded: tuple[Tenancy, dict[str, int], int],
) -> None:
    tenancy, versions, head = seeded
    env = {**hosted_env, "CANXIE_PROJECTION_BATCH": "100"}
    worker = processes.worker(env)
    wake(env)
    # Kill as soon as the worker has committed some batches but not all of them.
    deadline = time.monotonic() + 60
    position = 0
    while time.monotonic() < deadline:
        position = projected_position(tenancy.db, DISTRICT)
        if position >= 1000:
            break
        time.sleep(0.005)
    worker.kill()
    killed_at = projected_position(tenancy.db, DISTRICT)
    assert 0 < killed_at < head, f"killed at {killed_at} of {head}: not in the middle"

    # Nobody sends anything again: the unacknowledged message comes back to the new worker.
    processes.worker(env)
    assert wait_for_position(tenancy.db, DISTRICT, head, timeout=120) == head
    assert_exactly_once(tenancy.db, DISTRICT, versions, officers=ASSOCIATIONS * CYCLES)


def test_two_worker_processes_on_one_district_apply_nothing_twice(
    processes: ProcessFactory,
    hosted_env: dict[str, str],
    seeded: tuple[Tenancy, dict[str, int], int],
) -> None:
    tenancy, versions, head = seeded
    env = {**hosted_env, "CANXIE_PROJECTION_BATCH": "200"}
    first, second = processes.worker(env), processes.worker(env)
    wake(env, times=6)
    assert wait_for_position(tenancy.db, DISTRICT, head, timeout=120) == head
    assert_exactly_once(tenancy.db, DISTRICT, versions, officers=ASSOCIATIONS * CYCLES)
    both = [p.output() for p in (first, second)]
    assert all("project_district" in out for out in both), "each worker should have had work"


def test_concurrent_catch_ups_in_threads_apply_nothing_twice(
    pg_url: str, seeded: tuple[Tenancy, dict[str, int], int], tmp_path: Path
) -> None:
    tenancy, versions, head = seeded
    errors: list[BaseException] = []

    def run() -> None:
        db = open_database(pg_url, tmp_path)
        try:
            catch_up(db, DISTRICT, tenancy.records(DISTRICT).mapper, batch_size=150)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert projected_position(tenancy.db, DISTRICT) == head
    assert_exactly_once(tenancy.db, DISTRICT, versions, officers=ASSOCIATIONS * CYCLES)
