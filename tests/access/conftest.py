"""The access tests' city (tests/access/world.py), fresh for each test."""

from __future__ import annotations

import pytest

from tests.access.sign_in_clock import Watch
from tests.access.world import World, build_world
from tests.plugin import MakeApp


@pytest.fixture
def world(make_app: MakeApp) -> World:
    """Districts A and B with an association, a person and care records in every place."""
    return build_world(make_app())


@pytest.fixture
def watch() -> Watch:
    """The time a sign-in test's runtime runs on: 1 October 2020, 10:00, until it waits."""
    return Watch()
