"""S3.7: the chair, vice-chairs and full-time members trained within the last two years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aggregates.association.association import OfficerRole
from aggregates.plan import PLANS, Plan
from projections.engine.replay import Basis
from projections.rules.s3_7_training import OFFICERS_TRAINED
from tests.rules.history import History

DAY = date(2021, 3, 1)


def _chair_trained_on(day: date) -> History:
    history = History()
    history.establish()
    chair = history.appoint(OfficerRole.CHAIR, DAY)
    history.appoint(OfficerRole.COMMITTEE_MEMBER, DAY)  # not a core officer
    history.trained([chair], day)
    return history


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_7_a_trained_chair_passes_within_two_years(basis: Basis) -> None:
    history = _chair_trained_on(DAY)
    passed, facts = history.check(OFFICERS_TRAINED, DAY + timedelta(days=730), basis)
    assert passed and facts == {"core_officers": 1, "untrained": []}


def test_s3_7_training_older_than_two_years_fails() -> None:
    history = _chair_trained_on(DAY)
    passed, facts = history.check(OFFICERS_TRAINED, DAY + timedelta(days=731), Basis.EFFECTIVE)
    assert not passed and facts["untrained"] == ["chair1"]


def test_s3_7_an_untrained_vice_chair_fails() -> None:
    history = _chair_trained_on(DAY)
    history.appoint(OfficerRole.VICE_CHAIR, DAY)
    passed, facts = history.check(OFFICERS_TRAINED, DAY, Basis.EFFECTIVE)
    assert not passed and facts["core_officers"] == 2


def test_s3_7_no_core_officer_fails() -> None:
    history = History()
    history.establish()
    assert not history.check(OFFICERS_TRAINED, DAY, Basis.EFFECTIVE)[0]


def test_s3_7_the_window_follows_the_plan_in_force() -> None:
    """An amendment from 2022-01-01 asks for training within one year."""
    plans = (*PLANS, Plan(effective_from=date(2022, 1, 1), training_window_days=366))
    history = _chair_trained_on(DAY)
    assert history.check(OFFICERS_TRAINED, date(2021, 12, 31), Basis.EFFECTIVE, plans)[0]
    assert not history.check(OFFICERS_TRAINED, date(2022, 3, 3), Basis.EFFECTIVE, plans)[0]
    assert history.check(OFFICERS_TRAINED, date(2022, 3, 3), Basis.EFFECTIVE)[0]
