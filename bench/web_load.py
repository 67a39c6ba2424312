"""The web pages on the synthetic city's largest district, served by gunicorn on PostgreSQL
(issue 14): recording a visit under emulated slow 3G, and the server's time for the village
worker's task list and the township officer's overview with 50 signed-in users at once.

    .venv/bin/python -m bench.web_load [--scale 1.0] [--users 50] [--each 20] [--think 1]
        [--runs 5] [--database-url URL] [--port N] [--results DIR]

Writes the largest district of ``bench.city`` at ``--scale`` into a scratch database (or
into ``--database-url``, once: a store with events is used as it is), projects it
(``canxie catch-up``) and analyzes it, makes a worker of an association and an officer of
its township with ``canxie users add``, signs each in (one-time password, then their own),
and starts ``canxie serve`` (2 processes x 8 threads, JSON logs) and a ``canxie worker``.
First the worker's visit journey under emulated slow 3G (``--runs`` times with JavaScript
and as many without; each from the click on the first household of the task list to the
task list shown again without it; budget 5 s).  Then ``--users`` cookie sessions each ask
for the page ``--each`` times in a row, pausing 0-2 x ``--think`` seconds before each (a
person reading the page), and again without any pause (a stress beyond 50 people): the
server's own time per request is read from its JSON access log (``duration_ms``, from the
first hook to the answer), the clients' latency beside it.  Budget: the server's p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bench.common import (
    AMQP_URL,
    add_port_option,
    add_results_option,
    percentile,
    print_table,
    results_folder,
    scratch_database,
    write_results,
)
from tests.processes import REPO, Process, ProcessFactory

PASSWORD = "bench-负载-2026"
ONE_TIME = re.compile(r"login (\S+), one-time password[^:]*: (\S+)")
#: (page, path, who asks, text that shows the page is the real one)
PAGES = (
    ("task list", "/tasks", "worker", 'id="households"'),
    ("township overview", "/township", "officer", "<main"),
)


@dataclass(frozen=True)
class District:
    """The district measured, and whom the accounts are for."""

    code: str
    events: int
    associations: int
    persons: int
    association_id: str
    township_code: str
    township_associations: int


def write_largest_district(url: str, scale: float, seed: int) -> int:
    """Write the city's largest district at ``scale`` (none other) unless a district of the
    store has events already; events written."""
    from bench.city import generate_district, open_city, plan

    largest = max(plan(scale), key=lambda p: p.persons)
    tenancy = open_city(url, Path(tempfile.mkdtemp(prefix="canxie-web-load-")))
    try:
        if any(tenancy.records(d.code).head_position() for d in tenancy.districts()):
            return 0
        print(f"writing district {largest.code} ({largest.persons} persons) ...", flush=True)
        return int(generate_district(tenancy, largest, seed)["events"])
    finally:
        tenancy.close()


def analyze(url: str) -> None:
    """``ANALYZE`` the store, as autovacuum would soon after the district was projected (it
    is off on the development machine's PostgreSQL): without statistics, the task list's
    visits were read through the index of every visit's date (20 ms instead of 0.3)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def choose(url: str) -> District:
    """The district with the most events; the first association of its largest township."""
    from projections.association.associations import list_associations
    from projections.platform.database import open_database
    from projections.platform.tenancy import Tenancy

    tenancy = Tenancy(open_database(url, Path(tempfile.mkdtemp(prefix="canxie-web-load-"))))
    try:
        heads = {d.code: tenancy.records(d.code).head_position() for d in tenancy.districts()}
        code = max(heads, key=lambda c: heads[c])
        items = list_associations(tenancy.db, code, limit=10_000).items
        towns = Counter(str(a["township_code"]) for a in items)
        township, count = towns.most_common(1)[0]
        first = next(a for a in items if a["township_code"] == township)
        with tenancy.db.transaction(code, write=False) as cur:
            cur.execute(tenancy.db.sql(code, "SELECT count(*) AS n FROM {s}persons"))
            persons = int(cur.fetchone()["n"])
        return District(code, heads[code], len(items), persons, str(first["id"]), township, count)
    finally:
        tenancy.close()


def canxie(env: dict[str, str], *args: str) -> str:
    """``python -m service ARGS`` with ``env``; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "service", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout + done.stderr


def add_account(env: dict[str, str], role: str, *options: str) -> tuple[str, str]:
    """``canxie users add``: (login, one-time password)."""
    out = canxie(env, "users", "add", f"bench {role}", "--role", role, *options)
    found = ONE_TIME.search(out)
    if found is None:
        raise RuntimeError(out)
    return found.group(1), found.group(2)


def _form(session: requests.Session, url: str, fields: dict[str, str]) -> requests.Response:
    """Post a form of the page at ``url`` with its CSRF token."""
    page = session.get(url, timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    answer = session.post(
        url, data={"csrf_token": token.group(1) if token else "", **fields}, timeout=30
    )
    answer.raise_for_status()
    return answer


def first_sign_in(base: str, login: str, one_time: str) -> None:
    """Sign in with the one-time password and set :data:`PASSWORD`."""
    session = requests.Session()
    _form(session, f"{base}/sign-in", {"login": login, "password": one_time})
    change = {"current": one_time, "new": PASSWORD, "repeat": PASSWORD}
    _form(session, f"{base}/password", change)


def signed_in(base: str, login: str) -> requests.Session:
    """A cookie session of ``login``; a GET on a kept-alive connection that gunicorn closed
    meanwhile (after 2 s idle) is sent again on a new one, as a browser does."""
    session = requests.Session()
    session.mount(base, HTTPAdapter(max_retries=Retry(total=2, connect=2, read=2, status=0)))
    _form(session, f"{base}/sign-in", {"login": login, "password": PASSWORD})
    return session


def closed_loop(
    base: str,
    sessions: list[requests.Session],
    path: str,
    marker: str,
    each: int,
    think: float = 0.0,
) -> dict[str, Any]:
    """Each session asks for ``path`` ``each`` times in a row, pausing between 0 and
    2 x ``think`` seconds before each (a person reading): client latency (ms)."""
    timings: list[float] = []
    lock = threading.Lock()

    def run(session: requests.Session) -> None:
        pauses = random.Random()
        for _ in range(each):
            time.sleep(pauses.uniform(0, 2 * think))
            start = time.perf_counter()
            answer = session.get(f"{base}{path}", timeout=60)
            elapsed = (time.perf_counter() - start) * 1000
            if answer.status_code != 200 or marker not in answer.text:
                raise RuntimeError(f"{path} answered {answer.status_code}")
            with lock:
                timings.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(sessions)) as pool:
        list(pool.map(run, sessions))
    wall = time.perf_counter() - started
    return {
        "requests": len(timings),
        "per_second": len(timings) / wall,
        "client_p50_ms": percentile(timings, 50),
        "client_p99_ms": percentile(timings, 99),
    }


def server_times(log: Path, route: str, skip: int) -> list[float]:
    """``duration_ms`` of the GETs of ``route`` in the server's JSON log, after the first
    ``skip`` of them."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if '"duration_ms"' not in line:
            continue
        entry = json.loads(line)
        if entry.get("route") == route and entry.get("method") == "GET":
            found.append(float(entry["duration_ms"]))
    return found[skip:]


def slow_3g_visits(base: str, login: str, runs: int) -> dict[str, Any]:
    """The worker's visit journey under slow 3G, ``runs`` times with JavaScript and without
    (``bench.web_pages.journeys``), in Debian's chromium with a signed-in cookie session."""
    from playwright.sync_api import sync_playwright

    from bench.web_pages import CHROMIUM, journeys

    session = signed_in(base, login)
    cookies = [{"name": c.name, "value": c.value or "", "url": base} for c in session.cookies]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            return journeys(browser, base, cookies, runs)
        finally:
            browser.close()


def measure_page(
    base: str,
    log: Path,
    sessions: list[requests.Session],
    path: str,
    marker: str,
    load: tuple[int, float],
) -> dict[str, Any]:
    """One user alone, then every session at once (``load``: requests each, pause between
    them), then every session without a pause: client and server figures of each."""
    each, think = load
    figures: dict[str, Any] = {}
    for label, group, times, pause in (
        ("1 user", sessions[:1], 100, 0.0),
        ("users", sessions, each, think),
        ("users, no pause", sessions, each, 0.0),
    ):
        before = len(server_times(log, path, 0))
        closed_loop(base, group, path, marker, 2)  # warm every process and connection
        warmed = len(server_times(log, path, 0)) - before
        found = closed_loop(base, group, path, marker, times, pause)
        time.sleep(0.5)  # the log's last lines
        server = server_times(log, path, before + warmed)
        found.update(
            users=len(group),
            think_s=pause,
            server_p50_ms=percentile(server, 50),
            server_p99_ms=percentile(server, 99),
            server_max_ms=max(server) if server else float("nan"),
        )
        figures[label] = found
    return figures


def measure(
    url: str, scale: float, seed: int, load: tuple[int, int, float], runs: int, port: int | None
) -> dict[str, Any]:
    """District written and projected, accounts made, server and worker up, the visit
    journeys, then each page under load (``load``: users, requests each, pause)."""
    users, each, think = load
    env = {
        "CANXIE_DATABASE_URL": url,
        "CANXIE_BROKER_URL": AMQP_URL,
        "CANXIE_QUEUE": f"canxie_bench_{uuid.uuid4().hex[:8]}",
        "CANXIE_LOG_FORMAT": "json",
    }
    full_env = {**os.environ, **env}
    started = time.perf_counter()
    written = write_largest_district(url, scale, seed)
    print(canxie(full_env, "catch-up").strip(), flush=True)
    analyze(url)
    district = choose(url)
    prepared = time.perf_counter() - started
    print(f"{district} (ready in {prepared:.0f} s)", flush=True)
    worker = add_account(
        full_env, "association_worker", "--district", district.code,
        "--association", district.association_id,
    )  # fmt: skip
    officer = add_account(
        full_env, "township_officer", "--district", district.code,
        "--township", district.township_code,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        processes = ProcessFactory(Path(scratch) / "logs")
        try:
            server: Process = processes.server(env, "--threads", "8", workers=2, port=port)
            processes.worker(env)  # projects the visits recorded
            base = server.url or ""
            accounts = {"worker": worker, "officer": officer}
            for login, one_time in accounts.values():
                first_sign_in(base, login, one_time)
            visits = slow_3g_visits(base, worker[0], runs) if runs else {}
            results: dict[str, Any] = {}
            for name, path, who, marker in PAGES:
                probe = signed_in(base, accounts[who][0]).get(f"{base}{path}", timeout=60)
                if probe.status_code == 404:
                    results[name] = {"path": path, "missing": "not on this branch yet"}
                    continue
                sessions = [signed_in(base, accounts[who][0]) for _ in range(users)]
                figures = measure_page(base, server.log, sessions, path, marker, (each, think))
                results[name] = {"path": path, "html_bytes": len(probe.content), **figures}
        finally:
            processes.stop_all()
    return {
        "district": district.__dict__,
        "written_events": written,
        "prepare_seconds": prepared,
        "pages": results,
        "visit, slow 3G": visits,
    }


def report(result: dict[str, Any]) -> None:
    """The figures on stdout."""
    rows = []
    for name, page in result["pages"].items():
        if "missing" in page:
            print(f"{name} ({page['path']}): {page['missing']}")
        for f in page.values():
            if isinstance(f, dict):
                rows.append(
                    [name, f["users"], f["requests"], f["per_second"], f["server_p50_ms"],
                     f["server_p99_ms"], f["client_p50_ms"], f["client_p99_ms"]]
                )  # fmt: skip
    print_table(
        ["page", "users", "requests", "per s", "server p50", "server p99", "client p50",
         "client p99"],
        rows,
    )  # fmt: skip
    for label, found in result["visit, slow 3G"].items():
        runs = ", ".join(f"{s:.2f}" for s in found["runs_s"])
        print(f"visit on slow 3G, {label}: median {found['median_s']:.2f} s ({runs})")


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="the city's scale")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--each", type=int, default=20, help="requests per user per page")
    parser.add_argument(
        "--think", type=float, default=1.0, help="a user's mean pause between requests (s)"
    )
    parser.add_argument("--runs", type=int, default=5, help="visits on slow 3G, JS on and off")
    parser.add_argument(
        "--database-url", help="a store to keep (written once) instead of a scratch database"
    )
    add_port_option(parser)
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    with ExitStack() as stack:
        url = args.database_url or stack.enter_context(scratch_database())
        load = (args.users, args.each, args.think)
        result = measure(url, args.scale, args.seed, load, args.runs, args.port)
    report(result)
    command = (
        f"python -m bench.web_load --scale {args.scale:g} --users {args.users} "
        f"--each {args.each} --think {args.think:g} --runs {args.runs}"
    )
    print(write_results(folder, "web_load", {"command": command, "scale": args.scale, **result}))


if __name__ == "__main__":
    main()
