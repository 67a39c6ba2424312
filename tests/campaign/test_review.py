"""The inspector's review of a rectification (整改确认, S4.3) and a pre-filled problem list
edited before it is recorded: a failing finding left off the list stays among the findings."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from aggregates.campaign.inspection import Inspection, InspectionKind, ProblemSource
from aggregates.errors import (
    BeforeRectification,
    NotRectified,
    OwnRectification,
    ReasonRequired,
    RectificationReviewed,
)
from aggregates.provenance import Provenance
from tests.campaign.district import A, Calendar, D, build_2021, evaluate_a
from tests.campaign.test_api import Api, api  # noqa: F401  (the fixture)

BY = Provenance(actor="inspector", role="inspector")
#: Who records the rectification: the association's worker, not the inspector who reviews it.
RECTIFIER = Provenance(actor="worker", role="association_worker")
DAY = date(2022, 3, 15)


def _inspection_with_problem() -> tuple[Inspection, Any]:
    sample = {
        "association_id": str(uuid4()),
        "name": "友谊社区残协",
        "division_code": A,
        "township_code": A[:9],
    }
    inspection = Inspection.open(
        district_code=D,
        kind=InspectionKind.SPOT_CHECK,
        title="抽查",
        inspected_on=DAY,
        township_code=None,
        inspectors=["张检查"],
        sampled=[sample],
        rules_basis=None,
        rule_findings=[],
        today=DAY,
        by=BY,
    )
    problem = inspection.record_problem(
        association_id=None,
        division_code=A,
        source=ProblemSource.INSPECTOR,
        rule_id=None,
        clause="S3.5",
        description="档案不全",
        facts={},
        found_on=DAY,
        today=DAY,
        by=BY,
    )
    return inspection, problem


def _rectify(inspection: Inspection, problem: Any, day: date, by: Provenance = RECTIFIER) -> None:
    inspection.rectify(
        problem_id=problem, rectified_on=day, evidence="补齐档案", note="", today=day, by=by
    )


def _rectified() -> tuple[Inspection, Any]:
    inspection, problem = _inspection_with_problem()
    _rectify(inspection, problem, date(2022, 4, 1))
    return inspection, problem


def review(inspection: Inspection, problem: Any, **given: Any) -> None:
    """Review on 5 April 2022 unless told otherwise."""
    values = {"reviewed_on": date(2022, 4, 5), "accepted": True, "remarks": "", **given}
    inspection.review_rectification(problem_id=problem, today=date(2022, 4, 30), by=BY, **values)


def test_an_open_problem_has_no_rectification_to_review() -> None:
    inspection, problem = _inspection_with_problem()
    with pytest.raises(NotRectified):
        review(inspection, problem)


def test_a_confirmed_rectification_is_confirmed_once() -> None:
    inspection, problem = _rectified()
    review(inspection, problem)
    with pytest.raises(RectificationReviewed):
        review(inspection, problem)
    names = [type(e).__name__ for e in inspection.collect_events()]
    assert names[-1] == "RectificationConfirmed"


def test_whoever_recorded_a_rectification_does_not_confirm_it() -> None:
    """Separation of duties: the account that recorded the rectification cannot review it."""
    inspection, problem = _inspection_with_problem()
    _rectify(inspection, problem, date(2022, 4, 1), by=BY)
    with pytest.raises(OwnRectification):
        review(inspection, problem)
    with pytest.raises(OwnRectification):
        review(inspection, problem, accepted=False, remarks="照片不清")


def test_a_review_before_the_rectification_is_refused() -> None:
    inspection, problem = _rectified()
    with pytest.raises(BeforeRectification):
        review(inspection, problem, reviewed_on=date(2022, 3, 31))


def test_a_returned_rectification_needs_a_reason_and_opens_the_problem_again() -> None:
    inspection, problem = _rectified()
    with pytest.raises(ReasonRequired):
        review(inspection, problem, accepted=False, remarks=" ")
    review(inspection, problem, accepted=False, remarks="照片不清楚")
    _rectify(inspection, problem, date(2022, 4, 6))
    review(inspection, problem, reviewed_on=date(2022, 4, 7))


def test_an_inspector_confirms_over_http_and_a_dismissed_finding_is_no_problem(
    api: tuple[Api, Calendar],  # noqa: F811
) -> None:
    client, cal = api
    walk = build_2021(client.runtime, cal)
    evaluate_a(client.runtime, cal, walk)
    cal.day = DAY
    body = {
        "kind": "spot_check",
        "title": "一季度重点抽查",
        "inspected_on": DAY.isoformat(),
        "inspectors": ["张检查"],
        "association_ids": [str(walk.ids["a"])],
    }
    wall = {"rule_id": "S3.5-duties-and-rules-on-wall", "association_id": str(walk.ids["a"])}
    kept = client.call("POST", f"/districts/{D}/inspections", "inspector", json=body)
    left = client.call(
        "POST", f"/districts/{D}/inspections", "inspector", json={**body, "dismissed": [wall]}
    )
    assert kept.status_code == left.status_code == 201, left.get_json()
    assert len(left.get_json()["problem_ids"]) == len(kept.get_json()["problem_ids"]) - 1
    client.runtime.catch_up(D)
    detail = client.call(
        "GET", f"/districts/{D}/inspections/{kept.get_json()['id']}", "inspector"
    ).get_json()["inspection"]
    problem = next(p for p in detail["problems"] if p["rule_id"] == wall["rule_id"])
    base = f"/districts/{D}/inspections/{detail['inspection_id']}/problems/{problem['problem_id']}"
    confirm = {"reviewed_on": "2022-04-11", "accepted": True}
    cal.day = date(2022, 4, 11)
    assert client.call("POST", f"{base}/review", "inspector", json=confirm).status_code == 409
    fix = {"rectified_on": "2022-04-10", "evidence": "上墙照片"}
    assert (
        client.call("POST", f"{base}/rectification", "district_admin", json=fix).status_code == 200
    )
    own = client.call("POST", f"{base}/review", "district_admin", json=confirm)
    assert own.status_code == 409, own.get_json()  # who rectified does not confirm
    assert own.get_json()["field"] == "problem_id"
    bad = client.call("POST", f"{base}/review", "inspector", json={**confirm, "accepted": "maybe"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "accepted"
    assert client.call("POST", f"{base}/review", "inspector", json=confirm).status_code == 200
    assert client.call("POST", f"{base}/review", "inspector", json=confirm).status_code == 409
    client.runtime.catch_up(D)
    problems = client.call("GET", f"/districts/{D}/problems?state=rectified").get_json()["items"]
    assert [p["review"]["verdict"] for p in problems] == ["confirmed"]
    assert problems[0]["review"]["reviewed_by"]
