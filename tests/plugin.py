"""The fixtures every test folder shares, each defined once (registered by tests/conftest.py).

Infrastructure: a PostgreSQL database per test (``pg_url``), each back end in turn
(``store_url``), a RabbitMQ queue (``queue_name``), the environment of a hosted deployment
(``hosted_env``), real ``canxie`` processes (``processes``) and a hosted deployment running
with a client of it (``hosted_api``).

canxie in the test's own process: ``make_app`` / ``app`` / ``client`` (the Flask app on an
embedded store in ``tmp_path``, with the bootstrap administrator's token), ``make_runtime`` /
``runtime`` (stores and read models without HTTP), ``hosted_runtime`` and ``hosted_tenancy``
(the same on PostgreSQL), and ``calendar`` (the day events are stamped with).  The records a
test starts from come from the factories in tests/factories.py.

``create_app`` is called here and nowhere else in tests/ (tests/quality/test_fixtures.py):
a module-scoped world opens its app with :func:`embedded_app`.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from kombu import Connection

from aggregates.clock import SetClock
from aggregates.clock import stamping as clock_stamping
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from service.app import create_app
from tests.client import BOOTSTRAP_TOKEN, Client
from tests.processes import ProcessFactory
from workers.runtime import Runtime
from workers.settings import Settings

PG_ADMIN_URL = os.environ.get("CANXIE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("CANXIE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
#: The Authorization header of the bootstrap city administrator of every app made here.
ADMIN = {"Authorization": f"Bearer {BOOTSTRAP_TOKEN}"}

MakeApp = Callable[..., Flask]
MakeRuntime = Callable[..., Runtime]


# -- infrastructure ----------------------------------------------------------------------------


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own for each test, dropped afterwards."""
    name = f"canxie_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    from projections.platform.database import _SHARED_POOLS

    for url in [u for u in _SHARED_POOLS if u.endswith(f"/{name}")]:
        _SHARED_POOLS.pop(url).close()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """Each back end in turn: None for the embedded SQLite store, else a PostgreSQL database
    of the test's own (``pg_url``)."""
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else None


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
def hosted_settings(pg_url: str, amqp_url: str, queue_name: str, tmp_path: Path) -> dict[str, Any]:
    """``hosted_env`` as ``Settings`` fields, for ``make_app`` and ``make_runtime`` in-process."""
    return {
        "database_url": pg_url,
        "broker_url": amqp_url,
        "queue": queue_name,
        "data_dir": tmp_path / "data",
    }


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[ProcessFactory]:
    """Start real ``canxie`` processes; every one is stopped at the end of the test."""
    factory = ProcessFactory(tmp_path / "logs")
    yield factory
    factory.stop_all()


@pytest.fixture
def hosted_api(processes: ProcessFactory, hosted_env: dict[str, str]) -> Client:
    """A hosted deployment running: ``canxie serve`` (one gunicorn worker) and one ``canxie
    worker`` on ``hosted_env``; a client of it acting as the bootstrap city administrator."""
    server = processes.server(hosted_env, workers=1)
    processes.worker(hosted_env)
    return Client(server.url or "", BOOTSTRAP_TOKEN)


# -- the app in the test's process -------------------------------------------------------------


def app_settings(data_dir: Path, **overrides: Any) -> Settings:
    """An embedded deployment in ``data_dir`` with the bootstrap administrator.

    The periodic sweep is an hour apart, so a test sees projection happen when it wakes the
    projector (or calls ``catch_up``), not when a timer fires.
    """
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "bootstrap_token": BOOTSTRAP_TOKEN,
        "sweep_seconds": 3600,
        **overrides,
    }
    return Settings(**values)


def open_app(settings: Settings, *, provision: bool | None = None) -> Flask:
    """The real app (``service.app.create_app``); close it with :func:`close_app`."""
    return create_app(settings, provision=provision)


def close_app(app: Flask) -> None:
    """Stop the app's projector thread (delivering what is pending) and release its stores."""
    if app.extensions.get("canxie_test_closed"):
        return
    app.extensions["canxie_test_closed"] = True
    services = app.extensions["canxie"]
    services.wakeups.close()
    services.runtime.close()


