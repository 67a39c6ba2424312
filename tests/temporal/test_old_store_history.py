"""A store written before the temporal tables gets them on its first catch-up, from its first
event, and then answers as of any day as the replay does (deployed stores stay readable)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from aggregates.clock import SYSTEM_CLOCK
from projections.engine.as_of import AsOf, load_as_of
from projections.engine.history import Basis
from projections.engine.read_models import HISTORY
from projections.engine.replay import replay
from projections.engine.tracking import positions
from tests.plugin import MakeRuntime
from tests.temporal.test_as_of_equals_replay import differences

STORE = Path(__file__).parents[1] / "stores" / "v0"


def test_an_old_store_is_given_its_history_and_answers_as_the_replay(
    make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(STORE / "data", data)
    runtime = make_runtime(data_dir=data)
    compared = 0
    for district in runtime.tenancy.districts():
        code = district.code
        with runtime.db.transaction(code, write=False) as cur:
            assert HISTORY not in positions(cur, lambda s, c=code: runtime.db.sql(c, s))
        runtime.catch_up(code)
        mapper = runtime.tenancy.records(code).mapper
        today = SYSTEM_CLOCK.today()
        for day in (date(2021, 1, 1), date(2022, 6, 30), today - timedelta(days=30), today):
            for basis in Basis:
                replayed = replay(runtime.db, code, mapper, as_of=day, basis=basis).tables
                found = load_as_of(runtime.db, code, AsOf(day, basis))
                assert differences(replayed, found) == [], (code, day, basis)
                compared += sum(replayed.counts().values())
    assert compared > 0
