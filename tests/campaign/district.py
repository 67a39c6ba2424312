"""A district walked through the campaign (S4), shared by the scenario and API tests.

Township T with villages A, B and C.  A is built up to meet the plan except its wall display;
B is weak (one chair, no roster, no venue); C never gets an association.  The recorded clock
is the test's calendar (events are stamped with it), and the domain's "today" follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from aggregates.association.association import Background, OfficerRole
from aggregates.campaign.inspection import InspectionKind
from aggregates.care.district_settings import Criterion
from aggregates.care.visit import HouseholdKind, VisitMode
from aggregates.identifiers import Sex, make_resident_id
from aggregates.provenance import Provenance
from aggregates.roster.person import PersonDetails
from tests.factories import category_group, facility, training
from tests.plugin import Calendar
from workers.runtime import Runtime

D = "410102"
T = "410102001"
A, B, C = "410102001001", "410102001002", "410102001201"
BY = Provenance(actor="district-admin", role="district_admin", request_id="scenario")
INSPECTOR = Provenance(actor="inspector", role="inspector", request_id="scenario")
CITY = Provenance(actor="city-admin", role="city_admin", request_id="scenario")


@dataclass
class Walk:
    """Ids of what the walk created."""

    ids: dict[str, Any] = field(default_factory=dict)


def appoint(
    records: Any, association: UUID, role: OfficerRole, name: str, on: date, full_time: bool = False
) -> UUID:
    """An officer with a disability, appointed on ``on`` by the district (here and in
    tests/replay/)."""
    saved = records.appoint_officer(
        association,
        name=name,
        role=role,
        full_time=full_time,
        backgrounds=[Background.DISABLED],
        appointed_on=on,
        by=BY,
    )
    return saved.id


def visit_household(
    records: Any, association: UUID, person: UUID, officer: UUID, on: date, findings: str
) -> None:
    """An on-site visit by ``officer`` to A's household where ``person`` lives."""
    records.record_visit(
        association,
        household_id="A-household-1",
        household_kind=HouseholdKind.ORDINARY,
        person_ids=[person],
        visited_on=on,
        visitor_officer_id=officer,
        mode=VisitMode.ON_SITE,
        findings=findings,
        difficulties=[],
        by=BY,
    )


def register_in_a(records: Any, name: str, serial: int, household_id: str, on: date) -> UUID:
    """A man of village A born on 1 May 1970 (``serial`` tells residents apart), registered on
    ``on`` (here and in tests/temporal/)."""
    resident = make_resident_id(D, date(1970, 5, 1), serial, Sex.MALE)
    details = PersonDetails(
        name=name,
        sex="male",
        birth_date=date(1970, 5, 1),
        resident_id=resident,
        village_code=A,
        address="友谊社区1号楼",
        certificate_number=f"{resident}41",
        category=4,
        grade=1,
        household_id=household_id,
    )
    saved = records.register_person(details, registered_on=on, by=BY)
    return UUID(str(saved.id))