@contextlib.contextmanager
def embedded_app(data_dir: Path, **overrides: Any) -> Iterator[Flask]:
    """An app for a longer-lived fixture (module scope) or a script, closed afterwards."""
    app = open_app(app_settings(data_dir, **overrides))
    try:
        yield app
    finally:
        close_app(app)


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[MakeApp]:
    """``make_app(settings=None, *, provision=None, **overrides)``: an app, closed at the end.

    Without ``settings`` the app is :func:`app_settings` on ``tmp_path`` with ``overrides``
    (``database_url=pg_url`` for the hosted store, ``city_prefix``, ``metrics_token``, ...).
    Opening the same settings again after :func:`close_app` is a restart.
    """
    opened: list[Flask] = []

    def make(
        settings: Settings | None = None, *, provision: bool | None = None, **overrides: Any
    ) -> Flask:
        data_dir = overrides.pop("data_dir", tmp_path)
        app = open_app(settings or app_settings(data_dir, **overrides), provision=provision)
        opened.append(app)
        return app

    yield make
    for app in reversed(opened):
        close_app(app)


@pytest.fixture
def app(make_app: MakeApp) -> Flask:
    """The app on an embedded store in ``tmp_path``, no district yet."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app`` acting as the bootstrap city administrator."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = ADMIN["Authorization"]
    return test_client


# -- runtimes without HTTP ---------------------------------------------------------------------


@pytest.fixture
def make_runtime(tmp_path: Path) -> Iterator[MakeRuntime]:
    """``make_runtime(settings=None, **overrides)``: a provisioned runtime, closed at the end.

    Without ``settings`` it is embedded in ``tmp_path`` (``Settings(data_dir=tmp_path,
    **overrides)``).
    """
    opened: list[Runtime] = []

    def make(settings: Settings | None = None, **overrides: Any) -> Runtime:
        rt = Runtime.open(settings or Settings(**{"data_dir": tmp_path, **overrides}))
        opened.append(rt)
        rt.tenancy.provision()
        return rt

    yield make
    for rt in reversed(opened):
        rt.close()


@pytest.fixture
def runtime(request: pytest.FixtureRequest, make_runtime: MakeRuntime) -> Runtime:
    """The test's runtime: the app's when the test uses ``app``, else one embedded in tmp_path.

    The factories (tests/factories.py) write through it, so a test using ``app`` and a
    factory sees what the factory made through the API; a test using ``store_url`` gets it
    on each back end.
    """
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        return app.extensions["canxie"].runtime  # type: ignore[no-any-return]
    if "store_url" in request.fixturenames:  # the test asks for each back end in turn
        return make_runtime(database_url=request.getfixturevalue("store_url"))
    return make_runtime()


@pytest.fixture
def hosted_runtime(make_runtime: MakeRuntime, pg_url: str) -> Runtime:
    """A runtime on this test's PostgreSQL database (no broker)."""
    return make_runtime(database_url=pg_url)


@pytest.fixture
def hosted_tenancy(pg_url: str, tmp_path: Path) -> Iterator[Tenancy]:
    """The district stores alone on this test's PostgreSQL database, provisioned."""
    tenancy = Tenancy(open_database(pg_url, tmp_path))
    tenancy.provision()
    yield tenancy
    tenancy.close()


# -- the clock ---------------------------------------------------------------------------------


class Calendar(SetClock):
    """The day the system thinks it is (events are stamped at 10:00 in Zhengzhou)."""

    def __init__(self, day: date = date(2020, 10, 1)) -> None:
        super().__init__(day)


@contextlib.contextmanager
def stamping(cal: Calendar) -> Iterator[Calendar]:
    """Events triggered inside, outside any district command too (an aggregate a test builds
    itself), are stamped on ``cal.day`` (for fixtures wider than a test)."""
    with clock_stamping(cal):
        yield cal


@pytest.fixture
def calendar() -> Iterator[Calendar]:
    """Events are stamped on ``calendar.day`` (1 October 2020 until the test moves it).

    A district made with ``make_district(..., clock=calendar)`` runs its commands on it.
    """
    with stamping(Calendar()) as cal:
        yield cal
