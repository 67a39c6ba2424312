"""The administration pages' world: the browser tests' district (tests/web/world.py) served on
its own, with its township named, a city administrator and the district's administrator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.world import DISTRICT, World, named_world

#: (login, role, district): the administrators of these pages.
ADMINISTRATORS = (
    ("city-admin", "city_admin", None),
    ("district-admin", "district_admin", DISTRICT),
)


@pytest.fixture(scope="session")
def admin_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The district of the browser tests with its administrators."""
    accounts = (
        (login, role, {"name": f"管理员 {login}", "district": district})
        for login, role, district in ADMINISTRATORS
    )
    with named_world(tmp_path_factory.mktemp("admin"), accounts) as world:
        yield world


def form_fields(html: str, nth: int = 0) -> dict[str, str]:
    """The hidden CSRF token and submission key of the page's ``nth`` form with a key."""
    fields = {}
    for name in ("csrf_token", "submission_key"):
        marker = f'name="{name}" value="'
        parts = html.split(marker)
        index = nth + 1 if name == "submission_key" else 1
        fields[name] = parts[index].split('"')[0]
    return fields