def build_2021(runtime: Runtime, cal: Calendar) -> Walk:
    """From the work plan (filed late, 5 Nov 2020) to the end of 2021."""
    records = runtime.tenancy.records(D)
    walk = Walk()
    cal.day = date(2020, 11, 5)
    records.file_work_plan(
        title="中原区残协建设工作实施方案", summary="盘点、整改、验收", filed_on=cal.day, by=BY
    )
    cal.day = date(2021, 1, 5)
    records.record_division(code=T, name="林山寨街道", effective_on=date(2021, 1, 1), by=BY)
    for code, name in ((A, "友谊社区"), (B, "百花社区"), (C, "前进村")):
        records.record_division(code=code, name=name, effective_on=date(2021, 1, 1), by=BY)
    records.adopt_evaluation_scheme(
        effective_from=date(2021, 1, 1),
        criteria=[Criterion("organisation", "组织建设", 100, 0, 10)],
        performance_weight=60,
        by=BY,
    )

    cal.day = date(2021, 3, 10)
    a = records.establish_association(
        division_code=A, name="友谊社区残协", township_code=T, established_on=cal.day, by=BY
    ).id
    walk.ids["a"] = a
    chair = appoint(records, a, OfficerRole.CHAIR, "王建国", cal.day)
    vices = [appoint(records, a, OfficerRole.VICE_CHAIR, n, cal.day) for n in ("李秀英", "赵敏")]
    full_time = appoint(records, a, OfficerRole.COMMITTEE_MEMBER, "刘洋", cal.day, True)
    for name in ("陈静", "杨帆"):
        appoint(records, a, OfficerRole.COMMITTEE_MEMBER, name, cal.day)

    cal.day = date(2021, 4, 1)
    person = register_in_a(records, "孙力", 12, "A-household-1", cal.day)
    walk.ids["person"] = person
    cal.day = date(2021, 5, 2)
    group = category_group(records, a, date(2021, 5, 1), by=BY).id
    records.join_group(a, group, person_id=person, joined_on=cal.day, by=BY)
    cal.day = date(2021, 6, 2)
    visit_household(records, a, person, full_time, cal.day, "生活稳定")
    cal.day = date(2021, 6, 10)
    facility(records, a, cal.day, "社区服务中心活动室", by=BY)

    cal.day = date(2021, 6, 15)
    b = records.establish_association(
        division_code=B, name="百花社区残协", township_code=T, established_on=cal.day, by=BY
    ).id
    walk.ids["b"] = b
    appoint(records, b, OfficerRole.CHAIR, "周丽", cal.day)
    appoint(records, b, OfficerRole.COMMITTEE_MEMBER, "钱进", cal.day, True)
    for name in ("冯雪", "韩梅"):
        appoint(records, b, OfficerRole.COMMITTEE_MEMBER, name, cal.day)

    cal.day = date(2021, 9, 1)
    session = training(records, cal.day, township_code=T, by=BY).id
    for officer in (chair, *vices, full_time):
        records.attend_training(a, session_id=session, officer_id=officer, hours=None, by=BY)
    return walk


def evaluate_a(runtime: Runtime, cal: Calendar, walk: Walk) -> None:
    """January 2022: the district evaluates A for 2021."""
    cal.day = date(2022, 1, 5)
    runtime.tenancy.records(D).evaluate_association(
        walk.ids["a"],
        cycle=2021,
        evaluated_on=cal.day,
        evaluator="中原区残联",
        scores={"organisation": 8},
        notes=None,
        by=BY,
    )


def spot_check(runtime: Runtime, cal: Calendar, walk: Walk) -> Any:
    """15 March 2022: a spot check of A and B from the rules, plus a problem written by hand."""
    from aggregates.campaign.commands import WrittenProblem

    cal.day = date(2022, 3, 15)
    runtime.catch_up(D)
    written = WrittenProblem(
        description="工作档案不规范", association_id=walk.ids["b"], clause="S3.5"
    )
    return inspect(
        runtime,
        InspectionKind.SPOT_CHECK,
        "2022年一季度重点抽查",
        cal.day,
        ["市残联 张检查"],
        [walk.ids["a"], walk.ids["b"]],
        written=[written],
    )


def inspect(
    runtime: Runtime,
    kind: InspectionKind,
    title: str,
    on: date,
    inspectors: list[str],
    associations: list[UUID],
    *,
    from_rules: bool = True,
    written: list[Any] | None = None,
    by: Provenance = INSPECTOR,
) -> Any:
    """An inspection of district D's ``associations`` opened on ``on``; ``from_rules``: with
    the problems the rules find that day (the S4 basis), besides those ``written``."""
    from service.campaign.queries import RULES_BASIS, rule_findings

    return runtime.tenancy.records(D).open_inspection(
        kind=kind,
        title=title,
        inspected_on=on,
        township_code=None,
        inspectors=inspectors,
        association_ids=associations,
        rules_basis=RULES_BASIS.value if from_rules else None,
        rule_findings=rule_findings(runtime, D, on) if from_rules else [],
        written=written or [],
        by=by,
    )
