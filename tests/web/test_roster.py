"""The roster pages: a search of the worker's village, a person's page with personal data
masked, shown in full only with a reason, and that read recorded for the auditors."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.roster.samples import person_body
from tests.web.world import DISTRICT, OTHER, VILLAGE, World


def test_the_roster_finds_persons_of_the_village_by_name(
    worker_page: Page, web_world: World
) -> None:
    page = worker_page
    page.get_by_role("link", name="名册").click()
    page.get_by_label("姓名").fill("残疾人1")
    page.get_by_role("button", name="查找").click()
    names = page.locator("#persons a").all_inner_texts()
    assert names == ["残疾人1", "残疾人10", "残疾人11", "残疾人12"]
    page.get_by_label("姓名").fill(web_world.name(OTHER[0]))
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_text("共找到 0 人。")).to_be_visible()


def test_a_person_is_shown_masked_and_in_full_only_with_a_reason(
    worker_page: Page, web_world: World
) -> None:
    page = worker_page
    full = str(person_body(VILLAGE, 5)["resident_id"])
    page.goto(f"{web_world.url}/roster/{web_world.person_ids[5]}")
    expect(page.get_by_role("heading", name=web_world.name(5))).to_be_visible()
    shown = page.locator("#value-resident_id").inner_text()
    assert shown != full and shown[:4] == full[:4] and "*" in shown
    page.get_by_text("查看完整个人信息").click()
    page.get_by_label("身份证号").check()
    page.get_by_role("button", name="显示完整内容").click()
    expect(page.get_by_role("alert")).to_contain_text("请说明查看原因")
    expect(page.get_by_label("查看原因")).to_be_focused()
    assert full not in page.content()
    page.get_by_label("身份证号").check()
    page.get_by_label("查看原因").fill("核对残疾证换证材料")
    page.get_by_role("button", name="显示完整内容").click()
    expect(page.locator("#value-resident_id")).to_have_text(full)
    reads = web_world.app.extensions["canxie"].runtime.accounts.unmasked_reads(DISTRICT, 10, 0)
    assert [(r["subject_id"], r["reason"]) for r in reads][:1] == [
        (web_world.person_ids[5], "核对残疾证换证材料")
    ]


def test_a_person_of_another_village_is_not_found(worker_page: Page, web_world: World) -> None:
    response = worker_page.goto(f"{web_world.url}/roster/{web_world.person_ids[OTHER[0]]}")
    assert response is not None and response.status == 404
