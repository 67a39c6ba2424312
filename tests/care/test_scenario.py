"""A year of groups, surveys, visits and evaluations through a real server and worker."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client import Client
from tests.roster.samples import person_body

pytestmark = pytest.mark.hosted

D = "410108"
VILLAGE = f"{D}001001"


def created(response: Any) -> dict[str, Any]:
    """The body of a 201, or the failure with what the server said."""
    assert response.status_code == 201, response.text
    return response.json()


def visits_due(api: Client, day: str, status: str = "overdue", **extra: Any) -> dict[str, Any]:
    """The district's households due for a visit on ``day``, by status."""
    answer = api.get(f"/districts/{D}/visits/due", on=day, status=status, **extra)
    assert answer.status_code == 200, answer.text
    return answer.json()


def form_groups(api: Client, one: str) -> tuple[list[str], str, str]:
    """Four people; a category group and an area group formed in April 2021, three members.

    Returns the people, the physical group and the east group.
    """
    p1, p2, p3, p4 = (
        created(api.post(f"/districts/{D}/persons", person_body(VILLAGE, n)))["id"]
        for n in range(11, 15)
    )
    physical = created(
        api.post(
            f"{one}/groups",
            {
                "name": "肢体残疾人小组",
                "basis": "category",
                "category": "physical",
                "formed_on": "2021-04-15",
            },
        )
    )["id"]
    east = created(
        api.post(
            f"{one}/groups",
            {
                "name": "东片小组",
                "basis": "area",
                "area": "东片一至三组",
                "formed_on": "2021-04-15",
            },
        )
    )["id"]
    for group, person, day in (
        (physical, p1, "2021-05-01"),
        (physical, p2, "2021-05-01"),
        (east, p3, "2021-05-01"),
    ):
        created(api.post(f"{one}/groups/{group}/members", {"person_id": person, "joined_on": day}))
    return [p1, p2, p3, p4], physical, east


def assert_membership_over_time(
    api: Client, one: str, people: list[str], physical: str, east: str
) -> None:
    """A leader, a member moved between groups in September, one joining in 2022: as of each day."""
    p1, p2, p3, p4 = people
    leader = api.post(
        f"{one}/groups/{physical}/leader", {"person_id": p1, "appointed_on": "2021-05-02"}
    )
    assert leader.status_code == 200, leader.text
    moved = api.post(
        f"{one}/groups/{physical}/members/{p2}/departure",
        {"left_on": "2021-09-01", "reason": "调整到东片小组"},
    )
    assert moved.status_code == 200, moved.text
    created(api.post(f"{one}/groups/{east}/members", {"person_id": p2, "joined_on": "2021-09-01"}))
    last = created(
        api.post(f"{one}/groups/{east}/members", {"person_id": p4, "joined_on": "2022-01-01"})
    )

    def members_on(day: str) -> dict[str, set[str]]:
        listing = api.get(f"{one}/groups", on=day, min_position=last["position"])
        assert listing.status_code == 200, listing.text
        return {g["name"]: {m["person_id"] for m in g["members"]} for g in listing.json()["items"]}

    assert members_on("2021-06-01") == {"肢体残疾人小组": {p1, p2}, "东片小组": {p3}}
    assert members_on("2021-10-01") == {"肢体残疾人小组": {p1}, "东片小组": {p2, p3}}
    assert members_on("2022-02-01") == {"肢体残疾人小组": {p1}, "东片小组": {p2, p3, p4}}
    assert members_on("2021-04-20") == {"肢体残疾人小组": set(), "东片小组": set()}
    detail = api.get(f"{one}/groups/{physical}", on="2021-06-01").json()
    assert detail["leader_person_id"] == p1
    stays = {m["person_id"]: m for m in detail["memberships"]}
    assert stays[p2]["left_on"] == "2021-09-01"
    assert stays[p2]["leave_reason"] == "调整到东片小组"
    assert stays[p1]["left_on"] is None


