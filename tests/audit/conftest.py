"""A district with a signed ledger, on SQLite (a file under tmp_path) and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from aggregates.association import Association, OfficerRole
from aggregates.provenance import Provenance
from projections import ledger
from projections.tree_heads import load_private_key, new_private_key_seed
from tests.seeding import SEEDER
from workers.runtime import Runtime
from workers.settings import Settings

DISTRICT = "410102"


@pytest.fixture
def seed() -> str:
    """A signing-key seed of this test."""
    return new_private_key_seed()


@pytest.fixture(params=["sqlite", "postgresql"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path, seed: str) -> Iterator[Runtime]:
    """A runtime on the back end of the parameter, with one empty district."""
    database_url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", signing_key=seed)
    rt = Runtime.open(settings)
    rt.tenancy.provision()
    rt.tenancy.create_district(DISTRICT, "金水区", Provenance(actor="test"))
    ledger.forget_cache()
    yield rt
    ledger.forget_cache()
    rt.close()


def add_events(rt: Runtime, *, associations: int, cycles: int = 2) -> None:
    """New associations, each with 1 + 2 * cycles events, saved one association at a time.

    Like tests/seeding.py, but numbering villages after those already there.
    """
    records = rt.tenancy.records(DISTRICT)
    first = records.head_position() + 1
    for n in range(associations):
        division = f"{DISTRICT}{first + n:06d}"
        association = Association.establish(
            division_code=division,
            name=f"{division}残协",
            township_code=division[:9],
            established_on=date(2021, 1, 1),
            today=date(2026, 1, 1),
            by=SEEDER.as_dict(),
        )
        for cycle in range(cycles):
            officer = association.appoint_officer(
                name=f"委员{cycle}",
                role=OfficerRole.COMMITTEE_MEMBER,
                full_time=cycle % 2 == 0,
                backgrounds=[],
                appointed_on=date(2021, 2, 1),
                today=date(2026, 1, 1),
                by=SEEDER.as_dict(),
            )
            association.remove_officer(
                officer_id=officer,
                removed_on=date(2021, 3, 1),
                reason="轮换",
                today=date(2026, 1, 1),
                by=SEEDER.as_dict(),
            )
        records.save(association)


def grow(rt: Runtime, *, associations: int, cycles: int = 2) -> None:
    """Append events, project them and sign a head of them."""
    add_events(rt, associations=associations, cycles=cycles)
    rt.catch_up(DISTRICT)
    key = load_private_key(rt.settings.signing_key or "")
    assert ledger.sign_head(rt.db, DISTRICT, key) is not None
