"""Reads as of any day, on either clock, from the temporal tables, beside the replay they
replace, in the same run (issue 15).

    .venv/bin/python -m bench.temporal --database-url URL [--data-dir DIR] [--days 10]
        [--replays 2] [--skip-rebuild] [--results DIR]

On a city of :mod:`bench.city` (generate it first), brought up to date by catch-up, measures:

1. the city's compliance as of random days on each clock (every district's read models as of
   the day, then the rules) and, for the first ``--replays`` of those days, the replay of every
   district's events as of the same day with the same rules (the reference);
2. the city's compliance today (live tables);
3. the largest district: compliance as of a day, its acceptance report, one association with
   its officers and one page of its roster (50 persons, one township) as of a day;
4. storage: each district schema's live tables beside their temporal twins;
5. unless ``--skip-rebuild``: the largest district rebuilt from its first event with the
   temporal tables and without them (the history log switched off for that run), alternated
   twice (ABAB) so both see the same load.

Percentiles are over the runs of each read (``--days`` days x 2 clocks).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aggregates.clock import SYSTEM_CLOCK
from bench.common import add_results_option, print_table, results_folder, write_results
from projections.association.associations import find_association, list_associations
from projections.compliance import evaluate, evaluate_stored
from projections.engine import rebuild
from projections.engine.as_of import reading
from projections.engine.history import Basis, HistoryLog
from projections.engine.read_models import TEMPORAL_TABLES
from projections.engine.replay import replay
from projections.roster.roster import PersonFilter, list_persons
from service.campaign.queries import acceptance
from workers.runtime import Runtime
from workers.settings import Settings

FIRST_DAY = date(2020, 10, 1)


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def timed(runs: list[Callable[[], Any]]) -> dict[str, float]:
    """Each call's seconds: p50, p95, max."""
    return stats([took(run) for run in runs])


def took(run: Callable[[], Any]) -> float:
    """Seconds one call took."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def stats(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and max of calls' seconds, in milliseconds."""
    return {
        "runs": len(seconds),
        "p50_ms": statistics.median(seconds) * 1000,
        "p95_ms": percentile(seconds, 0.95) * 1000,
        "max_ms": max(seconds) * 1000,
    }


def random_days(count: int, seed: int = 15) -> list[tuple[date, Basis]]:
    """``count`` days between the campaign's start and today, each on both clocks."""
    rng = random.Random(seed)
    span = (SYSTEM_CLOCK.today() - FIRST_DAY).days
    days = [FIRST_DAY + timedelta(days=rng.randrange(span)) for _ in range(count)]
    return [(day, basis) for day in days for basis in Basis]


def city_as_of(runtime: Runtime, codes: list[str], day: date, basis: Basis) -> int:
    """The city's compliance as of a day from the temporal tables: failing findings."""
    failing = 0
    for code in codes:
        report = evaluate_stored(runtime.db, code, day, basis)
        failing += sum(1 for f in report.findings if not f.passed)
    return failing


def city_replayed(runtime: Runtime, codes: list[str], day: date, basis: Basis) -> int:
    """The same from a replay of every district's events (the reference)."""
    failing = 0
    for code in codes:
        mapper = runtime.tenancy.records(code).mapper
        tables = replay(runtime.db, code, mapper, as_of=day, basis=basis).tables
        report = evaluate(code, tables, day)
        failing += sum(1 for f in report.findings if not f.passed)
    return failing


def city_today(runtime: Runtime, codes: list[str]) -> None:
    """The city's compliance today from the live tables."""
    today = SYSTEM_CLOCK.today()
    for code in codes:
        evaluate_stored(runtime.db, code, today)


def measure_city(runtime: Runtime, codes: list[str], days: int, replays: int) -> dict[str, Any]:
    """Items 1 and 2: the city as of days (temporal, then replay) and today."""
    asked = random_days(days)
    out: dict[str, Any] = {"days": [f"{d} {b}" for d, b in asked]}
    answers: dict[tuple[date, Basis], int] = {}

    def temporal_run(day: date, basis: Basis) -> Callable[[], None]:
        return lambda: answers.__setitem__((day, basis), city_as_of(runtime, codes, day, basis))

    out["city_as_of_temporal"] = timed([temporal_run(d, b) for d, b in asked])
    replayed: dict[tuple[date, Basis], int] = {}

    def replay_run(day: date, basis: Basis) -> Callable[[], None]:
        return lambda: replayed.__setitem__((day, basis), city_replayed(runtime, codes, day, basis))

    out["city_as_of_replay"] = timed([replay_run(d, b) for d, b in asked[:replays]])
    out["replay_agrees"] = all(answers[k] == v for k, v in replayed.items())
    out["city_today"] = timed([lambda: city_today(runtime, codes) for _ in range(5)])
    return out


