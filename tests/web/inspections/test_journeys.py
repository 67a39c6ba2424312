"""The supervisors' journeys in the browser, against a real HTTP server (issue 16, "Done
when"): an inspector opens an inspection with the problem list the rules found that day and
edits it; the village worker's rectification closes a problem once the inspector confirms it;
the three co-signers conclude a joint acceptance and one downloads the PDF report."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import sign_in
from tests.web.world import DISTRICT, TOWNSHIP, VILLAGE, World

DESKTOP = {"width": 1280, "height": 900}
#: The co-signers' logins and the body each signs for.
CO_SIGNERS = (
    ("federation", "市残联"),
    ("governance", "市委社治委"),
    ("bureau", "市民政局"),
)


def signed_in_page(browser: Browser, world: World, login: str) -> Page:
    """A desktop-sized Chinese window signed in as ``login``."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, world, login)
    return page


def plan_inspection(page: Page, kind: str, title: str, association_id: str) -> int:
    """Steps 1 and 2 of a new inspection; the pre-filled list's length at step 3."""
    page.get_by_role("link", name="安排并记录检查").click()
    expect(page.get_by_role("heading", name="安排检查")).to_be_visible()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("名称").fill(title)
    page.get_by_label("从哪个乡镇（街道）选择残协").select_option(TOWNSHIP)
    page.get_by_role("button", name="下一步：选择受检残协").click()
    expect(page.get_by_role("heading", name="选择受检残协")).to_be_visible()
    page.locator(f"input[name=association_ids][value='{association_id}']").check()
    page.get_by_role("button", name="下一步：问题清单").click()
    expect(page.get_by_role("heading", name="问题清单")).to_be_visible()
    return page.locator("#found-problems > li").count()


def test_an_inspection_opens_with_the_rules_problems_and_a_rectification_is_confirmed(
    browser: Browser, inspect_world: World
) -> None:
    world = inspect_world
    page = signed_in_page(browser, world, "inspector")
    expect(page).to_have_url(re.compile(rf"/districts/{DISTRICT}/inspections$"))
    found = plan_inspection(page, "重点抽查", "2022年一季度重点抽查", world.association_id)
    assert found >= 2  # one chair and nothing else: S3.3's vice-chairs and members, S3.6 ...
    rows = page.locator("#found-problems > li")
    rows.nth(found - 1).get_by_label("列入问题清单").uncheck()  # removed
    rows.nth(0).get_by_label("问题表述").fill("副主席人数不足，需补选")  # edited
    page.locator("#field-written_0").fill("工作档案不规范")  # written
    page.locator("#field-written_association_0").select_option(world.association_id)
    page.get_by_role("button", name="保存检查及问题清单").click()
    expect(page.get_by_role("status")).to_have_text("已记录。")
    problems = page.locator("#problems > li")
    expect(problems).to_have_count(found)  # all but the removed one, and the written one
    expect(page.locator("#problems")).to_contain_text("副主席人数不足，需补选")
    inspection_url = page.url.split("?")[0]

    worker = signed_in_page(browser, world, world.logins["worker"])
    worker.goto(f"{world.url}/problems")
    worker.get_by_role("link", name="工作档案不规范").click()
    worker.get_by_label("整改佐证").fill("档案已按要求整理归档，附照片")
    worker.get_by_role("button", name="保存整改").click()
    expect(worker.get_by_role("status")).to_have_text("整改已记录。")

    page.goto(inspection_url)
    page.get_by_role("link", name="工作档案不规范").click()
    expect(page.locator("#evidence")).to_have_text("档案已按要求整理归档，附照片")
    page.get_by_label("确认：问题已整改到位").check()
    page.get_by_role("button", name="保存确认结果").click()
    expect(page.get_by_role("status")).to_have_text("已记录。")
    closed = page.locator("#problems > li", has_text="工作档案不规范")
    expect(closed).to_contain_text("已整改")
    expect(closed).to_contain_text("整改已确认")


def test_three_co_signers_conclude_a_joint_acceptance_and_download_the_pdf(
    browser: Browser, inspect_world: World
) -> None:
    world = inspect_world
    page = signed_in_page(browser, world, "federation")
    page.goto(f"{world.url}/inspections")
    page.locator("#districts a").first.click()
    plan_inspection(page, "市级联合验收", "2022年市级联合验收", world.other_association_id)
    page.get_by_role("button", name="保存检查及问题清单").click()
    expect(page.get_by_role("status")).to_have_text("已记录。")
    inspection_url = page.url.split("?")[0]
    for login, body in CO_SIGNERS:
        signer = signed_in_page(browser, world, login)
        signer.goto(inspection_url)
        signer.get_by_role("link", name="记录会签意见").click()
        signer.get_by_label(body, exact=True).check()
        signer.get_by_label("通过", exact=True).check()
        signer.get_by_role("button", name="签署意见").click()
        expect(signer.get_by_role("status")).to_have_text("已记录。")
        row = signer.locator("#decisions tr", has_text=body)
        expect(row).to_contain_text("通过")
        signer.context.close()
    page.goto(inspection_url)
    expect(page.locator("#conclusion")).to_contain_text("通过")
    for name in ("张主任", "李处长", "赵科长"):
        expect(page.locator("#decisions")).to_contain_text(name)
    expect(page.get_by_role("link", name="记录会签意见")).to_have_count(0)
    page.get_by_role("link", name="验收报告").first.click()
    expect(page.get_by_role("heading", name="验收报告")).to_be_visible()
    expect(page.locator("#report-inspections")).to_contain_text("2022年市级联合验收")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载验收报告（PDF）").click()
    path = download.value.path()
    assert path.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def test_an_association_is_put_under_key_supervision_released_and_marked_a_model(
    browser: Browser, inspect_world: World
) -> None:
    world = inspect_world
    page = signed_in_page(browser, world, "inspector")
    plan_inspection(page, "逐级督查", "2022年逐级督查", world.association_id)
    page.get_by_role("button", name="保存检查及问题清单").click()
    expect(page.get_by_role("status")).to_have_text("已记录。")
    inspection_url = page.url.split("?")[0]
    page.get_by_role("link", name="列入重点督办").click()
    page.get_by_role("button", name="列入重点督办").click()  # no reason: refused
    expect(page.get_by_role("alert")).to_contain_text("原因")
    page.get_by_label(f"{VILLAGE}残协").check()
    page.get_by_label("原因").fill("问题整改进度慢")
    page.get_by_role("button", name="列入重点督办").click()
    expect(page.get_by_role("status")).to_have_text("已记录。")
    spell = page.locator("#spells > li", has_text="问题整改进度慢")
    expect(spell).to_contain_text(f"{VILLAGE}残协")
    spell.get_by_role("link", name="解除重点督办").click()
    page.get_by_label("原因").fill("整改到位")
    page.get_by_role("button", name="解除", exact=True).click()
    expect(page.locator("#spells > li", has_text="问题整改进度慢")).to_contain_text("解除")
    page.goto(inspection_url)
    page.get_by_role("link", name="典型培育：选定典型残协").click()
    page.get_by_label(f"{VILLAGE}残协").check()
    page.get_by_label("值得推广的经验做法").fill("网格员包户走访")
    page.get_by_role("button", name="列为典型").click()
    expect(page.locator("#models")).to_contain_text("网格员包户走访")
