"""Shared pieces of the benchmarks: scratch databases, the machine, result files."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from projections.engine.replay import READ_BATCH, read_events
from projections.platform.tenancy import Tenancy

ADMIN_URL = os.environ.get("CANXIE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("CANXIE_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
#: The figures docs/PERFORMANCE.md was rendered from; written only when named by ``--results``.
COMMITTED_RESULTS = Path(__file__).parent / "results"


@contextmanager
def scratch_database() -> Iterator[str]:
    """A PostgreSQL database for one benchmark run, dropped afterwards."""
    name = f"canxie_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_store(backend: str) -> Iterator[tuple[Path, str | None]]:
    """A temporary folder and, for ``postgresql``, a scratch database: (folder, its URL or None
    for SQLite files in the folder); both gone afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        if backend == "postgresql":
            with scratch_database() as url:
                yield Path(folder), url
        else:
            yield Path(folder), None


def add_backend_option(parser: argparse.ArgumentParser, default: str = "both") -> None:
    """``--backend postgresql|sqlite|both``: which stores to measure on."""
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default=default)


def backends(choice: str) -> list[str]:
    """The back ends ``--backend`` names, PostgreSQL first."""
    return ["postgresql", "sqlite"] if choice == "both" else [choice]


def seeded_run_arguments(description: str | None) -> tuple[argparse.Namespace, Path]:
    """The options of a benchmark that seeds a district of ``--events`` and projects it in
    batches of ``--batch`` on each ``--backend``; (the arguments, the results folder)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    add_backend_option(parser)
    add_results_option(parser)
    args = parser.parse_args()
    return args, results_folder(args.results)


def hosted_env(database_url: str, token: str) -> dict[str, str]:
    """Environment of a hosted ``canxie serve``/``worker`` on ``database_url`` and a new queue."""
    return {
        "CANXIE_BOOTSTRAP_TOKEN": token,
        "CANXIE_DATABASE_URL": database_url,
        "CANXIE_BROKER_URL": AMQP_URL,
        "CANXIE_QUEUE": f"canxie_bench_{uuid.uuid4().hex[:8]}",
    }


def read_and_decode(tenancy: Tenancy, district: str, batch: int = READ_BATCH) -> tuple[int, float]:
    """Read every event of ``district`` in pages and decode it, as a replay does; (events, seconds).

    The floor of any replay or catch-up: what is measured beside it is compared with this.
    """
    mapper = tenancy.records(district).mapper
    started = time.perf_counter()
    count = sum(1 for _ in read_events(tenancy.db, district, mapper, batch=batch))
    return count, time.perf_counter() - started


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def add_results_option(parser: argparse.ArgumentParser) -> None:
    """``--results DIR``: where this run writes its JSON (default: a new temporary folder)."""
    parser.add_argument(
        "--results",
        type=Path,
        metavar="DIR",
        help="folder for the JSON results (default: a new temporary folder, printed); "
        "bench/results/ is written only when named here",
    )


def add_port_option(parser: argparse.ArgumentParser) -> None:
    """``--port N``: where the ``canxie serve`` this benchmark starts listens."""
    parser.add_argument(
        "--port", type=int, help="port of the canxie server it starts (default: a free one)"
    )


def results_folder(chosen: Path | None) -> Path:
    """The folder given (created if need be) or a new temporary one; printed either way."""
    folder = chosen if chosen is not None else Path(tempfile.mkdtemp(prefix="canxie-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"results go to {folder}", flush=True)
    return folder


def write_results(folder: Path, name: str, payload: dict[str, Any]) -> Path:
    """Write ``<folder>/<name>.json`` with the machine it ran on, and return its path."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2, ensure_ascii=False))
    return path


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """A plain aligned table on stdout."""
    cells = [headers, *[[f"{c:,.1f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def run_threads(threads: list[threading.Thread]) -> float:
    """Start every thread and wait for all of them; the seconds that took."""
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started
