"""``canxie rebuild``: the read models rebuilt from the events equal the live ones row for row,
and the API keeps answering with complete data while a rebuild runs."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from projections.engine.catchup import catch_up
from projections.engine.read_models import PROJECTIONS
from projections.platform.database import open_database, schema_name
from projections.platform.tenancy import Tenancy
from tests.client import BOOTSTRAP_TOKEN, Client
from tests.processes import ProcessFactory, run_canxie
from tests.seeding import SEEDER, seed_district

pytestmark = pytest.mark.hosted

DISTRICT = "410104"
ASSOCIATIONS, CYCLES = 30, 20


@pytest.fixture
def live(pg_url: str, tmp_path: Path) -> Iterator[Tenancy]:
    """A district whose read models were built live, in small batches."""
    tenancy = Tenancy(open_database(pg_url, tmp_path))
    tenancy.provision()
    tenancy.create_district(DISTRICT, "管城区", SEEDER)
    seed_district(tenancy, DISTRICT, associations=ASSOCIATIONS, cycles=CYCLES)
    catch_up(tenancy.db, DISTRICT, tenancy.records(DISTRICT).mapper, batch_size=37)
    yield tenancy
    tenancy.close()


def tables(tenancy: Tenancy) -> dict[str, list[dict[str, Any]]]:
    """Every row of every read model, ordered by key (leaf indices numbered as written)."""
    db = tenancy.db
    sql = partial(db.sql, DISTRICT)
    found = {}
    with db.transaction(DISTRICT, write=False) as cur:
        for projection in PROJECTIONS:
            for table in projection.tables:
                cur.execute(sql(f"SELECT * FROM {{s}}{table.name} ORDER BY {', '.join(table.key)}"))
                found[table.name] = [dict(row) for row in cur.fetchall()]
    return found


def analyzed(pg_url: str) -> dict[str, int]:
    """How many times each table of the district was analyzed by hand (a new connection, so
    the statistics are read afresh)."""
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE schemaname = %s",
            (schema_name(DISTRICT),),
        ).fetchall()
    return {name: int(count) for name, count in rows}


def canxie(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``canxie ARGS`` in its own process, in the deployment of ``env``."""
    return run_canxie(*args, env=env)


def test_rebuild_equals_live_while_the_api_serves(
    live: Tenancy, processes: ProcessFactory, hosted_env: dict[str, str], pg_url: str
) -> None:
    before = tables(live)
    assert not any(analyzed(pg_url).get(name) for name in before)
    assert len(before["associations"]) > 0
    assert len(before["audit_entries"]) == live.records(DISTRICT).head_position()

    server = processes.server(hosted_env)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    expected = api.get(f"/districts/{DISTRICT}/associations", limit=100).json()["total"]
    assert expected == len(before["associations"])
    answers: list[tuple[int, int]] = []
    stop = threading.Event()

    def read() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {BOOTSTRAP_TOKEN}"
        while not stop.is_set():
            r = session.get(api.url(f"/districts/{DISTRICT}/associations"), timeout=30)
            answers.append((r.status_code, r.json().get("total", -1)))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        everything = canxie(hosted_env, "rebuild", DISTRICT)
        one = canxie(hosted_env, "rebuild", DISTRICT, "associations")
    finally:
        stop.set()
        reader.join(30)
    assert everything.returncode == 0, everything.stderr
    assert "rebuilt associations, audit_trail" in everything.stdout
    assert one.returncode == 0, one.stderr
    assert tables(live) == before
    # The planner's statistics are refreshed after a rebuild, for every read model.
    statistics = analyzed(pg_url)
    assert all(statistics.get(name, 0) >= 1 for name in before), statistics

    assert answers and set(answers) == {(200, expected)}, set(answers)

    unknown = canxie(hosted_env, "rebuild", DISTRICT, "nonsense")
    assert unknown.returncode != 0 and "no projection nonsense" in unknown.stderr
    missing = canxie(hosted_env, "rebuild", "419999")
    assert missing.returncode != 0 and "419999" in missing.stderr
