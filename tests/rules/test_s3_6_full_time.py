"""S3.6: at least one of the committee members is full-time."""

from __future__ import annotations

from datetime import date

import pytest

from aggregates.association.association import OfficerRole
from aggregates.errors import InvariantViolated
from aggregates.plan import PLANS, Plan
from projections.engine.replay import Basis
from projections.rules.s3_6_full_time import FULL_TIME_MEMBER
from tests.rules.history import History

DAY = date(2021, 3, 1)


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_6_one_full_time_member_is_enough(basis: Basis) -> None:
    history = History()
    history.establish()
    history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY, full_time=True)
    history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY)
    passed, facts = history.check(FULL_TIME_MEMBER, DAY, basis)
    assert passed and len(facts["full_time_members"]) == 1


def test_s3_6_no_full_time_member_fails() -> None:
    history = History()
    history.establish()
    history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY)
    assert history.check(FULL_TIME_MEMBER, DAY, Basis.EFFECTIVE) == (
        False,
        {"full_time_members": []},
    )


def test_s3_6_a_full_time_member_entered_late_counts_on_the_effective_clock_only() -> None:
    history = History()
    history.establish()
    history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY, recorded=date(2021, 5, 1), full_time=True)
    april = date(2021, 4, 1)
    assert history.check(FULL_TIME_MEMBER, april, Basis.EFFECTIVE)[0]
    assert not history.check(FULL_TIME_MEMBER, april, Basis.RECORDED)[0]


def test_s3_6_only_a_committee_member_can_be_full_time() -> None:
    history = History()
    history.establish()
    with pytest.raises(InvariantViolated):
        history.appoint(OfficerRole.VICE_CHAIR, DAY, full_time=True)


def test_s3_6_the_minimum_follows_the_plan_in_force() -> None:
    """With an amendment asking for two from 1 May, one full-time member stops being enough."""
    plans = (*PLANS, Plan(effective_from=date(2021, 5, 1), full_time_members=2))
    history = History()
    history.establish()
    history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY, full_time=True)
    assert history.check(FULL_TIME_MEMBER, date(2021, 4, 30), Basis.EFFECTIVE, plans)[0]
    assert not history.check(FULL_TIME_MEMBER, date(2021, 5, 1), Basis.EFFECTIVE, plans)[0]
