"""Take the README's screenshot of the audit timeline: ``python -m
tests.web.audit.screenshot_timeline`` serves the audit tests' world (PostgreSQL as the tests
use it), signs in as the bureau auditor in Chromium and saves docs/web-audit-timeline.png."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD
from tests.web.audit.conftest import audit_world
from tests.web.conftest import CHROMIUM
from tests.web.world import DISTRICT

TARGET = Path(__file__).resolve().parents[3] / "docs" / "web-audit-timeline.png"


def main() -> None:
    """Open the association's history as the auditor and save the page."""
    with tempfile.TemporaryDirectory() as data_dir, audit_world(Path(data_dir)) as audited:
        world = audited.world
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"]
            )
            page = browser.new_page(locale="zh-CN", viewport={"width": 600, "height": 900})
            page.goto(f"{world.url}/sign-in")
            page.get_by_label("用户名").fill(world.logins["auditor"])
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url("**/compliance**")
            page.goto(f"{world.url}/districts/{DISTRICT}/audit/records/{audited.association_id}")
            page.screenshot(path=str(TARGET), full_page=True)
            browser.close()
    print(f"saved {TARGET}")


if __name__ == "__main__":
    main()
