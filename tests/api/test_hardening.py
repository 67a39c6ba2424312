"""What no client should ever see, and what every answer carries."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from service.http.access import Action, Target, rule
from tests.factories import district_through_api
from tests.plugin import ADMIN, MakeApp
from tests.processes import ProcessFactory, run_canxie

SECRET_ID = "410102199001011234"


@pytest.fixture
def exploding_app(app: Flask) -> Flask:
    """The app with a route that fails with personal data in its exception."""

    @rule(Action.PUBLIC, Target.NONE)
    def explode() -> None:
        raise RuntimeError(f"failed for person {SECRET_ID}")

    app.add_url_rule("/explode", "explode", explode)
    return app


def test_an_unexpected_error_is_a_problem_without_trace_or_personal_data(
    exploding_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app = exploding_app
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/explode", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and SECRET_ID not in body and "RuntimeError" not in body
    assert response.get_json()["request_id"] == "req-42"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "req-42" in logged
    assert SECRET_ID not in logged


def test_every_answer_carries_the_security_headers_and_request_id(app: Flask) -> None:
    client = app.test_client()
    for path in ("/api/v1/health", "/api/v1/districts", "/no/such/route"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert len(response.headers["X-Request-ID"]) >= 16


# -- bad input is a 4xx problem naming the field, never a 500 ----------------------------------

D = "410102"
AUTH = ADMIN


@pytest.fixture
def district(app: Flask) -> dict[str, str]:
    """A district with one association and one of its officers."""
    client = app.test_client()
    association = district_through_api(client, D)
    officer = client.post(
        f"/api/v1/districts/{D}/associations/{association}/officers",
        headers=AUTH,
        json={"name": "王建国", "role": "chair", "appointed_on": "2021-02-01"},
    ).get_json()["officer_id"]
    return {"association": association, "officer": officer}


LIST_ROUTES = [
    f"/api/v1/districts/{D}/associations",
    f"/api/v1/districts/{D}/persons",
    f"/api/v1/districts/{D}/divisions",
    f"/api/v1/districts/{D}/training-sessions",
    f"/api/v1/districts/{D}/needs",
    f"/api/v1/districts/{D}/evaluations",
    f"/api/v1/districts/{D}/audit/entries",
    f"/api/v1/districts/{D}/audit/ledger/heads",
    "/api/v1/personal-data-reads",
    f"/api/v1/districts/{D}/associations/{{association}}/visits",
    f"/api/v1/districts/{D}/associations/{{association}}/evaluations",
    f"/api/v1/districts/{D}/visits/due",
]


def assert_problem(response: Any, status: int, field: str) -> dict[str, Any]:
    """A problem+json of ``status`` naming ``field``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert body["field"] == field, body
    return body


@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize("name", ["offset", "limit"])
def test_paging_beyond_64_bits_is_refused_on_every_list(
    app: Flask, district: dict[str, str], route: str, name: str
) -> None:
    path = route.format(association=district["association"])
    client = app.test_client()
    assert client.get(path, headers=AUTH).status_code == 200
    for value in (2**63, 2**64 + 5, 10**30):
        assert_problem(client.get(path, query_string={name: value}, headers=AUTH), 422, name)


def _districts(app: Flask) -> list[str]:
    return [
        d["code"] for d in app.test_client().get("/api/v1/districts", headers=AUTH).json["items"]
    ]


def _post_raw(app: Flask, path: str, body: bytes) -> Any:
    headers = {**AUTH, "Content-Type": "application/json"}
    return app.test_client().post(path, data=body, headers=headers)


@pytest.mark.parametrize("depth", [65, 50_000, 100_000])
def test_json_nested_too_deep_is_refused_before_parsing(app: Flask, depth: int) -> None:
    body = b'{"code": "410103", "name": ' + b"[" * depth + b"]" * depth + b"}"
    answer = _post_raw(app, "/api/v1/districts", body)
    assert answer.status_code == 400
    assert answer.get_json()["type"] == "urn:canxie:problem:json-too-deep"
    assert _districts(app) == []


def test_brackets_inside_strings_do_not_count_as_nesting(app: Flask) -> None:
    name = '[[{"\\"' * 20  # 100 brackets and escaped quotes, inside one string
    body = json.dumps({"code": "410103", "name": name}).encode()
    answer = _post_raw(app, "/api/v1/districts", body)
    assert_problem(answer, 422, "name")  # too long for a name: refused by the schema
    assert answer.get_json()["type"] == "urn:canxie:problem:validation"