def survey_and_serve_needs(api: Client, one: str, p1: str) -> None:
    """A survey's two needs: one met by a service, one still open after a partial service."""
    survey = created(
        api.post(
            f"{one}/persons/{p1}/surveys",
            {
                "surveyed_on": "2022-03-01",
                "surveyor": "刘洋",
                "services_received": ["social_security"],
                "needs": [
                    {"category": "rehabilitation", "description": "肢体康复训练"},
                    {"category": "assistive_devices", "description": "轮椅"},
                ],
            },
        )
    )
    rehab, wheelchair = survey["need_ids"]
    services = f"{one}/persons/{p1}/needs"
    created(
        api.post(
            f"{services}/{wheelchair}/services",
            {
                "delivered_on": "2022-04-01",
                "provider": "区残联辅具中心",
                "description": "适配轮椅一台",
            },
        )
    )
    partial = created(
        api.post(
            f"{services}/{rehab}/services",
            {
                "delivered_on": "2022-04-10",
                "provider": "社区卫生服务中心",
                "description": "首期训练",
                "meets_need": False,
            },
        )
    )
    open_needs = api.get(
        f"/districts/{D}/needs", status="open", min_position=partial["position"]
    ).json()
    assert [(n["need_id"], n["category"], n["services"]) for n in open_needs["items"]] == [
        (rehab, "rehabilitation", 1)
    ]
    met = api.get(f"/districts/{D}/needs", status="met").json()["items"]
    assert [(n["need_id"], n["met_on"]) for n in met] == [(wheelchair, "2022-04-01")]
    assert met[0]["service_records"][0]["provider"] == "区残联辅具中心"
    person = api.get(services).json()
    assert person["surveys"][0]["services_received"] == ["social_security"]
    assert person["surveys"][0]["surveyor"] == "刘洋"
    assert {n["status"] for n in person["needs"]} == {"open", "met"}


def visit_and_follow_up(
    api: Client, one: str, chair: str, member_officer: str, p1: str, p3: str
) -> None:
    """Two households visited in January, a resolved follow-up; what falls due at 90 days."""
    hardship = created(
        api.post(
            f"{one}/visits",
            {
                "household_id": "H-001",
                "household_kind": "special_hardship",
                "person_ids": [p1],
                "visited_on": "2022-01-10",
                "visitor_officer_id": chair,
                "mode": "on_site",
                "findings": "房屋漏雨",
                "difficulties": ["住房困难"],
            },
        )
    )["id"]
    created(
        api.post(
            f"{one}/visits",
            {
                "household_id": "H-002",
                "household_kind": "ordinary",
                "person_ids": [p3],
                "visited_on": "2022-01-10",
                "visitor_officer_id": member_officer,
                "mode": "phone",
                "findings": "一切正常",
            },
        )
    )
    follow_up = created(
        api.post(
            f"{one}/visits/{hardship}/follow-ups",
            {"referred_to": "two_committees", "referred_on": "2022-01-11", "matter": "危房改造"},
        )
    )
    outcome = api.post(
        f"{one}/visits/{hardship}/follow-ups/{follow_up['id']}/outcome",
        {"concluded_on": "2022-02-20", "outcome": "纳入危房改造计划", "resolved": True},
    )
    assert outcome.status_code == 200, outcome.text

    visit = api.get(f"{one}/visits/{hardship}", min_position=outcome.json()["position"]).json()
    assert visit["follow_ups"][0]["resolved"] is True
    assert visit["open_follow_ups"] == 0
    assert visit["visitor_name"] == "王建国"
    assert visits_due(api, "2022-03-01")["items"] == []
    soon = visits_due(api, "2022-03-01", "due", within_days=60)["items"]
    assert [(h["household_id"], h["due_on"]) for h in soon] == [("H-001", "2022-04-10")]
    late = visits_due(api, "2022-05-01")["items"]
    assert [(h["household_id"], h["due_on"], h["days_overdue"]) for h in late] == [
        ("H-001", "2022-04-10", 21)
    ]


def change_intervals_and_revisit(api: Client, one: str, chair: str) -> None:
    """New intervals in force from June 2022 move the due dates; a revisit clears H-001."""
    changed = api.post(
        f"/districts/{D}/settings/visit-intervals",
        {"effective_from": "2022-06-01", "intervals": {"special_hardship": 60, "ordinary": 180}},
    )
    assert changed.status_code == 201, changed.text
    settings = api.get(
        f"/districts/{D}/settings/visit-intervals",
        on="2022-05-31",
        min_position=changed.json()["position"],
    ).json()
    assert settings["in_force"] == {
        "effective_from": None,
        "intervals": {"special_hardship": 90, "ordinary": 365},
    }
    everything = {h["household_id"]: h for h in visits_due(api, "2022-05-31", "all")["items"]}
    assert everything["H-002"]["due_on"] == "2023-01-10"
    after = {h["household_id"]: h for h in visits_due(api, "2022-06-15", "all")["items"]}
    assert (after["H-001"]["interval_days"], after["H-001"]["due_on"]) == (60, "2022-03-11")
    assert after["H-001"]["overdue"] is True
    assert (after["H-002"]["due_on"], after["H-002"]["overdue"]) == ("2022-07-09", False)
    assert visits_due(api, "2022-07-10")["total"] == 2
    revisit = created(
        api.post(
            f"{one}/visits",
            {
                "household_id": "H-001",
                "household_kind": "special_hardship",
                "visited_on": "2022-06-20",
                "visitor_officer_id": chair,
                "mode": "on_site",
                "findings": "已修缮",
            },
        )
    )
    api.get(f"{one}/visits", min_position=revisit["position"])
    assert [h["household_id"] for h in visits_due(api, "2022-07-10")["items"]] == ["H-002"]
    assert [h["household_id"] for h in visits_due(api, "2022-06-15")["items"]] == ["H-001"]


