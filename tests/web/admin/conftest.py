"""The administration pages' world: the browser tests' district (tests/web/world.py) served on
its own, with its township named, a city administrator and the district's administrator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import factories
from tests.factories import SEED
from tests.plugin import embedded_app
from tests.web.world import DISTRICT, OTHER_VILLAGE, VILLAGE, World, build, served

TOWNSHIP = VILLAGE[:9]
#: (login, role, district): the administrators of these pages.
ADMINISTRATORS = (
    ("city-admin", "city_admin", None),
    ("district-admin", "district_admin", DISTRICT),
)


@pytest.fixture(scope="session")
def admin_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The district of the browser tests with its administrators."""
    data_dir: Path = tmp_path_factory.mktemp("admin")
    with embedded_app(data_dir) as app, served(app) as url:
        world = build(app, url)
        runtime = app.extensions["canxie"].runtime
        records = runtime.tenancy.records(DISTRICT)
        named = ((TOWNSHIP, "测试街道"), (VILLAGE, "东社区"), (OTHER_VILLAGE, "西社区"))
        for code, name in named:
            records.record_division(code=code, name=name, effective_on=None, by=SEED)
        for login, role, district in ADMINISTRATORS:
            factories.person_account(
                runtime.accounts, role, login=login, name=f"管理员 {login}", district=district
            )
            world.logins[login] = login
        runtime.catch_up(DISTRICT)
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
