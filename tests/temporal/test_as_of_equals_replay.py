"""The temporal tables answer every as-of question as the replay does, row for row.

The synthetic city (issue 8) at a small scale, caught up by the live projection code: on
random days and both clocks, every domain read model read from the temporal tables equals the
replay of the events as of that day.  ``CANXIE_TEMPORAL_SCALE`` and ``CANXIE_TEMPORAL_DAYS``
run it larger by hand (``bench/as_of_equality.py`` for the full city).
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from aggregates.clock import SYSTEM_CLOCK
from bench.city import CityGenerated, generate_city, open_city
from projections.compliance import RULE_TABLES, Report, evaluate, evaluate_stored, summarize_stored
from projections.engine.as_of import AsOf, load_as_of
from projections.engine.catchup import catch_up
from projections.engine.memory import MemoryTables
from projections.engine.replay import Basis, load_live, replay

SCALE = float(os.environ.get("CANXIE_TEMPORAL_SCALE", "0.002"))
DAYS = int(os.environ.get("CANXIE_TEMPORAL_DAYS", "6"))


@pytest.fixture
def city(store_url: str | None, tmp_path: Path) -> tuple[str | None, Path, CityGenerated]:
    """The synthetic city on each back end (SQLite files, a PostgreSQL database of its own)."""
    return store_url, tmp_path, generate_city(store_url, tmp_path, scale=SCALE, seed=15, jobs=1)


def normalised(tables: MemoryTables) -> dict[str, dict[Any, dict[str, Any]]]:
    """Rows by table and key, booleans as SQLite gives them back (0/1)."""
    return {
        name: {
            key: {k: int(v) if isinstance(v, bool) else v for k, v in row.items()}
            for key, row in rows.items()
        }
        for name, rows in tables.tables.items()
        if rows
    }


def differences(expected: MemoryTables, found: MemoryTables) -> list[str]:
    """What differs, table by table (empty when equal)."""
    left, right = normalised(expected), normalised(found)
    out = []
    for name in sorted(set(left) | set(right)):
        a, b = left.get(name, {}), right.get(name, {})
        for key in sorted(set(a) | set(b), key=repr):
            if a.get(key) != b.get(key):
                out.append(f"{name} {key}: replay {a.get(key)} temporal {b.get(key)}")
    return out


def _rollups(report: Report) -> tuple[Any, ...]:
    """What a roll-up answers: the district's and each township's figures."""
    return report.district, report.as_of, report.ruleset, report.summary, report.townships


def test_every_read_model_as_of_random_days_equals_the_replay(
    city: tuple[str | None, Path, CityGenerated],
) -> None:
    url, data_dir, generated = city
    tenancy = open_city(url, data_dir)
    rng = random.Random(15)
    today = SYSTEM_CLOCK.today()
    compared_days = compared_rows = 0
    try:
        for district in generated.districts[:3]:
            code = district["code"]
            catch_up(tenancy.db, code, tenancy.records(code).mapper)
            mapper = tenancy.records(code).mapper
            first = date(2019, 1, 1)
            span = (today - first).days
            days = sorted({first + timedelta(days=rng.randrange(span)) for _ in range(DAYS)})
            for day in [*days, today]:
                for basis in Basis:
                    replayed = replay(tenancy.db, code, mapper, as_of=day, basis=basis).tables
                    found = load_as_of(tenancy.db, code, AsOf(day, basis))
                    assert differences(replayed, found) == [], (code, day, basis)
                    rules = load_as_of(tenancy.db, code, AsOf(day, basis), only=RULE_TABLES)
                    expected = evaluate(code, replayed, day)
                    assert evaluate(code, rules, day) == expected
                    # The facts the rules need, read by SQL from the temporal tables.
                    assert evaluate_stored(tenancy.db, code, day, basis) == expected
                    # The roll-ups alone, the roster rules counted in the store.
                    assert _rollups(summarize_stored(tenancy.db, code, day, basis)) == _rollups(
                        expected
                    )
                    compared_days += 1
                    compared_rows += sum(replayed.counts().values())
            # Today from the live tables by SQL, as from the live tables copied whole.
            live = load_live(tenancy.db, code, only=RULE_TABLES)
            assert evaluate_stored(tenancy.db, code, today) == evaluate(code, live, today)
            assert _rollups(summarize_stored(tenancy.db, code, today)) == _rollups(
                evaluate(code, live, today)
            )
    finally:
        tenancy.close()
    print(f"\ncompared {compared_days} (district, day, clock) answers, {compared_rows} rows")
    assert compared_rows > 0
