"""Every bad input gets its problem+json naming the field, and leaves every store unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import requests

from tests.client import Client
from tests.problems import refusal_failures

pytestmark = pytest.mark.hosted

D = "410105"
OTHER = "410106"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Bad:
    """A request that must be refused."""

    name: str
    method: str
    path: str
    body: Any
    status: int
    problem: str
    field: str | None = None
    raw: bool = False  # send ``body`` as is, not as JSON
    content_type: str = "application/json"


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
        Bad("body is a list", "POST", a, [good], 422, "validation", "body"),
        Bad("unknown field", "POST", a, {**good, "chair": "x"}, 422, "validation", "chair"),
        Bad(
            "missing field",
            "POST",
            a,
            {k: v for k, v in good.items() if k != "name"},
            422,
            "validation",
            "name",
        ),
        Bad("name of wrong type", "POST", a, {**good, "name": 5}, 422, "validation", "name"),
        Bad("blank name", "POST", a, {**good, "name": "   "}, 422, "validation", "name"),
        Bad(
            "date of wrong type",
            "POST",
            a,
            {**good, "established_on": 20210501},
            422,
            "validation",
            "established_on",
        ),
        Bad(
            "impossible date",
            "POST",
            a,
            {**good, "established_on": "2021-02-30"},
            422,
            "validation",
            "established_on",
        ),
    ]


def refused_input_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, good = v["a"], v["good"]
    return [
        Bad(
            "future date",
            "POST",
            a,
            {**good, "established_on": "2999-01-01"},
            422,
            "invalid-value",
            "established_on",
        ),
        Bad(
            "short village code",
            "POST",
            a,
            {**good, "division_code": "41010500100"},
            422,
            "validation",
            "division_code",
        ),
        Bad(
            "letters in township code",
            "POST",
            a,
            {**good, "township_code": "41010500A"},
            422,
            "validation",
            "township_code",
        ),
        Bad(
            "village outside its township",
            "POST",
            a,
            {**good, "township_code": f"{D}002"},
            422,
            "invalid-value",
            "township_code",
        ),
        Bad(
            "village of another district",
            "POST",
            a,
            {**good, "division_code": f"{OTHER}001001", "township_code": f"{OTHER}001"},
            404,
            "not-found",
            "division_code",
        ),
    ]


def refused_input_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, good = v["a"], v["good"]
    return [
        Bad(
            "second association for a village",
            "POST",
            a,
            {**good, "division_code": f"{D}001001"},
            409,
            "conflict",
            "division_code",
        ),
        Bad(
            "bad district code in path",
            "POST",
            "/districts/41010/associations",
            good,
            422,
            "validation",
            "code",
        ),
        Bad(
            "unknown district",
            "POST",
            "/districts/419999/associations",
            good,
            404,
            "not-found",
            "code",
        ),
        Bad(
            "duplicate district",
            "POST",
            "/districts",
            {"code": D, "name": "x"},
            409,
            "conflict",
            "code",
        ),
        Bad(
            "district code with letters",
            "POST",
            "/districts",
            {"code": "41O105", "name": "x"},
            422,
            "validation",
            "code",
        ),
    ]


def refused_input_4(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    a, one, officer = v["a"], v["one"], v["officer"]
    return [
        Bad(
            "unknown association",
            "POST",
            f"{a}/{UNKNOWN_ID}/officers",
            officer,
            404,
            "not-found",
            "association_id",
        ),
        Bad(
            "unknown role",
            "POST",
            f"{one}/officers",
            {**officer, "role": "secretary"},
            422,
            "validation",
            "role",
        ),
        Bad(
            "unknown background",
            "POST",
            f"{one}/officers",
            {**officer, "backgrounds": ["x"]},
            422,
            "validation",
            "backgrounds.0",
        ),
        Bad(
            "full_time as a string",
            "POST",
            f"{one}/officers",
            {**officer, "full_time": "yes"},
            422,
            "validation",
            "full_time",
        ),
        Bad(
            "second sitting chair",
            "POST",
            f"{one}/officers",
            {**officer, "role": "chair"},
            409,
            "invariant-violated",
            "role",
        ),
    ]


def refused_input_5(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    chair, one, officer = v["chair"], v["one"], v["officer"]
    return [
        Bad(
            "fourth vice-chair",
            "POST",
            f"{one}/officers",
            {**officer, "role": "vice_chair"},
            409,
            "invariant-violated",
            "role",
        ),
        Bad(
            "full-time vice-chair",
            "POST",
            f"{one}/officers",
            {**officer, "role": "vice_chair", "full_time": True},
            409,
            "invariant-violated",
            "full_time",
        ),
        Bad(
            "appointed before establishment",
            "POST",
            f"{one}/officers",
            {**officer, "appointed_on": "2020-01-01"},
            422,
            "invalid-value",
            "appointed_on",
        ),
        Bad(
            "removal before appointment",
            "POST",
            f"{one}/officers/{chair}/removal",
            {"removed_on": "2021-01-01", "reason": "x"},
            422,
            "invalid-value",
            "removed_on",
        ),
        Bad(
            "removal without reason",
            "POST",
            f"{one}/officers/{chair}/removal",
            {"removed_on": "2021-06-01"},
            422,
            "validation",
            "reason",
        ),
    ]


def refused_input_6(v: dict[str, Any]) -> list[Bad]:
    """Refusals."""
    member, a, one = v["member"], v["a"], v["one"]
    return [
        Bad(
            "removal of a removed officer",
            "POST",
            f"{one}/officers/{member}/removal",
            {"removed_on": "2021-07-01", "reason": "x"},
            409,
            "invariant-violated",
            "officer_id",
        ),
        Bad(
            "removal of an unknown officer",
            "POST",
            f"{one}/officers/{UNKNOWN_ID}/removal",
            {"removed_on": "2021-07-01", "reason": "x"},
            404,
            "not-found",
            "officer_id",
        ),
        Bad(
            "negative min_position",
            "GET",
            f"{a}?min_position=-1",
            None,
            422,
            "validation",
            "min_position",
        ),
        Bad(
            "min_position beyond the log",
            "GET",
            f"{a}?min_position=999999",
            None,
            422,
            "position-ahead",
            "min_position",
        ),
        Bad("limit out of range", "GET", f"{a}?limit=100000", None, 422, "validation", "limit"),
    ]


def cases(association: str, chair: str, member: str) -> list[Bad]:
    """The catalogue of refusals."""
    v = case_values(association, chair, member)
    return [
        *refused_input_1(v),
        *refused_input_2(v),
        *refused_input_3(v),
        *refused_input_4(v),
        *refused_input_5(v),
        *refused_input_6(v),
    ]


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
