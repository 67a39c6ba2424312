"""Every bad input to groups, needs, visits, settings and evaluations gets its problem+json
naming the field, and leaves the district's store unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.client import Client
from tests.hosted.test_bad_input import Bad, send
from tests.problems import refusal_failures
from tests.roster.samples import person_body

pytestmark = pytest.mark.hosted

D = "410109"
VILLAGE = f"{D}001001"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
CRITERIA = [
    {"key": "organisation", "name": "组织建设", "weight": 60, "max_score": 10},
    {"key": "services", "name": "服务成效", "weight": 40, "max_score": 5},
]


def ok(response: Any) -> dict[str, Any]:
    """The body of a successful command."""
    assert response.status_code in (200, 201), response.text
    return response.json()


def survey_two_needs_one_served(api: Client, one: str, member: str) -> tuple[str, str]:
    """A survey of two needs, the legal one served; returns the rehabilitation and legal needs."""
    survey = ok(
        api.post(
            f"{one}/persons/{member}/surveys",
            {
                "surveyed_on": "2022-03-01",
                "surveyor": "刘洋",
                "needs": [
                    {"category": "rehabilitation", "description": "康复"},
                    {"category": "legal_aid", "description": "法律咨询"},
                ],
            },
        )
    )
    rehab, legal = survey["need_ids"]
    ok(
        api.post(
            f"{one}/persons/{member}/needs/{legal}/services",
            {"delivered_on": "2022-03-10", "provider": "司法所", "description": "咨询"},
        )
    )
    return rehab, legal


def visit_with_a_resolved_follow_up(api: Client, one: str, chair: str) -> tuple[str, str]:
    """A phone visit whose follow-up was resolved; returns the visit and the follow-up."""
    visit = ok(
        api.post(
            f"{one}/visits",
            {
                "household_id": "H-1",
                "household_kind": "ordinary",
                "visited_on": "2022-01-10",
                "visitor_officer_id": chair,
                "mode": "phone",
                "findings": "正常",
            },
        )
    )["id"]
    follow_up = ok(
        api.post(
            f"{one}/visits/{visit}/follow-ups",
            {"referred_to": "township", "referred_on": "2022-01-11", "matter": "补贴"},
        )
    )["id"]
    ok(
        api.post(
            f"{one}/visits/{visit}/follow-ups/{follow_up}/outcome",
            {"concluded_on": "2022-01-20", "outcome": "已办理", "resolved": True},
        )
    )
    return visit, follow_up


def evaluate_under_a_scheme(api: Client, one: str) -> None:
    """A scheme in force from 2022 and the association's 2022 evaluation."""
    ok(
        api.post(
            f"/districts/{D}/evaluation-schemes",
            {"effective_from": "2022-01-01", "criteria": CRITERIA, "performance_weight": 70},
        )
    )
    ok(
        api.post(
            f"{one}/evaluations",
            {
                "cycle": 2022,
                "evaluated_on": "2022-12-20",
                "evaluator": "区残联",
                "scores": {"organisation": 8, "services": 4},
            },
        )
    )


@pytest.fixture
def care_world(hosted_api: Client) -> Iterator[dict[str, Any]]:
    """A district with an association, persons, a group, a survey, a visit and a scheme."""
    api = hosted_api
    ok(api.create_district(D, "管城回族区"))
    association = ok(api.create_association(D, VILLAGE))["id"]
    chair = ok(api.appoint(D, association, "chair", "王建国"))["officer_id"]
    one = f"/districts/{D}/associations/{association}"
    member, other, elsewhere = (
        ok(api.post(f"/districts/{D}/persons", person_body(village, n)))["id"]
        for n, village in ((21, VILLAGE), (22, VILLAGE), (23, f"{D}001002"))
    )
    group = ok(
        api.post(
            f"{one}/groups",
            {"name": "小组", "basis": "area", "area": "东片", "formed_on": "2021-04-01"},
        )
    )["id"]
    ok(api.post(f"{one}/groups/{group}/members", {"person_id": member, "joined_on": "2021-05-01"}))
    rehab, legal = survey_two_needs_one_served(api, one, member)
    visit, follow_up = visit_with_a_resolved_follow_up(api, one, chair)
    evaluate_under_a_scheme(api, one)
    yield {
        "api": api,
        "one": one,
        "chair": chair,
        "member": member,
        "other": other,
        "elsewhere": elsewhere,
        "group": group,
        "rehab": rehab,
        "legal": legal,
        "visit": visit,
        "follow_up": follow_up,
    }