def test_a_lone_surrogate_is_refused_naming_the_field(app: Flask, district: dict[str, str]) -> None:
    answer = _post_raw(app, "/api/v1/districts", b'{"code": "410103", "name": "\\ud800"}')
    assert_problem(answer, 422, "name")
    officers = f"/api/v1/districts/{D}/associations/{district['association']}/officers"
    body = b'{"name": "ok\\udfff", "role": "chair", "appointed_on": "2021-02-01"}'
    assert_problem(_post_raw(app, officers, body), 422, "name")
    nested = b'{"name": "x", "role": "chair", "backgrounds": ["\\ud83d"], "appointed_on": "2021"}'
    assert_problem(_post_raw(app, officers, nested), 422, "backgrounds.0")
    assert _districts(app) == [D]


@pytest.mark.parametrize(
    "number",
    [
        b"9" * 5000,
        b"-" + b"9" * 400,
        b"9" * 400,
        b"1e400",
        b"NaN",
        b"-Infinity",
        str(2**63).encode(),
    ],
)
def test_numbers_out_of_range_are_refused_naming_the_field(
    app: Flask, district: dict[str, str], number: bytes
) -> None:
    body = b'{"topic": "t", "mode": "offline", "held_on": "2022-01-01", "organiser": "o", "hours": '
    answer = _post_raw(app, f"/api/v1/districts/{D}/training-sessions", body + number + b"}")
    assert_problem(answer, 422, "hours")
    listed = app.test_client().get(f"/api/v1/districts/{D}/training-sessions", headers=AUTH)
    assert listed.get_json()["total"] == 0


def test_positions_beyond_64_bits_are_refused(app: Flask, district: dict[str, str]) -> None:
    client = app.test_client()
    huge = str(2**63)
    for path, query, field in [
        (f"/api/v1/districts/{D}/associations", {"min_position": huge}, "min_position"),
        (f"/api/v1/districts/{D}/audit/ledger/inclusion", {"position": huge}, "position"),
        (
            f"/api/v1/districts/{D}/audit/ledger/consistency",
            {"first": "1", "second": huge},
            "second",
        ),
    ]:
        assert_problem(client.get(path, query_string=query, headers=AUTH), 422, field)


# -- what the answers say about themselves --------------------------------------------------


def test_a_405_lists_the_allowed_methods(app: Flask, district: dict[str, str]) -> None:
    client = app.test_client()
    answer = client.delete("/api/v1/districts", headers=AUTH)
    assert answer.status_code == 405
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    answer = client.put(f"/api/v1/districts/{D}/audit/ledger/head", headers=AUTH)
    assert answer.status_code == 405 and "GET" in answer.headers["Allow"]
    assert "POST" not in answer.headers["Allow"]


def _document(app: Flask) -> dict[str, Any]:
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_signing_a_head_without_a_body_is_what_the_document_says(
    app: Flask, district: dict[str, str]
) -> None:
    operation = _document(app)["paths"]["/api/v1/districts/{code}/audit/ledger/heads"]["post"]
    assert operation["requestBody"].get("required", False) is False
    client = app.test_client()
    client.get(
        f"/api/v1/districts/{D}/associations", query_string={"min_position": 3}, headers=AUTH
    )
    answer = client.post(f"/api/v1/districts/{D}/audit/ledger/heads", headers=AUTH)
    assert answer.status_code in {200, 201}, answer.get_data(as_text=True)
    assert answer.get_json()["head"]["tree_size"] >= 1


def test_every_documented_error_answer_is_problem_json(app: Flask) -> None:
    wrong = []
    for path, item in _document(app)["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and content and "application/problem+json" not in content:
                    wrong.append(f"{method.upper()} {path} {status}: {sorted(content)}")
    assert not wrong, "\n".join(wrong)


# -- identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["４１０１９９", "٤١٠١٩٨", "४१०१९७", "410102\n", " 410102", "41010２", "110101", "419900"],
)
def test_a_district_code_is_six_ascii_digits_of_the_city(app: Flask, code: str) -> None:
    answer = app.test_client().post(
        "/api/v1/districts", json={"code": code, "name": "某区"}, headers=AUTH
    )
    assert_problem(answer, 422, "code")
    assert _districts(app) == []
    data_dir = app.extensions["canxie"].runtime.settings.data_dir
    assert list((data_dir / "districts").glob("*")) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("division_code", "４１０１０２００１００１"), ("township_code", "٤١٠١٠٢٠٠١")],
)
def test_township_and_village_codes_are_ascii_digits(
    app: Flask, district: dict[str, str], field: str, value: str
) -> None:
    body = {
        "division_code": f"{D}001002",
        "name": "残协",
        "township_code": f"{D}001",
        "established_on": "2021-01-01",
        field: value,
    }
    answer = app.test_client().post(f"/api/v1/districts/{D}/associations", json=body, headers=AUTH)
    assert_problem(answer, 422, field)


