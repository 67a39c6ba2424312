"""What every page promises: security headers and no inline script, Chinese drawn in a CJK
font, 404 outside the worker's association, no full resident ID, and a visit recorded once
however often it is sent."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from projections.care.visits import list_visits
from projections.platform.scope import Scope
from tests.web.screens import INLINE_SCRIPT
from tests.web.world import DISTRICT, OTHER, World

#: Pages the worker can open (the household form of person 5 among them).
WORKER_PAGES = [
    "/tasks",
    "/visits/new",
    "/visits/new?q=残疾人",
    "/visits/new?household=H0005",
    "/roster",
    "/roster?q=残疾人",
]


def visits_of(world: World, household: str) -> int:
    """How many visits the read model holds for a household."""
    runtime = world.app.extensions["canxie"].runtime
    runtime.catch_up(DISTRICT)
    _, total, _ = list_visits(
        runtime.db, DISTRICT, Scope(), household_id=household, limit=10, offset=0
    )
    return total


def test_every_page_has_the_security_headers_and_no_inline_script(
    worker_page: Page, web_world: World
) -> None:
    violations: list[str] = []
    worker_page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    for path in ["/sign-in", *WORKER_PAGES]:
        response = worker_page.goto(f"{web_world.url}{path}")
        assert response is not None
        headers = response.headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert worker_page.evaluate(INLINE_SCRIPT) == [], path
    assert violations == []


def test_chinese_is_drawn_in_a_cjk_font(worker_page: Page) -> None:
    session = worker_page.context.new_cdp_session(worker_page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    document = session.send("DOM.getDocument")
    heading = session.send(
        "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": "h1"}
    )
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": heading["nodeId"]})["fonts"]
    assert any("CJK" in f["familyName"] for f in fonts), fonts


def test_a_household_of_another_association_is_not_found(
    worker_page: Page, web_world: World
) -> None:
    other = web_world.household(OTHER[0])
    response = worker_page.goto(f"{web_world.url}/visits/new?household={other}")
    assert response is not None and response.status == 404
    expect(worker_page.get_by_role("heading", name="页面不存在")).to_be_visible()
    worker_page.goto(f"{web_world.url}/visits/new?q={web_world.name(OTHER[0])}")
    expect(worker_page.get_by_text("本残协没有成员叫这个名字的住户。")).to_be_visible()


def test_no_page_shows_a_full_resident_id(worker_page: Page, web_world: World) -> None:
    for path in WORKER_PAGES:
        worker_page.goto(f"{web_world.url}{path}")
        html = worker_page.content()
        assert not [rid for rid in web_world.resident_ids if rid in html], path


def test_a_visit_sent_twice_is_recorded_once(worker_page: Page, web_world: World) -> None:
    household = web_world.household(6)
    page = worker_page
    page.goto(f"{web_world.url}/visits/new?household={household}")
    form = page.locator("form[hx-post]")
    fields = dict(page.evaluate("f => [...new FormData(f).entries()]", form.element_handle()))
    fields["findings"] = "网络不好，重复提交"
    sent = [
        page.request.post(f"{web_world.url}/visits/new", form=fields, max_redirects=0)
        for _ in range(3)
    ]
    assert [r.status for r in sent] == [303, 303, 303]
    assert len({r.headers["location"] for r in sent}) == 1
    assert visits_of(web_world, household) == 1


def test_a_double_tap_on_save_records_once(worker_page: Page, web_world: World) -> None:
    household = web_world.household(7)
    page = worker_page
    page.goto(f"{web_world.url}/visits/new?household={household}")
    page.get_by_label("走访情况").fill("双击保存")
    page.get_by_role("button", name="保存走访记录").dblclick()
    expect(page.get_by_role("status")).to_have_text("入户走访已记录。")
    assert visits_of(web_world, household) == 1


def test_the_visit_is_entered_with_the_keyboard_alone(worker_page: Page, web_world: World) -> None:
    page = worker_page
    page.goto(f"{web_world.url}/visits/new?household={web_world.household(8)}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
    findings = page.get_by_label("走访情况")
    findings.focus()
    page.keyboard.press("Tab")  # on to the difficulties, then the referral, then save
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="保存走访记录")).to_be_focused()
    page.keyboard.press("Enter")  # nothing found written yet: refused
    expect(page.get_by_role("alert")).to_contain_text("走访情况")
    expect(findings).to_be_focused()  # the cursor is where the user continues
    page.keyboard.type("按键盘录入的走访")
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("入户走访已记录。")
    assert re.search(r"/tasks", page.url)
