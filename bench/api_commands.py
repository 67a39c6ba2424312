"""Commands per second through the HTTP API, beside the library's own append rate.

    .venv/bin/python -m bench.api_commands [--mode embedded|hosted|both] [--seconds 10]
        [--clients 1,8,32] [--port N] [--results DIR]

Starts a real ``canxie serve`` (embedded: SQLite and the in-process projector; hosted:
gunicorn on PostgreSQL with RabbitMQ and one ``canxie worker``).  Each client owns one
association and alternately appoints and removes a committee member: every request is one
command that writes one event.  The reference is the library appending the same events
(one per save) straight to a district of the same store, in the same run.
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
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = [x for xs in per_client for x in xs]
    return {
        "clients": clients,
        "commands": len(latencies),
        "commands_per_s": len(latencies) / elapsed,
        "p50_ms": median(latencies),
        "p99_ms": percentile(latencies, 99),
        "cpu_ms_per_command": cpu.per_unit(before, cpu.snapshot(), len(latencies)),
    }


def library_append_rate(tenancy: Tenancy, seconds: float) -> float:
    """Events per second the library appends with one event per save, same store."""
    records = tenancy.records(DISTRICT)
    created = association(
        tenancy, f"{DISTRICT}001999", "参照", established_on=date(2021, 1, 1), by=SEEDER
    )
    reference = records.association(created.id)
    saved = 0
    stop = time.monotonic() + seconds
    started = time.perf_counter()
    while time.monotonic() < stop:
        officer = appoint_member(reference, "委员")
        records.save(reference)
        remove_member(reference, officer)
        records.save(reference)
        saved += 2
    return saved / (time.perf_counter() - started)


def run_mode(
    mode: str, clients: list[int], seconds: float, port: int | None = None
) -> dict[str, Any]:
    """Start the deployment of ``mode`` and measure every client count."""
    with tempfile.TemporaryDirectory() as scratch:
        if mode == "hosted":
            with scratch_database() as url:
                env = hosted_env(url, TOKEN)
                return measure(mode, env, Path(scratch), clients, seconds, port)
        env = {
            "CANXIE_DATABASE_URL": "",
            "CANXIE_BROKER_URL": "",
            "CANXIE_DATA_DIR": scratch,
            "CANXIE_BOOTSTRAP_TOKEN": TOKEN,
        }
        return measure(mode, env, Path(scratch), clients, seconds, port)


def measure(
    mode: str,
    env: dict[str, str],
    scratch: Path,
    clients: list[int],
    seconds: float,
    port: int | None = None,
) -> dict[str, Any]:
    """Server up, associations made, then each client count in turn."""
    processes = ProcessFactory(scratch / "logs")
    try:
        server = processes.server(env, workers=2, port=port)
        if mode == "hosted":
            processes.worker(env)
        base = server.url or ""
        associations = make_district(base, TOKEN, DISTRICT, "巩义市", max(clients))
        runs = [run_clients(base, associations, c, seconds) for c in clients]
        server.stop()  # the reference runs alone, on the same store
        url = env.get("CANXIE_DATABASE_URL") or None
        tenancy = Tenancy(open_database(url, Path(env.get("CANXIE_DATA_DIR") or scratch)))
        reference = library_append_rate(tenancy, seconds)
        tenancy.close()
    finally:
        processes.stop_all()
    return {"mode": mode, "runs": runs, "library_single_event_appends_per_s": reference}


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=["embedded", "hosted", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    add_port_option(parser)
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    clients = [int(c) for c in args.clients.split(",")]
    modes = ["embedded", "hosted"] if args.mode == "both" else [args.mode]
    results = [run_mode(m, clients, args.seconds, args.port) for m in modes]
    rows = []
    for result in results:
        reference = result["library_single_event_appends_per_s"]
        for run in result["runs"]:
            rows.append(
                [
                    result["mode"],
                    run["clients"],
                    run["commands_per_s"],
                    run["p50_ms"],
                    run["p99_ms"],
                    reference,
                    f"{run['commands_per_s'] / reference:.2f}",
                ]
            )
    print_table(
        ["mode", "clients", "commands/s", "p50 ms", "p99 ms", "library appends/s", "ratio"], rows
    )
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