def test_a_path_with_unicode_digits_names_no_district(app: Flask, district: dict[str, str]) -> None:
    answer = app.test_client().get("/api/v1/districts/４１０１０２/associations", headers=AUTH)
    assert_problem(answer, 422, "code")


def test_the_city_prefix_is_a_setting(make_app: MakeApp) -> None:
    client = make_app(city_prefix="1101").test_client()
    beijing = client.post(
        "/api/v1/districts", json={"code": "110101", "name": "东城区"}, headers=AUTH
    )
    assert beijing.status_code == 201
    zhengzhou = client.post("/api/v1/districts", json={"code": D, "name": "中原区"}, headers=AUTH)
    assert_problem(zhengzhou, 422, "code")


def test_the_command_line_refuses_a_code_of_unicode_digits(tmp_path: Path) -> None:
    env = {"CANXIE_DATA_DIR": str(tmp_path)}
    for code in ("４１０１９９", "110101"):
        run = run_canxie("districts", "add", code, "某区", env=env, timeout=60)
        assert run.returncode != 0 and "district" in run.stderr, run.stderr
    assert list((tmp_path / "districts").glob("*")) == []


# -- paging of the households due -------------------------------------------------------------


def test_households_due_are_paged_with_a_total(app: Flask, district: dict[str, str]) -> None:
    client = app.test_client()
    visits = f"/api/v1/districts/{D}/associations/{district['association']}/visits"
    position = 0
    for n in range(5):
        visit = {
            "household_id": f"H-{n}",
            "household_kind": "ordinary",
            "visited_on": f"2022-01-1{n}",
            "visitor_officer_id": district["officer"],
            "mode": "on_site",
            "findings": "一切正常",
        }
        answer = client.post(visits, json=visit, headers=AUTH)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        position = answer.get_json()["position"]
    due = f"/api/v1/districts/{D}/visits/due"
    pages = [
        client.get(
            due,
            query_string={
                "on": "2022-06-01",
                "limit": 2,
                "offset": offset,
                "min_position": position,
            },
            headers=AUTH,
        ).get_json()
        for offset in (0, 2, 4)
    ]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert {p["total"] for p in pages} == {5}
    assert [h["household_id"] for p in pages for h in p["items"]] == [f"H-{n}" for n in range(5)]
    assert (pages[1]["limit"], pages[1]["offset"]) == (2, 2)
    parameters = _document(app)["paths"]["/api/v1/districts/{code}/visits/due"]["get"]["parameters"]
    assert {"limit", "offset"} <= {p["name"] for p in parameters}


def test_a_long_request_line_gets_a_problem_from_the_real_server(
    processes: ProcessFactory, tmp_path: Path
) -> None:
    server = processes.server({"CANXIE_DATA_DIR": str(tmp_path / "data")}, workers=1)
    base = f"{server.url}/api/v1/districts?name="
    fits = requests.get(base + "x" * 3000, timeout=10)
    assert fits.status_code == 401  # within the limit: the app answers as usual
    for length in (4100, 6000, 8000):  # gunicorn's default would answer HTML from 4094 on
        answer = requests.get(base + "x" * length, timeout=10)
        assert answer.status_code == 414
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["type"] == "urn:canxie:problem:uri-too-long"
    # Beyond gunicorn's maximum request line (8190) the server answers before the app: documented.
    assert requests.get(base + "x" * 9000, timeout=10).status_code in {400, 414}


def _oversized_field_csv() -> str:
    """A CSV whose one quoted field exceeds the csv module's field limit (131,072)."""
    return 'code,name\n410102001,"' + "x" * 140_000 + '"\n'


def test_a_division_file_that_is_not_csv_is_refused_with_its_line(
    app: Flask, district: dict[str, str]
) -> None:
    client = app.test_client()
    for text in ("code,name\n4101020\r01,x\n", _oversized_field_csv()):
        answer = client.post(
            f"/api/v1/districts/{D}/divisions/import",
            json={"effective_on": "2021-01-01", "csv": text},
            headers=AUTH,
        )
        assert answer.status_code == 422, answer.get_data(as_text=True)
        assert answer.headers["Content-Type"] == "application/problem+json"


