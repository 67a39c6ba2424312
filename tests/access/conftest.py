"""The access tests' city (tests/access/world.py), fresh for each test."""

from __future__ import annotations

import pytest

from tests.access.world import World, build_world
from tests.plugin import MakeApp


@pytest.fixture
def world(make_app: MakeApp) -> World:
    """Districts A and B with an association, a person and care records in every place."""
    return build_world(make_app())
