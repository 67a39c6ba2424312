"""Districts are tenants: many at once on one server, none seeing another."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.client import BOOTSTRAP_TOKEN, Client
from tests.processes import ProcessFactory

pytestmark = pytest.mark.hosted

#: 30 district codes in Henan (41xxxx), enough to exhaust per-application pools.
CODES = [f"41{n:02d}{m:02d}" for n in range(1, 4) for m in range(1, 11)]


def _work_in(api: Client, code: str) -> tuple[str, int]:
    assert api.create_district(code, f"区{code}").status_code == 201
    created = api.create_association(code, f"{code}001001")
    assert created.status_code == 201, created.text
    association_id = created.json()["id"]
    appointed = api.appoint(code, association_id, "chair")
    assert appointed.status_code == 201, appointed.text
    read = api.get(
        f"/districts/{code}/associations/{association_id}",
        min_position=appointed.json()["position"],
    )
    assert read.status_code == 200, read.text
    return code, len(read.json()["officers"])


def test_thirty_districts_at_once_without_running_out_of_connections(
    processes: ProcessFactory, hosted_env: dict[str, str], pg_url: str
) -> None:
    # Thirty districts of three cities: a province-wide deployment sets a shorter prefix.
    env = {**hosted_env, "CANXIE_CITY_PREFIX": "41"}
    server = processes.server(env, workers=2)
    processes.worker(env)
    processes.worker(env)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = dict(pool.map(lambda code: _work_in(api, code), CODES))
    assert results == {code: 1 for code in CODES}
    listed = api.get("/districts").json()
    assert listed["total"] == 30

    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url) as conn:
        (connections,) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchone()
    # 2 server processes and 2 workers, 8 pooled connections each at most, plus this one.
    assert connections <= 4 * 8 + 1
    for district in CODES[:3]:
        schema = f"district_{district}"
        with psycopg.connect(pg_url) as conn:
            (tables,) = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
            ).fetchone()
        assert tables >= 4, f"{schema} should hold its events, tracking and read models"


def test_one_district_never_sees_another(hosted_api: Client) -> None:
    api = hosted_api
    for code in ("410102", "410103"):
        assert api.create_district(code).status_code == 201
    mine = api.create_association("410102", "410102001001").json()
    theirs = api.create_association("410103", "410103001001").json()
    head = max(mine["position"], theirs["position"])

    listing = api.get("/districts/410102/associations", min_position=mine["position"]).json()
    assert [a["id"] for a in listing["items"]] == [mine["id"]]
    assert listing["total"] == 1
    # Another district's association is absent here, whatever id is guessed.
    hidden = api.get(f"/districts/410102/associations/{theirs['id']}", min_position=1)
    assert hidden.status_code == 404
    assert hidden.headers["Content-Type"] == "application/problem+json"
    # Commands cannot reach across either: the village code belongs to the other district.
    crossing = api.create_association("410102", "410103001002")
    assert crossing.status_code == 404
    assert crossing.json()["field"] == "division_code"
    officer = api.appoint("410102", theirs["id"], "chair")
    assert officer.status_code == 404
    assert head > 0