def case_values(w: dict[str, Any]) -> dict[str, Any]:
    """The paths and bodies the refusals are built from."""
    one, group, member = w["one"], f"{w['one']}/groups/{w['group']}", w["member"]
    needs = f"{one}/persons/{member}/needs"
    visit = f"{one}/visits/{w['visit']}"
    g = {"name": "新小组", "basis": "category", "category": "visual", "formed_on": "2021-06-01"}
    s = {
        "surveyed_on": "2022-04-01",
        "surveyor": "刘洋",
        "needs": [{"category": "education", "description": "入学"}],
    }
    svc = {"delivered_on": "2022-04-01", "provider": "康复中心", "description": "训练"}
    v = {
        "household_id": "H-2",
        "household_kind": "special_hardship",
        "visited_on": "2022-02-01",
        "visitor_officer_id": w["chair"],
        "mode": "on_site",
        "findings": "困难",
    }
    iv = {"effective_from": "2022-06-01", "intervals": {"special_hardship": 60, "ordinary": 180}}
    sc = {"effective_from": "2023-01-01", "criteria": CRITERIA, "performance_weight": 60}
    ev = {
        "cycle": 2023,
        "evaluated_on": "2023-12-20",
        "evaluator": "区残联",
        "scores": {"organisation": 8, "services": 4},
    }
    ft = {
        **ev,
        "subject": "full_time_member",
        "officer_id": w["chair"],
        "scores": {},
        "performance_score": 90,
        "rating_score": 80,
    }
    settings = f"/districts/{D}/settings/visit-intervals"
    schemes = f"/districts/{D}/evaluation-schemes"
    return locals()  # every path and body above, by name


def refused_groups_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    one, g = v["one"], v["g"]
    return [
        # groups (S3.3)
        Bad(
            "group without name",
            "POST",
            f"{one}/groups",
            {**g, "name": " "},
            422,
            "validation",
            "name",
        ),
        Bad(
            "unknown basis",
            "POST",
            f"{one}/groups",
            {**g, "basis": "age"},
            422,
            "validation",
            "basis",
        ),
        Bad(
            "unknown category",
            "POST",
            f"{one}/groups",
            {**g, "category": "x"},
            422,
            "validation",
            "category",
        ),
        Bad(
            "category group without category",
            "POST",
            f"{one}/groups",
            {**g, "category": None},
            422,
            "invalid-value",
            "category",
        ),
        Bad(
            "area group without area",
            "POST",
            f"{one}/groups",
            {**g, "basis": "area", "category": None},
            422,
            "invalid-value",
            "area",
        ),
    ]


def refused_groups_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    one, group, g = v["one"], v["group"], v["g"]
    return [
        Bad(
            "group formed in the future",
            "POST",
            f"{one}/groups",
            {**g, "formed_on": "2999-01-01"},
            422,
            "invalid-value",
            "formed_on",
        ),
        Bad(
            "group formed before the association",
            "POST",
            f"{one}/groups",
            {**g, "formed_on": "2020-01-01"},
            422,
            "invalid-value",
            "formed_on",
        ),
        Bad(
            "group of an unknown association",
            "POST",
            f"/districts/{D}/associations/{UNKNOWN}/groups",
            g,
            404,
            "not-found",
            "association_id",
        ),
        Bad(
            "member id not a UUID",
            "POST",
            f"{group}/members",
            {"person_id": "x", "joined_on": "2021-06-01"},
            422,
            "validation",
            "person_id",
        ),
        Bad(
            "member not on the roster",
            "POST",
            f"{group}/members",
            {"person_id": UNKNOWN, "joined_on": "2021-06-01"},
            404,
            "not-found",
            "person_id",
        ),
    ]


