"""A worker that starts after commands were taken while no broker answered catches up at once.

The wake-ups of those commands were lost (the server's broker is a port nobody listens on),
beat is not running and the sweep interval is an hour: only the worker's own sweep at start
can bring the read models to the events.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.engine.catchup import projected_position
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.client import BOOTSTRAP_TOKEN, Client
from tests.hosted.exactly_once import wait_for_position
from tests.processes import ProcessFactory, free_port

pytestmark = pytest.mark.hosted

DISTRICTS = ("410104", "410105")


def test_a_worker_started_late_catches_every_district_up_without_beat(
    processes: ProcessFactory, hosted_env: dict[str, str], pg_url: str, tmp_path: Path
) -> None:
    unreachable = f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    server = processes.server({**hosted_env, "CANXIE_BROKER_URL": unreachable})
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    heads = {}
    for district in DISTRICTS:
        assert api.create_district(district, "测试区").status_code == 201
        for n in range(1, 6):
            created = api.create_association(district, f"{district}001{n:03d}")
            assert created.status_code == 201, created.text
            heads[district] = created.json()["position"]

    tenancy = Tenancy(open_database(pg_url, tmp_path))
    try:
        for district, head in heads.items():
            assert projected_position(tenancy.db, district) < head, "nothing projects yet"
        processes.worker({**hosted_env, "CANXIE_SWEEP_SECONDS": "3600"})
        for district, head in heads.items():
            assert wait_for_position(tenancy.db, district, head, timeout=30) == head, district
    finally:
        tenancy.close()
