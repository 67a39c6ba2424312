"""Every bad input to groups, needs, visits, settings and evaluations gets its problem+json
naming the field, and leaves the district's store unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.client import Client
from tests.hosted.test_bad_input import send
from tests.problems import (
    CONFLICT,
    INVALID,
    INVARIANT,
    NOT_FOUND,
    VALIDATION,
    Bad,
    Catalogue,
    at,
    reads,
    refusal_failures,
)
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


CATALOGUE = Catalogue()


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


@CATALOGUE.part
def refused_groups_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    one, g = v["one"], v["g"]
    return [
        *at(
            f"{one}/groups",
            ("group without name", {**g, "name": " "}, VALIDATION, "name"),
            ("unknown basis", {**g, "basis": "age"}, VALIDATION, "basis"),
            ("unknown category", {**g, "category": "x"}, VALIDATION, "category"),
            ("category group without category", {**g, "category": None}, INVALID, "category"),
            ("area group without area", {**g, "basis": "area", "category": None}, INVALID, "area"),
        ),
    ]


@CATALOGUE.part
def refused_groups_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    one, group, g = v["one"], v["group"], v["g"]
    return [
        *at(
            f"{one}/groups",
            ("group formed in the future", {**g, "formed_on": "2999-01-01"}, INVALID, "formed_on"),
            (
                "group formed before the association",
                {**g, "formed_on": "2020-01-01"},
                INVALID,
                "formed_on",
            ),
        ),
        *at(
            f"/districts/{D}/associations/{UNKNOWN}/groups",
            ("group of an unknown association", g, NOT_FOUND, "association_id"),
        ),
        *at(
            f"{group}/members",
            (
                "member id not a UUID",
                {"person_id": "x", "joined_on": "2021-06-01"},
                VALIDATION,
                "person_id",
            ),
            (
                "member not on the roster",
                {"person_id": UNKNOWN, "joined_on": "2021-06-01"},
                NOT_FOUND,
                "person_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_groups_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    w, one, group, member = v["w"], v["one"], v["group"], v["member"]
    return [
        *at(
            f"{group}/members",
            (
                "member of another village",
                {"person_id": w["elsewhere"], "joined_on": "2021-06-01"},
                INVARIANT,
                "person_id",
            ),
            (
                "member twice",
                {"person_id": member, "joined_on": "2021-06-01"},
                INVARIANT,
                "person_id",
            ),
            (
                "joined before the group was formed",
                {"person_id": w["other"], "joined_on": "2021-03-01"},
                INVALID,
                "joined_on",
            ),
        ),
        *at(
            f"{one}/groups/{UNKNOWN}/members",
            (
                "unknown group",
                {"person_id": w["other"], "joined_on": "2021-06-01"},
                NOT_FOUND,
                "group_id",
            ),
        ),
        *at(
            f"{group}/members/{w['other']}/departure",
            (
                "departure of a non-member",
                {"left_on": "2021-06-01", "reason": "x"},
                NOT_FOUND,
                "person_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_groups_4(v: dict[str, Any]) -> list[Bad]:
    """Refusals: groups (S3.3)."""
    w, group, member = v["w"], v["group"], v["member"]
    return [
        *at(
            f"{group}/members/{member}/departure",
            ("left before joining", {"left_on": "2021-04-01", "reason": "x"}, INVALID, "left_on"),
            ("departure without reason", {"left_on": "2021-06-01"}, VALIDATION, "reason"),
        ),
        *at(
            f"{group}/leader",
            (
                "leader not a member",
                {"person_id": w["other"], "appointed_on": "2021-06-01"},
                INVARIANT,
                "person_id",
            ),
        ),
        *at(
            f"{group}/disbandment",
            (
                "disbanding with members",
                {"disbanded_on": "2021-06-01", "reason": "合并"},
                INVARIANT,
                "disbanded_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_needs_and_services_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: needs and services (S3.5)."""
    one, member, s = v["one"], v["member"], v["s"]
    return [
        *at(
            f"{one}/persons/{member}/surveys",
            (
                "unknown need category",
                {**s, "needs": [{"category": "housing", "description": "x"}]},
                VALIDATION,
                "needs.0.category",
            ),
            (
                "unknown service received",
                {**s, "services_received": ["x"]},
                VALIDATION,
                "services_received.0",
            ),
            ("survey in the future", {**s, "surveyed_on": "2999-01-01"}, INVALID, "surveyed_on"),
            (
                "survey before the last one",
                {**s, "surveyed_on": "2022-02-01"},
                INVALID,
                "surveyed_on",
            ),
            (
                "second open need of a kind",
                {**s, "needs": [{"category": "rehabilitation", "description": "x"}]},
                INVARIANT,
                "needs.0.category",
            ),
        ),
    ]


