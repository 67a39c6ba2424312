"""The association's rules (S3.3, S3.6), without any infrastructure."""

from __future__ import annotations

from datetime import date

import pytest

from aggregates.association.association import OfficerRole
from aggregates.errors import InvalidValue, InvariantViolated, NotFound
from tests.factories import BY, TODAY, appoint, new_association


def test_second_sitting_chair_is_refused() -> None:
    association = new_association()
    appoint(association, OfficerRole.CHAIR)
    with pytest.raises(InvariantViolated) as refused:
        appoint(association, OfficerRole.CHAIR)
    assert refused.value.field == "role"


def test_a_removed_chair_can_be_replaced() -> None:
    association = new_association()
    chair = appoint(association, OfficerRole.CHAIR)
    association.remove_officer(
        officer_id=chair, removed_on=date(2022, 1, 1), reason="换届", today=TODAY, by=BY
    )
    appoint(association, OfficerRole.CHAIR, name="李四")
    assert [o.name for o in association.sitting(OfficerRole.CHAIR)] == ["李四"]


@pytest.mark.parametrize(
    ("role", "maximum"), [(OfficerRole.VICE_CHAIR, 3), (OfficerRole.COMMITTEE_MEMBER, 5)]
)
def test_maximum_sitting_per_role_is_enforced(role: OfficerRole, maximum: int) -> None:
    association = new_association()
    for n in range(maximum):
        appoint(association, role, name=f"人{n}")
    with pytest.raises(InvariantViolated):
        appoint(association, role, name="多一个")
    assert len(association.sitting(role)) == maximum


def test_only_committee_members_can_be_full_time() -> None:
    association = new_association()
    appoint(association, OfficerRole.COMMITTEE_MEMBER, full_time=True)
    with pytest.raises(InvariantViolated) as refused:
        appoint(association, OfficerRole.VICE_CHAIR, full_time=True)
    assert refused.value.field == "full_time"


def test_minimums_are_not_errors() -> None:
    association = new_association()
    appoint(association, OfficerRole.CHAIR)
    assert len(association.sitting(OfficerRole.VICE_CHAIR)) == 0  # a finding later, not a refusal


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"established_on": date(2025, 1, 1)}, "established_on"),
        ({"township_code": "410102002"}, "township_code"),
    ],
)
def test_establishment_dates_and_codes_are_checked(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        new_association(**overrides)
    assert refused.value.field == field


def test_appointment_dates_are_checked() -> None:
    association = new_association()
    with pytest.raises(InvalidValue):
        appoint(association, OfficerRole.CHAIR, appointed_on=date(2021, 2, 28))
    with pytest.raises(InvalidValue):
        appoint(association, OfficerRole.CHAIR, appointed_on=date(2024, 6, 2))


def test_removal_rules() -> None:
    association = new_association()
    member = appoint(association, OfficerRole.COMMITTEE_MEMBER)
    with pytest.raises(InvalidValue):
        association.remove_officer(
            officer_id=member, removed_on=date(2021, 3, 31), reason="x", today=TODAY, by=BY
        )
    association.remove_officer(
        officer_id=member, removed_on=date(2021, 5, 1), reason="x", today=TODAY, by=BY
    )
    with pytest.raises(InvariantViolated):
        association.remove_officer(
            officer_id=member, removed_on=date(2021, 6, 1), reason="x", today=TODAY, by=BY
        )
    with pytest.raises(NotFound):
        association.remove_officer(
            officer_id=association.id, removed_on=date(2021, 6, 1), reason="x", today=TODAY, by=BY
        )


def test_every_event_carries_its_provenance() -> None:
    association = new_association()
    appoint(association, OfficerRole.CHAIR)
    events = association.collect_events()
    assert [type(e).__name__ for e in events] == ["Established", "OfficerAppointed"]
    assert all(e.by == BY for e in events)  # type: ignore[attr-defined]
