"""Walking the screens in the browser tests: each served with the CSP and no inline script
(the house rule every screen test checks), and a form sent as it is to be refused.

Shared by the worker, township, dashboard, administration and inspection tests so that each
says only which screens it walks and which forms it sends."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from playwright.sync_api import Page, Response, expect

#: Inline scripts and event-handler or ``javascript:`` attributes of the page, by name.
INLINE_SCRIPT = """() => [
  ...[...document.scripts].filter(s => !s.src).map(s => s.outerHTML),
  ...[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
     .filter(a => a.name.startsWith('on') || a.value.trim().startsWith('javascript:'))
     .map(a => a.name),
]"""
#: The submit button of the page's main form.
SUBMIT = "main form button[type=submit]"


def opened(page: Page, url: str, statuses: tuple[int, ...] = (200, 422)) -> Response:
    """Go to ``url``: answered with one of ``statuses``, the CSP (scripts of the site only)
    and no inline script."""
    response = page.goto(url)
    assert response is not None and response.status in statuses, (url, response)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
    assert page.evaluate(INLINE_SCRIPT) == [], url
    return response


def walk(page: Page, origin: str, paths: Iterable[str], check: Callable[[str], None]) -> None:
    """Open each of ``paths`` of ``origin`` (:func:`opened`) and ``check`` it by its path."""
    for path in paths:
        opened(page, f"{origin}{path}")
        check(path)


def refused(page: Page, check: Callable[[str], None], screen: str, button: str = SUBMIT) -> None:
    """Send the form by ``button``: refused (the error summary shows), then ``check`` it."""
    page.locator(button).first.click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(screen)
