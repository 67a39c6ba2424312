"""The care screens' world: its own data directory, served, so forms sent here change nothing
the other web tests count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.plugin import embedded_app
from tests.web.care.world import CareWorld, add_care, signed_in_client
from tests.web.world import build, served


@pytest.fixture(scope="session")
def care_screens_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CareWorld]:
    """tests/web/world.py's district with the care records, served for the session."""
    data_dir: Path = tmp_path_factory.mktemp("care")
    with embedded_app(data_dir) as app, served(app) as url:
        yield add_care(build(app, url))


@pytest.fixture
def worker_client(care_screens_world: CareWorld) -> FlaskClient:
    """A test client signed in as the village worker."""
    return signed_in_client(care_screens_world.world, care_screens_world.world.logins["worker"])
