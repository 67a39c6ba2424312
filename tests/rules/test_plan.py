"""The plan's figures, dated: the one in force on a day, and the original figures of 2020."""

from __future__ import annotations

from datetime import date

from aggregates.plan import PLANS, Bounds, Plan, Structure, in_force

ISSUED = date(2020, 10, 12)


def test_the_plan_of_12_october_2020_has_the_figures_of_its_text() -> None:
    plan = in_force(date(2022, 6, 30))
    assert plan.effective_from == ISSUED
    assert plan.structure == Structure(Bounds(1, 1), Bounds(2, 3), Bounds(3, 5))
    assert plan.full_time_members == 1
    assert dict(plan.visits.intervals) == {"special_hardship": 90, "ordinary": 365}


def test_a_day_before_the_plan_uses_its_first_figures() -> None:
    assert in_force(date(2020, 1, 1)) is PLANS[0]


def test_an_amendment_applies_from_its_day_whatever_the_order_given() -> None:
    amended = Plan(effective_from=date(2023, 1, 1), full_time_members=2)
    plans = (amended, *PLANS)
    assert in_force(date(2022, 12, 31), plans) is PLANS[0]
    assert in_force(date(2023, 1, 1), plans) is amended


def test_bounds_include_both_ends() -> None:
    assert [Bounds(2, 3).allows(n) for n in (1, 2, 3, 4)] == [False, True, True, False]