def evaluate_under_two_schemes(api: Client, one: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Association evaluations for 2021 and 2022, each under the scheme then in force.

    Returns the two created evaluations.
    """
    criteria = [
        {"key": "organisation", "name": "组织建设", "weight": 60, "max_score": 10},
        {"key": "services", "name": "服务成效", "weight": 40, "max_score": 5},
    ]
    created(
        api.post(
            f"/districts/{D}/evaluation-schemes",
            {"effective_from": "2021-01-01", "criteria": criteria, "performance_weight": 70},
        )
    )
    first = created(
        api.post(
            f"{one}/evaluations",
            {
                "cycle": 2021,
                "evaluated_on": "2022-01-15",
                "evaluator": "惠济区残联",
                "scores": {"organisation": 8, "services": 2.5},
            },
        )
    )
    created(
        api.post(
            f"/districts/{D}/evaluation-schemes",
            {
                "effective_from": "2022-06-01",
                "performance_weight": 50,
                "criteria": [{**criteria[0], "weight": 50}, {**criteria[1], "weight": 50}],
            },
        )
    )
    second = created(
        api.post(
            f"{one}/evaluations",
            {
                "cycle": 2022,
                "evaluated_on": "2022-12-20",
                "evaluator": "惠济区残联",
                "scores": {"organisation": 8, "services": 2.5},
            },
        )
    )
    return first, second


def evaluate_the_full_time_member(api: Client, one: str, member_officer: str) -> dict[str, Any]:
    """The full-time member's 2022 evaluation: performance and rating scores."""
    return created(
        api.post(
            f"{one}/evaluations",
            {
                "cycle": 2022,
                "evaluated_on": "2022-12-20",
                "evaluator": "惠济区残联",
                "subject": "full_time_member",
                "officer_id": member_officer,
                "performance_score": 90,
                "rating_score": 80,
            },
        )
    )


def test_groups_needs_visits_and_evaluations_come_back_from_the_read_models(
    hosted_api: Client,
) -> None:
    api = hosted_api
    assert api.create_district(D, "惠济区").status_code == 201
    association = created(api.create_association(D, VILLAGE))["id"]
    chair = created(api.appoint(D, association, "chair", "王建国"))["officer_id"]
    member = created(api.appoint(D, association, "committee_member", "刘洋", full_time=True))
    one = f"/districts/{D}/associations/{association}"

    # -- groups and membership over time (S3.3) --------------------------------------------
    people, physical, east = form_groups(api, one)
    assert_membership_over_time(api, one, people, physical, east)

    # -- needs survey and services (S3.5) --------------------------------------------------
    survey_and_serve_needs(api, one, people[0])

    # -- home visits, follow-ups, intervals in force on a date (S3.4, S3.5) ------------------
    visit_and_follow_up(api, one, chair, member["officer_id"], people[0], people[2])
    change_intervals_and_revisit(api, one, chair)

    # -- evaluation schemes and evaluations (S3.5, S3.6) ------------------------------------
    first, second = evaluate_under_two_schemes(api, one)
    staff = evaluate_the_full_time_member(api, one, member["officer_id"])
    listing = api.get(f"/districts/{D}/evaluations", min_position=staff["position"]).json()
    totals = {(e["cycle"], e["subject"]): e for e in listing["items"]}
    assert totals[(2021, "association")]["total"] == 68.0  # 60*0.8 + 40*0.5, first scheme
    assert totals[(2021, "association")]["evaluation_id"] == first["id"]
    assert totals[(2022, "association")]["total"] == 65.0  # 50*0.8 + 50*0.5, second scheme
    assert totals[(2022, "association")]["evaluation_id"] == second["id"]
    assert totals[(2022, "full_time_member")]["total"] == 85.0  # 0.5*90 + 0.5*80
    assert (
        totals[(2021, "association")]["scheme_effective_from"],
        totals[(2022, "association")]["scheme_effective_from"],
    ) == ("2021-01-01", "2022-06-01")
    schemes = api.get(f"/districts/{D}/evaluation-schemes", on="2022-01-01").json()
    assert schemes["in_force"]["performance_weight"] == 70
    assert len(schemes["versions"]) == 2
    only_2021 = api.get(f"{one}/evaluations", cycle=2021).json()
    assert [e["total"] for e in only_2021["items"]] == [68.0]
