"""The records a test starts from, made through the real stores (registered by tests/conftest.py).

Each factory fixture returns a callable bound to the test's ``runtime`` (tests/plugin.py: the
app's when the test uses ``app``), so a test says what it needs in one line:
``make_district("410102")``, ``make_association("410102001001")``,
``make_person("410102001001", 7)``, ``make_account("township_officer", district=...,
township=...)``.  Fixtures of a wider scope (a module's world) and hosted set-ups call the
plain functions below with the stores they opened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Protocol
from uuid import UUID

import pytest

from aggregates.association.association import Association, Background, FacilityKind, OfficerRole
from aggregates.association.training import TrainingMode
from aggregates.care.group import DisabilityCategory, GroupBasis
from aggregates.provenance import Provenance
from projections.platform.accounts import Accounts
from projections.platform.tenancy import Tenancy
from projections.platform.users import User
from tests.plugin import ADMIN, Calendar
from tests.roster.samples import details
from tests.seeding import SEEDER, seed_district
from workers.runtime import Runtime

#: Who made the records a test starts from.
SEED = Provenance(actor="test", role="city_admin", request_id="seed")


#: The domain's "today" where a test runs aggregates alone, without infrastructure.
TODAY = date(2024, 6, 1)
#: Provenance as the aggregates record it (``by``), where a test runs them alone.
BY: dict[str, Any] = {
    "actor": "test",
    "role": "system",
    "organisation": "",
    "request_id": "t",
    "reason": None,
}


class Saved(Protocol):
    """What a command of the district's records returns."""

    id: Any


# -- plain builders ---------------------------------------------------------------------------


def district(
    tenancy: Tenancy,
    code: str,
    name: str = "中原区",
    *,
    by: Provenance = SEED,
    clock: Calendar | None = None,
) -> Any:
    """A new district and its records; with ``clock`` the domain's "today" is its day."""
    tenancy.create_district(code, name, by)
    records = tenancy.records(code)
    if clock is not None:
        records.clock = clock
    return records


def association(
    tenancy: Tenancy,
    division: str,
    name: str | None = None,
    *,
    established_on: date = date(2021, 3, 1),
    by: Provenance = SEED,
) -> Saved:
    """A village's association (in the district and township its code names)."""
    saved: Saved = tenancy.records(division[:6]).establish_association(
        division_code=division,
        name=name or f"{division}残协",
        township_code=division[:9],
        established_on=established_on,
        by=by,
    )
    return saved


def chair(
    tenancy: Tenancy,
    association_id: Any,
    district_code: str,
    name: str,
    *,
    appointed_on: date = date(2021, 4, 1),
    by: Provenance = SEED,
    **extra: Any,
) -> Saved:
    """The association's chair (``extra``: ``phone`` and the other optional fields)."""
    saved: Saved = tenancy.records(district_code).appoint_officer(
        association_id,
        name=name,
        role=OfficerRole.CHAIR,
        full_time=False,
        backgrounds=[],
        appointed_on=appointed_on,
        by=by,
        **extra,
    )
    return saved


def person(
    tenancy: Tenancy,
    village: str,
    sequence: int,
    *,
    registered_on: date = date(2022, 3, 1),
    by: Provenance = SEED,
    **overrides: Any,
) -> Saved:
    """A registered person (tests/roster/samples.py's ``details``) living in ``village``."""
    saved: Saved = tenancy.records(village[:6]).register_person(
        details(village, sequence, **overrides), registered_on=registered_on, by=by
    )
    return saved


def account(accounts: Accounts, role: str, *, organisation: str = "test", **scope: Any) -> str:
    """An account of ``role`` in the given ``scope`` (``name``, ``district``, ``township``,
    ``association_id``, as :func:`user` takes them); returns a bearer token valid for a day."""
    made = user(accounts, role, organisation=organisation, **scope)
    return str(accounts.issue_token(made.id, valid_for=timedelta(days=1)).token)


def user(
    accounts: Accounts,
    role: str,
    *,
    name: str | None = None,
    district: str | None = None,
    township: str | None = None,
    association_id: str | None = None,
    organisation: str = "",
    created_by: str = "test",
    login: str | None = None,
    password: str | None = None,
) -> User:
    """An account of ``role`` in the given scope (none: the whole city), named for its role
    unless ``name`` says; ``password`` is the one-time password of a ``login``."""
    return accounts.add_user(
        name=name or role,
        role=role,
        district=district,
        township=township,
        association_id=association_id,
        organisation=organisation,
        created_by=created_by,
        login=login,
        one_time_password=password,
    )


#: The password :func:`person_account` gives when the test names none.
PASSWORD = "绿色的山-green hills 7"


def person_account(
    accounts: Accounts,
    role: str,
    *,
    login: str,
    password: str = PASSWORD,
    one_time: bool = False,
    organisation: str = "test",
    **scope: Any,
) -> str:
    """An account that signs in as ``login`` with ``password``: already its own, or, with
    ``one_time``, the one-time password it must change first; ``scope`` as :func:`account`
    takes it.  Returns the user id."""
    made = user(accounts, role, organisation=organisation, login=login, password=password, **scope)
    if not one_time:
        accounts.set_password(made.id, password, one_time=False, by="test", because="test")
    return made.id


