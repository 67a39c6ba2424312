"""The campaign over HTTP: inspections and their problem lists, rectification by the district,
the joint acceptance by the city, progress, and the acceptance reports as Excel and PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.campaign.district import BY, A, Calendar, D, build_2021, evaluate_a
from tests.client import BOOTSTRAP_TOKEN
from workers.signing import sign_district


class Api:
    """The app, its runtime and a token per role."""

    def __init__(self, client: FlaskClient, runtime: Any, tokens: dict[str, str]) -> None:
        self.client, self.runtime, self.tokens = client, runtime, tokens

    def call(self, method: str, path: str, role: str = "city", **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


@pytest.fixture
def api(
    calendar: Calendar, app: Flask, make_district: Any, make_account: Any
) -> tuple[Api, Calendar]:
    """District D on the calendar, the city administrator and three narrower accounts."""
    make_district(D, "中原区", by=BY, clock=calendar)
    tokens = {"city": BOOTSTRAP_TOKEN}
    for role, scope in (
        ("district_admin", {"district": D}),
        ("inspector", {"district": D}),
        ("township_officer", {"district": D, "township": "410102002"}),
    ):
        tokens[role] = make_account(role, **scope)
    return Api(app.test_client(), app.extensions["canxie"].runtime, tokens), calendar


def inspect_by_the_rules(client: Api, ids: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A district spot check on 2022-03-15 with the rules' problem list; refused to the township.

    Returns the inspection id and the city joint acceptance body, refused to the district.
    """
    body = {
        "kind": "spot_check",
        "title": "一季度重点抽查",
        "inspected_on": "2022-03-15",
        "inspectors": ["张检查"],
        "association_ids": [str(ids["a"]), str(ids["b"])],
        "problems": [{"description": "工作档案不规范", "association_id": str(ids["b"])}],
    }
    assert (
        client.call(
            "POST", f"/districts/{D}/inspections", "township_officer", json=body
        ).status_code
        == 403
    )  # township officers do not inspect (district admins do: their district's supervision)
    created = client.call("POST", f"/districts/{D}/inspections", "inspector", json=body)
    assert created.status_code == 201, created.get_json()
    inspection = created.get_json()["id"]
    assert len(created.get_json()["problem_ids"]) == 8
    joint = {**body, "kind": "city_joint_acceptance", "problems": []}
    assert (
        client.call("POST", f"/districts/{D}/inspections", "inspector", json=joint).status_code
        == 403
    )  # a district inspector: not the city's
    return inspection, joint


def rectify_the_wall_problem(client: Api, cal: Calendar, inspection: str) -> None:
    """The district admin (only) records A's wall fix on 2022-04-10, once; as of before, none."""
    detail = client.call(
        "GET", f"/districts/{D}/inspections/{inspection}?as_of=2022-03-15", "inspector"
    ).get_json()
    assert detail["inspection"]["problem_counts"] == {
        "total": 8,
        "open": 8,
        "escalated": 0,
        "rectified": 0,
    }
    wall = next(
        p
        for p in detail["inspection"]["problems"]
        if p["division_code"] == A and p["rule_id"] == "S3.5-duties-and-rules-on-wall"
    )

    cal.day = date(2022, 4, 10)
    path = f"/districts/{D}/inspections/{inspection}/problems/{wall['problem_id']}/rectification"
    fix = {"rectified_on": "2022-04-10", "evidence": "上墙照片"}
    assert client.call("POST", path, "township_officer", json=fix).status_code == 404
    assert client.call("POST", path, "inspector", json=fix).status_code == 403
    assert (
        client.call("POST", path, "district_admin", json={**fix, "evidence": " "}).status_code
        == 422
    )
    assert client.call("POST", path, "district_admin", json=fix).status_code == 200
    assert client.call("POST", path, "district_admin", json=fix).status_code == 409
    client.runtime.catch_up(D)
    problems = client.call("GET", f"/districts/{D}/problems?state=rectified").get_json()
    assert [p["problem_id"] for p in problems["items"]] == [wall["problem_id"]]
    assert problems["counts"]["open"] == 7
    before = client.call("GET", f"/districts/{D}/problems?as_of=2022-04-09&basis=effective")
    assert before.get_json()["counts"]["rectified"] == 0


