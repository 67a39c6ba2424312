"""Does a rebuild equal the live read models, row for row, on a large generated district?

    .venv/bin/python -m bench.rebuild_check [--backend postgresql|sqlite]
        [--villages 300] [--persons 20000]

Generates a district through the domain code (bench/district.py: ~225,000 events at the
defaults), projects it live as the workers do, copies every read model, rebuilds them all
beside the live tables (projections/shadow_rebuild.py) and compares every row.  Prints the
counts and timings and writes rebuild_check_<backend>.json into ``--results DIR`` (default: a
new temporary folder); exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    add_results_option,
    print_table,
    results_folder,
    scratch_store,
    write_results,
)
from bench.district import DISTRICT, generate, open_store
from projections.engine.catchup import catch_up
from projections.engine.read_models import PROJECTIONS
from projections.engine.replay import load_live
from projections.engine.shadow_rebuild import rebuild_beside


def check(
    backend: str, url: str | None, scratch: Path, villages: int, persons: int
) -> dict[str, Any]:
    """Generate, project, rebuild, compare."""
    tenancy = open_store(backend, scratch, url)
    generated = generate(tenancy, villages=villages, persons=persons)
    db, mapper = tenancy.db, tenancy.records(DISTRICT).mapper
    started = time.perf_counter()
    live_run = catch_up(db, DISTRICT, mapper)
    live_seconds = time.perf_counter() - started
    live = load_live(db, DISTRICT, PROJECTIONS)
    started = time.perf_counter()
    rebuilt_run = rebuild_beside(db, DISTRICT, mapper)
    rebuild_seconds = time.perf_counter() - started
    rebuilt = load_live(db, DISTRICT, PROJECTIONS)
    differing = [
        name
        for name in sorted(set(live.tables) | set(rebuilt.tables))
        if live.tables.get(name, {}) != rebuilt.tables.get(name, {})
    ]
    tenancy.close()
    return {
        "events": generated.events,
        "rows": sum(live.counts().values()),
        "tables": len(live.counts()),
        "live_catch_up_seconds": round(live_seconds, 1),
        "live_events_per_s": round(live_run.applied / live_seconds),
        "rebuild_seconds": round(rebuild_seconds, 1),
        "rebuild_events_per_s": round(rebuilt_run.events / rebuild_seconds),
        "equal": not differing,
        "differing_tables": differing,
    }


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--persons", type=int, default=20_000)
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    with scratch_store(args.backend) as (scratch, url):
        result = check(args.backend, url, scratch, args.villages, args.persons)
    print_table(
        ["backend", "events", "rows", "live ev/s", "rebuild ev/s", "equal"],
        [
            [
                args.backend,
                result["events"],
                result["rows"],
                result["live_events_per_s"],
                result["rebuild_events_per_s"],
                result["equal"],
            ]
        ],
    )
    print(
        write_results(
            folder,
            f"rebuild_check_{args.backend}",
            {"command": "python -m bench.rebuild_check", "backend": args.backend, **result},
        )
    )
    sys.exit(0 if result["equal"] else 1)


if __name__ == "__main__":
    main()
