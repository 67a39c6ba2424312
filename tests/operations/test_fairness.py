"""A district being projected is skipped, not waited for; a busy district takes turns."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from projections.catchup import projected_position
from projections.claims import district_claim
from projections.database import open_database
from projections.tenancy import Tenancy
from tests.seeding import SEEDER, seed_district
from workers import tasks
from workers.runtime import Runtime
from workers.settings import Settings
from workers.wakeups import WakeupThread

DISTRICT = "410106"


@pytest.fixture
def runtime(pg_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(database_url=pg_url, broker_url="amqp://unused", data_dir=tmp_path,
                        batch_size=10, task_max_batches=3)
    rt = Runtime.open(settings)
    rt.tenancy.provision()
    rt.tenancy.create_district(DISTRICT, "金水区", SEEDER)
    seed_district(rt.tenancy, DISTRICT, associations=10, cycles=3)  # 70 events
    yield rt
    rt.close()


@pytest.mark.hosted
def test_a_claimed_district_is_skipped_and_a_long_one_yields(runtime: Runtime) -> None:
    queued: list[str] = []
    with mock.patch.object(tasks, "current_runtime", return_value=runtime), \
            mock.patch.object(tasks.project_district, "apply_async",
                              side_effect=lambda args: queued.append(args[0])):
        with district_claim(runtime.db, DISTRICT) as mine:
            assert mine
            # Another session (the pool hands out another connection) is refused at once.
            other = Tenancy(open_database(runtime.settings.database_url or "", Path(".")))
            with district_claim(other.db, DISTRICT) as theirs:
                assert not theirs
            busy = tasks.project_district.run(DISTRICT)
        assert busy["busy"] == 1 and projected_position(runtime.db, DISTRICT) == 0
        assert queued == []

        first = tasks.project_district.run(DISTRICT)  # 3 batches of 10, then its turn ends
        assert first["applied"] == 30 and queued == [DISTRICT]
        second = tasks.project_district.run(DISTRICT)
        assert second["applied"] == 30 and queued == [DISTRICT, DISTRICT]
        last = tasks.project_district.run(DISTRICT)
        assert last["applied"] == 10 and len(queued) == 2  # caught up: nothing more queued
    head = runtime.tenancy.records(DISTRICT).head_position()
    assert projected_position(runtime.db, DISTRICT) == head


def test_closing_the_wakeup_thread_delivers_what_is_pending() -> None:
    delivered: list[str] = []
    entered, release = threading.Event(), threading.Event()

    def deliver(district: str) -> None:
        if district == "first":
            entered.set()
            release.wait(5)
        delivered.append(district)

    thread = WakeupThread(deliver, name="test-wakeups")
    thread.district_changed("first")
    assert entered.wait(5)
    thread.district_changed("second")  # pending while the first is being delivered
    closing = threading.Thread(target=thread.close)
    closing.start()
    release.set()
    closing.join(10)
    assert delivered == ["first", "second"]
