"""Full rebuild of every read model of the generated city, and the peak memory of the process
doing it, beside the raw read-and-decode rate of the same events in the same run.

    .venv/bin/python -m bench.rebuild --database-url URL   (a city written by bench.city)

A child process (as a worker would) rebuilds every district in turn with
``projections.engine.rebuild.rebuild`` (one transaction per district: empty the tables, replay every
event through the live projection code, move the tracking); its peak resident set is its
``ru_maxrss``.  The reference is reading and decoding every event of the city, in another child.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import add_results_option, print_table, results_folder, write_results


def _open(url: str | None, data_dir: Path) -> Any:
    from projections.platform.database import open_database
    from projections.platform.tenancy import Tenancy

    return Tenancy(open_database(url, data_dir))


def child_rebuild(url: str | None, data_dir: Path) -> dict[str, Any]:
    """Rebuild every district (in this process); events, seconds, peak RSS."""
    from projections.engine.rebuild import rebuild

    tenancy = _open(url, data_dir)
    events, per_district = 0, {}
    started = time.perf_counter()
    for district in tenancy.districts():
        began = time.perf_counter()
        done = rebuild(tenancy.db, district.code, tenancy.records(district.code).mapper)
        tenancy.db.analyze(district.code)  # as `canxie rebuild` does: the reads need it
        per_district[district.code] = {
            "events": done.events,
            "seconds": time.perf_counter() - began,
        }
        events += done.events
    seconds = time.perf_counter() - started
    tenancy.close()
    return {
        "events": events,
        "seconds": seconds,
        "districts": per_district,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_read(url: str | None, data_dir: Path) -> dict[str, Any]:
    """Read and decode every event of every district (in this process)."""
    from bench.common import read_and_decode

    tenancy = _open(url, data_dir)
    events, seconds = 0, 0.0
    for district in tenancy.districts():
        count, spent = read_and_decode(tenancy, district.code)
        events += count
        seconds += spent
    tenancy.close()
    return {
        "events": events,
        "seconds": seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_child(what: str, url: str | None, data_dir: Path) -> dict[str, Any]:
    """Run ``what`` in a fresh interpreter and return its JSON answer."""
    command = [
        sys.executable,
        "-m",
        "bench.rebuild",
        "--child",
        what,
        "--data-dir",
        str(data_dir),
    ] + (["--database-url", url] if url else [])
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(url: str | None, data_dir: Path) -> dict[str, Any]:
    """The reference read, then the rebuild, each in its own process."""
    read = in_child("read", url, data_dir)
    rebuilt = in_child("rebuild", url, data_dir)
    raw = read["events"] / read["seconds"]
    rate = rebuilt["events"] / rebuilt["seconds"]
    return {
        "events": rebuilt["events"],
        "read_decode_events_per_s": raw,
        "rebuild_seconds": rebuilt["seconds"],
        "rebuild_events_per_s": rate,
        "ratio_to_raw": rate / raw,
        "peak_rss_mib": rebuilt["peak_rss_mib"],
        "reader_peak_rss_mib": read["peak_rss_mib"],
        "districts": rebuilt["districts"],
    }


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="postgresql:// URL of the city (else SQLite)")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--scale", type=float, help="the city's scale, for the record")
    parser.add_argument("--child", choices=["read", "rebuild"], help=argparse.SUPPRESS)
    add_results_option(parser)
    args = parser.parse_args()
    if args.child:
        work = child_read if args.child == "read" else child_rebuild
        print(json.dumps(work(args.database_url, args.data_dir)))
        return
    folder = results_folder(args.results)
    result = measure(args.database_url, args.data_dir)
    print_table(
        ["events", "read+decode ev/s", "rebuild s", "rebuild ev/s", "ratio", "peak RSS MiB"],
        [
            [
                result["events"],
                result["read_decode_events_per_s"],
                result["rebuild_seconds"],
                result["rebuild_events_per_s"],
                f"{result['ratio_to_raw']:.2f}",
                result["peak_rss_mib"],
            ]
        ],
    )
    backend = "postgresql" if args.database_url else "sqlite"
    print(
        write_results(
            folder,
            "rebuild",
            {
                "command": "python -m bench.rebuild --database-url URL"
                if args.database_url
                else f"python -m bench.rebuild --data-dir {args.data_dir}",
                "backend": backend,
                "scale": args.scale,
                "results": result,
            },
        )
    )


if __name__ == "__main__":
    main()