def measure_largest(runtime: Runtime, code: str, days: int) -> dict[str, Any]:
    """Item 3: the largest district's reads as of a day."""
    asked = random_days(days, seed=16)
    db = runtime.db
    first = list_associations(db, code, limit=1).items[0]
    township = str(first["township_code"])
    association = str(first["id"])
    out: dict[str, Any] = {"district": code, "association": association, "township": township}
    out["compliance_as_of"] = timed(
        [lambda d=d, b=b: evaluate_stored(db, code, d, b) for d, b in asked]
    )
    out["acceptance_report"] = timed(
        [lambda d=d, b=b: acceptance(runtime, code, d, b.value) for d, b in asked[:4]]
    )
    out["association_with_officers"] = timed(
        [lambda d=d, b=b: find_association(reading(db, d, b), code, association) for d, b in asked]
    )
    where = PersonFilter(township_code=township)
    out["roster_page"] = timed(
        [lambda d=d, b=b: list_persons(reading(db, d, b), code, where, limit=50) for d, b in asked]
    )
    return out


def storage(runtime: Runtime, codes: list[str]) -> dict[str, Any]:
    """Item 4: bytes of live tables and of their twins (PostgreSQL: with indexes and TOAST)."""
    live = twins = 0
    with runtime.db.catalog(write=False) as cur:
        for code in codes:
            cur.execute(
                "SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'r'",
                (f"district_{code}",),
            )
            for row in cur.fetchall():
                name = str(row["name"])
                if name.endswith(("__recorded", "__effective")):
                    twins += int(row["bytes"])
                elif name in TEMPORAL_TABLES:
                    live += int(row["bytes"])
    return {"live_bytes": live, "twin_bytes": twins, "ratio": twins / live if live else None}


@contextmanager
def without_history() -> Iterator[None]:
    """Rebuild as before the temporal tables: the history log records nothing."""
    original = rebuild.history_log

    def nothing(*_: Any, **__: Any) -> HistoryLog:
        return HistoryLog(temporal=frozenset(), counts=False)

    rebuild.history_log = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        rebuild.history_log = original


def measure_rebuild(runtime: Runtime, code: str) -> dict[str, Any]:
    """Item 5: the district rebuilt with and without the temporal tables, ABAB."""
    mapper = runtime.tenancy.records(code).mapper
    rates: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(2):
        for kind in ("with", "without"):
            started = time.perf_counter()
            if kind == "with":
                done = rebuild.rebuild(runtime.db, code, mapper)
            else:
                with without_history():
                    done = rebuild.rebuild(runtime.db, code, mapper)
            rates[kind].append(done.events / (time.perf_counter() - started))
    rebuild.rebuild(runtime.db, code, mapper)  # leave it with its temporal tables
    return {
        "events_per_s_with": rates["with"],
        "events_per_s_without": rates["without"],
        "ratio": statistics.median(rates["with"]) / statistics.median(rates["without"]),
    }


def main() -> None:
    """Measure and print; results as JSON into the results folder."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data-dir", type=Path, default=Path("data-city"))
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--replays", type=int, default=2)
    parser.add_argument("--skip-rebuild", action="store_true")
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    runtime = Runtime.open(Settings(database_url=args.database_url, data_dir=args.data_dir))
    codes = [d.code for d in runtime.tenancy.districts()]
    started = time.perf_counter()
    for code in codes:
        runtime.catch_up(code)
    heads = {code: runtime.tenancy.records(code).head_position() for code in codes}
    largest = max(heads, key=lambda c: heads[c])
    result: dict[str, Any] = {
        "events": sum(heads.values()),
        "catch_up_seconds": time.perf_counter() - started,
        "city": measure_city(runtime, codes, args.days, args.replays),
        "largest": measure_largest(runtime, largest, args.days),
        "storage": storage(runtime, codes),
    }
    if not args.skip_rebuild:
        result["rebuild"] = measure_rebuild(runtime, largest)
    runtime.close()
    write_results(folder, "temporal", result)
    rows = [
        [name, f"{v['p50_ms']:.1f}", f"{v['p95_ms']:.1f}", f"{v['max_ms']:.1f}", v["runs"]]
        for group in ("city", "largest")
        for name, v in result[group].items()
        if isinstance(v, dict) and "p95_ms" in v
    ]
    print_table(["read", "p50 ms", "p95 ms", "max ms", "runs"], rows)
    print({k: v for k, v in result.items() if k in ("events", "storage", "rebuild")})


if __name__ == "__main__":
    main()
