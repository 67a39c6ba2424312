"""The hosted API at a fixed rate: read latency at 300 requests/s, and projection lag while
commands arrive steadily at 200 per second.

    .venv/bin/python -m bench.api_load [--seconds 20] [--read-rate 300] [--command-rate 200]
        [--port N] [--results DIR]

Starts gunicorn (2 processes x 8 threads) on PostgreSQL with RabbitMQ and one ``canxie worker``,
makes a district with 40 associations through the API, then:

1. reads: an open-loop client (requests are sent on a fixed schedule whatever the answers do,
   so a slow answer delays no later request) fetches one association by id, the next one each
   time, at ``--read-rate``; latency is counted from the moment a request was due;
2. lag: 40 clients each appoint and remove a committee member of their own association on a
   fixed schedule adding up to ``--command-rate`` commands per second; a poller reads the
   district's projected position (the lowest tracking position) every 5 ms; an event's lag is
   the time from its command's answer (the commit) until the poller saw it projected.
"""

from __future__ import annotations

import argparse
import queue
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from bench.common import (
    add_port_option,
    add_results_option,
    hosted_env,
    median,
    percentile,
    print_table,
    results_folder,
    run_threads,
    scratch_database,
    write_results,
)
from bench.http import JsonClient, appoint_or_remove, make_district
from projections.platform.database import schema_name
from tests.processes import ProcessFactory

DISTRICT = "410183"
TOKEN = "cx_bench_" + uuid.uuid4().hex
ASSOCIATIONS = 40


def open_loop_reads(
    base: str, ids: list[str], rate: float, seconds: float, threads: int = 32
) -> dict[str, Any]:
    """GET one association after another at ``rate`` per second for ``seconds``."""
    due: queue.Queue[tuple[float, str] | None] = queue.Queue()
    latencies: list[float] = []
    errors = [0]

    def client() -> None:
        session = JsonClient(base, TOKEN)
        while (job := due.get()) is not None:
            at, path = job
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            response = session.get(path)
            latencies.append((time.perf_counter() - at) * 1000)
            if response.status != 200:
                errors[0] += 1
        session.close()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    for n in range(total):
        due.put(
            (start + n / rate, f"/api/v1/districts/{DISTRICT}/associations/{ids[n % len(ids)]}")
        )
    for _ in workers:
        due.put(None)
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    return {
        "rate": rate,
        "seconds": seconds,
        "requests": len(latencies),
        "achieved_per_s": len(latencies) / elapsed,
        "errors": errors[0],
        "p50_ms": median(latencies),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
    }


def _poll_read_position(url: str, seen: list[tuple[float, int]], stop: threading.Event) -> None:
    """Record (time, position the slowest read model has reached) until ``stop`` is set."""
    sql = f'SELECT min(position) AS p FROM "{schema_name(DISTRICT)}".projection_tracking'
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            position = conn.execute(sql).fetchone()[0]  # type: ignore[index]
            seen.append((time.perf_counter(), int(position or 0)))
            time.sleep(0.005)


def _lags_ms(committed: list[tuple[float, int]], seen: list[tuple[float, int]]) -> list[float]:
    """Per committed command, the milliseconds until the read models were seen to include it."""
    lags = []
    index = 0
    for done, position in sorted(committed, key=lambda c: c[1]):
        while index < len(seen) and seen[index][1] < position:
            index += 1
        if index == len(seen):
            break
        lags.append(max(0.0, seen[index][0] - done) * 1000)
    return lags


def _clients_at_rate(
    client: Callable[[str, float, float], None], ids: list[str], rate: float
) -> float:
    """One thread per association, staggered, sharing ``rate``; the seconds until all are done."""
    per_client = rate / len(ids)
    clients = [
        threading.Thread(target=client, args=(a, i / rate, per_client)) for i, a in enumerate(ids)
    ]
    return run_threads(clients)


def steady_commands(
    base: str, url: str, ids: list[str], rate: float, seconds: float
) -> dict[str, Any]:
    """Commands at ``rate`` per second; the lag of each until the read models include it."""
    committed: list[tuple[float, int]] = []
    seen: list[tuple[float, int]] = []
    stop = threading.Event()
    errors = [0]
    late = [0]

    def client(association: str, offset: float, per_client: float) -> None:
        session = JsonClient(base, TOKEN)
        prefix = f"/api/v1/districts/{DISTRICT}/associations/{association}"
        officer = None
        start = time.perf_counter() + offset
        n = 0
        while True:
            at = start + n / per_client
            if at > start + seconds:
                return
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                late[0] += 1
            response = appoint_or_remove(session, prefix, officer)
            done = time.perf_counter()
            if response.status >= 300:
                errors[0] += 1
            else:
                body = response.body
                officer = body.get("officer_id") if officer is None else None
                committed.append((done, int(body["position"])))
            n += 1

    watcher = threading.Thread(target=_poll_read_position, args=(url, seen, stop))
    watcher.start()
    elapsed = _clients_at_rate(client, ids, rate)
    newest = max(p for _, p in committed)
    deadline = time.perf_counter() + 60
    while (not seen or seen[-1][1] < newest) and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    watcher.join()
    lags = _lags_ms(committed, seen)
    return {
        "rate": rate,
        "seconds": seconds,
        "commands": len(committed),
        "achieved_per_s": len(committed) / elapsed,
        "errors": errors[0],
        "sent_late": late[0],
        "lag_p50_ms": median(lags),
        "lag_p99_ms": percentile(lags, 99),
        "lag_max_ms": max(lags) if lags else None,
    }


def measure(
    seconds: float, read_rate: float, command_rate: float, port: int | None = None
) -> dict[str, Any]:
    """Server and worker up, district and associations made, then both loads in turn."""
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as url:
        env = hosted_env(url, TOKEN)
        processes = ProcessFactory(Path(scratch) / "logs")
        try:
            server = processes.server(env, workers=2, port=port)
            processes.worker(env)
            base = server.url or ""
            ids = make_district(base, TOKEN, DISTRICT, "新密市", ASSOCIATIONS)
            time.sleep(2)  # let the worker project the associations
            open_loop_reads(base, ids, read_rate, 2)  # warm every process and connection
            reads = open_loop_reads(base, ids, read_rate, seconds)
            lag = steady_commands(base, url, ids, command_rate, seconds)
        finally:
            processes.stop_all()
    return {"reads": reads, "lag": lag}


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--read-rate", type=float, default=300.0)
    parser.add_argument("--command-rate", type=float, default=200.0)
    add_port_option(parser)
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    result = measure(args.seconds, args.read_rate, args.command_rate, args.port)
    reads, lag = result["reads"], result["lag"]
    print_table(
        ["load", "rate/s", "achieved/s", "count", "errors", "p50 ms", "p99 ms"],
        [
            [
                "reads (latency)",
                reads["rate"],
                reads["achieved_per_s"],
                reads["requests"],
                reads["errors"],
                reads["p50_ms"],
                reads["p99_ms"],
            ],
            [
                "commands (projection lag)",
                lag["rate"],
                lag["achieved_per_s"],
                lag["commands"],
                lag["errors"],
                lag["lag_p50_ms"],
                lag["lag_p99_ms"],
            ],
        ],
    )
    command = (
        f"python -m bench.api_load --seconds {args.seconds:g} --read-rate "
        f"{args.read_rate:g} --command-rate {args.command_rate:g}"
    )
    print(
        write_results(folder, "api_load", {"command": command, "mode": "hosted", "results": result})
    )


if __name__ == "__main__":
    main()
