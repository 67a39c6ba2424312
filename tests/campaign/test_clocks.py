"""Inspections entered after their day, and the compliance answer on a day the records missed.

A paper inspection typed in today for a day two months back, in a district whose history was
entered today with its real (earlier) dates: the rules find what was true that day as known
now (the effective clock), a problem the inspector wrote for a rule they also found is one
problem, and the compliance answer says when the recorded clock knew nothing yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from aggregates.association.association import OfficerRole
from aggregates.clock import SYSTEM_CLOCK
from tests.campaign.district import BY, A, Calendar, D, T, appoint
from tests.plugin import ADMIN

VICE_CHAIRS = "S3.3-vice-chairs"


class City:
    """The app and its runtime, called as the city administrator."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.runtime = app.extensions["canxie"].runtime

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = ADMIN
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


@pytest.fixture
def migrated(calendar: Calendar, app: Flask, make_district: Any) -> tuple[City, Any, date]:
    """A district whose association (established 90 days ago) was all entered today."""
    calendar.day = SYSTEM_CLOCK.today()
    city = City(app)
    records = make_district(D, "中原区", by=BY, clock=calendar)
    began = calendar.day - timedelta(days=90)
    records.record_division(code=T, name="林山寨街道", effective_on=began, by=BY)
    records.record_division(code=A, name="友谊社区", effective_on=began, by=BY)
    association = records.establish_association(
        division_code=A, name="友谊社区残协", township_code=T, established_on=began, by=BY
    ).id
    appoint(records, association, OfficerRole.CHAIR, "王建国", began)
    city.runtime.catch_up(D)
    return city, association, calendar.day - timedelta(days=60)


def failing_rules(city: City, day: date, basis: str) -> set[str]:
    answer = city.call("GET", f"/districts/{D}/compliance?as_of={day}&basis={basis}")
    assert answer.status_code == 200, answer.json
    return {f["rule_id"] for f in answer.json["findings"] if not f["passed"]}


def inspect(city: City, association: Any, day: date, problems: list[dict[str, Any]]) -> Any:
    return city.call(
        "POST",
        f"/districts/{D}/inspections",
        json={
            "kind": "spot_check",
            "title": "纸质检查补录",
            "inspected_on": day.isoformat(),
            "inspectors": ["市残联 张检查"],
            "association_ids": [str(association)],
            "problems": problems,
        },
    )


def problem_list(city: City, inspection_id: str) -> list[dict[str, Any]]:
    city.runtime.catch_up(D)
    answer = city.call("GET", f"/districts/{D}/inspections/{inspection_id}")
    assert answer.status_code == 200, answer.json
    return answer.json["inspection"]["problems"]


def test_an_inspection_typed_in_later_finds_the_failures_of_its_day(migrated: Any) -> None:
    city, association, day = migrated
    expected = failing_rules(city, day, "effective")
    assert VICE_CHAIRS in expected  # one chair, no vice-chair
    created = inspect(city, association, day, [])
    assert created.status_code == 201, created.json
    problems = problem_list(city, created.json["id"])
    assert {p["rule_id"] for p in problems} == expected
    assert len(problems) == len(created.json["problem_ids"]) == len(expected)


def test_a_written_problem_for_a_rule_already_found_is_one_problem(migrated: Any) -> None:
    city, association, day = migrated
    expected = failing_rules(city, day, "effective")
    note = "现场只有主席一人，无副主席"
    written = [{"description": note, "association_id": str(association), "rule_id": VICE_CHAIRS}]
    created = inspect(city, association, day, written)
    assert created.status_code == 201, created.json
    problems = problem_list(city, created.json["id"])
    assert len(problems) == len(created.json["problem_ids"]) == len(expected)
    merged = [p for p in problems if p["rule_id"] == VICE_CHAIRS]
    assert [p["description"] for p in merged] == [note]


def test_a_written_problem_names_a_known_rule(migrated: Any) -> None:
    city, association, day = migrated
    written = [{"description": "x", "association_id": str(association), "rule_id": "S9-none"}]
    answer = inspect(city, association, day, written)
    assert answer.status_code == 422, answer.json
    assert "rule_id" in str(answer.json)


def test_the_compliance_answer_says_when_the_recorded_clock_knew_nothing(migrated: Any) -> None:
    city, _, day = migrated
    path = f"/districts/{D}/compliance?as_of={day}"
    recorded = city.call("GET", f"{path}&basis=recorded").json
    assert recorded["findings"] == []
    assert recorded["recorded_clock_empty"] is True
    assert recorded["clock_note"].startswith("截至")
    assert "basis=effective" in recorded["clock_note"]
    effective = city.call("GET", f"{path}&basis=effective").json
    assert effective["findings"] != []
    assert effective["recorded_clock_empty"] is True
    assert effective["clock_note"]
    for answer in (
        city.call("GET", f"/districts/{D}/compliance").json,
        city.call("GET", f"/districts/{D}/compliance?as_of={SYSTEM_CLOCK.today()}").json,
        city.call("GET", f"{path}&basis=recorded".replace(str(day), str(day - timedelta(60)))).json,
    ):
        assert answer["recorded_clock_empty"] is False, answer
        assert answer["clock_note"] is None


def test_a_problem_added_later_for_a_rule_already_listed_is_refused(migrated: Any) -> None:
    city, association, day = migrated
    created = inspect(city, association, day, [])
    assert created.status_code == 201, created.json
    path = f"/districts/{D}/inspections/{created.json['id']}/problems"
    again = {
        "description": "副主席仍缺",
        "association_id": str(association),
        "rule_id": VICE_CHAIRS,
        "found_on": day.isoformat(),
    }
    answer = city.call("POST", path, json=again)
    assert answer.status_code == 409, answer.json
    assert answer.json["field"] == "rule_id"
    before = problem_list(city, created.json["id"])
    assert [p["rule_id"] for p in before].count(VICE_CHAIRS) == 1
    listed = next(p for p in before if p["rule_id"] == VICE_CHAIRS)
    rectified = city.call(
        "POST",
        f"{path}/{listed['problem_id']}/rectification",
        json={"rectified_on": day.isoformat(), "evidence": "任命决定", "note": "已补选"},
    )
    assert rectified.status_code == 200, rectified.json
    assert city.call("POST", path, json=again).status_code == 201
