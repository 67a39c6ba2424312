"""A district being projected is skipped, not waited for; a busy district takes turns."""

from __future__ import annotations

import threading
from pathlib import Path
from unittest import mock

import pytest

from projections.engine.catchup import projected_position
from projections.engine.claims import district_claim
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests import factories
from tests.plugin import MakeRuntime
from tests.seeding import SEEDER, seed_district
from workers import tasks
from workers.runtime import Runtime
from workers.settings import Settings
from workers.wakeups import WakeupThread

DISTRICT = "410106"


@pytest.fixture
def batched_runtime(make_runtime: MakeRuntime, pg_url: str) -> Runtime:
    """Batches of 10 events, 3 batches a turn; one district of 70 events, none projected."""
    rt = make_runtime(
        database_url=pg_url, broker_url="amqp://unused", batch_size=10, task_max_batches=3
    )
    factories.seeded_district(rt.tenancy, DISTRICT, "金水区", associations=10, cycles=3)
    return rt


@pytest.mark.hosted
def test_a_claimed_district_is_skipped_and_a_long_one_yields(batched_runtime: Runtime) -> None:
    runtime = batched_runtime
    queued: list[str] = []
    with (
        mock.patch.object(tasks, "current_runtime", return_value=runtime),
        mock.patch.object(
            tasks.project_district, "apply_async", side_effect=lambda args: queued.append(args[0])
        ),
    ):
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


@pytest.mark.hosted
@pytest.mark.parametrize("refused_meanwhile", [True, False])
def test_a_wakeup_refused_meanwhile_is_queued_again_and_mere_growth_is_not(
    pg_url: str, tmp_path: Path, refused_meanwhile: bool
) -> None:
    settings = Settings(
        database_url=pg_url,
        broker_url="amqp://unused",
        data_dir=tmp_path,
        batch_size=1000,
        task_max_batches=100,
    )
    rt = Runtime.open(settings)
    rt.tenancy.provision()
    rt.tenancy.create_district(DISTRICT, "金水区", SEEDER)
    seed_district(rt.tenancy, DISTRICT, associations=2, cycles=1)
    queued: list[str] = []
    refused: list[dict[str, int | str]] = []
    catch_up = rt.catch_up

    def meanwhile(district: str, max_batches: int | None = None) -> object:
        result = catch_up(district, max_batches=max_batches)
        # New events arrive (their commands send wake-ups of their own) ...
        seed_district(rt.tenancy, DISTRICT, associations=1, cycles=1, first_village=2001)
        if refused_meanwhile:  # ... and one of those wake-ups finds the claim held.
            refused.append(tasks.project_district.run(DISTRICT))
        return result

    try:
        with (
            mock.patch.object(tasks, "current_runtime", return_value=rt),
            mock.patch.object(
                tasks.project_district,
                "apply_async",
                side_effect=lambda args: queued.append(args[0]),
            ),
            mock.patch.object(rt, "catch_up", side_effect=meanwhile),
        ):
            tasks.project_district.run(DISTRICT)
        if refused_meanwhile:
            assert refused[0]["busy"] == 1
            assert queued == [DISTRICT]  # the refused wake-up is not lost
        else:
            assert queued == []  # the new events' own wake-ups will do
    finally:
        rt.close()
