"""The broker goes away while commands arrive: nothing is lost, nobody re-sends anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.engine.catchup import projected_position
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.client import BOOTSTRAP_TOKEN, Client
from tests.hosted.exactly_once import wait_for_position
from tests.processes import ProcessFactory
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.hosted


@pytest.fixture
def broker_proxy() -> Iterator[TcpProxy]:
    """RabbitMQ behind a proxy the test can cut."""
    proxy = TcpProxy(("127.0.0.1", 5672))
    yield proxy
    proxy.close()


def test_commands_succeed_without_broker_and_project_once_it_is_back(
    processes: ProcessFactory,
    hosted_env: dict[str, str],
    broker_proxy: TcpProxy,
    pg_url: str,
    tmp_path: Path,
) -> None:
    env = {**hosted_env, "CANXIE_BROKER_URL": f"amqp://guest:guest@127.0.0.1:{broker_proxy.port}//"}
    server = processes.server(env)
    processes.worker(env)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    assert api.create_district("410104", "管城回族区").status_code == 201
    first = api.create_association("410104", "410104001001")
    assert first.status_code == 201
    seen = api.get("/districts/410104/associations", min_position=first.json()["position"])
    assert seen.status_code == 200

    broker_proxy.cut()
    down = api.get("/health")
    assert down.status_code == 503
    assert down.headers["Content-Type"] == "application/problem+json"
    assert down.json()["down"] == ["broker"]

    ids = []
    for n in range(2, 22):
        response = api.create_association("410104", f"410104001{n:03d}")
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    officer = api.appoint("410104", ids[0], "chair", "断网时任命")
    assert officer.status_code == 201
    head = officer.json()["position"]

    tenancy = Tenancy(open_database(pg_url, tmp_path))
    try:
        assert projected_position(tenancy.db, "410104") < head, "nothing can project while down"
        broker_proxy.restore()
        assert wait_for_position(tenancy.db, "410104", head, timeout=90) == head
    finally:
        tenancy.close()
    listing = api.get("/districts/410104/associations", min_position=head, limit=100)
    assert listing.json()["total"] == 21
    assert api.get("/health").status_code == 200
