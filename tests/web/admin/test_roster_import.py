"""The roster import pages without a browser: a file that cannot be read is refused beside the
file field and starts nothing; a readable one starts a job whose page shows its progress and
refreshes itself while it runs (unless asked not to), then the errors by row and column in
Chinese, or the rows put on the roster; a job is its uploader's alone, and one whose process
died shows as interrupted."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from flask.testing import FlaskClient

from projections.platform.import_jobs import ImportJobs
from service.roster import import_jobs
from tests import factories
from tests.plugin import MakeApp
from tests.roster.test_import import csv_bytes, row, xlsx_bytes
from tests.web.admin.conftest import form_fields
from tests.web.inspections.test_pages import signed_in
from tests.web.world import DISTRICT, VILLAGE, World, build

PATH = f"/districts/{DISTRICT}/roster-import"
JOBS = f"/districts/{DISTRICT}/roster/imports/"


@contextmanager
def runner(world: World, run: Callable[[Callable[[], None]], None]) -> Iterator[None]:
    """Jobs started meanwhile are run by ``run`` instead of a thread."""
    world.app.extensions["canxie_import_runner"] = run
    try:
        yield
    finally:
        del world.app.extensions["canxie_import_runner"]


def at_once(work: Callable[[], None]) -> None:
    """Run a job within the request that starts it (its outcome is there when the page opens)."""
    work()


def _jobs(world: World) -> ImportJobs:
    return ImportJobs(world.app.extensions["canxie"].runtime.db)


def _job_count(world: World) -> int:
    db = world.app.extensions["canxie"].runtime.db
    with db.catalog(write=False) as cur:
        cur.execute(db.sql(None, "SELECT COUNT(*) AS n FROM {s}roster_import_jobs"))
        return int(cur.fetchone()["n"])


def _upload(client: FlaskClient, content: bytes | None, name: str = "roster.csv", **options: str):  # type: ignore[no-untyped-def]
    fields = form_fields(client.get(PATH).get_data(as_text=True))
    data: dict[str, object] = {**fields, **options}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(PATH, data=data, content_type="multipart/form-data")


def _imported(
    world: World, client: FlaskClient, content: bytes, name: str = "roster.csv", **options: str
) -> Any:
    """The finished job's page of a file sent (the job run at once)."""
    with runner(world, at_once):
        sent = _upload(client, content, name, **options)
    assert sent.status_code == 303 and JOBS in sent.headers["Location"], sent.status_code
    page = client.get(sent.headers["Location"])
    assert page.status_code == 200 and "Refresh" not in page.headers
    return page


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
    html = _imported(admin_world, client, csv_bytes(rows)).get_data(as_text=True)
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
        ("姓名,性别,出生日期,身份证号,村（社区）代码,地址\n".encode() + b"\xff\xfe\n", "a.csv"),
    )
    jobs = _job_count(admin_world)
    for content, name in cases:
        answer = _upload(client, content, name)
        html = answer.get_data(as_text=True)
        assert answer.status_code in (413, 422), (name, answer.status_code)
        assert 'id="error-file"' in html, (name, html[:300])
    assert _job_count(admin_world) == jobs  # nothing started, nothing kept


