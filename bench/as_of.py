"""As-of compliance of a generated district (300 villages, 20,000 persons, ~200,000 events),
beside the raw read-and-decode rate of the same events, in the same run.

    .venv/bin/python -m bench.as_of [--backend postgresql|sqlite|both] [--seed 6]
    .venv/bin/python -m bench.as_of --database-url URL   (the largest district of bench.city)

Generates the district with :mod:`bench.district`, then measures (1) reading every stored event
and decoding it to a domain event (the floor of any replay), (2) the as-of replay through the
live projection handlers into memory, on the recorded clock (today: every event) and on the
effective clock (30 June 2022), then the compliance rules on the result, and (3) the monthly
progress series of the campaign (21 month ends, one pass).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

from aggregates.clock import SYSTEM_CLOCK
from bench.common import (
    add_backend_option,
    add_results_option,
    backends,
    print_table,
    read_and_decode,
    results_folder,
    scratch_store,
    write_results,
)
from bench.district import DISTRICT, generate, open_store
from projections.campaign.progress import month_ends, series
from projections.compliance import evaluate
from projections.engine.replay import Basis, replay
from projections.platform.tenancy import Tenancy

ACCEPTANCE_DAY = date(2022, 6, 30)


def measure(tenancy: Tenancy, seed: int, persons: int, villages: int) -> dict[str, Any]:
    """Generate, then time the raw read and the as-of computations on the same events."""
    generated = generate(tenancy, villages=villages, persons=persons, seed=seed)
    return {
        "villages": villages,
        "persons": persons,
        "generate_seconds": generated.seconds,
        **measure_district(tenancy, DISTRICT),
    }


def measure_district(tenancy: Tenancy, district: str) -> dict[str, Any]:
    """The raw read and the as-of computations of one district's events."""
    records = tenancy.records(district)
    mapper = records.mapper
    total, raw_seconds = read_and_decode(tenancy, district)
    out: dict[str, Any] = {
        "district": district,
        "events": total,
        "read_decode_events_per_s": total / raw_seconds,
    }
    for basis, day in ((Basis.RECORDED, SYSTEM_CLOCK.today()), (Basis.EFFECTIVE, ACCEPTANCE_DAY)):
        started = time.perf_counter()
        replayed = replay(tenancy.db, district, mapper, as_of=day, basis=basis)
        replay_seconds = time.perf_counter() - started
        report = evaluate(district, replayed.tables, day)
        rules_seconds = time.perf_counter() - started - replay_seconds
        out[basis.value] = {
            "as_of": day.isoformat(),
            "events_read": replayed.events_read,
            "events_applied": replayed.events_applied,
            "replay_seconds": replay_seconds,
            "replay_events_per_s": replayed.events_read / replay_seconds,
            "ratio_to_raw": (replayed.events_read / replay_seconds) / (total / raw_seconds),
            "rules_seconds": rules_seconds,
            "as_of_compliance_seconds": replay_seconds + rules_seconds,
            "associations": report.summary["associations"],
            "fully_compliant": report.summary["fully_compliant"],
            "coverage_rate": report.summary["coverage_rate"],
        }
    days = month_ends(date(2020, 10, 1), ACCEPTANCE_DAY)
    started = time.perf_counter()
    points = series(tenancy.db, district, mapper, days=days, basis=Basis.EFFECTIVE)
    out["monthly_series"] = {
        "points": len(points),
        "seconds": time.perf_counter() - started,
        "last": {k: v for k, v in points[-1].items() if k != "townships"},
    }
    out["monthly_series"]["last"]["as_of"] = str(points[-1]["as_of"])
    return out


def largest_district_of_city(url: str | None, data_dir: Path) -> dict[str, Any]:
    """As-of compliance of the district with the most events in a city of bench.city."""
    from projections.platform.database import open_database

    tenancy = Tenancy(open_database(url, data_dir))
    try:
        heads = {d.code: tenancy.records(d.code).head_position() for d in tenancy.districts()}
        return measure_district(tenancy, max(heads, key=lambda code: heads[code]))
    finally:
        tenancy.close()


def run(backend: str, seed: int, persons: int, villages: int) -> dict[str, Any]:
    """One back end, in a scratch store."""
    with scratch_store(backend) as (scratch, url):
        tenancy = open_store(backend, scratch, url)
        try:
            return measure(tenancy, seed, persons, villages)
        finally:
            tenancy.close()


def _print_results(results: dict[str, Any]) -> None:
    """Per backend and clock: replay against raw reading; then the monthly series."""
    print_table(
        [
            "backend",
            "events",
            "read+decode ev/s",
            "basis",
            "replay ev/s",
            "ratio",
            "replay s",
            "rules s",
        ],
        [
            [
                b,
                r["events"],
                r["read_decode_events_per_s"],
                basis,
                r[basis]["replay_events_per_s"],
                f"{r[basis]['ratio_to_raw']:.2f}",
                r[basis]["replay_seconds"],
                r[basis]["rules_seconds"],
            ]
            for b, r in results.items()
            for basis in ("recorded", "effective")
        ],
    )
    for b, r in results.items():
        print(
            f"{b}: monthly series, {r['monthly_series']['points']} month ends in one pass: "
            f"{r['monthly_series']['seconds']:.1f} s"
        )


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    add_backend_option(parser)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument(
        "--database-url",
        help="the largest district of a city written by "
        "bench.city in this PostgreSQL database, instead of generating one",
    )
    parser.add_argument("--data-dir", type=Path, help="... or in this SQLite folder")
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    if args.database_url or args.data_dir:
        backend = "postgresql" if args.database_url else "sqlite"
        results = {backend: largest_district_of_city(args.database_url, args.data_dir or Path("."))}
        command = "python -m bench.as_of " + (
            "--database-url URL" if args.database_url else f"--data-dir {args.data_dir}"
        )
        name = "as_of_city"
    else:
        results = {
            b: run(b, args.seed, args.persons, args.villages) for b in backends(args.backend)
        }
        command = "python -m bench.as_of " + " ".join(
            f"--{k} {v}" for k, v in vars(args).items() if v is not None
        )
        name = "as_of"
    _print_results(results)
    print(write_results(folder, name, {"command": command, "results": results}))


if __name__ == "__main__":
    main()
