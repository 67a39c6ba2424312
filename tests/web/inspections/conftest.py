"""The inspection and acceptance pages' world: the browser tests' district (tests/web/world.py)
served on its own, so the problems found here leave the worker's other tests untouched; its
township and villages named in the register, an inspector and a district administrator of the
district, and the three co-signers of the joint acceptance (city-wide)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import factories
from tests.factories import SEED
from tests.plugin import embedded_app
from tests.web.world import DISTRICT, OTHER_VILLAGE, VILLAGE, World, build, served

TOWNSHIP = VILLAGE[:9]
TOWNSHIP_NAME = "测试街道"
#: (login, role, organisation, name): the supervisors of these pages.
SUPERVISORS = (
    ("inspector", "inspector", "中原区残联", "督查员 陈明"),
    ("district-admin", "district_admin", "中原区残联", "区残联 王芳"),
    ("federation", "city_admin", "市残联", "市残联 张主任"),
    ("governance", "city_admin", "市委社治委", "社治委 李处长"),
    ("bureau", "city_admin", "市民政局", "民政局 赵科长"),
)


@pytest.fixture(scope="session")
def inspect_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The district of the browser tests, with its divisions named and the supervisors."""
    data_dir: Path = tmp_path_factory.mktemp("inspections")
    with embedded_app(data_dir) as app, served(app) as url:
        world = build(app, url)
        runtime = app.extensions["canxie"].runtime
        records = runtime.tenancy.records(DISTRICT)
        named = ((TOWNSHIP, TOWNSHIP_NAME), (VILLAGE, "东社区"), (OTHER_VILLAGE, "西社区"))
        for code, name in named:
            records.record_division(code=code, name=name, effective_on=None, by=SEED)
        for login, role, organisation, name in SUPERVISORS:
            district = DISTRICT if role != "city_admin" else None
            factories.person_account(
                runtime.accounts,
                role,
                login=login,
                name=name,
                district=district,
                organisation=organisation,
            )
            world.logins[login] = login
        runtime.catch_up(DISTRICT)
        yield world
