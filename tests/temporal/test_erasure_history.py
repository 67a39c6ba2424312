"""An erasure reaches the versions kept of earlier days: as of any day before it, the temporal
tables show the person as the replay does now (without personal data), and no file keeps it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from aggregates.clock import SYSTEM_CLOCK
from projections.engine.as_of import AsOf, load_as_of
from projections.engine.history import Basis
from projections.engine.replay import replay
from tests.leaks import D, erase, files_holding, register_and_read
from tests.plugin import MakeApp
from tests.temporal.test_as_of_equals_replay import differences


def test_versions_before_an_erasure_hold_no_personal_data(
    tmp_path: Path, make_app: MakeApp
) -> None:
    app = make_app()
    runtime = app.extensions["canxie"].runtime
    person = register_and_read(app)
    today = SYSTEM_CLOCK.today()
    registered = date(2022, 3, 1)  # the samples' registration day
    before = load_as_of(runtime.db, D, AsOf(registered, Basis.EFFECTIVE))
    names = [row["name"] for row in before.rows("persons")]
    assert len(names) == 2 and None not in names  # the history knew them both

    erase(app, person)

    mapper = runtime.tenancy.records(D).mapper
    for day in (registered, today - timedelta(days=1), today):
        for basis in Basis:
            replayed = replay(runtime.db, D, mapper, as_of=day, basis=basis).tables
            found = load_as_of(runtime.db, D, AsOf(day, basis))
            assert differences(replayed, found) == [], (day, basis)
    assert files_holding(tmp_path, person.secrets) == {}
