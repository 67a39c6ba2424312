"""The embedded default: one process, SQLite files, the projector on a thread."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from aggregates.clock import SystemClock
from tests.client import BOOTSTRAP_TOKEN, Client
from tests.processes import ProcessFactory

EMBEDDED = {"CANXIE_DATABASE_URL": "", "CANXIE_BROKER_URL": "", "CANXIE_BOOTSTRAP_TOKEN": ""}


def test_demo_serves_at_once_and_data_survives_a_restart(
    processes: ProcessFactory, tmp_path: Path
) -> None:
    env = {**EMBEDDED, "CANXIE_DATA_DIR": str(tmp_path / "store")}
    server = processes.server(env, "--demo")
    token = (tmp_path / "store" / "admin-token").read_text().strip()
    api = Client(server.url or "", token)
    demo = api.get("/districts/410102/associations", min_position=1)
    assert demo.status_code == 200, demo.text
    assert demo.json()["total"] == 6  # the demo city's 中原区 (service/synthetic/demo_city.py)
    first = demo.json()["items"][0]
    detail = api.get(f"/districts/410102/associations/{first['id']}").json()
    assert [o["role"] for o in detail["officers"]].count("chair") == 1
    assert "village-worker" in server.output()  # its one-time password is printed
    assert api.get("/health").json() == {
        "status": "ok",
        "mode": "embedded",
        "checks": {"database": "ok"},
    }

    # The demo's village without an association yet (S2) gets one.
    # The demo's villages are recent; "today" is today in China, as on the server.
    since = (SystemClock().today() - timedelta(days=2)).isoformat()
    created = api.create_association("410102", "410102001201", established_on=since)
    assert created.status_code == 201, created.text
    position = created.json()["position"]
    assert api.get("/districts/410102/associations", min_position=position).json()["total"] == 7
    server.stop()

    assert sorted(os.listdir(tmp_path / "store" / "districts"))[0] == "410102.sqlite3"
    again = processes.server(env, "--demo")  # --demo again must not duplicate anything
    listing = Client(again.url or "", token).get(
        "/districts/410102/associations", min_position=position
    )
    assert listing.json()["total"] == 7


def test_the_in_process_projector_catches_up_after_a_crash(
    processes: ProcessFactory, tmp_path: Path
) -> None:
    env = {
        **EMBEDDED,
        "CANXIE_DATA_DIR": str(tmp_path / "store"),
        "CANXIE_BOOTSTRAP_TOKEN": BOOTSTRAP_TOKEN,
    }
    server = processes.server(env)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    assert api.create_district("410122", "中牟县").status_code == 201
    ids = [api.create_association("410122", f"410122100{n:03d}").json() for n in range(200, 210)]
    server.kill()
    restarted = processes.server(env)
    head = ids[-1]["position"]
    listing = Client(restarted.url or "", BOOTSTRAP_TOKEN).get(
        "/districts/410122/associations", min_position=head
    )
    assert listing.status_code == 200
    assert listing.json()["total"] == 10
