"""The village worker's day in a phone-sized browser: sign in with a one-time password, set
one's own, see the tasks, record a home visit with and without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.web.conftest import sign_in, without_script
from tests.web.world import HARDSHIP, World

NEW_PASSWORD = "青青河边草-grass 42"


def households_listed(page: Page) -> list[str]:
    """The household links of the task list, in order."""
    return page.locator("#households a").all_inner_texts()


def fill_visit(page: Page, findings: str) -> None:
    """What was found, and one difficulty to refer to the two committees."""
    page.get_by_label("走访情况").fill(findings)
    page.get_by_label("需要跟进的困难").fill("轮椅需要维修")
    page.get_by_label("困难转交给").select_option("two_committees")


def test_a_new_worker_signs_in_sets_a_password_and_sees_the_tasks(
    page: Page, web_world: World
) -> None:
    page.goto(web_world.url)
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("用户名").fill(web_world.logins["first-1"])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="设置密码")).to_be_visible()
    page.goto(f"{web_world.url}/tasks")  # nothing else opens before the password is set
    expect(page.get_by_role("heading", name="设置密码")).to_be_visible()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存密码").click()
    expect(page.get_by_role("status")).to_have_text("密码已设置。")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    first = households_listed(page)[0]
    assert first == web_world.name(HARDSHIP)  # special hardship first
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    sign_in(page, web_world, web_world.logins["first-1"], NEW_PASSWORD)
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()


def test_a_visit_recorded_from_the_task_list_takes_the_household_off_it(
    worker_page: Page, web_world: World
) -> None:
    page = worker_page
    name = web_world.name(3)
    assert name in households_listed(page)
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name="记录入户走访")).to_be_visible()
    page.evaluate("window.__marker = true")
    fill_visit(page, "生活基本能自理，家属照顾周到")
    page.get_by_role("button", name="保存走访记录").click()
    expect(page.get_by_role("status")).to_have_text("入户走访已记录。")
    expect(page.get_by_role("status")).to_be_focused()
    assert name not in households_listed(page)
    assert page.evaluate("window.__marker") is True  # htmx swapped, no full reload
    assert page.title() == "我的任务 · 残协工作平台"  # the swapped part brought its title
    assert page.locator("body title").count() == 0
    current = page.locator("nav.site [aria-current=page]")
    expect(current).to_have_text("我的任务")  # the navigation followed the swap
    expect(page).to_have_url(re.compile(r"/tasks\?"))


def test_a_visit_is_recorded_without_javascript_too(browser: Browser, web_world: World) -> None:
    with without_script(browser, web_world, web_world.logins["worker"]) as page:
        name = web_world.name(4)
        page.get_by_role("link", name="记录入户走访").first.click()
        page.get_by_label("家庭成员姓名").fill(name)
        page.get_by_role("button", name="查找").click()
        page.get_by_role("region", name="查找结果").get_by_role("link", name=name).click()
        page.get_by_label("走访情况").fill("")
        page.get_by_role("button", name="保存走访记录").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("走访情况")
        expect(page.get_by_label("走访日期")).not_to_have_value("")  # values kept
        page.get_by_label("走访情况").fill("电话联系本人，情况稳定")
        page.get_by_label("电话走访").check()
        page.get_by_role("button", name="保存走访记录").click()
        expect(page.get_by_role("status")).to_have_text("入户走访已记录。")
        assert name not in households_listed(page)


def test_the_language_switch_keeps_the_page_and_remembers_the_choice(
    worker_page: Page, web_world: World
) -> None:
    page = worker_page
    page.get_by_role("link", name="名册").click()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Roster")).to_be_visible()
    page.get_by_role("link", name="My tasks").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
