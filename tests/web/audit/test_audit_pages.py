"""The audit trail's filters on a plain GET form (a refused day said beside its field), and
the record of unmasked reads: who saw whose data, which fields and why, never the data."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.roster.samples import person_body
from tests.web.audit.conftest import Audited
from tests.web.conftest import sign_in
from tests.web.world import DISTRICT, HARDSHIP, VILLAGE


def test_the_trail_is_filtered_by_kind_of_change_who_and_days(page: Page, audited: Audited) -> None:
    world = audited.world
    sign_in(page, world, world.logins["district-admin"])
    page.goto(f"{world.url}/districts/{DISTRICT}/audit")
    everything = page.locator("#entries-count").inner_text()
    page.get_by_label("变更类型").select_option("Association.OfficerRemoved")
    page.get_by_label("操作人（账号）").fill("admin-zhongyuan")
    page.get_by_label("记录时间自").fill("2020-01-01")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#entries-count")).to_have_text("共 1 条变更符合条件。")
    row = page.locator("#entries tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("残协 · 成员免职")
    assert "OfficerRemoved" not in row.inner_text()  # the code stays in the title only
    expect(row).to_contain_text("换届选举")
    assert everything != page.locator("#entries-count").inner_text()

    page.get_by_label("记录时间至").fill("2020-01-02")  # before anything was recorded
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#entries-count")).to_have_text("共 0 条变更符合条件。")


def test_a_refused_day_is_said_beside_its_field(page: Page, audited: Audited) -> None:
    world = audited.world
    sign_in(page, world, world.logins["auditor"])
    response = page.goto(f"{world.url}/districts/{DISTRICT}/audit?from=2020-02-30&to=2019-01-01")
    assert response is not None and response.status == 422
    expect(page.locator("#error-from")).to_contain_text("年-月-日")
    expect(page.locator("#field-from")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#entries")).to_have_count(0)
    response = page.goto(f"{world.url}/districts/{DISTRICT}/audit?from=2020-01-02&to=2020-01-01")
    assert response is not None and response.status == 422
    expect(page.locator("#error-to")).to_be_visible()
    page.get_by_label("记录", exact=True).fill("e545af36")  # the short form the list shows
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#error-aggregate_id")).to_have_text(
        "请填写记录的完整标识（见该记录的变更历史页）。"
    )


def test_the_record_of_unmasked_reads_names_who_why_and_which_fields(
    page: Page, audited: Audited
) -> None:
    world = audited.world
    sign_in(page, world, world.logins["auditor"])
    navigation = page.get_by_role("navigation", name="主导航")
    navigation.get_by_role("link", name="个人信息查看记录").click()
    page.get_by_label("区县").select_option(DISTRICT)
    page.get_by_role("button", name="查看").click()
    row = page.locator("#reads tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("村（社区）残协工作人员 · 东社区残协")
    expect(row).to_contain_text("电话 · 身份证号")
    expect(row).to_contain_text("核实低保申请")
    expect(row).to_contain_text(world.person_ids[HARDSHIP][:8])
    page_text = page.locator("main").inner_text()
    assert world.name(HARDSHIP) not in page_text
    assert str(person_body(VILLAGE, HARDSHIP)["resident_id"]) not in page_text
