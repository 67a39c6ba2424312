"""Administration in the browser, against a real HTTP server (issue 16, "Done when"): a city
administrator creates a township officer, who signs in with the one-time password shown once,
chooses a password and lands on the township's overview; a person's data is erased through both
steps with the keyboard alone and without JavaScript; every administration page passes axe-core
in both languages, refused forms included."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.roster.test_import import csv_bytes, row
from tests.web.axe import LANGUAGES, axe_page
from tests.web.conftest import sign_in
from tests.web.screens import refused, walk
from tests.web.test_accessibility import signed_in
from tests.web.world import DISTRICT, TOWNSHIP, VILLAGE, World

DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "山高水长-river 42"


def test_a_city_admin_creates_a_township_officer_who_then_signs_in(
    browser: Browser, admin_world: World
) -> None:
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, admin_world, "city-admin")
        page.get_by_role("link", name="系统管理").click()
        page.get_by_role("link", name="账户管理").click()
        page.get_by_role("link", name="创建账户").click()
        page.get_by_label("姓名", exact=True).fill("乡镇专干 赵敏")
        page.get_by_label("角色", exact=True).select_option("township_officer")
        page.get_by_label("区县", exact=True).select_option(DISTRICT)
        page.get_by_label("乡镇（街道）代码").fill(TOWNSHIP)
        page.get_by_label("用户名").fill("zhaomin")
        page.get_by_role("button", name="创建该账户").click()
        expect(page.get_by_role("heading", name="仅显示一次")).to_be_focused()
        password = page.locator("#one-time-password").inner_text()
        page.reload()  # the form sent again: the account's page, the password not shown again
        expect(page.get_by_role("heading", name="乡镇专干 赵敏")).to_be_visible()
        expect(page.locator("#one-time-password")).to_have_count(0)
        page.get_by_role("button", name="退出登录").click()
        signed_in(page, admin_world, "zhaomin", password)
        expect(page.get_by_role("heading", name="设置密码")).to_be_visible()
        page.get_by_label("当前密码").fill(password)
        page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
        page.get_by_role("button", name="保存密码").click()
        expect(page.get_by_role("heading", name="乡镇概况")).to_be_visible()
    finally:
        context.close()


def test_a_person_is_erased_with_the_keyboard_alone_and_without_javascript(
    browser: Browser, admin_world: World
) -> None:
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, admin_world, "district-admin")
        page.goto(f"{admin_world.url}/districts/{DISTRICT}/erasure")
        page.get_by_label("姓名", exact=True).focus()
        page.keyboard.type("残疾人12")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="残疾人12", exact=True).focus()
        page.keyboard.press("Enter")
        page.get_by_label("原因（合法依据）").focus()
        page.keyboard.type("本人书面申请删除个人信息")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="下一步：核对将删除的内容")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="确认删除")).to_be_visible()
        expect(page.locator("#erased-fields li")).to_have_count(7)
        expect(page.locator("#reason")).to_have_text("本人书面申请删除个人信息")
        page.get_by_role("button", name="永久删除个人信息").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("该人员的个人信息已删除。")
    finally:
        context.close()


def admin_paths(world: World) -> list[str]:
    """The administration pages, as they open and with odd input."""
    erasure = f"/districts/{DISTRICT}/erasure"
    person = f"{erasure}/{world.person_ids[22]}"
    divisions = f"/districts/{DISTRICT}/divisions"
    return [
        "/admin",
        "/admin/accounts",
        "/admin/accounts/new",
        erasure,
        f"{erasure}?q=残疾人2",
        person,
        f"{person}/confirm?reason=",
        f"{person}/confirm?reason=本人依法申请",
        f"/districts/{DISTRICT}/settings",
        f"/districts/{DISTRICT}/settings/visit-intervals",
        f"/districts/{DISTRICT}/work-plan",
        f"/districts/{DISTRICT}/roster-import",
        "/admin/districts/new",
        *(f"{divisions}{tail}" for tail in ("", "/new", "/import", "/merger")),
        *(f"{divisions}/{VILLAGE}{tail}" for tail in ("", "/renaming", "/split")),
    ]


def _forms(page: Page, world: World, check: Callable[[str], None]) -> None:
    """A refused new account, its district's associations listed, a created one (its secrets)
    and its page; the evaluation scheme's form as it opens and refused; a roster file refused
    row by row."""
    page.goto(f"{world.url}/admin/accounts/new")
    create = page.locator("main form button[type=submit]:not([name=show])")
    create.click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("new account refused")
    page.locator("#field-district").select_option(DISTRICT)
    page.locator("main form button[name=show]").click()  # the district's associations listed
    expect(page.locator("#field-association_id optgroup")).to_have_count(1)
    check("new account, associations listed")
    page.locator("#field-district").select_option("")
    page.locator("#field-name").fill("审计员")
    page.locator("#field-role").select_option("bureau_auditor")
    create.click()
    expect(page.locator("#one-time-password")).to_be_visible()
    check("account created")
    page.locator("#secrets ~ p a").first.click()
    expect(page.locator("#tokens")).to_be_visible()
    check("account")
    page.goto(f"{world.url}/districts/{DISTRICT}/settings/evaluation-scheme")
    check("evaluation scheme")
    page.locator("#field-criterion-0-key").fill("Bad Key")
    refused(page, check, "evaluation scheme refused")
    page.goto(f"{world.url}/districts/{DISTRICT}/roster-import")
    bad = csv_bytes([row(VILLAGE, 201, birth_date="x"), row(VILLAGE, 202, cat_text="?")])
    page.locator("#field-file").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": bad}
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#row-errors tbody tr")).to_have_count(2)
    check("roster import refused by row")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_administration_page_passes_axe_in_each_language(
    browser: Browser, admin_world: World, language: str
) -> None:
    with axe_page(browser, admin_world.url, language, DESKTOP) as (page, found, check):
        signed_in(page, admin_world, "city-admin", PASSWORD)
        page.wait_for_url("**/compliance**")
        walk(page, admin_world.url, admin_paths(admin_world), check)
        _forms(page, admin_world, check)
    assert len(found) == len(admin_paths(admin_world)) + 7
    assert {screen: v for screen, v in found.items() if v} == {}
