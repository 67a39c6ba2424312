"""What ``canxie serve`` prints on start: the address it really serves and the mode it runs.

Real processes on free ports; the printed ``curl`` line is run as printed (token and URL).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from service.cli.main import _address
from tests.processes import ProcessFactory
from workers.settings import Settings

EMBEDDED = {"CANXIE_DATABASE_URL": "", "CANXIE_BROKER_URL": "", "CANXIE_BOOTSTRAP_TOKEN": ""}
CURL = re.compile(r"curl -H 'Authorization: Bearer (\S+)' (http://\S+)")
MODE = re.compile(r"mode: (\S+)")


def _first_start(processes: ProcessFactory, env: dict[str, str]) -> tuple[str, str, str]:
    """Serve a new store; (base URL, the printed token, the printed URL)."""
    server = processes.server(env, workers=1)
    found = CURL.search(server.output())
    assert found, server.output()
    return server.url or "", found.group(1), found.group(2)


def _printed_mode(processes: ProcessFactory) -> str:
    """The mode the last started server printed."""
    found = MODE.search(processes.started[-1].output())
    assert found, processes.started[-1].output()
    return found.group(1)


def test_the_first_start_prints_the_address_it_serves(
    processes: ProcessFactory, tmp_path: Path
) -> None:
    env = {**EMBEDDED, "CANXIE_DATA_DIR": str(tmp_path / "store")}
    base, token, printed = _first_start(processes, env)
    assert printed == f"{base}/api/v1/districts"
    answer = requests.get(printed, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert _printed_mode(processes) == "embedded"
    assert "SQLite in" in processes.started[-1].output()
    assert requests.get(f"{base}/api/v1/health", timeout=10).json()["mode"] == "embedded"


@pytest.mark.hosted
def test_postgresql_without_a_broker_is_not_called_embedded(
    processes: ProcessFactory, pg_url: str, tmp_path: Path
) -> None:
    env = {**EMBEDDED, "CANXIE_DATABASE_URL": pg_url, "CANXIE_DATA_DIR": str(tmp_path / "new")}
    base, token, printed = _first_start(processes, env)
    output = processes.started[-1].output()
    assert "embedded" not in output and "SQLite" not in output, output
    database = pg_url.rsplit("/", 1)[1]
    assert f"PostgreSQL at 127.0.0.1:5432/{database}" in output
    assert "projector in this process" in output
    mode = _printed_mode(processes)
    assert mode == "postgresql-in-process"
    health = requests.get(f"{base}/api/v1/health", timeout=10).json()
    assert health == {"status": "ok", "mode": mode, "checks": {"database": "ok"}}
    live = requests.get(f"{base}/api/v1/health/live", timeout=10).json()
    assert live["mode"] == mode
    # It really serves PostgreSQL: the printed token was made there and works.
    answer = requests.get(printed, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text


def test_the_description_names_no_credentials_and_each_mode_is_distinct() -> None:
    pg = "postgresql://canxie:s3cret@db.example:6432/canxie"
    amqp = "amqp://guest:guest@127.0.0.1//"
    described = {
        (db, broker): Settings(database_url=db, broker_url=broker).describe()
        for db in (None, pg)
        for broker in (None, amqp)
    }
    assert all("s3cret" not in text and "canxie:" not in text for text in described.values())
    assert described[(pg, None)].startswith("postgresql-in-process (PostgreSQL at db.example:6432")
    assert described[(pg, amqp)].startswith("hosted (PostgreSQL at db.example:6432/canxie;")
    assert described[(None, None)].startswith("embedded (SQLite in data;")
    assert described[(None, amqp)].startswith("sqlite-workers (SQLite in data;")


def test_an_any_address_bind_prints_a_reachable_address() -> None:
    assert _address("0.0.0.0", 8123) == "http://127.0.0.1:8123"
    assert _address("::", 8123) == "http://[::1]:8123"
    assert _address("10.1.2.3", 9000) == "http://10.1.2.3:9000"