def refused_groups_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    w, one, group, member = v["w"], v["one"], v["group"], v["member"]
    return [
        Bad(
            "member of another village",
            "POST",
            f"{group}/members",
            {"person_id": w["elsewhere"], "joined_on": "2021-06-01"},
            409,
            "invariant-violated",
            "person_id",
        ),
        Bad(
            "member twice",
            "POST",
            f"{group}/members",
            {"person_id": member, "joined_on": "2021-06-01"},
            409,
            "invariant-violated",
            "person_id",
        ),
        Bad(
            "joined before the group was formed",
            "POST",
            f"{group}/members",
            {"person_id": w["other"], "joined_on": "2021-03-01"},
            422,
            "invalid-value",
            "joined_on",
        ),
        Bad(
            "unknown group",
            "POST",
            f"{one}/groups/{UNKNOWN}/members",
            {"person_id": w["other"], "joined_on": "2021-06-01"},
            404,
            "not-found",
            "group_id",
        ),
        Bad(
            "departure of a non-member",
            "POST",
            f"{group}/members/{w['other']}/departure",
            {"left_on": "2021-06-01", "reason": "x"},
            404,
            "not-found",
            "person_id",
        ),
    ]


def refused_groups_4(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    w, group, member = v["w"], v["group"], v["member"]
    return [
        Bad(
            "left before joining",
            "POST",
            f"{group}/members/{member}/departure",
            {"left_on": "2021-04-01", "reason": "x"},
            422,
            "invalid-value",
            "left_on",
        ),
        Bad(
            "departure without reason",
            "POST",
            f"{group}/members/{member}/departure",
            {"left_on": "2021-06-01"},
            422,
            "validation",
            "reason",
        ),
        Bad(
            "leader not a member",
            "POST",
            f"{group}/leader",
            {"person_id": w["other"], "appointed_on": "2021-06-01"},
            409,
            "invariant-violated",
            "person_id",
        ),
        Bad(
            "disbanding with members",
            "POST",
            f"{group}/disbandment",
            {"disbanded_on": "2021-06-01", "reason": "合并"},
            409,
            "invariant-violated",
            "disbanded_on",
        ),
    ]


def refused_needs_and_services_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: needs and services (S3.5)."""
    one, member, s = v["one"], v["member"], v["s"]
    return [
        # needs and services (S3.5)
        Bad(
            "unknown need category",
            "POST",
            f"{one}/persons/{member}/surveys",
            {**s, "needs": [{"category": "housing", "description": "x"}]},
            422,
            "validation",
            "needs.0.category",
        ),
        Bad(
            "unknown service received",
            "POST",
            f"{one}/persons/{member}/surveys",
            {**s, "services_received": ["x"]},
            422,
            "validation",
            "services_received.0",
        ),
        Bad(
            "survey in the future",
            "POST",
            f"{one}/persons/{member}/surveys",
            {**s, "surveyed_on": "2999-01-01"},
            422,
            "invalid-value",
            "surveyed_on",
        ),
        Bad(
            "survey before the last one",
            "POST",
            f"{one}/persons/{member}/surveys",
            {**s, "surveyed_on": "2022-02-01"},
            422,
            "invalid-value",
            "surveyed_on",
        ),
        Bad(
            "second open need of a kind",
            "POST",
            f"{one}/persons/{member}/surveys",
            {**s, "needs": [{"category": "rehabilitation", "description": "x"}]},
            409,
            "invariant-violated",
            "needs.0.category",
        ),
    ]


def refused_needs_and_services_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: needs and services (S3.5)."""
    w, one, member, needs, s, svc = v["w"], v["one"], v["member"], v["needs"], v["s"], v["svc"]
    return [
        Bad(
            "survey of a person not on the roster",
            "POST",
            f"{one}/persons/{UNKNOWN}/surveys",
            s,
            404,
            "not-found",
            "person_id",
        ),
        Bad(
            "survey without surveyor",
            "POST",
            f"{one}/persons/{member}/surveys",
            {k: x for k, x in s.items() if k != "surveyor"},
            422,
            "validation",
            "surveyor",
        ),
        Bad(
            "service against an unknown need",
            "POST",
            f"{needs}/{UNKNOWN}/services",
            svc,
            404,
            "not-found",
            "need_id",
        ),
        Bad(
            "service against a met need",
            "POST",
            f"{needs}/{w['legal']}/services",
            svc,
            409,
            "invariant-violated",
            "need_id",
        ),
        Bad(
            "service before the need was found",
            "POST",
            f"{needs}/{w['rehab']}/services",
            {**svc, "delivered_on": "2022-01-01"},
            422,
            "invalid-value",
            "delivered_on",
        ),
    ]


def refused_needs_and_services_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: needs and services (S3.5)."""
    w, one, needs, svc = v["w"], v["one"], v["needs"], v["svc"]
    return [
        Bad(
            "meets_need as a string",
            "POST",
            f"{needs}/{w['rehab']}/services",
            {**svc, "meets_need": "yes"},
            422,
            "validation",
            "meets_need",
        ),
        Bad(
            "service for a person never surveyed",
            "POST",
            f"{one}/persons/{w['other']}/needs/{w['rehab']}/services",
            svc,
            404,
            "not-found",
            "person_id",
        ),
    ]


def refused_visits_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: visits (S3.4, S3.5)."""
    one, v = v["one"], v["v"]
    return [
        # visits (S3.4, S3.5)
        Bad(
            "visitor not an officer",
            "POST",
            f"{one}/visits",
            {**v, "visitor_officer_id": UNKNOWN},
            404,
            "not-found",
            "visitor_officer_id",
        ),
        Bad(
            "unknown visit mode",
            "POST",
            f"{one}/visits",
            {**v, "mode": "letter"},
            422,
            "validation",
            "mode",
        ),
        Bad(
            "unknown household kind",
            "POST",
            f"{one}/visits",
            {**v, "household_kind": "x"},
            422,
            "validation",
            "household_kind",
        ),
        Bad(
            "visit in the future",
            "POST",
            f"{one}/visits",
            {**v, "visited_on": "2999-01-01"},
            422,
            "invalid-value",
            "visited_on",
        ),
        Bad(
            "visit before the association",
            "POST",
            f"{one}/visits",
            {**v, "visited_on": "2020-01-01"},
            422,
            "invalid-value",
            "visited_on",
        ),
    ]


def refused_visits_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: visits (S3.4, S3.5)."""
    one, visit, v = v["one"], v["visit"], v["v"]
    return [
        Bad(
            "visited person not on the roster",
            "POST",
            f"{one}/visits",
            {**v, "person_ids": [UNKNOWN]},
            404,
            "not-found",
            "person_ids.0",
        ),
        Bad(
            "visit without findings",
            "POST",
            f"{one}/visits",
            {k: x for k, x in v.items() if k != "findings"},
            422,
            "validation",
            "findings",
        ),
        Bad(
            "referral to an unknown body",
            "POST",
            f"{visit}/follow-ups",
            {"referred_to": "police", "referred_on": "2022-01-12", "matter": "x"},
            422,
            "validation",
            "referred_to",
        ),
        Bad(
            "referral before the visit",
            "POST",
            f"{visit}/follow-ups",
            {"referred_to": "township", "referred_on": "2022-01-01", "matter": "x"},
            422,
            "invalid-value",
            "referred_on",
        ),
        Bad(
            "referral of an unknown visit",
            "POST",
            f"{one}/visits/{UNKNOWN}/follow-ups",
            {"referred_to": "township", "referred_on": "2022-01-12", "matter": "x"},
            404,
            "not-found",
            "visit_id",
        ),
    ]


def refused_visits_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: visits (S3.4, S3.5)."""
    w, visit = v["w"], v["visit"]
    return [
        Bad(
            "second outcome",
            "POST",
            f"{visit}/follow-ups/{w['follow_up']}/outcome",
            {"concluded_on": "2022-02-01", "outcome": "x", "resolved": False},
            409,
            "invariant-violated",
            "follow_up_id",
        ),
        Bad(
            "outcome of an unknown follow-up",
            "POST",
            f"{visit}/follow-ups/{UNKNOWN}/outcome",
            {"concluded_on": "2022-02-01", "outcome": "x", "resolved": False},
            404,
            "not-found",
            "follow_up_id",
        ),
        Bad(
            "outcome without resolved",
            "POST",
            f"{visit}/follow-ups/{w['follow_up']}/outcome",
            {"concluded_on": "2022-02-01", "outcome": "x"},
            422,
            "validation",
            "resolved",
        ),
    ]


def refused_district_settings_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: district settings."""
    iv, settings = v["iv"], v["settings"]
    return [
        # district settings
        Bad(
            "interval of 0 days",
            "POST",
            settings,
            {**iv, "intervals": {"special_hardship": 0, "ordinary": 180}},
            422,
            "validation",
            "intervals.special_hardship",
        ),
        Bad(
            "interval as a string",
            "POST",
            settings,
            {**iv, "intervals": {"special_hardship": "60", "ordinary": 180}},
            422,
            "validation",
            "intervals.special_hardship",
        ),
        Bad(
            "interval missing",
            "POST",
            settings,
            {**iv, "intervals": {"special_hardship": 60}},
            422,
            "validation",
            "intervals.ordinary",
        ),
        Bad(
            "hardship visited less often than others",
            "POST",
            settings,
            {**iv, "intervals": {"special_hardship": 200, "ordinary": 180}},
            422,
            "invalid-value",
            "intervals.special_hardship",
        ),
        Bad(
            "intervals without effective date",
            "POST",
            settings,
            {"intervals": iv["intervals"]},
            422,
            "validation",
            "effective_from",
        ),
    ]


def refused_evaluation_schemes_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluation schemes."""
    sc, schemes = v["sc"], v["schemes"]
    return [
        # evaluation schemes
        Bad(
            "weights not adding up to 100",
            "POST",
            schemes,
            {**sc, "criteria": [{**CRITERIA[0], "weight": 50}, CRITERIA[1]]},
            422,
            "invalid-value",
            "criteria",
        ),
        Bad(
            "criterion twice",
            "POST",
            schemes,
            {**sc, "criteria": [{**CRITERIA[0], "weight": 50}, {**CRITERIA[0], "weight": 50}]},
            422,
            "invalid-value",
            "criteria.1.key",
        ),
        Bad(
            "empty score range",
            "POST",
            schemes,
            {**sc, "criteria": [{**CRITERIA[0], "min_score": 10}, CRITERIA[1]]},
            422,
            "invalid-value",
            "criteria.0.max_score",
        ),
        Bad(
            "weight as a string",
            "POST",
            schemes,
            {**sc, "criteria": [{**CRITERIA[0], "weight": "60"}, CRITERIA[1]]},
            422,
            "validation",
            "criteria.0.weight",
        ),
        Bad("no criteria", "POST", schemes, {**sc, "criteria": []}, 422, "validation", "criteria"),
        Bad(
            "performance weight above 100",
            "POST",
            schemes,
            {**sc, "performance_weight": 120},
            422,
            "validation",
            "performance_weight",
        ),
    ]


def refused_evaluation_schemes_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluation schemes."""
    sc, schemes = v["sc"], v["schemes"]
    return [
        Bad(
            "criterion key with capitals",
            "POST",
            schemes,
            {**sc, "criteria": [{**CRITERIA[0], "key": "Org"}, CRITERIA[1]]},
            422,
            "validation",
            "criteria.0.key",
        ),
    ]


def refused_evaluations_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluations (S3.5, S3.6)."""
    one, ev = v["one"], v["ev"]
    return [
        # evaluations (S3.5, S3.6)
        Bad(
            "score out of range",
            "POST",
            f"{one}/evaluations",
            {**ev, "scores": {"organisation": 11, "services": 4}},
            422,
            "invalid-value",
            "scores.organisation",
        ),
        Bad(
            "criterion without score",
            "POST",
            f"{one}/evaluations",
            {**ev, "scores": {"organisation": 8}},
            422,
            "invalid-value",
            "scores.services",
        ),
        Bad(
            "score for no criterion",
            "POST",
            f"{one}/evaluations",
            {**ev, "scores": {"organisation": 8, "services": 4, "venue": 1}},
            422,
            "invalid-value",
            "scores.venue",
        ),
        Bad(
            "no scores",
            "POST",
            f"{one}/evaluations",
            {**ev, "scores": {}},
            422,
            "validation",
            "scores",
        ),
        Bad(
            "second evaluation in a cycle",
            "POST",
            f"{one}/evaluations",
            {**ev, "cycle": 2022, "evaluated_on": "2023-01-05"},
            409,
            "conflict",
            "cycle",
        ),
    ]


def refused_evaluations_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluations (S3.5, S3.6)."""
    one, ev, ft = v["one"], v["ev"], v["ft"]
    return [
        Bad(
            "no scheme in force",
            "POST",
            f"{one}/evaluations",
            {**ev, "cycle": 2021, "evaluated_on": "2021-12-20"},
            409,
            "invariant-violated",
            "evaluated_on",
        ),
        Bad(
            "evaluated before the cycle",
            "POST",
            f"{one}/evaluations",
            {**ev, "cycle": 2024, "evaluated_on": "2023-12-20"},
            422,
            "invalid-value",
            "evaluated_on",
        ),
        Bad(
            "cycle not begun",
            "POST",
            f"{one}/evaluations",
            {**ev, "cycle": 2099},
            422,
            "invalid-value",
            "cycle",
        ),
        Bad(
            "cycle as a string",
            "POST",
            f"{one}/evaluations",
            {**ev, "cycle": "2023"},
            422,
            "validation",
            "cycle",
        ),
        Bad(
            "full-time member without officer",
            "POST",
            f"{one}/evaluations",
            {k: x for k, x in ft.items() if k != "officer_id"},
            422,
            "validation",
            "officer_id",
        ),
    ]


def refused_evaluations_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluations (S3.5, S3.6)."""
    w, one, ev, ft = v["w"], v["one"], v["ev"], v["ft"]
    return [
        Bad(
            "chair evaluated as a full-time member",
            "POST",
            f"{one}/evaluations",
            ft,
            409,
            "invariant-violated",
            "officer_id",
        ),
        Bad(
            "unknown full-time member",
            "POST",
            f"{one}/evaluations",
            {**ft, "officer_id": UNKNOWN, "rating_score": 120},
            404,
            "not-found",
            "officer_id",
        ),
        Bad(
            "officer on an association evaluation",
            "POST",
            f"{one}/evaluations",
            {**ev, "officer_id": w["chair"]},
            422,
            "validation",
            "officer_id",
        ),
    ]


def refused_reads_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: reads."""
    one = v["one"]
    return [
        # reads
        Bad(
            "groups on an impossible date",
            "GET",
            f"{one}/groups?on=2021-13-01",
            None,
            422,
            "validation",
            "on",
        ),
        Bad(
            "unknown group read",
            "GET",
            f"{one}/groups/{UNKNOWN}",
            None,
            404,
            "not-found",
            "group_id",
        ),
        Bad(
            "unknown visit read",
            "GET",
            f"{one}/visits/{UNKNOWN}",
            None,
            404,
            "not-found",
            "visit_id",
        ),
        Bad(
            "unknown due status",
            "GET",
            f"/districts/{D}/visits/due?status=late",
            None,
            422,
            "validation",
            "status",
        ),
        Bad(
            "due window too long",
            "GET",
            f"/districts/{D}/visits/due?within_days=1000",
            None,
            422,
            "validation",
            "within_days",
        ),
    ]


def refused_reads_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: reads."""
    return [
        Bad(
            "unknown need status",
            "GET",
            f"/districts/{D}/needs?status=closed",
            None,
            422,
            "validation",
            "status",
        ),
        Bad(
            "evaluations of an impossible cycle",
            "GET",
            f"/districts/{D}/evaluations?cycle=1",
            None,
            422,
            "validation",
            "cycle",
        ),
    ]


def cases(w: dict[str, Any]) -> list[Bad]:
    """The catalogue of refusals."""
    v = case_values(w)
    return [
        *refused_groups_1(v),
        *refused_groups_2(v),
        *refused_groups_3(v),
        *refused_groups_4(v),
        *refused_needs_and_services_1(v),
        *refused_needs_and_services_2(v),
        *refused_needs_and_services_3(v),
        *refused_visits_1(v),
        *refused_visits_2(v),
        *refused_visits_3(v),
        *refused_district_settings_1(v),
        *refused_evaluation_schemes_1(v),
        *refused_evaluation_schemes_2(v),
        *refused_evaluations_1(v),
        *refused_evaluations_2(v),
        *refused_evaluations_3(v),
        *refused_reads_1(v),
        *refused_reads_2(v),
    ]


def store_state(pg_url: str) -> tuple[int, int]:
    """Event count and newest position of the district's store."""
    with psycopg.connect(pg_url) as conn:
        row = conn.execute(
            f"SELECT count(*), coalesce(max(notification_id), 0) "
            f'FROM "district_{D}".district_events'
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def test_every_bad_care_input_is_refused_precisely_and_changes_nothing(
    care_world: dict[str, Any], pg_url: str
) -> None:
    api: Client = care_world["api"]
    before = store_state(pg_url)
    failures = refusal_failures(cases(care_world), lambda bad: send(api, bad))
    assert not failures, "\n".join(failures)
    assert store_state(pg_url) == before, "a refused request left something in the store"


def test_district_policy_needs_a_district_wide_role(
    care_world: dict[str, Any], pg_url: str
) -> None:
    api: Client = care_world["api"]
    user = ok(
        api.post(
            "/users",
            {"name": "街道 李强", "role": "township_officer", "district": D, "township": f"{D}001"},
        )
    )
    officer = Client(api.base, user["token"]["token"])
    before = store_state(pg_url)
    for path, body in (
        (
            f"/districts/{D}/settings/visit-intervals",
            {
                "effective_from": "2022-06-01",
                "intervals": {"special_hardship": 60, "ordinary": 180},
            },
        ),
        (
            f"/districts/{D}/evaluation-schemes",
            {"effective_from": "2023-01-01", "criteria": CRITERIA, "performance_weight": 60},
        ),
        (
            f"{care_world['one']}/evaluations",
            {
                "cycle": 2023,
                "evaluated_on": "2023-12-20",
                "evaluator": "x",
                "scores": {"organisation": 8, "services": 4},
            },
        ),
    ):
        refused = officer.post(path, body)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["type"] == "urn:canxie:problem:forbidden"
    assert store_state(pg_url) == before
    # ...while the township's own records stay writable for the officer
    assert officer.get(f"{care_world['one']}/groups").status_code == 200
