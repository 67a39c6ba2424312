"""Bulk import from CSV and .xlsx: errors by row and column, all or nothing, idempotent."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from service.cli.main import main as cli
from tests.roster.conftest import T2, V1, V2, A, Roster
from tests.roster.samples import person_body

HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "残疾人证号",
    "残疾类别",
    "残疾等级",
    "服务需求",
    "户编号",
    "与户主关系",
    "村（社区）代码",
    "地址",
    "联系电话",
    "特困",
    "特困原因",
]


def row(village: str, n: int, **overrides: Any) -> list[Any]:
    """A valid row in the file's own words (男/女, 肢体, 二级, 户主, 是/否)."""
    body = {**person_body(village, n), **overrides}
    return [
        body["name"],
        "女" if body["sex"] == "female" else "男",
        body["birth_date"],
        body["resident_id"],
        body["certificate_number"] or "",
        body.get("cat_text", "肢体"),
        body.get("grade_text", "二级"),
        body.get("needs", ""),
        body["household_id"],
        "户主",
        body["village_code"],
        body["address"],
        body["phone"],
        body.get("hardship", "否"),
        body.get("reason", ""),
    ]


def csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for values in [HEADER, *rows]:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(roster: Roster, name: str, content: bytes, who: str = "admin", **flags: Any) -> Any:
    body = {"filename": name, "content_base64": base64.b64encode(content).decode(), **flags}
    return roster.post(f"/districts/{A}/persons/imports", body, who)


def good_rows(count: int, start: int = 1) -> list[list[Any]]:
    return [row(V1 if n % 2 else V2, n) for n in range(start, start + count)]


def with_errors() -> list[list[Any]]:
    rows = good_rows(6)
    rows[1][3] = rows[1][3][:17] + ("0" if rows[1][3][17] != "0" else "1")  # row 3: check char
    rows[3][1] = "未知"  # row 5: sex
    rows[3][5] = "九类"  # row 5: category too
    rows[4][13] = "是"  # row 6: hardship without a reason
    return rows


def total(roster: Roster) -> int:
    return int(roster.get(f"/districts/{A}/persons").get_json()["total"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_with_errors_reports_every_row_and_column_and_stores_nothing(
    roster: Roster, kind: str
) -> None:
    content = csv_bytes(with_errors()) if kind == "csv" else xlsx_bytes(with_errors())
    before = roster.head(A)
    response = upload(roster, f"名册.{kind}", content)
    assert response.status_code == 422
    problem = response.get_json()
    found = {(e["row"], e["column"]) for e in problem["errors"]}
    assert found == {(3, "身份证号 (D)"), (5, "性别 (B)"), (5, "残疾类别 (F)"), (6, "特困原因 (O)")}
    assert problem["field"] == "rows[3].resident_id"
    assert problem["report"]["stored"] is False and problem["report"]["invalid"] == 3
    assert roster.head(A) == before and total(roster) == 0


def test_valid_rows_only_imports_the_valid_rows_and_reports_the_rest(roster: Roster) -> None:
    response = upload(roster, "名册.csv", csv_bytes(with_errors()), valid_rows_only=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert (report["rows"], report["valid"], report["imported"]) == (6, 3, 3)
    assert sorted({e["row"] for e in report["errors"]}) == [3, 5, 6]
    assert total(roster) == 3


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(roster: Roster, kind: str) -> None:
    rows = good_rows(30)
    rows[0][13], rows[0][14] = "是", "低保"
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    first = upload(roster, f"roster.{kind}", content).get_json()
    assert (first["imported"], first["stored"]) == (30, True)
    assert total(roster) == 30
    head = roster.head(A)
    second = upload(roster, f"roster.{kind}", content).get_json()
    assert (second["imported"], second["unchanged"], second["on_roster_differs"]) == (0, 30, [])
    assert roster.head(A) == head and total(roster) == 30
    hardship = roster.get(f"/districts/{A}/persons", special_hardship="true").get_json()
    assert hardship["total"] == 1 and hardship["items"][0]["hardship_reason"] == "低保"


def test_a_changed_row_for_a_person_on_the_roster_is_reported_not_applied(
    roster: Roster,
) -> None:
    upload(roster, "a.csv", csv_bytes(good_rows(3)))
    head = roster.head(A)
    changed = good_rows(3)
    changed[2][0] = "改名"
    report = upload(roster, "a.csv", csv_bytes(changed)).get_json()
    assert (report["imported"], report["unchanged"], report["on_roster_differs"]) == (0, 2, [4])
    assert roster.head(A) == head


def test_the_same_resident_id_twice_in_a_file_is_an_error_of_the_later_row(
    roster: Roster,
) -> None:
    rows = good_rows(3)
    rows.append(list(rows[0]))
    problem = upload(roster, "dup.csv", csv_bytes(rows)).get_json()
    assert [(e["row"], e["field"]) for e in problem["errors"]] == [(5, "rows[5].resident_id")]
    assert "row 2" in problem["errors"][0]["message"]


def test_a_township_officer_imports_only_rows_of_their_township(roster: Roster) -> None:
    problem = upload(roster, "t.csv", csv_bytes(good_rows(4)), who="township").get_json()
    assert {e["row"] for e in problem["errors"]} == {3, 5}  # the V2 rows (township T2)
    assert all(e["field"].endswith(".village_code") for e in problem["errors"])
    assert T2 not in json.dumps(problem["errors"])  # the message names no other place


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("a.csv", "姓名,性别\n张三,男\n".encode(), "missing columns"),
        ("a.csv", "姓名,身高\n".encode(), "unknown column"),
        ("a.xlsx", b"not a workbook", "xlsx"),
        ("a.csv", b"\n\n", "empty"),
    ],
)
def test_an_unreadable_file_is_refused_whole(
    roster: Roster, name: str, content: bytes, message: str
) -> None:
    response = upload(roster, name, content)
    assert response.status_code == 422
    assert message in response.get_json()["detail"]


def test_an_id_stored_as_a_number_in_excel_is_reported(roster: Roster) -> None:
    rows = good_rows(2)
    rows[0][3] = int(rows[0][3][:15])
    problem = upload(roster, "n.xlsx", xlsx_bytes(rows)).get_json()
    assert problem["errors"][0]["row"] == 2
    assert "number" in problem["errors"][0]["message"]


def test_the_cli_imports_a_large_file_in_batches_with_progress(
    roster: Roster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([row(V1, n) for n in range(1, 1201)]))
    monkeypatch.setenv("CANXIE_DATA_DIR", str(roster.runtime.settings.data_dir))
    monkeypatch.delenv("CANXIE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["roster", "import", A, str(path), "--batch-size", "250"])
    assert result.exit_code == 0, result.output
    assert "saving: 250/1200" in result.output and "1200 imported" in result.output
    assert total(roster) == 1200
    again = CliRunner().invoke(cli, ["roster", "import", A, str(path), "--json"])
    report = json.loads(again.output.strip().splitlines()[-1])
    assert (report["imported"], report["unchanged"]) == (0, 1200)
