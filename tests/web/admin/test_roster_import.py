"""The roster import page without a browser: a file with bad rows stores nothing and shows
each error by row and column, in Chinese; a file that cannot be read is refused beside the
file field; the valid rows alone, or a good workbook, are put on the roster."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient

from tests.roster.test_import import csv_bytes, row, xlsx_bytes
from tests.web.admin.conftest import form_fields
from tests.web.inspections.test_pages import signed_in
from tests.web.world import DISTRICT, VILLAGE, World

PATH = f"/districts/{DISTRICT}/roster-import"


def _upload(client: FlaskClient, content: bytes | None, name: str = "roster.csv", **options: str):  # type: ignore[no-untyped-def]
    fields = form_fields(client.get(PATH).get_data(as_text=True))
    data: dict[str, object] = {**fields, **options}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(PATH, data=data, content_type="multipart/form-data")


def _on_roster(world: World, client: FlaskClient, sequence: int) -> bool:
    world.app.extensions["canxie"].runtime.catch_up(DISTRICT)  # the roster's read model
    page = client.get(f"/roster?q=残疾人{sequence}").get_data(as_text=True)
    return f">残疾人{sequence}<" in page


def _error_rows(html: str) -> list[tuple[str, str, str]]:
    body = html.split('id="row-errors"')[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", body)
    return [(r, c, m) for r, c, m in cells]


def test_bad_rows_are_shown_by_row_and_column_and_nothing_is_stored(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    rows = [
        row(VILLAGE, 101),
        row(VILLAGE, 102, birth_date="1990-13-01"),
        row(VILLAGE, 103, cat_text="未知"),
        row(VILLAGE, 101),  # the first row's resident ID again
    ]
    answer = _upload(client, csv_bytes(rows))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    errors = _error_rows(html)
    assert errors == [
        ("3", "出生日期 (C)", "须为日期，如 1990-01-31。"),
        ("4", "残疾类别 (F)", "须在 1 到 7 之间。"),
        ("5", "身份证号 (D)", "与第 2 行的身份证号相同。"),
    ]
    assert "未保存任何内容" in html
    assert not _on_roster(admin_world, client, 101)


def test_a_file_that_cannot_be_read_is_refused_beside_the_file_field(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    cases = (
        (None, "roster.csv"),
        (b"a,b\n1,2\n", "roster.txt"),
        ("姓名,性别\n张三,男\n".encode(), "roster.csv"),  # missing columns
        (b"\xff\xfe\x00garbage", "roster.xlsx"),
        (b"", "roster.csv"),
        (b"x" * (1024 * 1024 + 10), "roster.csv"),  # over the body limit
    )
    for content, name in cases:
        answer = _upload(client, content, name)
        html = answer.get_data(as_text=True)
        assert answer.status_code in (413, 422), (name, answer.status_code)
        assert 'id="error-file"' in html, (name, html[:300])


def test_valid_rows_alone_or_a_good_workbook_are_imported(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    mixed = csv_bytes([row(VILLAGE, 111), row(VILLAGE, 112, birth_date="x")])
    checked = _upload(client, mixed, dry_run="on", valid_rows_only="on")
    assert checked.status_code == 200 and "仅检查" in checked.get_data(as_text=True)
    assert not _on_roster(admin_world, client, 111)
    partial = _upload(client, mixed, valid_rows_only="on")
    assert partial.status_code == 200 and "1 人已列入名册" in partial.get_data(as_text=True)
    assert _on_roster(admin_world, client, 111) and not _on_roster(admin_world, client, 112)
    book = _upload(client, xlsx_bytes([row(VILLAGE, 113)]), "名册.xlsx")
    assert book.status_code == 200 and "1 人已列入名册" in book.get_data(as_text=True)
    assert _on_roster(admin_world, client, 113)
