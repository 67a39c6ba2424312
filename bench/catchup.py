"""Projection catch-up rate of one district, beside the raw read-and-decode rate and beside
the library's own ``ProjectionRunner`` applying an equivalent projection.

    .venv/bin/python -m bench.catchup [--events 100000] [--backend postgresql|sqlite|both]

Seeds a district through the domain code (associations appointing and removing officers), then
in the same run measures (1) reading every stored event and decoding it to a domain event (the
floor any projection pays), (2) canxie's catch-up of the associations read model alone and of
every live read model, from position 0, in batches as the workers run it, and (3) on
PostgreSQL, ``eventsourcing.projection.ProjectionRunner`` subscribed to the same events with a
projection writing the same association and officer rows, one transaction per event with its
tracking record (the library's idiom), until its tracking reaches the last event.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from bench.common import (
    backends,
    print_table,
    read_and_decode,
    scratch_store,
    seeded_run_arguments,
    write_results,
)
from projections.association.associations import ASSOCIATIONS_PROJECTION
from projections.engine import tracking
from projections.engine.catchup import catch_up
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.seeding import SEEDER, seed_district

DISTRICT = "410108"


RUNNER_EVENTS = 10_000


def runner_rate(url: str, total: int) -> float:
    """Events per second of the library's ProjectionRunner over the same district's events (the
    first 10,000 at most: it commits once per event)."""
    from bench.library_projection import run_library_projection

    return run_library_projection(url, DISTRICT, min(total, RUNNER_EVENTS))


def run(backend: str, events: int, batch: int) -> dict[str, Any]:
    """Seed, then measure the rates on one back end."""
    with scratch_store(backend) as (scratch, url):
        return measure(Tenancy(open_database(url, scratch)), events, batch, url)


def measure(tenancy: Tenancy, events: int, batch: int, url: str | None) -> dict[str, Any]:
    """The rates on a freshly seeded district."""
    tenancy.provision()
    tenancy.create_district(DISTRICT, "上街区", SEEDER)
    cycles = 100
    associations = max(1, events // (2 * cycles + 2))
    seed_district(tenancy, DISTRICT, associations=associations, cycles=cycles)
    total, raw_seconds = read_and_decode(tenancy, DISTRICT, batch)
    mapper = tenancy.records(DISTRICT).mapper
    started = time.perf_counter()
    result = catch_up(tenancy.db, DISTRICT, mapper, batch_size=batch)
    seconds = time.perf_counter() - started
    assert result.applied == total
    # The associations read model alone, from the start again.
    sql = partial(tenancy.db.sql, DISTRICT)
    with tenancy.db.transaction(DISTRICT, write=True) as cur:
        for table in ASSOCIATIONS_PROJECTION.tables:
            cur.execute(sql(f"DELETE FROM {{s}}{table.name}"))
        tracking.reset(cur, sql, ASSOCIATIONS_PROJECTION.name)
    started = time.perf_counter()
    result = catch_up(
        tenancy.db, DISTRICT, mapper, batch_size=batch, projections=(ASSOCIATIONS_PROJECTION,)
    )
    associations_seconds = time.perf_counter() - started
    assert result.applied == total
    tenancy.close()
    raw = total / raw_seconds
    out: dict[str, Any] = {
        "events": total,
        "batch": batch,
        "read_decode_events_per_s": raw,
        "associations_catch_up_events_per_s": total / associations_seconds,
        "associations_ratio_to_raw": total / associations_seconds / raw,
        "catch_up_events_per_s": total / seconds,
        "ratio": (total / seconds) / raw,
    }
    if url is not None:
        library = runner_rate(url, total)
        out["library_runner_events_per_s"] = library
        out["associations_ratio_to_runner"] = total / associations_seconds / library
    return out


def main() -> None:
    """Parse arguments, run, print and save."""
    args, folder = seeded_run_arguments(__doc__)
    results = {b: run(b, args.events, args.batch) for b in backends(args.backend)}
    print_table(
        [
            "backend",
            "events",
            "read+decode ev/s",
            "runner ev/s",
            "associations ev/s",
            "x runner",
            "x raw",
            "all read models ev/s",
            "x raw",
        ],
        [
            [
                b,
                r["events"],
                r["read_decode_events_per_s"],
                r.get("library_runner_events_per_s", "n/a"),
                r["associations_catch_up_events_per_s"],
                f"{r['associations_ratio_to_runner']:.1f}"
                if "associations_ratio_to_runner" in r
                else "n/a",
                f"{r['associations_ratio_to_raw']:.2f}",
                r["catch_up_events_per_s"],
                f"{r['ratio']:.2f}",
            ]
            for b, r in results.items()
        ],
    )
    command = f"python -m bench.catchup --events {args.events} --backend {args.backend}"
    print(write_results(folder, "catchup", {"command": command, "results": results}))


if __name__ == "__main__":
    main()
