"""The web pages on a slow phone (issue 14): bytes over the wire of each page's first load,
HTML sizes, and recording a home visit from the task list under emulated slow 3G.

Starts ``canxie serve --demo`` on a new data folder, signs in as the demo village worker in
Debian's chromium (390 px, zh-CN), and measures with the DevTools protocol:

    .venv/bin/python -m bench.web_pages [--results DIR] [--port N]

Budgets (issue 14): first load <= 100 KB compressed, HTML <= 30 KB, the visit <= 5 s at
400 kbit/s with a 400 ms round trip.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import BrowserContext, Page, sync_playwright

from bench.common import (
    add_port_option,
    add_results_option,
    percentile,
    print_table,
    results_folder,
    write_results,
)
from tests.processes import free_port

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
#: Slow 3G as the issue names it: 400 kbit/s both ways, 400 ms round trip.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
NEW_PASSWORD = "bench-新密码-2026"
WORKER = re.compile(r"village-worker\s+(\S+)")


@contextmanager
def demo_server(port: int) -> Iterator[tuple[str, str]]:
    """``canxie serve --demo`` in a new folder: (its address, the worker's one-time password)."""
    folder = Path(tempfile.mkdtemp(prefix="canxie-web-bench-"))
    log = folder / "serve.log"
    env = {**os.environ, "CANXIE_DATABASE_URL": "", "CANXIE_BROKER_URL": ""}
    args = ["serve", "--demo", "--port", str(port), "--data-dir", str(folder / "data")]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "service", *args], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = WORKER.search(log.read_text(errors="replace"))
            try:
                if found and requests.get(f"{url}/api/v1/health/live", timeout=1).ok:
                    yield url, found.group(1)
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(log.read_text(errors="replace"))
    finally:
        server.terminate()
        server.wait(15)


def _bytes_over_wire(context: BrowserContext, page: Page, url: str) -> dict[str, int]:
    """Encoded bytes of every response of one page load (cold cache), and their count."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: list[int] = []
    session.on("Network.loadingFinished", lambda e: sizes.append(int(e["encodedDataLength"])))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    return {"bytes": sum(sizes), "requests": len(sizes)}


def _html_sizes(page: Page, url: str) -> dict[str, int]:
    """The page's HTML as sent: uncompressed and gzip/br as the browser accepts it."""
    raw = page.request.get(url, headers={"Accept-Encoding": "identity"})
    packed = requests.get(
        url,
        headers={"Accept-Encoding": "br, gzip", "Cookie": _cookies(page)},
        stream=True,
        timeout=10,
    )
    return {"html": len(raw.body()), "html_compressed": len(packed.raw.read())}


def _cookies(page: Page) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())


def _sign_in(page: Page, url: str, otp: str) -> None:
    page.goto(f"{url}/")
    page.get_by_label("用户名").fill("village-worker")
    page.get_by_label("密码").fill(otp)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("当前密码").fill(otp)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存密码").click()
    page.get_by_role("heading", name="我的任务").wait_for()


def _visit_on_slow_3g(
    context: BrowserContext, page: Page, url: str, household: str, cold: bool
) -> float:
    """Seconds from opening the task list to the saved visit's status, on slow 3G (the
    household's link from the list, or its address once the list no longer has it)."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": cold})
    session.send("Network.emulateNetworkConditions", SLOW_3G)
    start = time.monotonic()
    page.goto(f"{url}/tasks")
    link = page.locator(f'#households a[href="{household}"]')
    if link.count():
        link.click()
    else:
        page.goto(f"{url}{household}")
    page.get_by_label("走访情况").fill("慢速网络下记录的走访")
    page.get_by_role("button", name="保存走访记录").click()
    page.get_by_role("status").wait_for()
    elapsed = time.monotonic() - start
    session.send(
        "Network.emulateNetworkConditions",
        {**SLOW_3G, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    return elapsed


def _signed_in_session(url: str, login: str, password: str) -> requests.Session:
    """A requests session signed in through the sign-in form (its CSRF token read first)."""
    session = requests.Session()
    page = session.get(f"{url}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    form = {"csrf_token": token.group(1) if token else "", "login": login, "password": password}
    session.post(f"{url}/sign-in", data=form, timeout=10).raise_for_status()
    return session


def task_list_under_load(url: str, users: int = 50, each: int = 20) -> dict[str, float]:
    """``users`` signed-in sessions asking for the task list ``each`` times at once:
    latency per request as the client sees it (loopback), p50 and p99 in ms."""
    sessions = [_signed_in_session(url, "village-worker", NEW_PASSWORD) for _ in range(users)]
    timings: list[float] = []
    lock = threading.Lock()

    def run(session: requests.Session) -> None:
        for _ in range(each):
            start = time.perf_counter()
            answer = session.get(f"{url}/tasks", timeout=30)
            elapsed = (time.perf_counter() - start) * 1000
            if answer.status_code != 200 or "visits-title" not in answer.text:
                raise RuntimeError(f"task list answered {answer.status_code}")
            with lock:
                timings.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(run, sessions))
    wall = time.perf_counter() - started
    return {
        "requests": len(timings),
        "per_second": len(timings) / wall,
        "p50_ms": percentile(timings, 50),
        "p99_ms": percentile(timings, 99),
    }


def measure(url: str, otp: str) -> dict[str, Any]:
    """Every figure, from one browser."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        figures: dict[str, Any] = {}
        signing_in = f"{url}/sign-in"
        figures["sign-in"] = _bytes_over_wire(context, page, signing_in)
        figures["sign-in"].update(_html_sizes(page, signing_in))
        _sign_in(page, url, otp)
        household = page.locator("#households a").first.get_attribute("href") or "/visits/new"
        pages = {"tasks": "/tasks", "visit form": household, "roster": "/roster"}
        for name, path in pages.items():
            first = _bytes_over_wire(context, page, f"{url}{path}")
            figures[name] = {**first, **_html_sizes(page, f"{url}{path}")}
        figures["visit, slow 3G, cold cache"] = _visit_on_slow_3g(
            context, page, url, household, cold=True
        )
        figures["visit, slow 3G, warm cache"] = _visit_on_slow_3g(
            context, page, url, household, cold=False
        )
        browser.close()
    figures["task list, 1 user"] = task_list_under_load(url, users=1, each=200)
    figures["task list, 50 users"] = task_list_under_load(url)
    return figures


def main() -> None:
    """Measure and print; write the JSON where ``--results`` says."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    add_results_option(parser)
    add_port_option(parser)
    options = parser.parse_args()
    folder = results_folder(options.results)
    with demo_server(options.port or free_port()) as (url, otp):
        figures = measure(url, otp)
    rows = [
        [name, f["bytes"], f["requests"], f["html"], f["html_compressed"]]
        for name, f in figures.items()
        if isinstance(f, dict) and "html" in f
    ]
    print_table(["page", "first load bytes", "requests", "HTML bytes", "HTML compressed"], rows)
    for name, value in figures.items():
        if isinstance(value, float):
            print(f"{name}: {value:.2f} s")
    for name in ("task list, 1 user", "task list, 50 users"):
        found = figures[name]
        print(
            f"{name}: {found['requests']} requests, {found['per_second']:.0f}/s, "
            f"p50 {found['p50_ms']:.1f} ms, p99 {found['p99_ms']:.1f} ms"
        )
    print(write_results(folder, "web_pages", {"figures": figures}))


if __name__ == "__main__":
    main()
