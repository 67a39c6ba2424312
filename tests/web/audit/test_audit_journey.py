"""The bureau auditor's journey (issue 16): from the navigation to a district's trail, filtered
to one association, its history as a timeline, then the change's inclusion proof and the
heads' signatures verified in the browser, and shown failing once the page's proof data is
altered in the browser itself; the consistency proof between the two heads likewise."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.audit.conftest import OTHER_DISTRICT, Audited
from tests.web.conftest import sign_in
from tests.web.world import DISTRICT

#: Alters the last hex digit of the first hash in a part of a check (in the page, client side).
ALTER_HASH = """([check, part]) => {
  const code = document.querySelector(`#${check} [data-part="${part}"] code`);
  const text = code.textContent;
  code.textContent = text.slice(0, -1) + (text.endsWith("0") ? "1" : "0");
}"""
#: Alters one character of the first signature in a check (still valid base64, 64 bytes).
ALTER_SIGNATURE = """(check) => {
  const code = document.querySelector(`#${check} [data-part="signature"]`);
  const text = code.textContent;
  code.textContent = (text[0] === "A" ? "B" : "A") + text.slice(1);
}"""


def verified(page: Page, check: str) -> Locator:
    """Press the check's button and wait for its verdict; the verdict's element."""
    block = page.locator(f"#{check}")
    block.get_by_role("button").click()
    expect(block.locator(".verdict")).to_be_visible()
    return block.locator("[data-result]")


def test_the_auditor_follows_a_history_and_verifies_it_in_the_browser(
    page: Page, audited: Audited
) -> None:
    world = audited.world
    sign_in(page, world, world.logins["auditor"])
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click()
    page.locator("#districts a").first.click()  # the city-wide auditor chooses the district
    expect(page.get_by_role("heading", level=1)).to_contain_text("审计日志")
    page.get_by_label("记录", exact=True).fill(audited.association_id)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#entries-count")).to_contain_text("符合条件")
    assert "aggregate_id=" in page.url  # a plain GET form: the filter is in the address
    rows = page.locator("#entries tbody tr")
    assert rows.count() >= 3  # established, chair, vice-chair appointed and removed
    rows.first.get_by_role("link", name=audited.association_id[:8]).click()

    expect(page.get_by_role("heading", name="记录的变更历史")).to_be_visible()
    removal = page.locator("#timeline li").filter(has_text="成员免职")
    stored_as = removal.locator("code.event-type")  # the class, for auditors
    expect(stored_as).to_have_text("Association.OfficerRemoved")
    expect(removal).to_contain_text("换届选举")  # why
    expect(removal).to_contain_text("区县管理员 · 中原区残联")  # who
    expect(removal).to_contain_text("2023-01-15")  # when it took effect
    removal.get_by_role("link", name="核验第").click()

    expect(page.locator("#inclusion-check")).to_contain_text(f"大小为 {audited.second_size}")
    result = verified(page, "inclusion-check")
    expect(result).to_contain_text("已在本浏览器中核验通过")
    expect(result).to_contain_text("包含证明成立")
    expect(result).to_contain_text(f"大小为 {audited.second_size} 的树头签名有效")

    page.evaluate(ALTER_HASH, ["inclusion-check", "path"])
    result = verified(page, "inclusion-check")
    expect(result).to_contain_text("核验未通过")
    expect(result).to_contain_text("包含证明不成立")
    expect(result).to_contain_text("树头签名有效")  # the head itself is still genuine


def test_a_tampered_signature_fails_and_consistency_is_verified(
    page: Page, audited: Audited
) -> None:
    world = audited.world
    sign_in(page, world, world.logins["auditor"])
    page.goto(f"{world.url}/districts/{DISTRICT}/ledger")
    result = verified(page, "head-check")
    expect(result).to_contain_text("树头签名有效")
    page.evaluate(ALTER_SIGNATURE, "head-check")
    result = verified(page, "head-check")
    expect(result).to_contain_text(f"大小为 {audited.second_size} 的树头签名无效")
    expect(result).to_contain_text("核验未通过")

    expect(page.get_by_label("较旧树头的大小")).to_have_value(str(audited.first_size))
    page.get_by_role("button", name="显示一致性证明").click()
    result = verified(page, "consistency-check")
    expect(result).to_contain_text("一致性证明成立")
    expect(result).to_contain_text("已在本浏览器中核验通过")
    page.evaluate(ALTER_HASH, ["consistency-check", "proof"])
    result = verified(page, "consistency-check")
    expect(result).to_contain_text("一致性证明不成立")


def test_the_checks_work_with_the_keyboard_alone(page: Page, audited: Audited) -> None:
    world = audited.world
    sign_in(page, world, world.logins["auditor"])
    page.goto(f"{world.url}/districts/{DISTRICT}/ledger")
    page.get_by_label("变更序号").focus()
    page.keyboard.type("3")
    page.keyboard.press("Enter")  # sends the GET form
    expect(page.locator("#inclusion-check")).to_be_visible()
    button = page.locator("#inclusion-check button[data-verify]")
    for _ in range(30):  # Tab through the page until the check's button has the focus
        if button.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#inclusion-check [data-result]")).to_contain_text("包含证明成立")
    expect(page.locator("#needs-js")).to_be_hidden()  # said only when the script cannot run


def test_without_javascript_the_data_is_shown_and_the_page_says_so(
    browser_context_args: dict[str, Any], audited: Audited, browser: Browser
) -> None:
    world = audited.world
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, world, world.logins["auditor"])
        page.goto(f"{world.url}/districts/{DISTRICT}/ledger?position=3")
        expect(page.get_by_text("需要启用 JavaScript")).to_be_visible()
        expect(page.locator("#inclusion-check [data-part=path] code").first).to_be_visible()
        expect(page.locator("#inclusion-check button[data-verify]")).to_be_hidden()
    finally:
        context.close()


def test_scope_other_districts_and_roles_without_audit(page: Page, audited: Audited) -> None:
    world = audited.world
    sign_in(page, world, world.logins["district-admin"])
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="可验证账本").click()
    expect(page).to_have_url(f"{world.url}/districts/{DISTRICT}/ledger")
    for path in ("audit", "ledger"):
        response = page.goto(f"{world.url}/districts/{OTHER_DISTRICT}/{path}")
        assert response is not None and response.status == 404
    page.locator("header form button[type=submit]").click()
    sign_in(page, world, world.logins["township"])
    response = page.goto(f"{world.url}/districts/{DISTRICT}/audit")
    assert response is not None and response.status == 403
