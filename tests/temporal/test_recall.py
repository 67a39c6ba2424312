"""A run's memory of the stored versions (projections/engine/recall.py) changes no answer.

The synthetic city's first district is caught up in small batches, in two runs (the first
with empty twins, the second over what the first stored), with a memory so small that it
forgets rows while it runs; on random days and both clocks every read model read from the
temporal tables still equals the replay.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from aggregates.clock import SYSTEM_CLOCK
from bench.city import generate_city, open_city
from projections.engine import recall
from projections.engine.as_of import AsOf, load_as_of
from projections.engine.catchup import _check_recall, catch_up
from projections.engine.history import Version
from projections.engine.read_models import HISTORY
from projections.engine.recall import Kept, Recall
from projections.engine.replay import Basis, replay
from tests.temporal.test_as_of_equals_replay import differences


@pytest.mark.parametrize("limit", [3, recall.RECALL_ROWS])
def test_small_batches_with_a_memory_answer_as_the_replay(
    store_url: str | None, tmp_path: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recall, "RECALL_ROWS", limit)
    generated = generate_city(store_url, tmp_path, scale=0.002, seed=21, jobs=1)
    tenancy = open_city(store_url, tmp_path)
    code = generated.districts[0]["code"]
    mapper = tenancy.records(code).mapper
    try:
        first_run = catch_up(tenancy.db, code, mapper, batch_size=2, max_batches=200)
        rest = catch_up(tenancy.db, code, mapper, batch_size=2)
        assert first_run.batches == 200 and rest.applied > 0
        rng = random.Random(21)
        today = SYSTEM_CLOCK.today()
        start = date(2019, 1, 1)
        days = {start + timedelta(days=rng.randrange((today - start).days)) for _ in range(4)}
        for day in sorted(days | {today}):
            for basis in Basis:
                replayed = replay(tenancy.db, code, mapper, as_of=day, basis=basis).tables
                found = load_as_of(tenancy.db, code, AsOf(day, basis))
                assert differences(replayed, found) == [], (day, basis)
    finally:
        tenancy.close()


def _kept(recalled: Recall) -> None:
    recalled.wrote("t__recorded", ("k",), date.min, [Version(date(2024, 1, 1), {"k": "k"}, {})])


def test_a_run_forgets_what_it_knows_when_another_writer_moved_the_history() -> None:
    recalled = Recall()
    _check_recall(recalled, {}, batches=0, position=0)
    assert recalled.empty  # a district's first catch-up: nothing is stored
    _kept(recalled)
    _check_recall(recalled, {HISTORY: 40, "associations": 40}, batches=1, position=40)
    assert recalled.kept and recalled.empty  # where this run left it
    _check_recall(recalled, {HISTORY: 80, "associations": 80}, batches=2, position=40)
    assert not recalled.kept and not recalled.empty  # another worker projected in between


def test_a_district_with_history_starts_knowing_nothing() -> None:
    recalled = Recall()
    _check_recall(recalled, {HISTORY: 10, "associations": 10}, batches=0, position=0)
    assert not recalled.empty
    assert recalled.known("t__recorded", [("k",)], date(2024, 1, 1)) == {}


def test_kept_versions_answer_only_from_the_day_they_were_kept() -> None:
    older, newer = (Version(date(2024, m, 1), {"k": m}, {}) for m in (1, 3))
    kept = Kept(date(2024, 2, 1), [older, newer])
    assert kept.holding(date(2024, 1, 15)) is None  # earlier than what is known: read it
    assert kept.holding(date(2024, 2, 1)) == [older, newer]
    assert kept.holding(date(2024, 3, 1)) == [older, newer]  # ends on the day: as the SQL
    assert kept.holding(date(2024, 4, 1)) == [newer]


def test_the_memory_forgets_the_least_recently_written_rows_first() -> None:
    recalled = Recall(limit=2)
    for key in ("a", "b", "a", "c"):
        recalled.wrote("t", (key,), date.min, [])
    assert list(recalled.kept) == [("t", ("a",)), ("t", ("c",))]
