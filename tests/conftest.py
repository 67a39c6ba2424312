"""Fixtures shared by all tests: real PostgreSQL databases, RabbitMQ queues, real processes."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from kombu import Connection

from tests.client import BOOTSTRAP_TOKEN
from tests.processes import ProcessFactory

PG_ADMIN_URL = os.environ.get("CANXIE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("CANXIE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own for each test, dropped afterwards."""
    name = f"canxie_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    from projections.database import _SHARED_POOLS

    for url in [u for u in _SHARED_POOLS if u.endswith(f"/{name}")]:
        _SHARED_POOLS.pop(url).close()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def amqp_url() -> str:
    """The machine's RabbitMQ."""
    return AMQP_URL


@pytest.fixture
def queue_name(amqp_url: str) -> Iterator[str]:
    """A queue no other test run shares, deleted afterwards."""
    name = f"canxie_test_{uuid.uuid4().hex[:12]}"
    yield name
    with Connection(amqp_url, connect_timeout=5) as conn:
        channel = conn.channel()
        for queue in (name,):
            try:
                channel.queue_delete(queue)
            except Exception:
                channel = conn.channel()
        with contextlib.suppress(Exception):
            channel.exchange_delete(name)


@pytest.fixture
def hosted_env(pg_url: str, amqp_url: str, queue_name: str, tmp_path: Path) -> dict[str, str]:
    """Environment of a hosted deployment on this machine's services."""
    return {
        "CANXIE_DATABASE_URL": pg_url,
        "CANXIE_BROKER_URL": amqp_url,
        "CANXIE_QUEUE": queue_name,
        "CANXIE_DATA_DIR": str(tmp_path / "data"),
        "CANXIE_SWEEP_SECONDS": "2",
        "CANXIE_READ_WAIT_SECONDS": "10",
        "CANXIE_BOOTSTRAP_TOKEN": BOOTSTRAP_TOKEN,
    }


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[ProcessFactory]:
    """Start real ``canxie`` processes; every one is stopped at the end of the test."""
    factory = ProcessFactory(tmp_path / "logs")
    yield factory
    factory.stop_all()