def test_valid_rows_alone_or_a_good_workbook_are_imported(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    mixed = csv_bytes([row(VILLAGE, 111), row(VILLAGE, 112, birth_date="x")])
    checked = _imported(admin_world, client, mixed, dry_run="on", valid_rows_only="on")
    assert "仅检查" in checked.get_data(as_text=True)
    assert not _on_roster(admin_world, client, 111)
    partial = _imported(admin_world, client, mixed, valid_rows_only="on")
    assert "1 人已列入名册" in partial.get_data(as_text=True)
    assert _on_roster(admin_world, client, 111) and not _on_roster(admin_world, client, 112)
    book = _imported(admin_world, client, xlsx_bytes([row(VILLAGE, 113)]), "名册.xlsx")
    assert "1 人已列入名册" in book.get_data(as_text=True)
    assert _on_roster(admin_world, client, 113)


def test_a_running_job_shows_its_progress_and_refreshes_until_it_is_done(
    admin_world: World, monkeypatch: Any
) -> None:
    client = signed_in(admin_world, "district-admin")
    held: list[Callable[[], None]] = []
    rows = [row(VILLAGE, 121), row(VILLAGE, 122, birth_date="x"), row(VILLAGE, 123)]
    with runner(admin_world, held.append):
        sent = _upload(client, csv_bytes(rows))
    assert sent.status_code == 303
    location = sent.headers["Location"]
    running = client.get(location)
    html = running.get_data(as_text=True)
    assert running.headers["Refresh"] == "2"
    assert '<progress id="import-progress" max="3" value="0">' in html
    assert "已处理 0 / 3 行" in html and "停止自动更新本页" in html
    still = client.get(f"{location}?refresh=off")
    assert "Refresh" not in still.headers and "立即更新" in still.get_data(as_text=True)

    seen: list[tuple[str, int, int, int]] = []
    advance = ImportJobs.advance

    def recorded(self: ImportJobs, job_id: str, *state: Any) -> None:
        seen.append(state)
        advance(self, job_id, *state)

    monkeypatch.setattr(ImportJobs, "advance", recorded)
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 1)
    held.pop()()  # the job runs: the file's bytes were only ever in its closure
    assert seen == [("validating", 1, 3, 0), ("validating", 2, 3, 1), ("validating", 3, 3, 1)]
    done = client.get(location)
    assert "Refresh" not in done.headers
    assert _error_rows(done.get_data(as_text=True)) == [
        ("3", "出生日期 (C)", "须为日期，如 1990-01-31。")
    ]


def test_a_job_is_its_uploaders_alone(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    with runner(admin_world, lambda work: None):
        location = _upload(client, csv_bytes([row(VILLAGE, 131)])).headers["Location"]
    factories.person_account(
        admin_world.app.extensions["canxie"].runtime.accounts,
        "district_admin",
        login="other-district-admin",
        district="410103",
    )
    for login in ("other-district-admin", "city-admin"):
        other = signed_in(admin_world, login)
        assert other.get(location).status_code == 404, login
    assert client.get(f"{JOBS}no-such-job").status_code == 404


def test_a_job_whose_process_died_shows_as_interrupted(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    with runner(admin_world, lambda work: None):  # never runs: as if the process died
        location = _upload(client, csv_bytes([row(VILLAGE, 141)])).headers["Location"]
    db = admin_world.app.extensions["canxie"].runtime.db
    with db.catalog(write=True) as cur:
        cur.execute(
            db.sql(None, "UPDATE {s}roster_import_jobs SET beat_at = %s WHERE job_id = %s"),
            ("2020-01-01T00:00:00+00:00", location.rsplit("/", 1)[1]),
        )
    page = client.get(location)
    assert "Refresh" not in page.headers and "已中断" in page.get_data(as_text=True)


def test_hosted_any_web_process_answers_for_a_job(make_app: MakeApp, pg_url: str) -> None:
    first = make_app(database_url=pg_url)
    world = build(first, "http://localhost")
    accounts = first.extensions["canxie"].runtime.accounts
    factories.person_account(accounts, "district_admin", login="hosted-admin", district=DISTRICT)
    second = replace(world, app=make_app(database_url=pg_url, provision=False))
    held: list[Callable[[], None]] = []
    with runner(world, held.append):
        rows = [row(VILLAGE, 151), row(VILLAGE, 152, birth_date="x")]
        location = _upload(signed_in(world, "hosted-admin"), csv_bytes(rows)).headers["Location"]
    elsewhere = signed_in(second, "hosted-admin")  # another gunicorn process, same database
    running = elsewhere.get(location)
    assert running.headers["Refresh"] == "2" and "已处理 0 / 2 行" in running.get_data(as_text=True)
    held.pop()()
    done = elsewhere.get(location)
    assert "Refresh" not in done.headers
    assert [r for r, _, _ in _error_rows(done.get_data(as_text=True))] == ["3"]
