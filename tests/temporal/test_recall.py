"""What a run knows of the rows its twins hold no version of (projections/engine/recall.py)
changes no answer.

The synthetic city's first district is caught up two events a batch, in two runs (the first
with empty twins, the second over what the first stored); on random days and both clocks
every read model read from the temporal tables still equals the replay.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from aggregates.clock import SYSTEM_CLOCK
from bench.city import generate_city, open_city
from projections.engine.as_of import AsOf, load_as_of
from projections.engine.catchup import _check_recall, catch_up
from projections.engine.read_models import HISTORY
from projections.engine.recall import Recall
from projections.engine.replay import Basis, replay
from tests.temporal.test_as_of_equals_replay import differences


def test_small_batches_answer_as_the_replay(store_url: str | None, tmp_path: Path) -> None:
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


def test_a_run_forgets_what_it_knows_when_another_writer_moved_the_history() -> None:
    recalled = Recall()
    _check_recall(recalled, {}, batches=0, position=0)
    assert recalled.empty  # a district's first catch-up: nothing is stored
    recalled.wrote("t__recorded", [("a",)])
    assert recalled.new("t__recorded", "t", [("a",), ("b",)]) == {("b",)}
    _check_recall(recalled, {HISTORY: 40, "associations": 40}, batches=1, position=40)
    assert recalled.empty  # where this run left it
    _check_recall(recalled, {HISTORY: 80, "associations": 80}, batches=2, position=40)
    assert not recalled.empty  # another worker projected in between
    assert recalled.new("t__recorded", "t", [("a",), ("b",)]) == set()


def test_a_district_with_history_knows_only_what_the_recorded_twin_said() -> None:
    recalled = Recall()
    _check_recall(recalled, {HISTORY: 10, "associations": 10}, batches=0, position=0)
    assert not recalled.empty
    recalled.unheld["t"] = {("b",)}
    assert recalled.new("t__effective", "t", [("a",), ("b",)]) == {("b",)}
