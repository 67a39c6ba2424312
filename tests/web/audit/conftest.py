"""The audit pages' world: the browser tests' district (tests/web/world.py) served on its own,
with a vice-chair appointed and later removed (with a reason) by a district administrator, two
tree heads signed by the deployment's key (before and after the removal), an unmasked read
of a person's data, and the accounts that may read the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from aggregates.association.association import OfficerRole
from aggregates.provenance import Provenance
from tests import factories
from tests.plugin import embedded_app
from tests.web.world import DISTRICT, World, build, served
from workers.signing import sign_district

#: The district administrator who made the changes the auditor follows.
ADMIN = Provenance(
    actor="admin-zhongyuan",
    role="district_admin",
    organisation="中原区残联",
    request_id="audit-test",
    reason="换届选举",
)
#: A second district, outside the district administrator's scope.
OTHER_DISTRICT = "410103"
#: (login, role, district) of the accounts reading the trail besides the world's auditor.
READERS = (("district-admin", "district_admin", DISTRICT), ("city-admin", "city_admin", None))


@dataclass(frozen=True)
class Audited:
    """The world, the association whose history is followed, the two heads' sizes."""

    world: World
    association_id: str
    first_size: int
    second_size: int


def _changes(world: World) -> tuple[int, int]:
    """A vice-chair appointed, a head signed, the vice-chair removed, a head signed."""
    runtime = world.app.extensions["canxie"].runtime
    records = runtime.tenancy.records(DISTRICT)
    association = UUID(world.association_id)
    saved = records.appoint_officer(
        association,
        name="李副主席",
        role=OfficerRole.VICE_CHAIR,
        full_time=False,
        backgrounds=[],
        appointed_on=date(2022, 3, 1),
        by=ADMIN,
    )
    runtime.catch_up(DISTRICT)
    first = sign_district(runtime, DISTRICT)
    records.remove_officer(
        association, saved.id, removed_on=date(2023, 1, 15), reason="调离本村", by=ADMIN
    )
    runtime.catch_up(DISTRICT)
    second = sign_district(runtime, DISTRICT)
    assert first is not None and second is not None
    return first.tree_size, second.tree_size


@contextmanager
def audit_world(data_dir: Path) -> Iterator[Audited]:
    """The district with its changes, two signed heads, a recorded unmasked read, served."""
    with embedded_app(data_dir) as app, served(app) as url:
        world = build(app, url)
        runtime = app.extensions["canxie"].runtime
        factories.district(runtime.tenancy, OTHER_DISTRICT)
        for login, role, district in READERS:
            factories.person_account(
                runtime.accounts, role, login=login, name=login, district=district
            )
            world.logins[login] = login
        first, second = _changes(world)
        runtime.accounts.record_unmasked_read(
            actor="worker-wangfang",
            role="association_worker",
            organisation="东社区残协",
            district=DISTRICT,
            subject_kind="person",
            subject_id=world.person_ids[2],
            fields=["phone", "resident_id"],
            reason="核实低保申请",
            request_id="audit-test",
        )
        yield Audited(world, world.association_id, first, second)


@pytest.fixture(scope="session")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Audited]:
    """The audit pages' world, for the session."""
    with audit_world(tmp_path_factory.mktemp("audit")) as found:
        yield found
