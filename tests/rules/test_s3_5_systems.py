"""S3.5: households visited within their interval, the roster complete, duties and rules on
the wall, the association evaluated in the current cycle."""

from __future__ import annotations

from datetime import date, timedelta
from types import MappingProxyType

import pytest

from aggregates.association.association import FacilityKind, OfficerRole
from aggregates.care.visit import HouseholdKind
from aggregates.plan import PLANS, Plan, Visits
from projections.engine.replay import Basis
from projections.rules.s3_5_systems import (
    DUTIES_AND_RULES_ON_WALL,
    EVALUATED,
    ROSTER_COMPLETE,
    VISITS_ON_TIME,
    Household,
    visit_due,
)
from tests.rules.history import History

VISITED = date(2021, 3, 1)
PLAN_INTERVALS = {"special_hardship": 90, "ordinary": 365}


def _visited(special_hardship: bool, kind: HouseholdKind = HouseholdKind.ORDINARY) -> History:
    history = History()
    history.establish()
    history.appoint(OfficerRole.CHAIR, VISITED)
    history.register(VISITED, "H1", special_hardship=special_hardship)
    history.visit("H1", VISITED, kind)
    return history


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_5_special_hardship_overdue_after_interval(basis: Basis) -> None:
    history = _visited(special_hardship=True, kind=HouseholdKind.SPECIAL_HARDSHIP)
    due = VISITED + timedelta(days=90)
    assert history.check(VISITS_ON_TIME, due, basis)[0]
    passed, facts = history.check(VISITS_ON_TIME, due + timedelta(days=1), basis)
    assert not passed
    assert facts["overdue"] == [
        {
            "household_id": "H1",
            "kind": "special_hardship",
            "last_visit": VISITED.isoformat(),
            "due": due.isoformat(),
        }
    ]


def test_s3_5_an_ordinary_household_is_on_time_after_the_hardship_interval() -> None:
    history = _visited(special_hardship=False)
    assert history.check(VISITS_ON_TIME, VISITED + timedelta(days=91), Basis.EFFECTIVE)[0]
    assert not history.check(VISITS_ON_TIME, VISITED + timedelta(days=366), Basis.EFFECTIVE)[0]


def test_s3_5_a_household_never_visited_is_due_from_its_registration() -> None:
    history = History()
    history.establish()
    history.register(VISITED, "H1", special_hardship=True)
    assert history.check(VISITS_ON_TIME, VISITED + timedelta(days=90), Basis.EFFECTIVE)[0]
    passed, facts = history.check(VISITS_ON_TIME, VISITED + timedelta(days=91), Basis.EFFECTIVE)
    assert not passed and facts["overdue"][0]["last_visit"] is None


def test_s3_5_the_roster_s_kind_decides_not_the_kind_recorded_on_the_visit() -> None:
    """A special-hardship household whose visit was entered as ordinary is due after 90 days.

    Before one function served both, the households-due list used the visit's recorded kind
    (365 days here) while compliance used the roster (90 days).
    """
    history = _visited(special_hardship=True, kind=HouseholdKind.ORDINARY)
    assert not history.check(VISITS_ON_TIME, VISITED + timedelta(days=91), Basis.EFFECTIVE)[0]
    household = Household("H1", True, VISITED, "ordinary")
    assert visit_due(household, PLAN_INTERVALS, VISITED).due_on == VISITED + timedelta(days=90)


def test_s3_5_a_household_off_the_roster_keeps_the_kind_of_its_last_visit() -> None:
    household = Household("H1", None, VISITED, "special_hardship")
    assert visit_due(household, PLAN_INTERVALS, VISITED).interval_days == 90
    assert Household("H2", None, VISITED).kind == "ordinary"


