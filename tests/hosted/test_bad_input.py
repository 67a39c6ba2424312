"""Every bad input gets its problem+json naming the field, and leaves every store unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import requests

from tests.client import Client
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

pytestmark = pytest.mark.hosted

D = "410105"
OTHER = "410106"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def hosted_world(hosted_api: Client) -> Iterator[dict[str, Any]]:
    """A server with one district, an association, a chair and a removed member."""
    api = hosted_api
    assert api.create_district(D, "金水区").status_code == 201
    assert api.create_district(OTHER, "上街区").status_code == 201
    association = api.create_association(D, f"{D}001001").json()["id"]
    chair = api.appoint(D, association, "chair").json()["officer_id"]
    for name in ("甲", "乙", "丙"):
        assert api.appoint(D, association, "vice_chair", name).status_code == 201
    member = api.appoint(D, association, "committee_member", "丁").json()["officer_id"]
    assert api.remove(D, association, member).status_code == 200
    yield {"api": api, "association": association, "chair": chair, "member": member}


CATALOGUE = Catalogue()


def case_values(association: str, chair: str, member: str) -> dict[str, Any]:
    """The paths and bodies the refusals are built from."""
    a = f"/districts/{D}/associations"
    one = f"{a}/{association}"
    good = {
        "division_code": f"{D}001002",
        "name": "新社区残协",
        "township_code": f"{D}001",
        "established_on": "2021-05-01",
    }
    officer = {"name": "某人", "role": "committee_member", "appointed_on": "2021-05-01"}
    return locals()  # every path and body above, by name


@CATALOGUE.part
def refused_input_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, good = v["a"], v["good"]
    return [
        Bad("malformed JSON", "POST", a, "{not json", 400, "malformed-json", raw=True),
        Bad(
            "not JSON at all",
            "POST",
            a,
            "name=x",
            415,
            "unsupported-media-type",
            raw=True,
            content_type="application/x-www-form-urlencoded",
        ),
        *at(
            a,
            ("body is a list", [good], VALIDATION, "body"),
            ("unknown field", {**good, "chair": "x"}, VALIDATION, "chair"),
            ("missing field", {k: v for k, v in good.items() if k != "name"}, VALIDATION, "name"),
            ("name of wrong type", {**good, "name": 5}, VALIDATION, "name"),
            ("blank name", {**good, "name": "   "}, VALIDATION, "name"),
            (
                "date of wrong type",
                {**good, "established_on": 20210501},
                VALIDATION,
                "established_on",
            ),
            (
                "impossible date",
                {**good, "established_on": "2021-02-30"},
                VALIDATION,
                "established_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_input_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, good = v["a"], v["good"]
    return [
        *at(
            a,
            ("future date", {**good, "established_on": "2999-01-01"}, INVALID, "established_on"),
            (
                "short village code",
                {**good, "division_code": "41010500100"},
                VALIDATION,
                "division_code",
            ),
            (
                "letters in township code",
                {**good, "township_code": "41010500A"},
                VALIDATION,
                "township_code",
            ),
            (
                "village outside its township",
                {**good, "township_code": f"{D}002"},
                INVALID,
                "township_code",
            ),
            (
                "village of another district",
                {**good, "division_code": f"{OTHER}001001", "township_code": f"{OTHER}001"},
                NOT_FOUND,
                "division_code",
            ),
        ),
    ]


@CATALOGUE.part
def refused_input_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, good = v["a"], v["good"]
    return [
        *at(
            a,
            (
                "second association for a village",
                {**good, "division_code": f"{D}001001"},
                CONFLICT,
                "division_code",
            ),
        ),
        *at(
            "/districts/41010/associations",
            ("bad district code in path", good, VALIDATION, "code"),
        ),
        *at(
            "/districts/419999/associations",
            ("unknown district", good, NOT_FOUND, "code"),
        ),
        *at(
            "/districts",
            ("duplicate district", {"code": D, "name": "x"}, CONFLICT, "code"),
            ("district code with letters", {"code": "41O105", "name": "x"}, VALIDATION, "code"),
        ),
    ]


@CATALOGUE.part
def refused_input_4(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, one, officer = v["a"], v["one"], v["officer"]
    return [
        *at(
            f"{a}/{UNKNOWN_ID}/officers",
            ("unknown association", officer, NOT_FOUND, "association_id"),
        ),
        *at(
            f"{one}/officers",
            ("unknown role", {**officer, "role": "secretary"}, VALIDATION, "role"),
            ("unknown background", {**officer, "backgrounds": ["x"]}, VALIDATION, "backgrounds.0"),
            ("full_time as a string", {**officer, "full_time": "yes"}, VALIDATION, "full_time"),
            ("second sitting chair", {**officer, "role": "chair"}, INVARIANT, "role"),
        ),
    ]


@CATALOGUE.part
def refused_input_5(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    chair, one, officer = v["chair"], v["one"], v["officer"]
    return [
        *at(
            f"{one}/officers",
            ("fourth vice-chair", {**officer, "role": "vice_chair"}, INVARIANT, "role"),
            (
                "full-time vice-chair",
                {**officer, "role": "vice_chair", "full_time": True},
                INVARIANT,
                "full_time",
            ),
            (
                "appointed before establishment",
                {**officer, "appointed_on": "2020-01-01"},
                INVALID,
                "appointed_on",
            ),
        ),
        *at(
            f"{one}/officers/{chair}/removal",
            (
                "removal before appointment",
                {"removed_on": "2021-01-01", "reason": "x"},
                INVALID,
                "removed_on",
            ),
            ("removal without reason", {"removed_on": "2021-06-01"}, VALIDATION, "reason"),
        ),
    ]


@CATALOGUE.part
def refused_input_6(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    member, a, one = v["member"], v["a"], v["one"]
    return [
        *at(
            f"{one}/officers/{member}/removal",
            (
                "removal of a removed officer",
                {"removed_on": "2021-07-01", "reason": "x"},
                INVARIANT,
                "officer_id",
            ),
        ),
        *at(
            f"{one}/officers/{UNKNOWN_ID}/removal",
            (
                "removal of an unknown officer",
                {"removed_on": "2021-07-01", "reason": "x"},
                NOT_FOUND,
                "officer_id",
            ),
        ),
        *reads(
            ("negative min_position", f"{a}?min_position=-1", VALIDATION, "min_position"),
            (
                "min_position beyond the log",
                f"{a}?min_position=999999",
                (422, "position-ahead"),
                "min_position",
            ),
            ("limit out of range", f"{a}?limit=100000", VALIDATION, "limit"),
        ),
    ]


def cases(association: str, chair: str, member: str) -> list[Bad]:
    """The catalogue of refusals."""
    return CATALOGUE.cases(case_values(association, chair, member))


def store_state(pg_url: str) -> dict[str, int]:
    """Newest event position and event count of every district schema."""
    state = {}
    with psycopg.connect(pg_url) as conn:
        for code in (D, OTHER):
            row = conn.execute(
                f"SELECT count(*), coalesce(max(notification_id), 0) "
                f'FROM "district_{code}".district_events'
            ).fetchone()
            assert row is not None
            state[code] = (row[0], row[1])
        (districts,) = conn.execute("SELECT count(*) FROM canxie_catalog.districts").fetchone()
        state["districts"] = districts
    return state


def send(api: Client, bad: Bad) -> requests.Response:
    """Issue the request as the case describes it."""
    url = api.url(bad.path)
    if bad.method == "GET":
        return api.session.get(url, timeout=30)
    data = bad.body if bad.raw else json.dumps(bad.body)
    return api.session.post(url, data=data, headers={"Content-Type": bad.content_type}, timeout=30)


def test_every_bad_input_is_refused_precisely_and_changes_nothing(
    hosted_world: dict[str, Any], pg_url: str
) -> None:
    api: Client = hosted_world["api"]
    before = store_state(pg_url)
    catalogue = cases(hosted_world["association"], hosted_world["chair"], hosted_world["member"])
    failures = refusal_failures(catalogue, lambda bad: send(api, bad), titled=True)
    assert not failures, "\n".join(failures)
    assert store_state(pg_url) == before, "a refused request left something in a store"


def test_titles_are_chinese_first_and_english_on_request(hosted_world: dict[str, Any]) -> None:
    api: Client = hosted_world["api"]
    path = api.url(f"/districts/{D}/associations/{UNKNOWN_ID}")
    zh = api.session.get(path, timeout=30).json()
    en = api.session.get(path, headers={"Accept-Language": "en"}, timeout=30).json()
    assert zh["title"] == "未找到"
    assert en["title"] == "Not found"
    assert "Traceback" not in json.dumps(zh)
