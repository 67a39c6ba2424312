"""Commands per second through the HTTP API, beside the library's own append rate.

    .venv/bin/python -m bench.api_commands [--mode embedded|hosted|both] [--seconds 10]
        [--clients 1,8,32] [--port N] [--results DIR]

Starts a real ``canxie serve`` (embedded: SQLite and the in-process projector; hosted:
gunicorn on PostgreSQL with RabbitMQ and one ``canxie worker``).  Each client owns one
association and alternately appoints and removes a committee member: every request is one
command that writes one event.  The reference is the library appending the same events
(one per save) straight to a district of the same store while the server is up, interleaved
with the measured runs (reference, then every client count, ``--rounds`` times); the table
gives the median of each and its lowest-highest.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from bench import cpu
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
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.factories import association
from tests.processes import ProcessFactory
from tests.seeding import SEEDER, appoint_member, remove_member

DISTRICT = "410181"
TOKEN = "cx_bench_" + uuid.uuid4().hex


def client_loop(base: str, association: str, stop: float, latencies: list[float]) -> None:
    """Appoint and remove one member, over and over, until ``stop``."""
    client = JsonClient(base, TOKEN)
    prefix = f"/api/v1/districts/{DISTRICT}/associations/{association}"
    officer = None
    while time.monotonic() < stop:
        started = time.perf_counter()
        response = appoint_or_remove(client, prefix, officer)
        officer = (response.body or {}).get("officer_id") if officer is None else None
        if response.status >= 300:
            raise RuntimeError(f"{response.status}: {response.body}")
        latencies.append((time.perf_counter() - started) * 1000)
    if officer is not None:  # untimed: leave the association as found for the next round
        appoint_or_remove(client, prefix, officer)
    client.close()


def run_clients(base: str, associations: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads for ``seconds``; throughput and latency percentiles."""
    per_client: list[list[float]] = [[] for _ in range(clients)]
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(base, associations[i], stop, per_client[i]))
        for i in range(clients)
    ]
    before = cpu.snapshot()
    elapsed = run_threads(threads)
    latencies = [x for xs in per_client for x in xs]
    return {
        "clients": clients,
        "commands": len(latencies),
        "commands_per_s": len(latencies) / elapsed,
        "p50_ms": median(latencies),
        "p99_ms": percentile(latencies, 99),
        "cpu_ms_per_command": cpu.per_unit(before, cpu.snapshot(), len(latencies)),
    }


class LibraryReference:
    """The library appending one event per save to the serving store, on demand.

    Opened once beside the running server so that each reference run lands between two
    measured runs (ABAB) and sees the same load as they do.
    """

    def __init__(self, tenancy: Tenancy) -> None:
        self.records = tenancy.records(DISTRICT)
        created = association(
            tenancy, f"{DISTRICT}001999", "参照", established_on=date(2021, 1, 1), by=SEEDER
        )
        self.association_id = created.id

    def appends_per_s(self, seconds: float) -> float:
        """Events per second appended with one event per save, for ``seconds``."""
        reference = self.records.association(self.association_id)
        saved = 0
        stop = time.monotonic() + seconds
        started = time.perf_counter()
        while time.monotonic() < stop:
            officer = appoint_member(reference, "委员")
            self.records.save(reference)
            remove_member(reference, officer)
            self.records.save(reference)
            saved += 2
        return saved / (time.perf_counter() - started)


def spread(values: list[float]) -> dict[str, float]:
    """Median, lowest and highest of the rounds."""
    return {"median": median(values), "min": min(values), "max": max(values)}