def test_s3_5_the_district_interval_in_force_on_the_day_applies() -> None:
    """The district shortens the hardship interval to 30 days from 1 April."""
    history = _visited(special_hardship=True, kind=HouseholdKind.SPECIAL_HARDSHIP)
    history.intervals(special_hardship=30, ordinary=180, effective=date(2021, 4, 1))
    assert history.check(VISITS_ON_TIME, date(2021, 3, 31), Basis.EFFECTIVE)[0]
    passed, facts = history.check(VISITS_ON_TIME, date(2021, 4, 1), Basis.EFFECTIVE)
    assert not passed and facts["overdue"][0]["due"] == "2021-03-31"


def test_s3_5_a_kind_the_district_did_not_set_falls_back_to_the_plan_not_to_a_year() -> None:
    household = Household("H1", True, VISITED)
    assert visit_due(household, {"ordinary": 180}, VISITED).interval_days == 90
    assert visit_due(household, {}, VISITED).interval_days == 90


def test_s3_5_the_plan_s_interval_in_force_on_the_day_applies() -> None:
    """With an amended plan from 1 May (hardship every 60 days), a kind the district did not
    set is due after 90 days on 30 April and after 60 days on 1 May."""
    amended = Plan(
        effective_from=date(2021, 5, 1),
        visits=Visits(MappingProxyType({"special_hardship": 60, "ordinary": 180})),
    )
    plans = (*PLANS, amended)
    household = Household("H1", True, VISITED)
    assert visit_due(household, {}, date(2021, 4, 30), plans).interval_days == 90
    assert visit_due(household, {}, date(2021, 5, 1), plans).interval_days == 60


def test_s3_5_a_visit_entered_late_counts_on_the_effective_clock_only() -> None:
    history = History()
    history.establish()
    history.appoint(OfficerRole.CHAIR, VISITED)
    history.register(VISITED, "H1", special_hardship=True)
    history.visit("H1", date(2021, 5, 20), recorded=date(2021, 6, 15))
    june = date(2021, 6, 10)
    assert history.check(VISITS_ON_TIME, june, Basis.EFFECTIVE)[0]
    assert not history.check(VISITS_ON_TIME, june, Basis.RECORDED)[0]


def test_s3_5_roster_complete_passes() -> None:
    history = History()
    history.establish()
    history.register(VISITED, "H1")
    assert history.check(ROSTER_COMPLETE, VISITED, Basis.EFFECTIVE)[0]


def test_s3_5_a_person_without_a_household_makes_the_roster_incomplete() -> None:
    history = History()
    history.establish()
    person = history.register(VISITED, None)
    passed, facts = history.check(ROSTER_COMPLETE, VISITED, Basis.EFFECTIVE)
    assert not passed and facts["incomplete"] == [str(person)]


def test_s3_5_an_empty_roster_is_not_complete() -> None:
    history = History()
    history.establish()
    assert not history.check(ROSTER_COMPLETE, VISITED, Basis.EFFECTIVE)[0]


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_5_duties_and_rules_on_the_wall_pass(basis: Basis) -> None:
    history = History()
    history.establish()
    history.facility(FacilityKind.DUTIES_ON_WALL, VISITED)
    history.facility(FacilityKind.RULES_ON_WALL, VISITED)
    assert history.check(DUTIES_AND_RULES_ON_WALL, VISITED, basis)[0]


def test_s3_5_rules_missing_from_the_wall_fail() -> None:
    history = History()
    history.establish()
    history.facility(FacilityKind.DUTIES_ON_WALL, VISITED)
    passed, facts = history.check(DUTIES_AND_RULES_ON_WALL, VISITED, Basis.EFFECTIVE)
    assert not passed and facts["missing"] == ["rules_on_wall"]


def test_s3_5_evaluated_within_the_yearly_cycle() -> None:
    history = History()
    history.establish()
    history.evaluated(VISITED)
    assert history.check(EVALUATED, VISITED + timedelta(days=365), Basis.EFFECTIVE)[0]
    passed, facts = history.check(EVALUATED, VISITED + timedelta(days=366), Basis.EFFECTIVE)
    assert not passed and facts["last_evaluated_on"] == VISITED.isoformat()


def test_s3_5_never_evaluated_fails() -> None:
    history = History()
    history.establish()
    assert not history.check(EVALUATED, VISITED, Basis.RECORDED)[0]
