"""axe-core in the browser tests: a page in one language that lets axe in, and its violations.

The WCAG 2.1 A/AA check is shared by every screen test (worker, township, care, dashboard,
inspections), so that each of them says only which screens it walks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import PHONE

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WCAG_21_AA = "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}"
#: How each language is chosen: the switch's cookie.
LANGUAGES = {"zh-CN": "zh_Hans_CN", "en": "en"}


def violations(page: Page) -> list[str]:
    """axe's WCAG 2.1 A/AA violations of the page as it is now: rule and first target."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(f"async () => (await axe.run(document, {WCAG_21_AA})).violations")
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in found]


@contextmanager
def page_in(
    browser: Browser, url: str, language: str, viewport: dict[str, int] = PHONE
) -> Iterator[Page]:
    """A new page of ``url`` in ``language`` (chosen by the switch's cookie), closed after.

    axe is injected as a script of the test: the page's CSP (no inline script) would refuse
    it, so the page bypasses CSP.
    """
    context = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True)
    context.add_cookies([{"name": "canxie_lang", "value": LANGUAGES[language], "url": url}])
    try:
        yield context.new_page()
    finally:
        context.close()


def checker(page: Page, language: str, found: dict[str, list[str]]) -> Callable[[str], None]:
    """``check(screen)``: the page is in ``language``; its violations are kept in ``found``."""

    def check(screen: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        found[screen] = violations(page)

    return check


@contextmanager
def axe_page(
    browser: Browser, url: str, language: str, viewport: dict[str, int] = PHONE
) -> Iterator[tuple[Page, dict[str, list[str]], Callable[[str], None]]]:
    """:func:`page_in` with its :func:`checker`: the page, the violations found so far by
    screen, and the check adding a screen's."""
    found: dict[str, list[str]] = {}
    with page_in(browser, url, language, viewport) as page:
        yield page, found, checker(page, language, found)
