"""Projection catch-up rate of one district, beside the raw read-and-decode rate.

    .venv/bin/python -m bench.catchup [--events 100000] [--backend postgresql|sqlite|both]

Seeds a district through the domain code, then in the same run measures (1) reading every
stored event and decoding it to a domain event (the floor any projection pays) and (2) the
catch-up of every live read model from position 0, in batches as the workers run it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import print_table, scratch_database, write_results
from projections.catchup import catch_up, events_after_sql, stored_event
from projections.database import open_database
from projections.tenancy import Tenancy
from tests.seeding import SEEDER, seed_district

DISTRICT = "410108"


def read_and_decode(tenancy: Tenancy, batch: int) -> tuple[int, float]:
    """Read every event in pages and decode it; returns (events, seconds)."""
    db = tenancy.db
    mapper = tenancy.records(DISTRICT).mapper
    select = db.sql(DISTRICT, events_after_sql(db))
    count, position = 0, 0
    started = time.perf_counter()
    while True:
        with db.transaction(DISTRICT, write=False) as cur:
            cur.execute(select, (position, batch))
            rows = cur.fetchall()
        if not rows:
            break
        for row in rows:
            mapper.to_domain_event(stored_event(row))
        count += len(rows)
        position = int(rows[-1]["notification_id"])
    return count, time.perf_counter() - started


def run(backend: str, events: int, batch: int) -> dict[str, Any]:
    """Seed, then measure both rates on one back end."""
    with tempfile.TemporaryDirectory() as scratch:
        if backend == "postgresql":
            with scratch_database() as url:
                return measure(Tenancy(open_database(url, Path(scratch))), events, batch)
        return measure(Tenancy(open_database(None, Path(scratch))), events, batch)


def measure(tenancy: Tenancy, events: int, batch: int) -> dict[str, Any]:
    """The two rates on a freshly seeded district."""
    tenancy.provision()
    tenancy.create_district(DISTRICT, "上街区", SEEDER)
    cycles = 100
    associations = max(1, events // (2 * cycles + 2))
    seed_district(tenancy, DISTRICT, associations=associations, cycles=cycles)
    total, raw_seconds = read_and_decode(tenancy, batch)
    started = time.perf_counter()
    result = catch_up(tenancy.db, DISTRICT, tenancy.records(DISTRICT).mapper, batch_size=batch)
    seconds = time.perf_counter() - started
    assert result.applied == total
    tenancy.close()
    return {
        "events": total,
        "batch": batch,
        "read_decode_events_per_s": total / raw_seconds,
        "catch_up_events_per_s": total / seconds,
        "ratio": (total / seconds) / (total / raw_seconds),
    }


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    results = {b: run(b, args.events, args.batch) for b in backends}
    print_table(
        ["backend", "events", "read+decode ev/s", "catch-up ev/s", "ratio"],
        [
            [b, r["events"], r["read_decode_events_per_s"], r["catch_up_events_per_s"],
             f"{r['ratio']:.2f}"]
            for b, r in results.items()
        ],
    )
    print(write_results("catchup", {"command": "python -m bench.catchup", "results": results}))


if __name__ == "__main__":
    main()