def district_through_api(client: Any, code: str, name: str = "中原区") -> str:
    """A district with one association made through the API (a Flask test client acting as
    the bootstrap administrator); returns the association's id."""
    created = client.post("/api/v1/districts", json={"code": code, "name": name}, headers=ADMIN)
    assert created.status_code == 201, created.get_data(as_text=True)
    association = client.post(
        f"/api/v1/districts/{code}/associations",
        headers=ADMIN,
        json={
            "division_code": f"{code}001001",
            "name": "残协",
            "township_code": f"{code}001",
            "established_on": "2021-01-01",
        },
    )
    assert association.status_code == 201, association.get_data(as_text=True)
    return str(association.get_json()["id"])


def seeded_district(
    tenancy: Tenancy, code: str, name: str, *, associations: int, cycles: int
) -> dict[str, int]:
    """A new district holding ``associations`` x (1 + 2 x ``cycles``) events, none projected."""
    tenancy.create_district(code, name, SEEDER)
    return seed_district(tenancy, code, associations=associations, cycles=cycles)


# -- aggregates alone, without infrastructure ---------------------------------------------------


def new_association(**overrides: Any) -> Association:
    """A village association established on 1 March 2021 (``overrides``: its fields)."""
    fields: dict[str, Any] = {
        "division_code": "410102001001",
        "name": "友谊社区残协",
        "township_code": "410102001",
        "established_on": date(2021, 3, 1),
        "today": TODAY,
        "by": BY,
        **overrides,
    }
    return Association.establish(**fields)


def appoint(target: Association, role: OfficerRole, name: str = "张三", **overrides: Any) -> UUID:
    """An officer with a disability appointed on 1 April 2021; returns the officer's id."""
    fields: dict[str, Any] = {
        "name": name,
        "role": role,
        "full_time": False,
        "backgrounds": [Background.DISABLED],
        "appointed_on": date(2021, 4, 1),
        "today": TODAY,
        "by": BY,
        **overrides,
    }
    officer: UUID = target.appoint_officer(**fields)
    return officer


def training(records: Any, held_on: date, *, by: Any = SEED, **overrides: Any) -> Saved:
    """A training session the whole district held on ``held_on``: four hours offline on the
    association's basics, organised by the district's federation, unless ``overrides`` say."""
    fields = {
        "township_code": None,
        "topic": "残协工作基本知识",
        "mode": TrainingMode.OFFLINE,
        "hours": 4.0,
        "organiser": "中原区残联",
    }
    saved: Saved = records.hold_training(held_on=held_on, by=by, **(fields | overrides))
    return saved


def category_group(records: Any, association: UUID, formed_on: date, **overrides: Any) -> Saved:
    """A group of the persons of one disability category (physical unless ``category`` says)
    that ``association`` formed on ``formed_on``; ``name`` and ``by`` may be given too."""
    fields = {"name": "肢残小组", "category": DisabilityCategory.PHYSICAL, "by": SEED} | overrides
    basis = GroupBasis.CATEGORY
    saved: Saved = records.form_group(
        association, basis=basis, area=None, formed_on=formed_on, **fields
    )
    return saved


def facility(
    records: Any, association: UUID, recorded_on: date, description: str, **overrides: Any
) -> Saved:
    """A facility of ``association`` recorded on ``recorded_on``: a service venue with a photo
    as evidence, by the seeder, unless ``overrides`` (``kind``, ``evidence``, ``by``) say."""
    fields = {"kind": FacilityKind.SERVICE_VENUE, "evidence": "照片", "by": SEED} | overrides
    saved: Saved = records.record_facility(
        association, description=description, recorded_on=recorded_on, **fields
    )
    return saved


# -- factory fixtures --------------------------------------------------------------------------


@pytest.fixture
def make_district(runtime: Runtime) -> Callable[..., Any]:
    """``make_district(code, name="中原区", *, by=SEED, clock=None)`` -> the district's records."""
    return lambda *args, **kwargs: district(runtime.tenancy, *args, **kwargs)


@pytest.fixture
def make_association(runtime: Runtime) -> Callable[..., Saved]:
    """``make_association(division, name=None, *, established_on=2021-03-01, by=SEED)``."""
    return lambda *args, **kwargs: association(runtime.tenancy, *args, **kwargs)


@pytest.fixture
def make_person(runtime: Runtime) -> Callable[..., Saved]:
    """``make_person(village, sequence, *, registered_on=2022-03-01, by=SEED, **details)``."""
    return lambda *args, **kwargs: person(runtime.tenancy, *args, **kwargs)


@pytest.fixture
def make_account(runtime: Runtime) -> Callable[..., str]:
    """``make_account(role, *, district=None, township=None, association_id=None)`` -> token."""
    return lambda *args, **kwargs: account(runtime.accounts, *args, **kwargs)


@pytest.fixture
def make_person_account(runtime: Runtime) -> Callable[..., str]:
    """``make_person_account(role, *, login, password=PASSWORD, one_time=False, district=None,
    township=None, association_id=None)`` -> the user id of an account that signs in."""
    return lambda *args, **kwargs: person_account(runtime.accounts, *args, **kwargs)


@pytest.fixture
def make_seeded_district(runtime: Runtime) -> Callable[..., dict[str, int]]:
    """``make_seeded_district(code, name, *, associations, cycles)``: a district full of events.

    Each association has its creation and ``cycles`` appointment/removal pairs
    (tests/seeding.py), none of them projected yet; returns association id -> version.
    """

    return lambda *args, **kwargs: seeded_district(runtime.tenancy, *args, **kwargs)
