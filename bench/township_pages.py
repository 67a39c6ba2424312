"""The township officer's pages on a large district (issue 14): the server's time for the
township overview and the overdue visits across the township, signed in, in one process.

Generates a district with bench.district (20,000 persons in 300 villages by default: the
synthetic city's largest district is of that size), catches its read models up, adds a
township officer of the township with the most associations, and asks each page ``--times``
times through the app (no network, one user), then from ``--users`` threads at once:

    .venv/bin/python -m bench.township_pages [--persons N] [--villages N] [--results DIR]

Budget (issue 14): server time p99 <= 50 ms for the township overview at 50 users.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bench.common import (
    add_results_option,
    percentile,
    print_table,
    results_folder,
    write_results,
)
from bench.district import DISTRICT, generate
from projections.association.associations import list_associations
from tests import factories
from tests.factories import PASSWORD
from tests.plugin import embedded_app

PAGES = {"township overview": "/township", "overdue visits": "/township/overdue-visits"}


def busiest_township(app: Flask) -> tuple[str, int]:
    """The township with the most associations, and how many it has."""
    runtime = app.extensions["canxie"].runtime
    found = list_associations(runtime.db, DISTRICT, limit=100_000).items
    counts = Counter(str(a["township_code"]) for a in found)
    return counts.most_common(1)[0]


def township_officer(app: Flask, township: str) -> str:
    """The login of a new township officer of ``township`` (password: the tests' own)."""
    login = f"bench-{township}"
    runtime = app.extensions["canxie"].runtime
    factories.person_account(
        runtime.accounts,
        "township_officer",
        login=login,
        name="乡镇专干",
        district=DISTRICT,
        township=township,
    )
    return login


def signed_in(app: Flask, login: str) -> FlaskClient:
    """A test client with a session of its own, signed in through the sign-in page."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    form = {"csrf_token": token.group(1) if token else "", "login": login, "password": PASSWORD}
    assert client.post("/sign-in", data=form).status_code == 303
    return client


def timed(client: FlaskClient, path: str, times: int) -> list[float]:
    """Milliseconds of each of ``times`` requests of ``path`` (each must answer 200)."""
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        answer = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}")
    return timings


def at_once(app: Flask, login: str, path: str, users: int, each: int) -> list[float]:
    """``users`` signed-in clients asking ``each`` times at once (threads in one process)."""
    clients = [signed_in(app, login) for _ in range(users)]
    timings: list[float] = []
    lock = threading.Lock()

    def run(client: FlaskClient) -> None:
        found = timed(client, path, each)
        with lock:
            timings.extend(found)

    with ThreadPoolExecutor(users) as pool:
        list(pool.map(run, clients))
    return timings


def measure(persons: int, villages: int, times: int, users: int) -> dict[str, Any]:
    """Generate, catch up, then time each page alone and under ``users`` at once."""
    with tempfile.TemporaryDirectory() as scratch, embedded_app(Path(scratch)) as app:
        runtime = app.extensions["canxie"].runtime
        factories.district(runtime.tenancy, DISTRICT)
        generated = generate(runtime.tenancy, villages=villages, persons=persons)
        runtime.catch_up(DISTRICT)
        township, associations = busiest_township(app)
        login = township_officer(app, township)
        client = signed_in(app, login)
        out: dict[str, Any] = {
            "persons": persons,
            "villages": villages,
            "generate_seconds": generated.seconds,
            "township": township,
            "associations": associations,
        }
        for name, path in PAGES.items():
            # The first answer computes the township's standing (the live rules read every
            # table of the district); the next ones reuse it until an event is projected.
            cold = timed(client, path, 1)[0]
            alone = timed(client, path, times)
            loaded = at_once(app, login, path, users, max(times // users, 2))
            out[name] = {
                "first_ms": cold,
                "p50_ms": percentile(alone, 50),
                "p99_ms": percentile(alone, 99),
                f"{users}_users_p50_ms": percentile(loaded, 50),
                f"{users}_users_p99_ms": percentile(loaded, 99),
            }
        return out


def main() -> None:
    """Measure, print and write the JSON where ``--results`` says."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--users", type=int, default=50)
    add_results_option(parser)
    options = parser.parse_args()
    folder = results_folder(options.results)
    figures = measure(options.persons, options.villages, options.times, options.users)
    rows = [[name, *figures[name].values()] for name in PAGES]
    users = options.users
    print(
        f"{figures['persons']} persons, {figures['villages']} villages; township "
        f"{figures['township']} with {figures['associations']} associations"
    )
    print_table(
        ["page", "first ms", "p50 ms", "p99 ms", f"{users} users p50", f"{users} users p99"],
        rows,
    )
    write_results(folder, "township_pages", figures)


if __name__ == "__main__":
    main()
