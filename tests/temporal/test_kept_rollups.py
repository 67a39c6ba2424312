"""Roll-ups kept in the store are read again only for the same events and code: a village
recorded today in force from a past day changes today's answer and that day's on the
effective clock, not on the recorded one, and a release with other rules computes afresh."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pytest

from aggregates.clock import SYSTEM_CLOCK
from projections import kept_rollups
from projections.compliance import rolled_up
from projections.engine.history import Basis
from projections.kept_rollups import kept
from tests.factories import SEED
from tests.temporal.test_counted_rollups import D, _village
from workers.runtime import Runtime

PAST = date(2022, 12, 1)
VILLAGE = "410102001002"


def answer(runtime: Runtime, day: date, basis: Basis | None) -> dict[str, Any]:
    """The kept roll-up, computed when it must be."""
    db = runtime.db
    return kept(db, D, day, basis, partial(rolled_up, db, D, day, basis))


def kept_rows(runtime: Runtime) -> int:
    with runtime.db.transaction(D, write=False) as cur:
        cur.execute(runtime.db.sql(D, "SELECT count(*) AS n FROM {s}kept_rollups"))
        return int(cur.fetchone()["n"])


def fresh(runtime: Runtime, day: date, basis: Basis | None) -> dict[str, Any]:
    return rolled_up(runtime.db, D, day, basis)


def test_a_kept_rollup_is_read_again_only_for_the_same_events(
    runtime: Runtime, make_district: Any, make_association: Any, make_person: Any
) -> None:
    _village(runtime, make_district, make_association, make_person)
    today = SYSTEM_CLOCK.today()
    asked = [(today, None), (PAST, Basis.RECORDED), (PAST, Basis.EFFECTIVE)]
    first = {key: answer(runtime, *key) for key in asked}
    assert kept_rows(runtime) == len(asked)
    assert {key: answer(runtime, *key) for key in asked} == first

    # Recorded today, in force from a past day: a second village, without an association.
    records = runtime.tenancy.records(D)
    records.record_division(code=VILLAGE, name="新村", effective_on=date(2022, 1, 1), by=SEED)
    runtime.catch_up(D)
    now = {key: answer(runtime, *key) for key in asked}
    assert now == {key: fresh(runtime, *key) for key in asked}
    # Today's answer and the past day on the effective clock counted the new event; the
    # recorded clock did not know it on that day, so its kept answer stood.
    assert now[(today, None)]["townships"] != first[(today, None)]["townships"]
    assert now[(PAST, Basis.EFFECTIVE)] != first[(PAST, Basis.EFFECTIVE)]
    assert now[(PAST, Basis.RECORDED)] == first[(PAST, Basis.RECORDED)]


def test_other_rules_never_read_an_answer_kept_by_the_old_ones(
    runtime: Runtime,
    make_district: Any,
    make_association: Any,
    make_person: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _village(runtime, make_district, make_association, make_person)
    today = SYSTEM_CLOCK.today()
    answer(runtime, today, None)
    forged = {"summary": {"forged": True}, "townships": []}
    with runtime.db.transaction(D, write=True) as cur:
        cur.execute(runtime.db.sql(D, "UPDATE {s}kept_rollups SET body = %s"), [str(forged)])
    monkeypatch.setattr(kept_rollups, "RULES", "another release")
    assert answer(runtime, today, None) == fresh(runtime, today, None)
