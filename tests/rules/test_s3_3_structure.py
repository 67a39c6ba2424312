"""S3.3: one chair, two or three vice-chairs, three to five committee members, every rostered
person in a group; the maxima refused at command time, the minima found by compliance."""

from __future__ import annotations

from datetime import date

import pytest

from aggregates.association.association import OfficerRole, maximum_sitting
from aggregates.errors import InvariantViolated, SecondChair
from aggregates.plan import PLANS, Bounds, Plan, Structure
from projections.engine.replay import Basis
from projections.rules.s3_3_structure import (
    CHAIR,
    COMMITTEE_MEMBERS,
    EVERYONE_IN_A_GROUP,
    VICE_CHAIRS,
)
from tests.rules.history import ESTABLISHED, History

DAY = date(2021, 3, 1)
LATER = date(2021, 6, 1)


def _with(role: OfficerRole, count: int) -> History:
    history = History()
    history.establish()
    for _ in range(count):
        history.appoint(role, DAY)
    return history


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_3_one_chair_passes(basis: Basis) -> None:
    passed, facts = _with(OfficerRole.CHAIR, 1).check(CHAIR, DAY, basis)
    assert passed and facts["sitting"] == 1 and facts["required"] == [1, 1]


def test_s3_3_no_chair_fails() -> None:
    passed, facts = _with(OfficerRole.VICE_CHAIR, 2).check(CHAIR, DAY, Basis.EFFECTIVE)
    assert not passed and facts["sitting"] == 0


def test_s3_3_a_second_chair_is_refused() -> None:
    history = _with(OfficerRole.CHAIR, 1)
    with pytest.raises(SecondChair) as refused:
        history.appoint(OfficerRole.CHAIR, DAY)
    assert isinstance(refused.value, InvariantViolated)
    assert refused.value.facts == {"sitting": 1, "maximum": 1, "clause": "S3.3"}


def test_s3_3_two_vice_chairs_are_enough() -> None:
    passed, facts = _with(OfficerRole.VICE_CHAIR, 2).check(VICE_CHAIRS, DAY, Basis.EFFECTIVE)
    assert passed and facts["required"] == [2, 3]


def test_s3_3_one_vice_chair_is_too_few() -> None:
    passed, facts = _with(OfficerRole.VICE_CHAIR, 1).check(VICE_CHAIRS, DAY, Basis.EFFECTIVE)
    assert not passed and facts["sitting"] == 1


def test_s3_3_a_fourth_vice_chair_is_refused() -> None:
    history = _with(OfficerRole.VICE_CHAIR, 3)
    with pytest.raises(InvariantViolated):
        history.appoint(OfficerRole.VICE_CHAIR, DAY)


def test_s3_3_three_committee_members_are_enough() -> None:
    passed, _ = _with(OfficerRole.COMMITTEE_MEMBER, 3).check(
        COMMITTEE_MEMBERS, DAY, Basis.EFFECTIVE
    )
    assert passed


def test_s3_3_two_committee_members_are_too_few() -> None:
    passed, facts = _with(OfficerRole.COMMITTEE_MEMBER, 2).check(
        COMMITTEE_MEMBERS, DAY, Basis.EFFECTIVE
    )
    assert not passed and facts["required"] == [3, 5]


def test_s3_3_a_sixth_committee_member_is_refused() -> None:
    history = _with(OfficerRole.COMMITTEE_MEMBER, 5)
    with pytest.raises(InvariantViolated):
        history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY)


def test_s3_3_a_chair_entered_late_counts_on_the_effective_clock_only() -> None:
    """Appointed from 1 March, recorded on 1 June: on 1 April the records did not show it."""
    history = History()
    history.establish()
    history.appoint(OfficerRole.CHAIR, DAY, recorded=LATER)
    april = date(2021, 4, 1)
    assert history.check(CHAIR, april, Basis.EFFECTIVE)[0]
    assert not history.check(CHAIR, april, Basis.RECORDED)[0]
    assert history.check(CHAIR, LATER, Basis.RECORDED)[0]


def test_s3_3_everyone_in_a_group_passes() -> None:
    history = _with(OfficerRole.CHAIR, 1)
    person = history.register(DAY, "H1")
    history.group([person], DAY)
    assert history.check(EVERYONE_IN_A_GROUP, DAY, Basis.EFFECTIVE)[0]


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_3_a_person_in_no_group_fails(basis: Basis) -> None:
    history = _with(OfficerRole.CHAIR, 1)
    inside = history.register(DAY, "H1")
    outside = history.register(DAY, "H2")
    history.group([inside], DAY)
    passed, facts = history.check(EVERYONE_IN_A_GROUP, DAY, basis)
    assert not passed and facts["not_in_a_group"] == [str(outside)]


AMENDED = Plan(
    effective_from=date(2021, 5, 1),
    structure=Structure(vice_chairs=Bounds(1, 4), committee_members=Bounds(2, 5)),
)
PLANS_AMENDED = (*PLANS, AMENDED)


def test_s3_3_minima_follow_the_plan_in_force_on_the_day() -> None:
    """With an amendment in force from 1 May, one vice-chair fails on 30 April, passes on 1 May."""
    history = _with(OfficerRole.VICE_CHAIR, 1)
    before, after = date(2021, 4, 30), date(2021, 5, 1)
    assert not history.check(VICE_CHAIRS, before, Basis.EFFECTIVE, PLANS_AMENDED)[0]
    passed, facts = history.check(VICE_CHAIRS, after, Basis.EFFECTIVE, PLANS_AMENDED)
    assert passed and facts["required"] == [1, 4]


def test_s3_3_maxima_follow_the_plan_in_force_on_the_effective_day() -> None:
    role = OfficerRole.VICE_CHAIR
    assert maximum_sitting(role, date(2021, 4, 30), PLANS_AMENDED) == 3
    assert maximum_sitting(role, date(2021, 5, 1), PLANS_AMENDED) == 4
    assert maximum_sitting(role, ESTABLISHED) == 3