def interleaved(
    base: str,
    associations: list[str],
    reference: LibraryReference,
    plan: tuple[list[int], float, int],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``rounds`` rounds of reference, then every client count (ABAB); medians and spread."""
    clients, seconds, rounds = plan
    measured: dict[int, list[dict[str, Any]]] = {c: [] for c in clients}
    references: list[float] = []
    for _ in range(rounds):
        references.append(reference.appends_per_s(seconds))
        for count in clients:
            measured[count].append(run_clients(base, associations, count, seconds))
    runs = []
    for rows in measured.values():
        middle = sorted(rows, key=lambda r: r["commands_per_s"])[len(rows) // 2]
        runs.append(
            {
                **middle,
                "commands_per_s_rounds": [r["commands_per_s"] for r in rows],
                "commands_per_s_spread": spread([r["commands_per_s"] for r in rows]),
            }
        )
    return runs, {**spread(references), "rounds": references}


def run_mode(
    mode: str,
    clients: list[int],
    seconds: float,
    port: int | None = None,
    rounds: int = 3,
    serving: tuple[int, int] = (2, 4),
) -> dict[str, Any]:
    """Start the deployment of ``mode`` and measure every client count."""
    with tempfile.TemporaryDirectory() as scratch:
        if mode == "hosted":
            with scratch_database() as url:
                env = hosted_env(url, TOKEN)
                return measure(mode, env, Path(scratch), (clients, seconds, rounds), port, serving)
        env = {
            "CANXIE_DATABASE_URL": "",
            "CANXIE_BROKER_URL": "",
            "CANXIE_DATA_DIR": scratch,
            "CANXIE_BOOTSTRAP_TOKEN": TOKEN,
        }
        return measure(mode, env, Path(scratch), (clients, seconds, rounds), port, serving)


def measure(
    mode: str,
    env: dict[str, str],
    scratch: Path,
    plan: tuple[list[int], float, int],
    port: int | None = None,
    serving: tuple[int, int] = (2, 4),
) -> dict[str, Any]:
    """Server up, associations made, then rounds of the reference and each client count.

    ``serving`` is gunicorn's processes and gthread threads per process.
    """
    clients, seconds, rounds = plan
    processes = ProcessFactory(scratch / "logs")
    tenancy: Tenancy | None = None
    try:
        workers, threads = serving
        server = processes.server(env, "--threads", str(threads), workers=workers, port=port)
        if mode == "hosted":
            processes.worker(env)
        base = server.url or ""
        associations = make_district(base, TOKEN, DISTRICT, "巩义市", max(clients))
        url = env.get("CANXIE_DATABASE_URL") or None
        tenancy = Tenancy(open_database(url, Path(env.get("CANXIE_DATA_DIR") or scratch)))
        reference = LibraryReference(tenancy)
        runs, appends = interleaved(base, associations, reference, (clients, seconds, rounds))
    finally:
        if tenancy is not None:
            tenancy.close()
        processes.stop_all()
    return {
        "mode": mode,
        "rounds": rounds,
        "gunicorn_workers": workers,
        "gunicorn_threads": threads,
        "runs": runs,
        "library_single_event_appends_per_s": appends["median"],
        "library_single_event_appends_spread": appends,
    }


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=["embedded", "hosted", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--rounds", type=int, default=3, help="ABAB rounds (median reported)")
    parser.add_argument("--serve-workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--serve-threads", type=int, default=4, help="gthread threads each")
    add_port_option(parser)
    add_results_option(parser)
    args = parser.parse_args()
    serving = (args.serve_workers, args.serve_threads)
    folder = results_folder(args.results)
    clients = [int(c) for c in args.clients.split(",")]
    modes = ["embedded", "hosted"] if args.mode == "both" else [args.mode]
    results = [run_mode(m, clients, args.seconds, args.port, args.rounds, serving) for m in modes]
    rows = []
    for result in results:
        reference = result["library_single_event_appends_per_s"]
        appends = result["library_single_event_appends_spread"]
        for run in result["runs"]:
            commands = run["commands_per_s_spread"]
            rows.append(
                [
                    result["mode"],
                    run["clients"],
                    f"{commands['median']:.1f} ({commands['min']:.0f}-{commands['max']:.0f})",
                    run["p50_ms"],
                    run["p99_ms"],
                    f"{reference:.0f} ({appends['min']:.0f}-{appends['max']:.0f})",
                    f"{run['commands_per_s'] / reference:.2f}",
                ]
            )
    print(f"ABAB: {results[0]['rounds']} rounds, median (lowest-highest) of each")
    headers = ["mode", "clients", "commands/s", "p50 ms", "p99 ms", "library appends/s", "ratio"]
    print_table(headers, rows)
    print("\nCPU milliseconds per command, by process:")
    for result in results:
        for run in result["runs"]:
            spent = ", ".join(f"{k} {v:.2f}" for k, v in run["cpu_ms_per_command"].items())
            print(f"  {result['mode']}, {run['clients']} clients: {spent}")
    print(
        write_results(
            folder, "api_commands", {"command": "python -m bench.api_commands", "results": results}
        )
    )


if __name__ == "__main__":
    main()
