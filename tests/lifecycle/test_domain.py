"""The lifecycle, full-time member and division rules, without any infrastructure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID

import pytest

from aggregates.association.association import (
    Association,
    FacilityKind,
    NewOfficer,
    OfficerRole,
    PayKind,
    PriorityGroup,
    SelectionMethod,
    Status,
)
from aggregates.association.training import TrainingMode, TrainingSession
from aggregates.divisions.division import (
    DivisionPart,
    DivisionRegister,
    TownshipKind,
    township_kind,
)
from aggregates.errors import Conflict, InvalidValue, InvariantViolated, NotFound
from tests.factories import BY, TODAY, appoint, new_association


def select(target: Association, officer: UUID, on: date = date(2021, 5, 1)) -> UUID:
    return target.select_full_time(
        officer_id=officer,
        method=SelectionMethod.OPEN_RECRUITMENT,
        priority_group=PriorityGroup.DISABLED,
        selected_on=on,
        note="",
        today=TODAY,
        by=BY,
    )


def subsidy(target: Association, officer: UUID, monthly: Decimal, from_on: date) -> None:
    """A monthly subsidy (补贴) paid to ``officer`` from ``from_on``."""
    pay = {"kind": PayKind.SUBSIDY, "monthly_amount": monthly, "from_on": from_on}
    target.arrange_pay(officer_id=officer, today=TODAY, by=BY, **pay)


# -- full-time members (S3.6) ---------------------------------------------------------------


def test_full_time_member_can_enter_exit_and_enter_again() -> None:
    target = new_association()
    member = appoint(target, OfficerRole.COMMITTEE_MEMBER)
    first = select(target, member)
    assert target.officers[member].full_time
    subsidy(target, member, Decimal("800"), date(2021, 5, 1))
    target.exit_full_time(
        officer_id=member, exited_on=date(2022, 1, 1), reason="外出务工", today=TODAY, by=BY
    )
    assert not target.officers[member].full_time
    second = select(target, member, date(2023, 1, 1))
    assert second != first and target.full_time[member][0] == second


def test_only_a_committee_member_is_selected_full_time() -> None:
    target = new_association()
    chair = appoint(target, OfficerRole.CHAIR)
    with pytest.raises(InvariantViolated) as refused:
        select(target, chair)
    assert refused.value.field == "officer_id"


def test_second_selection_of_a_sitting_full_time_member_is_refused() -> None:
    target = new_association()
    member = appoint(target, OfficerRole.COMMITTEE_MEMBER, full_time=True)
    with pytest.raises(InvariantViolated):
        select(target, member)


def test_pay_and_exit_need_a_full_time_member() -> None:
    target = new_association()
    member = appoint(target, OfficerRole.COMMITTEE_MEMBER)
    with pytest.raises(InvariantViolated):
        target.exit_full_time(officer_id=member, exited_on=TODAY, reason="x", today=TODAY, by=BY)
    with pytest.raises(InvariantViolated):
        subsidy(target, member, Decimal(1), TODAY)


def test_removing_a_full_time_member_ends_the_membership_in_the_same_event() -> None:
    target = new_association()
    member = appoint(target, OfficerRole.COMMITTEE_MEMBER)
    membership = select(target, member)
    target.remove_officer(
        officer_id=member, removed_on=date(2022, 1, 1), reason="迁出", today=TODAY, by=BY
    )
    removal = target.pending_events[-1]
    assert isinstance(removal, Association.OfficerRemoved)
    assert removal.ended_membership_id == membership
    assert member not in target.full_time


# -- lifecycle ------------------------------------------------------------------------------


def test_reelection_ends_the_old_offices_and_keeps_continuing_officers() -> None:
    target = new_association()
    chair = appoint(target, OfficerRole.CHAIR)
    leaving = appoint(target, OfficerRole.VICE_CHAIR, "李四", full_time=False)
    ids = target.reelect(
        started_on=date(2024, 4, 1),
        ends_on=date(2029, 3, 31),
        officers=[
            NewOfficer("张三", OfficerRole.CHAIR, continuing=chair),
            NewOfficer("王五", OfficerRole.COMMITTEE_MEMBER, full_time=True),
        ],
        today=TODAY,
        by=BY,
    )
    assert ids[0] == chair
    assert set(target.officers) == set(ids)
    assert leaving in target.former_officers
    assert target.term == 2
    assert target.full_time[ids[1]][1] == date(2024, 4, 1)


def test_reelection_with_two_chairs_is_refused() -> None:
    target = new_association()
    with pytest.raises(InvariantViolated) as refused:
        target.reelect(
            started_on=date(2024, 4, 1),
            ends_on=date(2029, 3, 31),
            officers=[NewOfficer("甲", OfficerRole.CHAIR), NewOfficer("乙", OfficerRole.CHAIR)],
            today=TODAY,
            by=BY,
        )
    assert refused.value.field == "officers"


def test_a_dissolved_association_takes_no_more_appointments() -> None:
    target = new_association()
    appoint(target, OfficerRole.CHAIR)
    target.dissolve(dissolved_on=date(2023, 1, 1), reason="村庄搬迁", today=TODAY, by=BY)
    assert target.status is Status.DISSOLVED and not target.officers
    with pytest.raises(InvariantViolated) as refused:
        appoint(target, OfficerRole.CHAIR, appointed_on=date(2023, 2, 1))
    assert refused.value.field == "association_id"


def test_merger_closes_one_and_records_it_on_the_other() -> None:
    source, target = new_association(), new_association()
    source.merge_into(target, merged_on=date(2023, 1, 1), reason="合并", today=TODAY, by=BY)
    assert source.status is Status.MERGED and source.merged_into == target.id
    assert isinstance(target.pending_events[-1], Association.Absorbed)
    with pytest.raises(InvariantViolated):
        new_association().merge_into(
            source, merged_on=date(2023, 2, 1), reason="x", today=TODAY, by=BY
        )


def test_facility_withdrawal_needs_a_current_facility_and_a_later_date() -> None:
    target = new_association()
    facility = target.record_facility(
        kind=FacilityKind.DUTIES_ON_WALL,
        description="职责上墙",
        recorded_on=date(2021, 6, 1),
        evidence="照片",
        today=TODAY,
        by=BY,
    )
    with pytest.raises(InvalidValue):
        target.withdraw_facility(
            facility_id=facility, withdrawn_on=date(2021, 5, 1), reason="x", today=TODAY, by=BY
        )
    target.withdraw_facility(
        facility_id=facility, withdrawn_on=date(2022, 5, 1), reason="改造", today=TODAY, by=BY
    )
    with pytest.raises(NotFound):
        target.withdraw_facility(
            facility_id=facility, withdrawn_on=date(2022, 6, 1), reason="x", today=TODAY, by=BY
        )


def test_training_attendance_needs_the_officer_in_office_that_day_and_once() -> None:
    target = new_association()
    chair = appoint(target, OfficerRole.CHAIR)
    session = TrainingSession.hold(
        district_code="410102",
        township_code=None,
        topic="政策",
        mode=TrainingMode.ONLINE,
        hours=2,
        held_on=date(2021, 3, 15),
        organiser="区残联",
        today=TODAY,
        by=BY,
    )
    attend = partial(
        target.attend_training,
        session_id=session.id,
        officer_id=chair,
        hours=2,
        session_hours=2,
        by=BY,
    )
    with pytest.raises(InvalidValue):  # before the appointment
        attend(held_on=session.held_on)
    attend(held_on=date(2021, 5, 1))
    with pytest.raises(Conflict):  # the same attendance again
        attend(held_on=date(2021, 5, 1))


# -- divisions ------------------------------------------------------------------------------


def register() -> DivisionRegister:
    book = DivisionRegister.open("410102", BY)
    book.record(code="410102001", name="林山寨街道", effective_on=None, today=TODAY, by=BY)
    book.record(code="410102001001", name="友谊社区", effective_on=None, today=TODAY, by=BY)
    book.record(code="410102001201", name="甲村", effective_on=None, today=TODAY, by=BY)
    return book


def test_township_kinds_come_from_their_names() -> None:
    assert township_kind("林山寨街道") is TownshipKind.STREET
    assert township_kind("须水镇") is TownshipKind.TOWN
    assert township_kind("古荥乡") is TownshipKind.TOWNSHIP
    assert township_kind("航空港区管委会") is TownshipKind.OTHER


def test_a_village_needs_its_township_in_the_same_district() -> None:
    book = register()
    with pytest.raises(InvalidValue, match="township"):
        book.record(code="410102002001", name="x", effective_on=None, today=TODAY, by=BY)
    with pytest.raises(InvalidValue, match="not in district"):
        book.record(code="410103001", name="x", effective_on=None, today=TODAY, by=BY)
    with pytest.raises(InvalidValue):
        book.record(code="410102000", name="x", effective_on=None, today=TODAY, by=BY)


def test_recording_again_is_a_no_op_but_another_name_conflicts() -> None:
    book = register()
    before = len(book.pending_events)
    book.record(code="410102001001", name="友谊社区", effective_on=None, today=TODAY, by=BY)
    assert len(book.pending_events) == before
    with pytest.raises(Conflict):
        book.record(code="410102001001", name="别名", effective_on=None, today=TODAY, by=BY)


def test_a_merge_retires_its_sources_and_a_split_its_village() -> None:
    book = register()
    name, created = book.check_merge(
        sources=["410102001001", "410102001201"],
        into_code="410102001002",
        into_name="合并社区",
        effective_on=date(2024, 1, 1),
        today=TODAY,
    )
    book.merge(
        sources=["410102001001", "410102001201"],
        into_code="410102001002",
        into_name=name,
        created=created,
        effective_on=date(2024, 1, 1),
        associations={},
        by=BY,
    )
    assert not book.divisions["410102001001"].active
    assert book.divisions["410102001002"].active
    parts = [DivisionPart("410102001003", "东"), DivisionPart("410102001004", "西")]
    book.check_split(code="410102001002", parts=parts, effective_on=date(2024, 3, 1), today=TODAY)
    book.split(
        code="410102001002", parts=parts, effective_on=date(2024, 3, 1), associations={}, by=BY
    )
    assert not book.divisions["410102001002"].active
    with pytest.raises(InvalidValue):  # a retired village cannot merge again
        book.check_merge(
            sources=["410102001001", "410102001003"],
            into_code="410102001003",
            into_name=None,
            effective_on=date(2024, 4, 1),
            today=TODAY,
        )