@CATALOGUE.part
def refused_needs_and_services_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: needs and services (S3.5)."""
    w, one, member, needs, s, svc = v["w"], v["one"], v["member"], v["needs"], v["s"], v["svc"]
    return [
        *at(
            f"{one}/persons/{UNKNOWN}/surveys",
            ("survey of a person not on the roster", s, NOT_FOUND, "person_id"),
        ),
        *at(
            f"{one}/persons/{member}/surveys",
            (
                "survey without surveyor",
                {k: x for k, x in s.items() if k != "surveyor"},
                VALIDATION,
                "surveyor",
            ),
        ),
        *at(
            f"{needs}/{UNKNOWN}/services",
            ("service against an unknown need", svc, NOT_FOUND, "need_id"),
        ),
        *at(
            f"{needs}/{w['legal']}/services",
            ("service against a met need", svc, INVARIANT, "need_id"),
        ),
        *at(
            f"{needs}/{w['rehab']}/services",
            (
                "service before the need was found",
                {**svc, "delivered_on": "2022-01-01"},
                INVALID,
                "delivered_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_needs_and_services_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: needs and services (S3.5)."""
    w, one, needs, svc = v["w"], v["one"], v["needs"], v["svc"]
    return [
        *at(
            f"{needs}/{w['rehab']}/services",
            ("meets_need as a string", {**svc, "meets_need": "yes"}, VALIDATION, "meets_need"),
        ),
        *at(
            f"{one}/persons/{w['other']}/needs/{w['rehab']}/services",
            ("service for a person never surveyed", svc, NOT_FOUND, "person_id"),
        ),
    ]