def test_a_roster_file_that_is_not_csv_is_refused(app: Flask, district: dict[str, str]) -> None:
    header = "姓名,性别,出生日期,身份证号,残疾人证号,残疾类别,残疾等级,户编号,村（社区）代码,地址\n"
    text = header + '"' + "张" * 140_000 + '",男\n'
    content = base64.b64encode(text.encode()).decode()
    answer = app.test_client().post(
        f"/api/v1/districts/{D}/persons/imports",
        json={"filename": "roster.csv", "content_base64": content},
        headers=AUTH,
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.headers["Content-Type"] == "application/problem+json"


# -- a refusal is said in the request's language, from the one catalog -------------------------


def _in_both(client: Any, method: str, path: str, **kwargs: Any) -> tuple[dict[str, Any], ...]:
    """The same refused request asked without a language, in Chinese, and in English."""
    answers = []
    for language in (None, "zh-CN,zh;q=0.9,en;q=0.5", "en-US,en;q=0.9"):
        headers = {**AUTH, **({"Accept-Language": language} if language else {})}
        answers.append(getattr(client, method)(path, headers=headers, **kwargs))
    return tuple(a.get_json() for a in answers)


def _said(answers: tuple[dict[str, Any], ...], zh: str, en: str, status: int, field: str) -> None:
    """Chinese without a language and in Chinese, English in English; the field's message too."""
    for body, text in zip(answers, (zh, zh, en), strict=True):
        assert body["status"] == status and body["field"] == field, body
        assert body["detail"] == text
        assert body["errors"] == [{"field": field, "message": text}]


def test_a_second_chair_is_refused_in_chinese_then_english_with_its_clause(
    app: Flask, district: dict[str, str]
) -> None:
    path = f"/api/v1/districts/{D}/associations/{district['association']}/officers"
    chair = {"name": "李四", "role": "chair", "appointed_on": "2021-03-01"}
    answers = _in_both(app.test_client(), "post", path, json=chair)
    zh = "协会已有 1 名在任主席，S3.3 条规定最多 1 名"
    en = "the association already has 1 sitting chair(s); clause S3.3 allows at most 1"
    _said(answers, zh, en, 409, "role")
    for body in answers:
        assert body["type"] == "urn:canxie:problem:invariant-violated"
        assert (body["clause"], body["sitting"], body["maximum"]) == ("S3.3", 1, 1)
    assert answers[0]["title"] == "违反组织规则" and answers[2]["title"] == answers[2]["title_en"]


def test_a_date_in_the_future_is_refused_in_chinese_then_english(
    app: Flask, district: dict[str, str]
) -> None:
    path = f"/api/v1/districts/{D}/associations/{district['association']}/officers"
    vice = {"name": "李四", "role": "vice_chair", "appointed_on": "2999-01-01"}
    answers = _in_both(app.test_client(), "post", path, json=vice)
    zh, en = "日期 2999-01-01 晚于今天", "the date 2999-01-01 lies in the future"
    _said(answers, zh, en, 422, "appointed_on")


def test_a_missing_association_is_not_found_in_chinese_then_english(app: Flask) -> None:
    app.test_client().post("/api/v1/districts", json={"code": D, "name": "中原区"}, headers=AUTH)
    missing = "00000000-0000-4000-8000-000000000000"
    path = f"/api/v1/districts/{D}/associations/{missing}"
    answers = _in_both(app.test_client(), "get", path)
    _said(answers, f"没有协会 {missing}", f"no association {missing}", 404, "association_id")
    assert answers[0]["type"] == "urn:canxie:problem:not-found"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/districts/{D}/compliance?as_of=0001-01-01&basis=effective",
        f"/api/v1/districts/{D}/compliance/diff?from=0001-01-17&to=0001-01-01",
        f"/api/v1/districts/{D}/compliance/diff?from=0001-01-01&to=0001-01-17&basis=effective",
    ],
)
def test_compliance_on_the_calendars_first_days_answers(
    app: Flask, district: dict[str, str], path: str
) -> None:
    """A visit interval before the year 1 is no overflow (found by the fuzzer): nothing is
    overdue then, and the answer is a 200."""
    answer = app.test_client().get(path, headers=AUTH)
    assert answer.status_code == 200, answer.get_data(as_text=True)
