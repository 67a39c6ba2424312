"""District roll-ups, on each back end.

A roll-up counts the roster rules in the store (it names no one): the counts equal the
lengths of the named lists, and the roll-ups equal the full report's, today and as of past
days on both clocks, with each of the three roster rules failing on some day.

Roll-ups kept in the store are read again only for the same events and code: a village
recorded today in force from a past day changes today's answer and that day's on the
effective clock, not on the recorded one, and a release with other rules computes afresh."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aggregates.clock import SYSTEM_CLOCK
from projections import compliance, kept_rollups
from projections.compliance import (
    Report,
    evaluate_stored,
    kept_rollup,
    rolled_up,
    summarize_stored,
)
from projections.engine.as_of import reading
from projections.engine.history import Basis
from projections.rules.stored_facts import read_facts
from tests.factories import SEED, category_group
from workers import tasks
from workers.runtime import Runtime

D, T, A = "410102", "410102001", "410102001001"
DAYS = (date(2021, 3, 15), date(2021, 6, 1), date(2022, 12, 1))


def _rollups(report: Report) -> tuple[Any, ...]:
    return report.district, report.as_of, report.ruleset, report.summary, report.townships


def _named_counts(source: Any, day: date) -> dict[str, tuple[int, int, int]]:
    named = read_facts(source, D, day).rosters or {}
    return {
        village: (len(r.incomplete), len(r.outside_groups), len(r.overdue))
        for village, r in named.items()
    }


@pytest.fixture
def village(
    runtime: Runtime,
    store_url: str | None,
    make_district: Any,
    make_association: Any,
    make_person: Any,
) -> Runtime:
    """Village A on each back end (``store_url``): one person in a group, one whose record
    lacks a household, one in no group; no visits, so every household falls overdue once its
    interval has passed.  Returns the runtime its district is caught up in."""
    records = make_district(D)
    for code, name in ((T, "林山寨街道"), (A, "友谊社区")):
        records.record_division(code=code, name=name, effective_on=date(2021, 1, 1), by=SEED)
    association = make_association(A, established_on=date(2021, 2, 1)).id
    grouped = make_person(A, 1, registered_on=date(2021, 3, 1)).id
    make_person(A, 2, registered_on=date(2021, 3, 1), household_id=None)
    make_person(A, 3, registered_on=date(2021, 3, 1))
    group = category_group(records, association, date(2021, 3, 2)).id
    records.join_group(association, group, person_id=grouped, joined_on=date(2021, 3, 2), by=SEED)
    runtime.catch_up(D)
    return runtime


def test_counted_roster_rules_equal_the_named_ones(village: Runtime) -> None:
    runtime = village
    today = SYSTEM_CLOCK.today()
    asked = [(day, basis) for day in (*DAYS, today) for basis in Basis] + [(today, None)]
    seen = [0, 0, 0]
    for day, basis in asked:
        source = runtime.db if basis is None else reading(runtime.db, day, basis)
        counted = read_facts(source, D, day, named=False).rosters or {}
        found = {village: r.counted for village, r in counted.items()}
        assert found == _named_counts(source, day), (day, basis)
        for counts in found.values():
            seen = [s + bool(c) for s, c in zip(seen, counts or (0, 0, 0), strict=True)]
        full = evaluate_stored(runtime.db, D, day, basis)
        assert _rollups(summarize_stored(runtime.db, D, day, basis)) == _rollups(full)
        assert summarize_stored(runtime.db, D, day, basis).findings == []
    # Each rule failed on some day asked (the comparison above was not of zeros only).
    assert all(seen), seen


PAST = date(2022, 12, 1)
VILLAGE = "410102001002"


def answer(runtime: Runtime, day: date, basis: Basis | None) -> dict[str, Any]:
    """The kept roll-up, computed when it must be."""
    db = runtime.db
    return kept_rollup(db, D, day, basis)


def kept_rows(runtime: Runtime) -> int:
    with runtime.db.transaction(D, write=False) as cur:
        cur.execute(runtime.db.sql(D, "SELECT count(*) AS n FROM {s}kept_rollups"))
        return int(cur.fetchone()["n"])


def fresh(runtime: Runtime, day: date, basis: Basis | None) -> dict[str, Any]:
    return rolled_up(runtime.db, D, day, basis)


def test_a_kept_rollup_is_read_again_only_for_the_same_events(village: Runtime) -> None:
    runtime = village
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
    village: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = village
    today = SYSTEM_CLOCK.today()
    answer(runtime, today, None)
    forged = {"summary": {"forged": True}, "townships": []}
    with runtime.db.transaction(D, write=True) as cur:
        cur.execute(runtime.db.sql(D, "UPDATE {s}kept_rollups SET body = %s"), [str(forged)])
    monkeypatch.setattr(kept_rollups, "RULES", "another release")
    assert answer(runtime, today, None) == fresh(runtime, today, None)


def test_the_sweep_keeps_today_s_rollup_and_computes_it_only_when_events_moved(
    village: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = village
    today = SYSTEM_CLOCK.today()
    computed: list[str] = []

    def counted(db: Any, code: str, day: date, basis: Basis | None) -> dict[str, Any]:
        computed.append(code)
        return rolled_up(db, code, day, basis)

    monkeypatch.setattr(compliance, "rolled_up", counted)
    tasks.keep_today(runtime.db, [D], today)
    tasks.keep_today(runtime.db, [D], today)
    assert computed == [D]
    assert answer(runtime, today, None) == fresh(runtime, today, None)
    assert kept_rows(runtime) == 1

    # A failure is logged and left to the readers, never raised out of the sweep.
    monkeypatch.setattr(compliance, "rolled_up", lambda *_: 1 / 0)
    runtime.tenancy.records(D).record_division(
        code=VILLAGE, name="新村", effective_on=date(2022, 1, 1), by=SEED
    )
    runtime.catch_up(D)
    tasks.keep_today(runtime.db, [D], today)
    assert "could not keep the roll-up of 410102: ZeroDivisionError" in caplog.text
