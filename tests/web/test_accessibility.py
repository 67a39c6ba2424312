"""Every screen passes axe-core's WCAG 2.1 A and AA rules, in Chinese and in English; a page
made wrong on purpose shows that the check finds what it looks for."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.web.axe import LANGUAGES, axe_page, violations
from tests.web.screens import refused
from tests.web.world import World

#: The worker's screens (paths), the visit form twice: as it opens and refused.
WORKER_SCREENS = [
    "/tasks",
    "/visits/new",
    "/visits/new?q=残疾人1",
    "/roster",
    "/roster?q=残疾人1",
    "/visits/new?household=H0009",
]


def screens_of(page: Page, world: World, check: Callable[[str], None]) -> None:
    """Sign-in, the worker's screens, a refused form, the 404 page, and sign-in refused."""
    page.goto(f"{world.url}/sign-in")
    check("sign-in")
    refused(page, check, "sign-in refused")  # nothing filled in
    signed_in(page, world, world.logins["worker"], PASSWORD)
    page.wait_for_url("**/tasks**")
    for path in WORKER_SCREENS:
        page.goto(f"{world.url}{path}")
        check(path)
    page.locator("#field-findings").fill("")
    refused(page, check, "visit refused", "form[hx-post] button[type=submit]")
    page.goto(f"{world.url}/visits/new?household=H0021")
    check("404")
    page.goto(f"{world.url}/roster/{world.person_ids[9]}")
    check("person")
    page.locator("details summary").click()
    refused(page, check, "person refused")  # no field, no reason: refused


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_passes_axe_in_each_language(
    browser: Browser, web_world: World, language: str
) -> None:
    with axe_page(browser, web_world.url, language) as (page, found, check):
        screens_of(page, web_world, check)
        page.goto(f"{web_world.url}/sign-in")  # the password page of a first sign-in
        page.get_by_role("button", name="退出登录" if language == "zh-CN" else "Sign out").click()
        sign_in_first(page, web_world, language)
        found["password"] = violations(page)
        page.locator("header form button[type=submit]").click()  # sign out
        signed_in(page, web_world, web_world.logins["auditor"], PASSWORD)
        expect(page).to_have_url(re.compile(r"/compliance"))  # the auditor's dashboard
        found["compliance of the city"] = violations(page)
    assert len(found) == 14
    assert {screen: v for screen, v in found.items() if v} == {}


def signed_in(page: Page, world: World, login: str, password: str) -> None:
    """Sign in in either language (by the fields' ids)."""
    page.goto(f"{world.url}/sign-in")
    page.locator("#field-login").fill(login)
    page.locator("#field-password").fill(password)
    page.locator("main form button[type=submit]").click()


def sign_in_first(page: Page, world: World, language: str) -> None:
    """Sign in with a one-time password: the password page opens."""
    signed_in(page, world, world.logins["first-2" if language == "zh-CN" else "first-3"], PASSWORD)
    expect(page.locator("#field-new")).to_be_visible()


def test_the_check_finds_violations_on_a_bad_page(page: Page) -> None:
    page.set_content(
        "<html><body><img src='x.png'><input type='text'>"
        "<p style='color:#eee;background:#fff'>淡灰色的字</p></body></html>"
    )
    rules = {v.split(":")[0] for v in violations(page)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= rules
