"""Compliance as the service answers it: the city and the largest district, today and as of
days on both clocks, and the largest district's acceptance report (issue 15's targets).

    .venv/bin/python -m bench.compliance [--database-url URL | --data-dir DIR] [--days 4]
        [--profile N] [--results DIR]

On a city of :mod:`bench.city` (generate it first), caught up before anything is timed, calls
the service's own functions (the city's answer as ``campaign.city_compliance`` makes it:
``service.compliance.queries.rollup`` of each district, several at once on PostgreSQL; a
district's ``report``; ``service.campaign.queries.acceptance``) so that a before/after
comparison measures what a request does.  The city is timed cold (every kept roll-up dropped
first, as after an event in every district) and again with the roll-ups kept.
``--profile N`` prints the N costliest functions (cProfile, cumulative) of one city-wide
as-of answer and one of the largest district instead of timing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from aggregates.clock import SYSTEM_CLOCK
from bench.common import add_results_option, print_table, results_folder, write_results
from bench.temporal import random_days, stats, timed, took
from projections.engine.history import Basis
from service.campaign.queries import acceptance
from service.compliance.queries import each_district, replayed_report, report, rollup
from workers.runtime import Runtime
from workers.settings import Settings


def city(runtime: Runtime, codes: list[str], day: date | None, basis: Basis) -> int:
    """The city's compliance as the service answers it (every district's roll-up, several
    districts at once on PostgreSQL): failures counted."""
    rollups = each_district(runtime, codes, lambda code: rollup(runtime, code, day, basis.value))
    return sum(sum(r["summary"]["failures_by_rule"].values()) for r in rollups)


def forget(runtime: Runtime, codes: list[str]) -> None:
    """Drop every kept roll-up, so that the next answer computes each district's afresh."""
    for code in codes:
        with runtime.db.transaction(code, write=True) as cur:
            cur.execute(runtime.db.sql(code, "DELETE FROM {s}kept_rollups"))


def measure(runtime: Runtime, codes: list[str], largest: str, days: int) -> dict[str, Any]:
    """Each read over the same days and clocks."""
    asked = random_days(days)
    today = SYSTEM_CLOCK.today()

    def runs(read: Callable[[date | None, Basis], Any], on: list[Any]) -> list[Any]:
        return [lambda d=d, b=b: read(d, b) for d, b in on]

    def cold(d: date | None, b: Basis) -> int:
        forget(runtime, codes)
        return city(runtime, codes, d, b)

    def kept(on: list[Any]) -> dict[str, float]:
        for d, b in on:  # every answer kept first (the cold runs forgot all but the last)
            city(runtime, codes, d, b)
        return timed(runs(lambda d, b: city(runtime, codes, d, b), on))

    now = [(None, Basis.RECORDED)] * 3
    # Cold: nothing kept (as after an event in every district); kept: the same again.
    cold_as_of, cold_today = timed(runs(cold, asked)), timed(runs(cold, now))
    return {
        "city_as_of": cold_as_of,
        "city_as_of_kept": kept(asked),
        "city_today": cold_today,
        "city_today_kept": kept(now),
        "largest_as_of": timed(runs(lambda d, b: report(runtime, largest, d, b.value), asked)),
        "largest_today": timed(
            runs(lambda d, b: report(runtime, largest, d, b.value), [(None, Basis.RECORDED)] * 3)
        ),
        "acceptance_as_of": timed(
            runs(lambda d, b: acceptance(runtime, largest, d or today, b.value), asked[:4])
        ),
    }


def side_by_side(runtime: Runtime, codes: list[str], replays: int) -> dict[str, Any]:
    """The city as of ``replays`` days on the effective clock from a replay of every
    district's events (the reference the temporal tables replace), and the service's cold
    answer on the same days in turn (ABAB: both under the same load)."""
    days = [(d, b) for d, b in random_days(replays, seed=17) if b is Basis.EFFECTIVE]
    if not days:
        return {}

    def replayed(d: date | None, b: Basis) -> None:
        for code in codes:
            replayed_report(runtime, code, d or SYSTEM_CLOCK.today(), b.value)

    def cold(d: date | None, b: Basis) -> None:
        forget(runtime, codes)
        city(runtime, codes, d, b)

    replays, answers = [], []
    for d, b in days:
        replays.append(took(lambda d=d, b=b: replayed(d, b)))
        answers.append(took(lambda d=d, b=b: cold(d, b)))
    return {
        "replay_days": [str(d) for d, _ in days],
        "city_as_of_replay": stats(replays),
        "city_as_of_beside_replay": stats(answers),
    }


def profile(runtime: Runtime, codes: list[str], largest: str, top: int) -> None:
    """The costliest functions of one city answer and one district answer as of a day."""
    (day, basis), *_ = random_days(1)
    for name, call in (
        ("city as of", lambda: city(runtime, codes, day, Basis.EFFECTIVE)),
        ("largest district as of", lambda: report(runtime, largest, day, basis.value)),
    ):
        profiler = cProfile.Profile()
        profiler.runcall(call)
        print(f"--- {name} {day} ---")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    """Time (or profile) and print; results as JSON into the results folder."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir", type=Path, default=Path("data-city"))
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument(
        "--replays", type=int, default=0, help="effective-clock days also replayed (the reference)"
    )
    add_results_option(parser)
    args = parser.parse_args()
    runtime = Runtime.open(Settings(database_url=args.database_url, data_dir=args.data_dir))
    runtime.tenancy.provision()  # as the service does when it starts: tables a release adds
    codes = [d.code for d in runtime.tenancy.districts()]
    for code in codes:
        runtime.catch_up(code)
    heads = {code: runtime.tenancy.records(code).head_position() for code in codes}
    largest = max(heads, key=lambda c: heads[c])
    if args.profile:
        profile(runtime, codes, largest, args.profile)
        runtime.close()
        return
    result = {
        "events": sum(heads.values()),
        "largest": largest,
        **measure(runtime, codes, largest, args.days),
        **side_by_side(runtime, codes, args.replays),
    }
    runtime.close()
    write_results(results_folder(args.results), "compliance", result)
    print_table(
        ["read", "p50 ms", "p95 ms", "max ms", "runs"],
        [
            [name, f"{v['p50_ms']:.1f}", f"{v['p95_ms']:.1f}", f"{v['max_ms']:.1f}", v["runs"]]
            for name, v in result.items()
            if isinstance(v, dict)
        ],
    )
    print({k: result[k] for k in ("events", "largest")})


if __name__ == "__main__":
    main()
