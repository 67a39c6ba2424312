"""A district walked through the campaign (issue 6, "Done when"): associations forming over
2021, a spot check in March 2022 with problems, rectifications in April, a correction in May,
the district and the joint city acceptance in June.  Compliance and the problem list as of each
day, on both clocks, are exactly what the walk implies."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from aggregates.association.association import FacilityKind, OfficerRole
from aggregates.campaign.inspection import Body, Decision, InspectionKind
from aggregates.errors import Conflict, InvalidValue, InvariantViolated
from projections.campaign import inspections as campaign_records
from projections.campaign.progress import month_ends, series
from projections.compliance import evaluate
from projections.engine.replay import Basis, replay
from service.campaign.queries import (
    acceptance,
    campaign_tables,
    progress,
    work_plan_status,
)
from service.compliance.queries import report
from tests.campaign.district import (
    BY,
    CITY,
    INSPECTOR,
    A,
    B,
    C,
    Calendar,
    D,
    Walk,
    appoint,
    build_2021,
    evaluate_a,
    inspect,
    spot_check,
    visit_household,
)
from tests.factories import facility
from workers.runtime import Runtime

WALL = "S3.5-duties-and-rules-on-wall"
B_WEAK = {
    "S3.5-roster-complete",
    "S3.4-service-venue",
    WALL,
    "S3.5-evaluated",
    "S3.7-officers-trained",
}


@pytest.fixture(autouse=True)
def walked_district(calendar: Calendar, make_district: Any) -> None:
    """District D, its "today" the calendar's day, in the test's runtime."""
    make_district(D, "中原区", by=BY, clock=calendar)


def decide(
    records: Any,
    joint: UUID,
    body: Body,
    decision: Decision,
    on: date,
    signatory: str,
    remarks: str = "",
) -> None:
    """``body``'s decision on the joint acceptance, made by the city."""
    records.record_decision(
        joint,
        body=body,
        decision=decision,
        decided_on=on,
        signatory=signatory,
        remarks=remarks,
        by=CITY,
    )


def failing(runtime: Runtime, day: date, basis: str) -> dict[str, set[str]]:
    """Division code -> the rules failing there on ``day`` on ``basis``."""
    body = report(runtime, D, day, basis)
    out: dict[str, set[str]] = {}
    for finding in body["findings"]:
        out.setdefault(finding["division_code"], set())
        if not finding["passed"]:
            out[finding["division_code"]].add(finding["rule_id"])
    return out


def problem_states(runtime: Runtime, day: date | None, basis: str) -> list[tuple[str, str, str]]:
    """(division, rule or description, state) of every problem on the list on ``day``."""
    tables = campaign_tables(runtime, D, day, basis)
    return sorted(
        (p["division_code"], p["rule_id"] or p["description"], p["state"])
        for p in campaign_records.problems(tables)
    )


def problem_id(runtime: Runtime, division: str, what: str) -> tuple[UUID, UUID]:
    tables = campaign_tables(runtime, D, None, "recorded")
    found = [
        p
        for p in campaign_records.problems(tables)
        if p["division_code"] == division and what in (p["rule_id"], p["description"])
    ]
    assert len(found) == 1, found
    return UUID(found[0]["inspection_id"]), UUID(found[0]["problem_id"])


def assert_the_late_work_plan_and_2021(runtime: Runtime) -> None:
    """The work plan six days late, and 2021 as of May: B and C without association."""
    # The work plan came six days after the deadline of 30 October 2020.
    assert work_plan_status(runtime, D)["late"] is True
    assert work_plan_status(runtime, D)["days_late"] == 6
    before = work_plan_status(runtime, D, date(2020, 10, 31), "recorded")
    assert (before["filed"], before["late"], before["days_late"]) == (False, True, 1)
    assert work_plan_status(runtime, D, date(2020, 10, 29), "recorded")["late"] is False

    # 2021: A forms in March, B in June.
    may_2021 = failing(runtime, date(2021, 5, 1), "recorded")
    assert may_2021.keys() == {A, B, C}
    assert may_2021[B] == may_2021[C] == {"S2-coverage"}  # B's association came in June