@CATALOGUE.part
def refused_visits_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: visits (S3.4, S3.5)."""
    one, v = v["one"], v["v"]
    return [
        *at(
            f"{one}/visits",
            (
                "visitor not an officer",
                {**v, "visitor_officer_id": UNKNOWN},
                NOT_FOUND,
                "visitor_officer_id",
            ),
            ("unknown visit mode", {**v, "mode": "letter"}, VALIDATION, "mode"),
            ("unknown household kind", {**v, "household_kind": "x"}, VALIDATION, "household_kind"),
            ("visit in the future", {**v, "visited_on": "2999-01-01"}, INVALID, "visited_on"),
            (
                "visit before the association",
                {**v, "visited_on": "2020-01-01"},
                INVALID,
                "visited_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_visits_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: visits (S3.4, S3.5)."""
    one, visit, v = v["one"], v["visit"], v["v"]
    return [
        *at(
            f"{one}/visits",
            (
                "visited person not on the roster",
                {**v, "person_ids": [UNKNOWN]},
                NOT_FOUND,
                "person_ids.0",
            ),
            (
                "visit without findings",
                {k: x for k, x in v.items() if k != "findings"},
                VALIDATION,
                "findings",
            ),
        ),
        *at(
            f"{visit}/follow-ups",
            (
                "referral to an unknown body",
                {"referred_to": "police", "referred_on": "2022-01-12", "matter": "x"},
                VALIDATION,
                "referred_to",
            ),
            (
                "referral before the visit",
                {"referred_to": "township", "referred_on": "2022-01-01", "matter": "x"},
                INVALID,
                "referred_on",
            ),
        ),
        *at(
            f"{one}/visits/{UNKNOWN}/follow-ups",
            (
                "referral of an unknown visit",
                {"referred_to": "township", "referred_on": "2022-01-12", "matter": "x"},
                NOT_FOUND,
                "visit_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_visits_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: visits (S3.4, S3.5)."""
    w, visit = v["w"], v["visit"]
    return [
        *at(
            f"{visit}/follow-ups/{w['follow_up']}/outcome",
            (
                "second outcome",
                {"concluded_on": "2022-02-01", "outcome": "x", "resolved": False},
                INVARIANT,
                "follow_up_id",
            ),
        ),
        *at(
            f"{visit}/follow-ups/{UNKNOWN}/outcome",
            (
                "outcome of an unknown follow-up",
                {"concluded_on": "2022-02-01", "outcome": "x", "resolved": False},
                NOT_FOUND,
                "follow_up_id",
            ),
        ),
        *at(
            f"{visit}/follow-ups/{w['follow_up']}/outcome",
            (
                "outcome without resolved",
                {"concluded_on": "2022-02-01", "outcome": "x"},
                VALIDATION,
                "resolved",
            ),
        ),
    ]


@CATALOGUE.part
def refused_district_settings_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: district settings."""
    iv, settings = v["iv"], v["settings"]
    return [
        *at(
            settings,
            (
                "interval of 0 days",
                {**iv, "intervals": {"special_hardship": 0, "ordinary": 180}},
                VALIDATION,
                "intervals.special_hardship",
            ),
            (
                "interval as a string",
                {**iv, "intervals": {"special_hardship": "60", "ordinary": 180}},
                VALIDATION,
                "intervals.special_hardship",
            ),
            (
                "interval missing",
                {**iv, "intervals": {"special_hardship": 60}},
                VALIDATION,
                "intervals.ordinary",
            ),
            (
                "hardship visited less often than others",
                {**iv, "intervals": {"special_hardship": 200, "ordinary": 180}},
                INVALID,
                "intervals.special_hardship",
            ),
            (
                "intervals without effective date",
                {"intervals": iv["intervals"]},
                VALIDATION,
                "effective_from",
            ),
        ),
    ]


@CATALOGUE.part
def refused_evaluation_schemes_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluation schemes."""
    sc, schemes = v["sc"], v["schemes"]
    return [
        *at(
            schemes,
            (
                "weights not adding up to 100",
                {**sc, "criteria": [{**CRITERIA[0], "weight": 50}, CRITERIA[1]]},
                INVALID,
                "criteria",
            ),
            (
                "criterion twice",
                {**sc, "criteria": [{**CRITERIA[0], "weight": 50}, {**CRITERIA[0], "weight": 50}]},
                INVALID,
                "criteria.1.key",
            ),
            (
                "empty score range",
                {**sc, "criteria": [{**CRITERIA[0], "min_score": 10}, CRITERIA[1]]},
                INVALID,
                "criteria.0.max_score",
            ),
            (
                "weight as a string",
                {**sc, "criteria": [{**CRITERIA[0], "weight": "60"}, CRITERIA[1]]},
                VALIDATION,
                "criteria.0.weight",
            ),
            ("no criteria", {**sc, "criteria": []}, VALIDATION, "criteria"),
            (
                "performance weight above 100",
                {**sc, "performance_weight": 120},
                VALIDATION,
                "performance_weight",
            ),
        ),
    ]


@CATALOGUE.part
def refused_evaluation_schemes_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluation schemes."""
    sc, schemes = v["sc"], v["schemes"]
    return [
        *at(
            schemes,
            (
                "criterion key with capitals",
                {**sc, "criteria": [{**CRITERIA[0], "key": "Org"}, CRITERIA[1]]},
                VALIDATION,
                "criteria.0.key",
            ),
        ),
    ]


@CATALOGUE.part
def refused_evaluations_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluations (S3.5, S3.6)."""
    one, ev = v["one"], v["ev"]
    return [
        *at(
            f"{one}/evaluations",
            (
                "score out of range",
                {**ev, "scores": {"organisation": 11, "services": 4}},
                INVALID,
                "scores.organisation",
            ),
            (
                "criterion without score",
                {**ev, "scores": {"organisation": 8}},
                INVALID,
                "scores.services",
            ),
            (
                "score for no criterion",
                {**ev, "scores": {"organisation": 8, "services": 4, "venue": 1}},
                INVALID,
                "scores.venue",
            ),
            ("no scores", {**ev, "scores": {}}, VALIDATION, "scores"),
            (
                "second evaluation in a cycle",
                {**ev, "cycle": 2022, "evaluated_on": "2023-01-05"},
                CONFLICT,
                "cycle",
            ),
        ),
    ]


@CATALOGUE.part
def refused_evaluations_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluations (S3.5, S3.6)."""
    one, ev, ft = v["one"], v["ev"], v["ft"]
    return [
        *at(
            f"{one}/evaluations",
            (
                "no scheme in force",
                {**ev, "cycle": 2021, "evaluated_on": "2021-12-20"},
                INVARIANT,
                "evaluated_on",
            ),
            (
                "evaluated before the cycle",
                {**ev, "cycle": 2024, "evaluated_on": "2023-12-20"},
                INVALID,
                "evaluated_on",
            ),
            ("cycle not begun", {**ev, "cycle": 2099}, INVALID, "cycle"),
            ("cycle as a string", {**ev, "cycle": "2023"}, VALIDATION, "cycle"),
            (
                "full-time member without officer",
                {k: x for k, x in ft.items() if k != "officer_id"},
                VALIDATION,
                "officer_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_evaluations_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: evaluations (S3.5, S3.6)."""
    w, one, ev, ft = v["w"], v["one"], v["ev"], v["ft"]
    return [
        *at(
            f"{one}/evaluations",
            ("chair evaluated as a full-time member", ft, INVARIANT, "officer_id"),
            (
                "unknown full-time member",
                {**ft, "officer_id": UNKNOWN, "rating_score": 120},
                NOT_FOUND,
                "officer_id",
            ),
            (
                "officer on an association evaluation",
                {**ev, "officer_id": w["chair"]},
                VALIDATION,
                "officer_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_reads_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: reads."""
    one = v["one"]
    return [
        *reads(
            ("groups on an impossible date", f"{one}/groups?on=2021-13-01", VALIDATION, "on"),
            ("unknown group read", f"{one}/groups/{UNKNOWN}", NOT_FOUND, "group_id"),
            ("unknown visit read", f"{one}/visits/{UNKNOWN}", NOT_FOUND, "visit_id"),
            ("unknown due status", f"/districts/{D}/visits/due?status=late", VALIDATION, "status"),
            (
                "due window too long",
                f"/districts/{D}/visits/due?within_days=1000",
                VALIDATION,
                "within_days",
            ),
        ),
    ]


@CATALOGUE.part
def refused_reads_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: reads."""
    return [
        *reads(
            ("unknown need status", f"/districts/{D}/needs?status=closed", VALIDATION, "status"),
            (
                "evaluations of an impossible cycle",
                f"/districts/{D}/evaluations?cycle=1",
                VALIDATION,
                "cycle",
            ),
        ),
    ]


def cases(w: dict[str, Any]) -> list[Bad]:
    """The catalogue of refusals."""
    return CATALOGUE.cases(case_values(w))


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
