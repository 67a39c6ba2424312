"""The bureau auditor's pages render no control that writes (issue 16): a walk through every
page the auditor can reach by following links from where they land finds no form that posts
(but signing out) and no element asking htmx to post, put, patch or delete.  The same check
finds the sign-in page's form, so it can fail."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Page

from tests.web.audit.conftest import Audited
from tests.web.conftest import sign_in
from tests.web.world import DISTRICT

#: Every control on the page that would change something, but the sign-out form.
WRITE_CONTROLS = """() => {
  const signOut = (form) => form && new URL(form.action).pathname === "/sign-out";
  const found = [];
  for (const form of document.forms) {
    const method = (form.getAttribute("method") || "get").toLowerCase();
    if (method !== "get" && !signOut(form)) found.push(`form ${method} ${form.action}`);
  }
  const writing = "[hx-post],[hx-put],[hx-patch],[hx-delete],[data-hx-post],[data-hx-put]," +
    "[data-hx-patch],[data-hx-delete],[formmethod]";
  for (const element of document.querySelectorAll(writing)) {
    if ((element.getAttribute("formmethod") || "").toLowerCase() === "get") continue;
    if (signOut(element.closest("form"))) continue;
    found.push(`${element.tagName} ${element.outerHTML.slice(0, 120)}`);
  }
  return found;
}"""
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
#: Links that do not lead to a page of the site's own (language switch, files, sign-out).
SKIP = re.compile(r"^/(language|static|sign-out)")
#: Files to download (the acceptance report), not pages.
DOWNLOAD = re.compile(r"\.(xlsx|pdf|csv)$")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: Addresses of one shape visited at most (other records, other positions, other pages).
PER_SHAPE = 2
MOST = 150
#: Pages of the supervisors the auditor's role may read, though no link of theirs leads there.
READABLE = (
    "/inspections",
    f"/districts/{DISTRICT}/inspections",
    f"/districts/{DISTRICT}/supervision",
    f"/districts/{DISTRICT}/acceptance-report",
)


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return f"{UUID.sub('{id}', re.sub(r'/[0-9]+(?=/|$)', '/{n}', parts.path))}?{keys}"


def walk(page: Page, origin: str, starts: list[str]) -> dict[str, list[str]]:
    """Every page reachable from ``starts`` by links (a few of each shape): its write controls."""
    seen: dict[str, list[str]] = {}
    shapes: Counter[str] = Counter()
    todo = list(starts)
    while todo and len(seen) < MOST:
        url = urldefrag(todo.pop(0)).url
        path = urlsplit(url).path
        if url in seen or not url.startswith(origin) or SKIP.match(path) or DOWNLOAD.search(path):
            continue
        if shapes[_shape(url)] >= PER_SHAPE:
            continue
        shapes[_shape(url)] += 1
        response = page.goto(url, wait_until="domcontentloaded")
        assert response is not None and response.status < 500, url
        seen[url] = page.evaluate(WRITE_CONTROLS)
        todo.extend(page.evaluate(LINKS))
    return seen


def test_no_page_of_the_auditor_renders_a_control_that_writes(page: Page, audited: Audited) -> None:
    world = audited.world
    sign_in(page, world, world.logins["auditor"])
    # Where the auditor lands, and the supervision pages their role may read by address.
    starts = [page.url, *(f"{world.url}{path}" for path in READABLE)]
    found = walk(page, world.url, starts)
    paths = {urlsplit(url).path for url in found}
    for reached in ("/compliance", "/audit", "/ledger", "/personal-data-reads"):
        assert reached in paths
    assert any("/audit/records/" in p for p in paths)  # a record's history
    assert any("position=" in url for url in found)  # the ledger with an inclusion proof
    assert len(found) > 10
    assert f"{world.url}/districts/{DISTRICT}/inspections" in found
    assert {url: controls for url, controls in found.items() if controls} == {}


def test_the_check_finds_a_form_that_posts(page: Page, audited: Audited) -> None:
    page.goto(f"{audited.world.url}/sign-in")
    assert [c for c in page.evaluate(WRITE_CONTROLS) if c.startswith("form post")]