def spot_check_in_march(
    runtime: Runtime, calendar: Calendar, records: Any, walk: Walk
) -> tuple[list[tuple[str, str, str]], UUID]:
    """The spot check takes its problems from the rules; B goes under key supervision.

    Returns the March problem list and the supervision id.
    """
    # The spot check of 15 March 2022 takes its problems from the rules as of that day.
    march = date(2022, 3, 15)
    calendar.day = march
    assert failing(runtime, march, "recorded") == {
        A: {WALL},
        B: B_WEAK | {"S3.3-vice-chairs"},
        C: {"S2-coverage"},
    }
    check = spot_check(runtime, calendar, walk)
    assert len(check.more) == 8  # A: wall; B: six rules and the hand-written archive problem
    calendar.day = date(2022, 3, 20)
    supervision = records.start_key_supervision(
        association_id=walk.ids["b"],
        reason="问题多、整改慢",
        started_on=calendar.day,
        inspection_id=check.id,
        by=INSPECTOR,
    ).id
    runtime.catch_up(D)
    stored = next(
        i
        for i in campaign_records.inspections(campaign_tables(runtime, D, None, "recorded"))
        if i["inspection_id"] == str(check.id)
    )
    assert stored["rules_basis"] == "effective"
    assert len(stored["rule_findings"]) == 2 * 11  # every rule for both sampled associations
    assert {f["rule_id"] for f in stored["rule_findings"] if not f["passed"]} == (
        B_WEAK | {"S3.3-vice-chairs"}
    )
    march_problems = sorted(
        [(A, WALL, "open")]
        + [(B, r, "open") for r in B_WEAK]
        + [(B, "S3.3-vice-chairs", "open"), (B, "工作档案不规范", "open")]
    )
    for basis in ("recorded", "effective"):
        assert problem_states(runtime, march, basis) == march_problems
        assert problem_states(runtime, date(2022, 3, 14), basis) == []
    return march_problems, supervision


def rectify_and_escalate_in_april(
    runtime: Runtime, calendar: Calendar, records: Any, walk: Walk
) -> None:
    """A's wall problem rectified (once), B's evaluation escalated, B's archive fix entered late."""
    # April: A puts its duties and rules on the wall and the problem is rectified; B's
    # evaluation problem goes up to the district; B's archive fix is entered five days late.
    calendar.day = date(2022, 4, 8)
    for kind in (FacilityKind.DUTIES_ON_WALL, FacilityKind.RULES_ON_WALL):
        facility(records, walk.ids["a"], calendar.day, "上墙", kind=kind, by=BY)
    calendar.day = date(2022, 4, 10)
    wall_problem = problem_id(runtime, A, WALL)
    records.rectify_problem(
        *wall_problem, rectified_on=calendar.day, evidence="上墙照片3张", note="", by=BY
    )
    with pytest.raises(Conflict):
        records.rectify_problem(
            *wall_problem, rectified_on=calendar.day, evidence="再次", note="", by=BY
        )
    calendar.day = date(2022, 4, 12)
    records.escalate_problem(
        *problem_id(runtime, B, "S3.5-evaluated"),
        escalated_on=calendar.day,
        escalated_to="中原区残联",
        reason="考核需区残联组织",
        by=INSPECTOR,
    )
    calendar.day = date(2022, 4, 25)
    records.rectify_problem(
        *problem_id(runtime, B, "工作档案不规范"),
        rectified_on=date(2022, 4, 20),
        evidence="档案目录",
        note="补录",
        by=BY,
    )
    with pytest.raises(InvalidValue):
        records.rectify_problem(
            *problem_id(runtime, B, "S3.4-service-venue"),
            rectified_on=date(2022, 4, 26),
            evidence="x",
            note="",
            by=BY,
        )


