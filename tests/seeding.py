"""Filling a district with many events quickly, through the real domain code."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from aggregates.association.association import Association, OfficerRole
from aggregates.provenance import Provenance
from projections.platform.tenancy import Tenancy

SEEDER = Provenance(actor="test-seeder", request_id="seed")


def appoint_member(association: Association, name: str, *, full_time: bool = False) -> UUID:
    """A committee member appointed on 1 February 2021 (one event); returns the officer's id."""
    officer: UUID = association.appoint_officer(
        name=name,
        role=OfficerRole.COMMITTEE_MEMBER,
        full_time=full_time,
        backgrounds=[],
        appointed_on=date(2021, 2, 1),
        today=date(2026, 1, 1),
        by=SEEDER,
    )
    return officer


def remove_member(association: Association, officer: UUID) -> None:
    """The member removed again on 1 March 2021 (one event)."""
    association.remove_officer(
        officer_id=officer,
        removed_on=date(2021, 3, 1),
        reason="轮换",
        today=date(2026, 1, 1),
        by=SEEDER,
    )


def seed_district(
    tenancy: Tenancy, district: str, *, associations: int, cycles: int, first_village: int = 1001
) -> dict[str, int]:
    """Associations each with ``cycles`` appointment/removal pairs; returns id -> version.

    Each association is saved in one transaction, so the log fills fast; every association
    has 2 events of its own per cycle plus its creation (and a claim event beside it).
    """
    records = tenancy.records(district)
    versions: dict[str, int] = {}
    for n in range(associations):
        division = f"{district}{first_village + n:06d}"
        association = Association.establish(
            division_code=division,
            name=f"{division}残协",
            township_code=division[:9],
            established_on=date(2021, 1, 1),
            today=date(2026, 1, 1),
            by=SEEDER,
        )
        for cycle in range(cycles):
            officer = appoint_member(association, f"委员{cycle}", full_time=cycle % 2 == 0)
            remove_member(association, officer)
        records.save(association)
        versions[str(association.id)] = association.version
    return versions
