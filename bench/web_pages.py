"""The web pages on a slow phone (issue 14): bytes over the wire of every page's first load,
HTML sizes and the caching of the static files; and the visit journey under emulated slow 3G
that ``bench.web_load`` runs on the synthetic city.

Starts ``canxie serve --demo`` on a new data folder, signs every demo account in (its
one-time password, then its own) in Debian's chromium (390 px, zh-CN), and measures with the
DevTools protocol:

    .venv/bin/python -m bench.web_pages [--results DIR] [--port N]

Every page is each role's home and navigation, and for the village worker the visit form of a
household and a person of the roster.  Budgets (issue 14): a page's first load <= 100 KB
compressed (HTML, CSS, JS, fonts: every response's encoded bytes), its HTML <= 30 KB, the
vendored files cached for a year under versioned names.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bench.common import (
    add_port_option,
    add_results_option,
    median,
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
NO_LIMIT = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
NEW_PASSWORD = "bench-新密码-2026"
#: A demo account as ``canxie serve --demo`` prints it: login, one-time password, role.
ACCOUNT = re.compile(r"^  (\S+)\s+(\S+)  (\w+)\s", re.MULTILINE)
YEAR = 365 * 24 * 3600
#: Where the visit journey ends: the task list, after the save.
TASKS_AGAIN = re.compile(r"/tasks\?")


@contextmanager
def demo_server(port: int) -> Iterator[tuple[str, dict[str, tuple[str, str]]]]:
    """``canxie serve --demo`` in a new folder: its address and the demo accounts
    (login: (one-time password, role))."""
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
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            accounts = {m.group(1): (m.group(2), m.group(3)) for m in ACCOUNT.finditer(text)}
            try:
                if "village-worker" in accounts and requests.get(f"{url}/api/v1/health/live").ok:
                    yield url, accounts
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(log.read_text(errors="replace"))
    finally:
        server.terminate()
        server.wait(15)


def first_load(context: BrowserContext, page: Page, url: str) -> dict[str, Any]:
    """Encoded bytes of every response of one page load with a cold cache, their count and
    addresses, and the caching of each static file (its address and Cache-Control)."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    statics: dict[str, str] = {}
    urls: dict[str, str] = {}
    origin = "/".join(url.split("/", 3)[:3])

    def received(event: dict[str, Any]) -> None:
        response = event["response"]
        address = str(response["url"]).removeprefix(origin)
        inline = address.startswith("data:")
        urls[event["requestId"]] = f"data: URL {len(urls)}" if inline else address
        if "/static/" in response["url"]:
            headers = {k.lower(): v for k, v in response["headers"].items()}
            statics[response["url"]] = headers.get("cache-control", "")

    def finished(event: dict[str, Any]) -> None:
        sizes[urls.get(event["requestId"], event["requestId"])] = int(event["encodedDataLength"])

    session.on("Network.responseReceived", received)
    session.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    session.detach()
    return {
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "responses": sizes,
        "static": statics,
    }


def html_sizes(page: Page, url: str) -> dict[str, int]:
    """The page's HTML as sent: uncompressed, and compressed as the browser accepts it."""
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


def sign_in(page: Page, url: str, login: str, one_time: str) -> None:
    """The first sign-in: the one-time password, then the account's own."""
    page.goto(f"{url}/sign-in")
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码").fill(one_time)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("当前密码").fill(one_time)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存密码").click()
    # Each role lands on its own home (the worker's tasks say "密码已设置。", a supervisor's
    # compliance page does not): signed in once the password form is gone.
    page.get_by_label("当前密码").wait_for(state="detached")
    page.wait_for_load_state()


