"""A district with facts on known days, and late entries: what the as-of reads are asked about.

On 10 January 2022 association A is set up with its chair, a person of its village, a group
and a visit (the district with its first evaluation scheme).  On 10 May 2022 the district
types in what happened on 20 February (:data:`LATE`): association B, a vice-chair and a
full-time member of A, a second person, her joining the group, a second visit, a needs
survey, a training session, a scheme and interval version, an evaluation, an inspection with
a problem, and a correction of the first person's name.  So on 1 March (:data:`MARCH`) the
recorded clock does not show them and the effective clock does; on 1 February
(:data:`BEFORE`) neither does, on 1 June (:data:`JUNE`) both do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from aggregates.association.association import OfficerRole, PriorityGroup, SelectionMethod
from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import InspectionKind
from aggregates.care.district_settings import Criterion
from aggregates.care.needs import NeedCategory
from aggregates.care.visit import HouseholdKind
from tests.campaign.district import (
    BY,
    INSPECTOR,
    A,
    B,
    D,
    T,
    appoint,
    register_in_a,
    visit_household,
)
from tests.factories import category_group, district, training
from tests.plugin import Calendar
from workers.runtime import Runtime

#: The days the reads are asked about, and the days facts were recorded or took effect.
SET_UP = date(2022, 1, 10)
BEFORE = date(2022, 2, 1)
LATE = date(2022, 2, 20)
MARCH = date(2022, 3, 1)
TYPED_IN = date(2022, 5, 10)
JUNE = date(2022, 6, 1)

FIRST_NAME, CORRECTED_NAME = "孙力", "孙立"


@dataclass(frozen=True)
class World:
    """The ids the reads are asked about."""

    a: UUID
    chair: UUID
    first: UUID
    second: UUID
    group: UUID
    late_visit: UUID
    session: UUID
    inspection: UUID


def _scheme(records: Any, effective_from: date) -> None:
    records.adopt_evaluation_scheme(
        effective_from=effective_from,
        criteria=[Criterion("organisation", "组织建设", 100, 0, 10)],
        performance_weight=60,
        by=BY,
    )


def _set_up(records: Any, cal: Calendar) -> dict[str, UUID]:
    """10 January 2022: A with its chair, the first person, a group and a visit."""
    cal.day = date(2022, 1, 5)
    for code, name in ((T, "林山寨街道"), (A, "友谊社区"), (B, "百花社区")):
        records.record_division(code=code, name=name, effective_on=date(2022, 1, 1), by=BY)
    _scheme(records, date(2022, 1, 1))
    cal.day = SET_UP
    a = records.establish_association(
        division_code=A, name="友谊社区残协", township_code=T, established_on=SET_UP, by=BY
    ).id
    chair = appoint(records, a, OfficerRole.CHAIR, "王建国", SET_UP)
    first = register_in_a(records, FIRST_NAME, 12, "A-household-1", SET_UP)
    group = category_group(records, a, SET_UP, by=BY).id
    records.join_group(a, group, person_id=first, joined_on=SET_UP, by=BY)
    visit_household(records, a, first, chair, SET_UP, "生活稳定")
    return {"a": a, "chair": chair, "first": first, "group": group}


def _late_spot_check(records: Any, a: UUID) -> UUID:
    """The first-quarter spot check, typed in late, with one hand-written problem."""
    inspection = records.open_inspection(
        kind=InspectionKind.SPOT_CHECK,
        title="一季度抽查（补录）",
        inspected_on=LATE,
        township_code=None,
        inspectors=["市残联 张检查"],
        association_ids=[a],
        rules_basis=None,
        rule_findings=[],
        written=[WrittenProblem(description="工作档案不规范", association_id=a, clause="S3.5")],
        by=INSPECTOR,
    ).id
    return inspection


def _typed_in_late(records: Any, ids: dict[str, UUID]) -> dict[str, UUID]:
    """10 May 2022: what happened on 20 February, typed in (the calendar is on 10 May)."""
    a, first = ids["a"], ids["first"]
    records.establish_association(
        division_code=B, name="百花社区残协", township_code=T, established_on=LATE, by=BY
    )
    appoint(records, a, OfficerRole.VICE_CHAIR, "李秀英", LATE)
    member = appoint(records, a, OfficerRole.COMMITTEE_MEMBER, "刘洋", LATE)
    records.select_full_time_member(
        a,
        member,
        method=SelectionMethod.OPEN_RECRUITMENT,
        priority_group=PriorityGroup.DISABLED,
        selected_on=LATE,
        note="公开招聘",
        by=BY,
    )
    second = register_in_a(records, "钱芳", 34, "A-household-2", LATE)
    records.join_group(a, ids["group"], person_id=second, joined_on=LATE, by=BY)
    visit_household(records, a, first, ids["chair"], LATE, "需要康复服务")
    records.survey_needs(
        a,
        first,
        surveyed_on=LATE,
        surveyor="王建国",
        services_received=[],
        needs=[(NeedCategory.REHABILITATION, "康复训练")],
        by=BY,
    )
    session = training(records, LATE, township_code=T, by=BY).id
    _scheme(records, LATE)
    records.set_visit_intervals(
        effective_from=LATE,
        intervals={HouseholdKind.ORDINARY: 60, HouseholdKind.SPECIAL_HARDSHIP: 30},
        by=BY,
    )
    records.evaluate_association(
        a,
        cycle=2021,
        evaluated_on=LATE,
        evaluator="中原区残联",
        scores={"organisation": 8},
        notes=None,
        by=BY,
    )
    inspection = _late_spot_check(records, a)
    records.correct_person(
        first,
        changes={"name": CORRECTED_NAME},
        reason="户籍信息更正",
        effective_on=LATE,
        by=BY,
    )
    return {"second": second, "session": session, "inspection": inspection}


def build(runtime: Runtime, cal: Calendar) -> World:
    """District D with its facts (module docstring), caught up."""
    cal.day = date(2022, 1, 4)
    records = district(runtime.tenancy, D, by=BY, clock=cal)
    ids = _set_up(records, cal)
    cal.day = TYPED_IN
    more = _typed_in_late(records, ids)
    runtime.catch_up(D)
    return World(late_visit=_late_visit(runtime, ids["a"]), **ids, **more)


def _late_visit(runtime: Runtime, association: UUID) -> UUID:
    """The visit of 20 February (visits are listed newest first)."""
    from projections.care.visits import list_visits
    from projections.platform.scope import Scope

    items, _, _ = list_visits(runtime.db, D, Scope(association_id=str(association)), limit=1)
    assert items[0]["visited_on"] == LATE.isoformat(), items
    return UUID(items[0]["visit_id"])
