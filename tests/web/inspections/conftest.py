"""The inspection and acceptance pages' world: the browser tests' district (tests/web/world.py)
served on its own, so the problems found here leave the worker's other tests untouched; its
township and villages named in the register, an inspector and a district administrator of the
district, and the three co-signers of the joint acceptance (city-wide)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.world import DISTRICT, World, named_world

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
    accounts = (
        (
            login,
            role,
            {
                "name": name,
                "district": DISTRICT if role != "city_admin" else None,
                "organisation": organisation,
            },
        )
        for login, role, organisation, name in SUPERVISORS
    )
    with named_world(tmp_path_factory.mktemp("inspections"), accounts) as world:
        yield world
