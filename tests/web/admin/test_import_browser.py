"""The roster import in the browser, against a real HTTP server: on a slow connection and
without JavaScript, a file sent opens its job's page, which shows the progress while the import
runs and turns into the report with the errors by row and column by itself; the job's page,
running and done, passes axe-core in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.roster.test_import import csv_bytes, row
from tests.web.admin.test_roster_import import runner
from tests.web.axe import LANGUAGES, axe_page
from tests.web.conftest import sign_in
from tests.web.test_accessibility import signed_in
from tests.web.world import DISTRICT, VILLAGE, World

DESKTOP = {"width": 1280, "height": 900}
#: Slow 3G: 400 ms latency, 50,000 bytes/s each way.
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def _send(page: Page, world: World, content: bytes) -> None:
    page.goto(f"{world.url}/districts/{DISTRICT}/roster-import")
    page.locator("#field-file").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.locator("main form button[type=submit]").click()


def test_the_job_page_shows_progress_then_the_errors_without_javascript_on_a_slow_line(
    browser: Browser, admin_world: World
) -> None:
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    held: list[Callable[[], None]] = []
    try:
        sign_in(page, admin_world, "district-admin")
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", SLOW)
        rows = [row(VILLAGE, 301), row(VILLAGE, 302, birth_date="1990-02-30"), row(VILLAGE, 303)]
        with runner(admin_world, held.append):
            _send(page, admin_world, csv_bytes(rows))
            expect(page.get_by_role("heading", name="正在检查每一行")).to_be_visible()
            expect(page.get_by_text("已处理 0 / 3 行")).to_be_visible()
            expect(page.get_by_role("progressbar", name="已处理 0 / 3 行")).to_be_visible()
            held.pop()()  # the import runs; the page, refreshing itself, shows its outcome
        expect(page.get_by_role("heading", name="结果")).to_be_visible(timeout=20_000)
        expect(page.locator("#row-errors tbody tr")).to_have_count(1)
        expect(page.locator("#row-errors tbody tr td").nth(1)).to_have_text("出生日期 (C)")
        expect(page.get_by_role("status")).to_contain_text("未保存任何内容")
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_job_page_passes_axe_running_and_done(
    browser: Browser, admin_world: World, language: str
) -> None:
    held: list[Callable[[], None]] = []
    with axe_page(browser, admin_world.url, language, DESKTOP) as (page, found, check):
        signed_in(page, admin_world, "district-admin", PASSWORD)
        page.wait_for_url("**/compliance**")
        rows = [row(VILLAGE, 311), row(VILLAGE, 312, birth_date="x")]
        with runner(admin_world, held.append):
            _send(page, admin_world, csv_bytes(rows))
        expect(page.locator("#import-progress")).to_be_visible()
        job = page.url
        page.goto(f"{job}?refresh=off")  # not reloaded while axe reads it
        check("running")
        held.pop()()
        page.goto(job)
        expect(page.locator("#row-errors tbody tr")).to_have_count(1)
        check("done with errors")
    assert found == {"running": [], "done with errors": []}