def assert_april_on_both_clocks(runtime: Runtime, calendar: Calendar) -> None:
    """As of April 22 the clocks differ on the late fix; by April 30 they agree."""
    runtime.catch_up(D)
    calendar.day = date(2022, 5, 1)  # asked once April is over (the service's today)
    assert failing(runtime, date(2022, 4, 30), "recorded")[A] == set()

    def states_on(day: date, basis: str) -> dict[tuple[str, str], str]:
        return {(d, w): s for d, w, s in problem_states(runtime, day, basis)}

    on_22 = {
        "recorded": states_on(date(2022, 4, 22), "recorded"),
        "effective": states_on(date(2022, 4, 22), "effective"),
    }
    assert on_22["recorded"][(B, "工作档案不规范")] == "open"  # not yet entered on the 22nd
    assert on_22["effective"][(B, "工作档案不规范")] == "rectified"  # done on the 20th
    for basis in ("recorded", "effective"):
        april = states_on(date(2022, 4, 30), basis)
        assert april[(A, WALL)] == "rectified"
        assert april[(B, "工作档案不规范")] == "rectified"
        assert april[(B, "S3.5-evaluated")] == "escalated"
        assert sorted(april.values()).count("open") == 5
        assert states_on(date(2022, 4, 9), basis)[(A, WALL)] == "open"


def correct_in_may(
    runtime: Runtime,
    calendar: Calendar,
    records: Any,
    walk: Walk,
    march_problems: list[tuple[str, str, str]],
) -> None:
    """B's vice-chairs entered late change March's effective answer, not the recorded one."""
    march = date(2022, 3, 15)
    # The effective answer for March before the May correction.
    assert failing(runtime, march, "effective")[B] == B_WEAK | {"S3.3-vice-chairs"}

    # May: another visit to A's household; a correction: B's vice-chairs took office in
    # February, entered on 20 May.
    calendar.day = date(2022, 5, 10)
    officer = records.association(walk.ids["a"]).sitting(OfficerRole.CHAIR)[0].officer_id
    visit_household(records, walk.ids["a"], walk.ids["person"], officer, calendar.day, "复访")
    calendar.day = date(2022, 5, 20)
    for name in ("吴强", "郑红"):
        appoint(records, walk.ids["b"], OfficerRole.VICE_CHAIR, name, date(2022, 2, 1))
    runtime.catch_up(D)

    assert failing(runtime, march, "recorded") == {
        A: {WALL},
        B: B_WEAK | {"S3.3-vice-chairs"},
        C: {"S2-coverage"},
    }  # unchanged
    assert failing(runtime, march, "effective") == {
        A: {WALL},
        B: B_WEAK,
        C: {"S2-coverage"},
    }  # what was true, as known now
    assert problem_states(runtime, march, "recorded") == march_problems  # the list stands


def accept_in_june(runtime: Runtime, calendar: Calendar, records: Any, walk: Walk) -> UUID:
    """The district acceptance, then the joint city acceptance (conditional) and a model."""
    # June: the district acceptance (rules and coverage), then the joint city acceptance.
    calendar.day = date(2022, 6, 10)
    runtime.catch_up(D)
    both = [walk.ids["a"], walk.ids["b"]]
    accepted = inspect(
        runtime,
        InspectionKind.DISTRICT_ACCEPTANCE,
        "中原区县级验收",
        calendar.day,
        ["中原区残联 验收组"],
        both,
    )
    assert len(accepted.more) == 6  # B's five weak points and village C without association
    calendar.day = date(2022, 6, 25)
    joint = inspect(
        runtime,
        InspectionKind.CITY_JOINT_ACCEPTANCE,
        "市级联合验收（中原区）",
        calendar.day,
        ["市残联", "市委社治委", "市民政局"],
        both,
        from_rules=False,
        by=CITY,
    ).id
    with pytest.raises(InvariantViolated):
        records.conclude_inspection(
            joint, concluded_on=calendar.day, outcome=None, summary="x", by=CITY
        )
    decide(records, joint, Body.CITY_FEDERATION, Decision.PASSED, calendar.day, "市残联 李")
    decide(records, joint, Body.GOVERNANCE_COMMITTEE, Decision.PASSED, calendar.day, "社治委 王")
    with pytest.raises(Conflict):
        decide(records, joint, Body.CITY_FEDERATION, Decision.FAILED, calendar.day, "x")
    calendar.day = date(2022, 6, 26)
    decide(
        records,
        joint,
        Body.CIVIL_AFFAIRS_BUREAU,
        Decision.CONDITIONAL,
        calendar.day,
        "民政局 赵",
        remarks="百花社区限期整改",
    )
    calendar.day = date(2022, 6, 28)
    records.designate_model(
        walk.ids["a"], designated_on=calendar.day, practice="小组全覆盖、按期走访", by=INSPECTOR
    )
    runtime.catch_up(D)
    return joint