def accept_jointly(client: Api, cal: Calendar, joint: dict[str, Any]) -> None:
    """The city's joint acceptance on 2022-06-25: passed once the three bodies have decided."""
    cal.day = date(2022, 6, 25)
    joint_created = client.call(
        "POST",
        f"/districts/{D}/inspections",
        json={**joint, "inspected_on": "2022-06-25", "from_rules": False},
    )
    assert joint_created.status_code == 201
    decisions = f"/districts/{D}/inspections/{joint_created.get_json()['id']}/decisions"
    decision = {"decided_on": "2022-06-25", "signatory": "签字人", "decision": "passed"}
    assert (
        client.call(
            "POST", decisions, "inspector", json={**decision, "body": "city_federation"}
        ).status_code
        == 403
    )
    for body_name in ("city_federation", "community_governance_committee"):
        answer = client.call("POST", decisions, json={**decision, "body": body_name})
        assert answer.status_code == 201 and answer.get_json()["outcome"] is None
    last = client.call("POST", decisions, json={**decision, "body": "civil_affairs_bureau"})
    assert last.get_json()["outcome"] == "passed"


def assert_campaign_and_progress(client: Api, cal: Calendar) -> None:
    """Phases, the late work plan, district and city progress, asked once June is over."""
    # The app's today is the clock's: the city asks once June is over (progress, reports).
    cal.day = date(2022, 7, 1)
    campaign = client.call("GET", "/campaign", "inspector").get_json()
    assert [p["key"] for p in campaign["phases"]] == [
        "deployment",
        "implementation",
        "consolidation",
        "acceptance",
    ]
    assert campaign["work_plans"][0]["late"] is True
    progress = client.call("GET", f"/districts/{D}/progress?until=2022-06-30").get_json()
    assert len(progress["points"]) == 21
    assert progress["points"][-1]["fully_compliant"] == 0  # A's wall fix was not recorded here
    city = client.call("GET", "/campaign/progress?until=2021-06-30&basis=effective").get_json()
    assert city["city"][-1]["covered_villages"] == 2


def assert_acceptance_reports(client: Api, tmp_path: Path) -> None:
    """The acceptance report as Excel (zh, then en once signed) and as PDF."""
    xlsx = client.call("GET", f"/districts/{D}/acceptance-report.xlsx?as_of=2022-06-30")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["截至日期"] == "2022-06-30"
    assert cells["账本签名树头"] == "无签名树头"
    sign_district(client.runtime, D)
    english = client.call(
        "GET", f"/districts/{D}/acceptance-report.xlsx?as_of=2022-06-30&basis=effective&lang=en"
    )
    sheet = load_workbook(io.BytesIO(english.data)).worksheets[0]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Basis"].startswith("effective")
    assert cells["Ledger signed tree head"].startswith("size ")
    pdf = client.call("GET", f"/districts/{D}/acceptance-report.pdf?as_of=2022-06-30")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        (tmp_path / "report.pdf").write_bytes(pdf.data)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "report.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "截至日期" in text and "问题清单" in text and "规模" in text


def test_inspection_rectification_acceptance_and_reports(
    api: tuple[Api, Calendar], tmp_path: Path
) -> None:
    client, cal = api
    walk = build_2021(client.runtime, cal)
    evaluate_a(client.runtime, cal, walk)
    cal.day = date(2022, 3, 15)
    inspection, joint = inspect_by_the_rules(client, walk.ids)
    client.runtime.catch_up(D)
    rectify_the_wall_problem(client, cal, inspection)
    accept_jointly(client, cal, joint)
    assert_campaign_and_progress(client, cal)
    client.runtime.catch_up(D)
    assert_acceptance_reports(client, tmp_path)
