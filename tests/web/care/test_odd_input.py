"""No input to a page, however odd, gets a 500: every page a signed-in user can reach by its
links, and every form on them sent with odd values, answers with a page (200, 303, 404, 422).

The pages are found by following links from each role's home, as a user would, so a new
screen is covered without being listed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.plugin import embedded_app
from tests.web.care.world import CareWorld, add_care, signed_in_client
from tests.web.world import build, served

#: Odd values a field may receive: empty, far too long, control characters, other scripts and
#: widths, markup, numbers out of range, dates that are not.
ODD = (
    "",
    " ",
    "x" * 20_000,
    "\x00\x01\ufffe",
    "２０２６－１３－４０",
    "<script>alert(1)</script>",
    "-1",
    "1e309",
    "9" * 40,
    "2026-02-30",
    "00000000-0000-0000-0000-000000000000",
    "😀" * 50,
)
#: The pages to visit per role at most (the crawl stops there).
MOST_PAGES = 60
#: Status codes a page may answer with.
FINE = {200, 303, 404, 409, 422, 429}
#: Links not to follow: leaving the session, or leaving the pages.
SKIP = re.compile(r"^/(sign-out|api/|static/)")


class _Page(HTMLParser):
    """The links and forms of a page (fields by name, the hidden ones with their values)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "a" and found.get("href"):
            self.links.append(found["href"])
        elif tag == "form":
            self.forms.append((found.get("method", "get").lower(), found.get("action", ""), {}, []))
        elif tag in {"input", "textarea", "select"} and self.forms and found.get("name"):
            _, _, hidden, fields = self.forms[-1]
            if found.get("type") == "hidden":
                hidden[found["name"]] = found.get("value", "")
            else:
                fields.append(found["name"])


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _crawl(client: FlaskClient) -> Iterator[tuple[str, _Page]]:
    """Each page reachable from the home by links, with what it holds."""
    seen: set[str] = set()
    queue = ["/"]
    while queue and len(seen) < MOST_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code in FINE, (path, answer.status_code)
        page = _parse(answer.get_data(as_text=True))
        final = answer.request.path + (
            f"?{answer.request.query_string.decode()}" if answer.request.query_string else ""
        )
        seen.add(final)
        yield final, page
        for href in page.links:
            target = urlsplit(urljoin(path, href))
            if not target.netloc and not SKIP.match(target.path):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))


def _send_odd(client: FlaskClient, path: str, page: _Page) -> list[tuple[str, str, int]]:
    """Every form of the page sent with each odd value in every field: what answered >= 500.

    The page is opened again before each send, so each carries a fresh submission key (a key
    sent before would only be answered as already recorded)."""
    failures = []
    for index, (method, action, _, fields) in enumerate(page.forms):
        if method != "post" or not fields:
            continue
        target = urljoin(path, action) if action else path
        for value in ODD:
            forms = _parse(client.get(path).get_data(as_text=True)).forms
            if len(forms) <= index:
                break  # an odd value was accepted and the form is gone (e.g. a need closed)
            hidden = forms[index][2]
            answer = client.post(target, data={**hidden, **dict.fromkeys(fields, value)})
            if answer.status_code not in FINE:
                failures.append((target, value[:20], answer.status_code))
    return failures


@pytest.fixture(scope="module")
def odd_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CareWorld]:
    """A world of its own: odd values that happen to be accepted change nothing others count."""
    data_dir: Path = tmp_path_factory.mktemp("odd")
    with embedded_app(data_dir) as app, served(app) as url:
        yield add_care(build(app, url))


@pytest.mark.slow
@pytest.mark.parametrize("role", ["worker", "township"])
def test_no_page_or_form_answers_with_a_server_error(odd_world: CareWorld, role: str) -> None:
    client = signed_in_client(odd_world.world, odd_world.world.logins[role])
    pages = list(_crawl(client))
    assert len(pages) > 5, "the crawl found the role's pages"
    forms = sum(len(page.forms) for _, page in pages)
    assert forms > 3, "the crawl found forms to send"
    failures = [f for path, page in pages for f in _send_odd(client, path, page)]
    assert failures == []