def assert_the_acceptance_report(
    runtime: Runtime, calendar: Calendar, joint: UUID, supervision: UUID
) -> None:
    """The acceptance as of June 30: counts, the joint decisions, models, supervision, coverage."""
    june = date(2022, 6, 30)
    calendar.day = date(2022, 7, 1)  # the acceptance report is made once June is over
    body = acceptance(runtime, D, june, "recorded")
    assert body["summary"]["associations"] == 2
    assert body["summary"]["fully_compliant"] == 1
    assert (body["summary"]["villages"], body["summary"]["covered_villages"]) == (3, 2)
    assert body["problem_counts"] == {"total": 14, "open": 11, "escalated": 1, "rectified": 2}
    joint_row = next(i for i in body["inspections"] if i["inspection_id"] == str(joint))
    assert joint_row["outcome"] == "conditional"
    assert joint_row["concluded_on"] == "2022-06-26"
    assert {d["body"]: d["decision"] for d in joint_row["decisions"]} == {
        "city_federation": "passed",
        "community_governance_committee": "passed",
        "civil_affairs_bureau": "conditional",
    }
    assert [m["division_code"] for m in body["models"]] == [A]
    assert [s["supervision_id"] for s in body["supervisions"]] == [str(supervision)]
    assert body["ledger_head"] is None
    coverage = [p for p in body["problems"] if p["rule_id"] == "S2-coverage"]
    assert [(p["division_code"], p["association_id"]) for p in coverage] == [(C, None)]
    # As of 25 June the joint acceptance was still open.
    row = next(
        i
        for i in campaign_records.inspections(
            campaign_tables(runtime, D, date(2022, 6, 25), "effective")
        )
        if i["inspection_id"] == str(joint)
    )
    assert row["outcome"] is None and len(row["decisions"]) == 2


def assert_the_monthly_series(runtime: Runtime) -> None:
    """Coverage from March 2021, A fully compliant from April 2022, on both clocks."""
    june = date(2022, 6, 30)
    # The monthly series: coverage from March 2021, A fully compliant from April 2022.
    for basis in ("recorded", "effective"):
        points = {p["as_of"]: p for p in progress(runtime, D, basis, until=june)}
        assert len(points) == 21
        assert points[date(2020, 12, 31)]["villages"] is None
        assert points[date(2021, 2, 28)]["coverage_rate"] == 0.0
        assert points[date(2021, 3, 31)]["covered_villages"] == 1
        assert points[date(2021, 6, 30)]["coverage_rate"] == round(2 / 3, 4)
        assert [points[d]["fully_compliant"] for d in month_ends(date(2021, 6, 1), june)] == (
            [0] * 10 + [1, 1, 1]
        )
        assert points[june]["compliant_share"] == 0.5