def _generic(path: str) -> str:
    """A page's address without the record it shows (``/roster/<id>``)."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", path)
    return re.sub(r"=[^&]+", "=<id>", path)


def pages_of(page: Page, url: str, role: str) -> list[str]:
    """The role's pages: its home, its navigation, and a record's page or two."""
    home = page.url.removeprefix(url).split("?")[0]
    paths = [home, *(a.get_attribute("href") or "" for a in page.locator("#site-nav a").all())]
    if role == "association_worker":
        page.goto(f"{url}/tasks")
        paths.append(page.locator("#households a").first.get_attribute("href") or "")
        page.goto(f"{url}/roster")
        person = page.locator("main a[href^='/roster/']").first
        if person.count():
            paths.append(person.get_attribute("href") or "")
    return list(dict.fromkeys(p for p in paths if p))


def every_page(browser: Browser, url: str, accounts: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """First load and HTML of the sign-in page and of every role's pages."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    figures = {"sign-in": {**first_load(context, page, f"{url}/sign-in")}}
    figures["sign-in"].update(html_sizes(page, f"{url}/sign-in"))
    context.close()
    for login, (one_time, role) in accounts.items():
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        sign_in(page, url, login, one_time)
        for path in pages_of(page, url, role):
            figures[f"{role} {_generic(path)}"] = {
                **first_load(context, page, f"{url}{path}"),
                **html_sizes(page, f"{url}{path}"),
            }
        context.close()
    return figures


def visit_on_slow_3g(context: BrowserContext, page: Page, url: str) -> float:
    """Seconds from the click on the first household of the task list to the task list
    shown again without it, under slow 3G (the task list itself loaded beforehand)."""
    page.goto(f"{url}/tasks")
    link = page.locator("#households a").first
    if not link.count():
        raise RuntimeError(f"no household left to visit on {page.url}")
    household = link.get_attribute("href") or ""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_3G)
    start = time.monotonic()
    link.click()
    page.get_by_label("走访情况").fill("慢速网络下记录的走访")
    page.get_by_role("button", name="保存走访记录").click()
    page.wait_for_url(TASKS_AGAIN)
    page.get_by_role("status").wait_for()
    if page.locator(f'#households a[href="{household}"]').count():
        raise RuntimeError(f"{household} still on the task list after its visit")
    elapsed = time.monotonic() - start
    session.send("Network.emulateNetworkConditions", NO_LIMIT)
    session.detach()
    return elapsed


def journeys(browser: Browser, url: str, cookies: list[Any], runs: int) -> dict[str, Any]:
    """The visit journey ``runs`` times with JavaScript and ``runs`` times without."""
    found: dict[str, Any] = {}
    for label, javascript in (("JavaScript on", True), ("JavaScript off", False)):
        context = browser.new_context(
            locale="zh-CN", viewport=PHONE, java_script_enabled=javascript
        )
        context.add_cookies(cookies)
        page = context.new_page()
        seconds = [visit_on_slow_3g(context, page, url) for _ in range(runs)]
        found[label] = {"median_s": median(seconds), "runs_s": seconds}
        context.close()
    return found


def measure(url: str, accounts: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Every figure, from one browser."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        pages = every_page(browser, url, accounts)
        browser.close()
    return {"pages": pages, "static": caching(pages)}


def caching(pages: dict[str, Any]) -> dict[str, Any]:
    """Every static file seen, its Cache-Control, and whether it is cached for a year under
    a versioned address (a vendored package's folder names its version; ours carry ?v=)."""
    seen: dict[str, str] = {}
    for figures in pages.values():
        seen.update(figures.pop("static"))
    files = {}
    for address, control in sorted(seen.items()):
        versioned = bool(re.search(r"/vendor/[^/]+-\d+(\.\d+)+/|\?v=", address))
        year = f"max-age={YEAR}" in control
        files[address.split("/static/", 1)[1]] = {
            "cache_control": control,
            "versioned": versioned,
            "year": year,
        }
    return files


def report(figures: dict[str, Any]) -> None:
    """The tables on stdout."""
    print_table(
        ["page", "first load bytes", "requests", "HTML bytes", "HTML compressed"],
        [
            [name, f["bytes"], f["requests"], f["html"], f["html_compressed"]]
            for name, f in figures["pages"].items()
        ],
    )
    print_table(
        ["static file", "Cache-Control", "versioned", "a year"],
        [
            [name, f["cache_control"], f["versioned"], f["year"]]
            for name, f in figures["static"].items()
        ],
    )


def main() -> None:
    """Measure and print; write the JSON where ``--results`` says."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_results_option(parser)
    add_port_option(parser)
    options = parser.parse_args()
    folder = results_folder(options.results)
    with demo_server(options.port or free_port()) as (url, accounts):
        figures = measure(url, accounts)
    report(figures)
    command = "python -m bench.web_pages"
    print(write_results(folder, "web_pages", {"command": command, **figures}))


if __name__ == "__main__":
    main()
