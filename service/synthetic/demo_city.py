"""The city ``canxie serve --demo`` loads: three districts of synthetic villages, dated so that
their records are fresh on the day it is loaded, an open inspection, one account per role.

Seven of the sixteen associations meet every rule of the plan; each of the other nine is short
of exactly one rule, a different one each (``DEFECTS``), so a first look shows green, and red
where there is something to do: the village worker's association has a household overdue for
its home visit, its township an open inspection listing the problems found.  Each district
also has one village without an association yet (S2).  Written through the domain code, once:
loading again changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from aggregates.association.association import DivisionClaim, division_claim_id
from aggregates.campaign.inspection import InspectionKind
from service.admin import application as admin
from service.application import campaign, operator
from service.application.sign_in import new_one_time_password
from service.http.access import Role
from service.synthetic.villages import (
    COMPLIANT,
    GENERATOR,
    Timeline,
    townships,
    village_codes,
    write_district,
)

if TYPE_CHECKING:
    from workers.runtime import Runtime

#: (code, name, the profile of each association in village order).  Villages alternate
#: between the district's first two townships; one more village has no association.
DISTRICTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "410102",
        "中原区",
        (
            COMPLIANT,
            COMPLIANT,
            "S3.5-visits-on-time",  # the village worker's: a household overdue for a visit
            "S3.3-vice-chairs",
            "S3.7-officers-trained",
            COMPLIANT,
        ),
    ),
    (
        "410103",
        "二七区",
        (COMPLIANT, "S3.6-full-time-member", "S3.4-service-venue", COMPLIANT, "S3.5-evaluated"),
    ),
    (
        "410122",
        "中牟县",
        (
            COMPLIANT,
            "S3.3-committee-members",
            "S3.3-everyone-in-a-group",
            "S3.5-duties-and-rules-on-wall",
            COMPLIANT,
        ),
    ),
)
#: The district the accounts below work in, and its township and village of the worker.
HOME = DISTRICTS[0][0]
WORKER_VILLAGE = 2
PERSONS_PER_VILLAGE = 24
VISITS_PER_HOUSEHOLD = 4
SEED = 14

#: (login, role, organisation, name): one account per role, scoped to the home district, the
#: worker's township and the worker's association where the role has a scope.
ACCOUNTS = (
    ("city-admin", Role.CITY_ADMIN, "郑州市残联", "管理员"),
    ("auditor", Role.BUREAU_AUDITOR, "郑州市民政局", "审计员"),
    ("district-admin", Role.DISTRICT_ADMIN, "中原区残联", "王芳"),
    ("township-officer", Role.TOWNSHIP_OFFICER, "{township}残联", "李强"),
    ("village-worker", Role.ASSOCIATION_WORKER, "{village}残协", "刘洋（专职委员）"),
    ("inspector", Role.INSPECTOR, "中原区残联", "督查员 陈明"),
)


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as printed: its one-time password is shown this once."""

    login: str
    role: Role
    name: str
    organisation: str
    one_time_password: str


def _write_district(runtime: Runtime, code: str, name: str, profiles: tuple[str, ...]) -> None:
    """The district's villages (one more than its associations), as fresh as today."""
    runtime.tenancy.create_district(code, name, GENERATOR)
    records = runtime.tenancy.records(code)
    clock = records.clock
    write_district(
        records,
        random.Random(f"{SEED}-{code}"),
        district=code,
        district_name=name,
        codes=village_codes(len(profiles) + 1, code, spread=2),
        people=[PERSONS_PER_VILLAGE] * len(profiles),
        by=GENERATOR,
        profiles=profiles,
        visits_per_household=VISITS_PER_HOUSEHOLD,
        timeline=Timeline(runtime.clock.today()),
    )
    records.clock = clock  # commands from now on see the runtime's today again
    runtime.catch_up(code)


def association_in(runtime: Runtime, village: str) -> UUID:
    """The id of the association a village's claim names."""
    claim = runtime.tenancy.records(village[:6]).repository.get(division_claim_id(village))
    assert isinstance(claim, DivisionClaim)
    return UUID(str(claim.association_id))


def _open_inspection(runtime: Runtime, township: str, villages: list[str]) -> None:
    """A supervision of the township a week ago, still open, its problems from the rules."""
    today = runtime.clock.today()
    campaign.open_inspection(
        operator(runtime),
        HOME,
        kind=InspectionKind.SUPERVISION.value,
        title="季度督查（演示）",
        inspected_on=today - timedelta(days=7),
        township_code=township,
        inspectors=["督查员 陈明"],
        association_ids=[association_in(runtime, v) for v in villages],
        from_rules=True,
        problems=[],
    )


def _accounts(
    runtime: Runtime, township: tuple[str, str], village: tuple[str, str]
) -> list[DemoAccount]:
    """One account per role, each with a one-time password."""
    worker_association = association_in(runtime, village[0])
    scopes: dict[Role, dict[str, str | None]] = {
        Role.DISTRICT_ADMIN: {"district": HOME},
        Role.TOWNSHIP_OFFICER: {"district": HOME, "township": township[0]},
        Role.ASSOCIATION_WORKER: {"district": HOME, "association_id": str(worker_association)},
        Role.INSPECTOR: {"district": HOME},
    }
    made = []
    for login, role, organisation, name in ACCOUNTS:
        organisation = organisation.format(township=township[1], village=village[1])
        password = new_one_time_password()
        admin.add_user(
            operator(runtime),
            role=role,
            valid_days=30,
            login=login,
            one_time_password=password,
            name=f"{organisation} {name}",
            organisation=organisation,
            **scopes.get(role, {}),
        )
        made.append(DemoAccount(login, role, name, organisation, password))
    return made


def load_demo_city(runtime: Runtime) -> list[DemoAccount] | None:
    """Write the demo city and its accounts; None when it is there already."""
    if runtime.tenancy.catalog.find(HOME) is not None:
        return None
    for code, name, profiles in DISTRICTS:
        _write_district(runtime, code, name, profiles)
    villages = village_codes(len(DISTRICTS[0][2]) + 1, HOME, spread=2)
    with_association = [code for code, _ in villages[: len(DISTRICTS[0][2])]]
    village = villages[WORKER_VILLAGE]
    (township,) = [t for t in townships(HOME) if t[0] == village[0][:9]]
    _open_inspection(runtime, township[0], [c for c in with_association if c[:9] == township[0]])
    return _accounts(runtime, township, village)