def test_the_campaign_as_of_each_day_on_both_clocks(runtime: Runtime, calendar: Calendar) -> None:
    records = runtime.tenancy.records(D)
    walk = build_2021(runtime, calendar)
    evaluate_a(runtime, calendar, walk)
    runtime.catch_up(D)
    assert_the_late_work_plan_and_2021(runtime)
    march_problems, supervision = spot_check_in_march(runtime, calendar, records, walk)
    rectify_and_escalate_in_april(runtime, calendar, records, walk)
    assert_april_on_both_clocks(runtime, calendar)
    correct_in_may(runtime, calendar, records, walk, march_problems)
    joint = accept_in_june(runtime, calendar, records, walk)
    assert_the_acceptance_report(runtime, calendar, joint, supervision)
    assert_the_monthly_series(runtime)


def test_one_pass_series_equals_a_replay_per_month(runtime: Runtime, calendar: Calendar) -> None:
    walk = build_2021(runtime, calendar)
    evaluate_a(runtime, calendar, walk)
    calendar.day = date(2022, 5, 20)
    appoint(
        runtime.tenancy.records(D), walk.ids["b"], OfficerRole.VICE_CHAIR, "吴强", date(2021, 8, 1)
    )
    records = runtime.tenancy.records(D)
    days = month_ends(date(2020, 10, 1), date(2022, 6, 30))
    for basis in (Basis.RECORDED, Basis.EFFECTIVE):
        points = series(runtime.db, D, records.mapper, days=days, basis=basis)
        for point in points:
            replayed = replay(runtime.db, D, records.mapper, as_of=point["as_of"], basis=basis)
            summary = evaluate(D, replayed.tables, point["as_of"]).summary
            assert {
                k: point[k]
                for k in ("associations", "fully_compliant", "villages", "covered_villages")
            } == {
                k: summary[k]
                for k in ("associations", "fully_compliant", "villages", "covered_villages")
            }, (basis, point["as_of"])


def test_inspection_refusals(runtime: Runtime, calendar: Calendar) -> None:
    walk = build_2021(runtime, calendar)
    records = runtime.tenancy.records(D)
    calendar.day = date(2022, 3, 1)

    def inspect(**changes: Any) -> Any:
        args: dict[str, Any] = dict(
            kind=InspectionKind.SUPERVISION,
            title="督查",
            inspected_on=calendar.day,
            township_code=None,
            inspectors=["甲"],
            association_ids=[walk.ids["a"]],
            rules_basis=None,
            rule_findings=[],
            written=[],
            by=INSPECTOR,
        )
        return records.open_inspection(**{**args, **changes})

    with pytest.raises(InvalidValue):
        inspect(inspected_on=date(2022, 3, 2))  # the future
    with pytest.raises(InvalidValue):
        inspect(association_ids=[])
    with pytest.raises(InvalidValue):
        inspect(association_ids=[walk.ids["a"], walk.ids["a"]])
    with pytest.raises(InvalidValue):
        inspect(inspected_on=date(2021, 4, 1), association_ids=[walk.ids["b"]])  # not yet
    with pytest.raises(InvalidValue):
        inspect(kind=InspectionKind.TOWNSHIP_ACCEPTANCE)  # names no township
    with pytest.raises(InvalidValue):
        inspect(township_code="410102002")  # A is not in that township
    done = inspect().id
    with pytest.raises(InvariantViolated):
        records.record_decision(
            done,
            body=Body.CITY_FEDERATION,
            decision=Decision.PASSED,
            decided_on=calendar.day,
            signatory="x",
            remarks="",
            by=CITY,
        )
    records.conclude_inspection(
        done, concluded_on=calendar.day, outcome=None, summary="完成", by=INSPECTOR
    )
    from aggregates.campaign.commands import WrittenProblem

    with pytest.raises(InvariantViolated):
        records.record_problem(
            done, WrittenProblem(description="迟到的问题"), found_on=calendar.day, by=INSPECTOR
        )
    with pytest.raises(Conflict):
        records.designate_model(
            walk.ids["a"], designated_on=calendar.day, practice="x", by=INSPECTOR
        ) and records.designate_model(
            walk.ids["a"], designated_on=calendar.day, practice="x", by=INSPECTOR
        )
