"""Commands use cached copies without asking the store for newer events, yet never act on a
stale copy: two "processes" (two applications on one store) each keep their own cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from aggregates.association.association import OfficerRole
from aggregates.store.district import DistrictRecords
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.seeding import SEEDER

DISTRICT = "410106"


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[DistrictRecords, DistrictRecords]]:
    first = Tenancy(open_database(None, tmp_path))
    first.provision()
    first.create_district(DISTRICT, "上街区", SEEDER)
    second = Tenancy(open_database(None, tmp_path))
    yield first.records(DISTRICT), second.records(DISTRICT)
    first.close()
    second.close()


def establish(records: DistrictRecords) -> UUID:
    saved = records.establish_association(
        division_code=f"{DISTRICT}001001",
        name="社区残协",
        township_code=f"{DISTRICT}001",
        established_on=date(2021, 1, 1),
        by=SEEDER,
    )
    assert saved.id is not None
    return saved.id


def appoint(
    records: DistrictRecords,
    association: UUID,
    role: OfficerRole,
    name: str,
    on: date = date(2021, 4, 1),
) -> UUID:
    saved = records.appoint_officer(
        association,
        name=name,
        role=role,
        full_time=False,
        backgrounds=[],
        appointed_on=on,
        by=SEEDER,
    )
    assert saved.id is not None  # the new officer's id
    return saved.id


def store_reads(records: DistrictRecords, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """Record every read of an aggregate's events from the store."""
    reads: list[UUID] = []
    original = records.repository.event_store.get

    def counted(originator_id: UUID, **kwargs: Any) -> Any:
        reads.append(originator_id)
        return original(originator_id, **kwargs)

    monkeypatch.setattr(records.repository.event_store, "get", counted)
    return reads


def test_a_command_on_a_cached_aggregate_reads_nothing_from_the_store(
    two_processes: tuple[DistrictRecords, DistrictRecords], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = two_processes
    association = establish(a)
    appoint(a, association, OfficerRole.CHAIR, "张主席")
    reads = store_reads(a, monkeypatch)
    appoint(a, association, OfficerRole.COMMITTEE_MEMBER, "李委员", date(2021, 4, 2))
    appoint(a, association, OfficerRole.COMMITTEE_MEMBER, "王委员", date(2021, 4, 3))
    assert reads == []


def test_a_stale_copy_loses_its_save_and_the_command_runs_again_on_a_fresh_one(
    two_processes: tuple[DistrictRecords, DistrictRecords],
) -> None:
    a, b = two_processes
    association = establish(a)
    a.association(association)  # cached in "process" a
    appoint(b, association, OfficerRole.COMMITTEE_MEMBER, "李委员", date(2021, 4, 2))
    appoint(a, association, OfficerRole.COMMITTEE_MEMBER, "王委员", date(2021, 4, 3))
    names = {o.name for o in b.association(association).officers.values()}
    assert names == {"李委员", "王委员"}


def test_a_refusal_is_never_based_on_a_stale_copy(
    two_processes: tuple[DistrictRecords, DistrictRecords],
) -> None:
    a, b = two_processes
    association = establish(a)
    chair = appoint(a, association, OfficerRole.CHAIR, "张主席")  # a's cache: a chair sits
    b.remove_officer(association, chair, removed_on=date(2021, 5, 1), reason="调离", by=SEEDER)
    # On a's stale copy a second chair is refused; on the fresh copy it is right.
    appoint(a, association, OfficerRole.CHAIR, "赵主席", date(2021, 5, 2))
    sitting = [o.name for o in b.association(association).sitting(OfficerRole.CHAIR)]
    assert sitting == ["赵主席"]


def test_a_cached_copy_that_is_read_but_not_saved_sends_the_command_round_again(
    two_processes: tuple[DistrictRecords, DistrictRecords], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_processes
    association = establish(a)
    a.association(association)
    appoint(b, association, OfficerRole.COMMITTEE_MEMBER, "李委员", date(2021, 4, 2))
    seen: list[int] = []

    def attempt() -> tuple[list[Any], None]:
        seen.append(a.association(association).version)  # read only: nothing to save
        return [], None

    a.retrying(attempt)
    assert seen == [1, 2]  # the cached copy first, then the store's newer one
