"""The audit pages on the demo city (issue 16): how long the trail, a record's history and the
ledger with both proofs take to load, their HTML size, and how long the browser takes to
check an inclusion proof and a consistency proof with their heads' signatures (WebCrypto).

    .venv/bin/python -m bench.audit_pages [--runs 5]

The demo city (``canxie serve --demo``'s, embedded store) is written, a head signed, then a
few more changes and a second head; the bureau auditor reads in Debian's chromium (desktop).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.common import median, print_table
from projections.ledger.ledger import latest_head
from service.synthetic.demo_city import HOME, load_demo_city
from tests import factories
from tests.factories import PASSWORD
from tests.plugin import embedded_app
from tests.web.conftest import CHROMIUM
from tests.web.world import served
from workers.signing import sign_district


def _timed(page: Page, url: str, runs: int) -> tuple[float, int]:
    """Median milliseconds to load ``url`` (to the load event), and its HTML bytes."""
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = page.goto(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response is not None and response.status == 200, url
        size = len(response.body())
    return median(times), size


def _checked(page: Page, block: str, runs: int) -> float:
    """Median milliseconds from pressing a check's button to its verdict."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        page.locator(f"#{block} button[data-verify]").click()
        page.wait_for_selector(f"#{block}[data-outcome=passed]")
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def main() -> None:
    """Write the demo city, sign two heads, time the pages and the checks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder, embedded_app(Path(folder)) as app:
        runtime = app.extensions["canxie"].runtime
        load_demo_city(runtime)
        factories.person_account(runtime.accounts, "bureau_auditor", login="shenji")
        first = sign_district(runtime, HOME)
        store = runtime.tenancy.records(HOME)
        store.record_division(
            code=f"{HOME}999", name="基准街道", effective_on=None, by=factories.SEED
        )
        runtime.catch_up(HOME)
        second = sign_district(runtime, HOME)
        assert first is not None and second is not None
        head = latest_head(runtime.db, HOME)
        assert head is not None
        with served(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/sign-in")
            page.get_by_label("用户名").fill("shenji")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url("**/compliance**")
            base = f"{url}/districts/{HOME}"
            middle = head.tree_size // 2
            proofs = f"position={middle}&first={first.tree_size}&second={second.tree_size}"
            rows = []
            for name, address in (
                ("trail, first page", f"{base}/audit"),
                ("trail, one kind", f"{base}/audit?event_type=Person.Registered"),
                ("ledger, both proofs", f"{base}/ledger?{proofs}"),
            ):
                ms, size = _timed(page, address, runs)
                rows.append([name, ms, size])
            print(f"demo city district {HOME}: {head.tree_size} events in the signed log")
            print_table(["page", "load ms (median)", "HTML bytes"], rows)
            checks = [
                [b, _checked(page, b, runs)] for b in ("inclusion-check", "consistency-check")
            ]
            print_table(["check in the browser", "ms (median)"], checks)
            browser.close()


if __name__ == "__main__":
    main()
