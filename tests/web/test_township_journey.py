"""The township officer in a phone-sized browser: the overview of the township's associations,
an association's page, an appointment refused by S3.3 (a second chair) and then made, with
htmx and without JavaScript; the overdue visits; and axe on every township screen in both
languages.  The officer works on the second association of tests/web/world.py (not the
worker's), so the worker's tests see their association unchanged."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, SEED
from tests.web.axe import LANGUAGES, axe_page
from tests.web.conftest import PHONE, sign_in, without_script
from tests.web.screens import opened, refused
from tests.web.test_accessibility import signed_in
from tests.web.world import DISTRICT, OTHER, OTHER_VILLAGE, VILLAGE, World

#: A village of the township without an association, where a person of OTHER_VILLAGE moves.
NEW_VILLAGE = f"{VILLAGE[:9]}003"
#: The person who moves (the worker's tests use only the first of OTHER).
MOVER = OTHER[-1]


@pytest.fixture(scope="module")
def registered(web_world: World) -> World:
    """The township's villages in the district's division register (moves choose among them);
    recording them again is a no-op."""
    records = web_world.app.extensions["canxie"].runtime.tenancy.records(DISTRICT)
    names = [(VILLAGE[:9], "测试街道"), (VILLAGE, "东社区"), (OTHER_VILLAGE, "西社区")]
    for code, name in [*names, (NEW_VILLAGE, "新社区")]:
        records.record_division(code=code, name=name, effective_on=None, by=SEED)
    web_world.app.extensions["canxie"].runtime.catch_up(DISTRICT)
    return web_world


#: An association id nobody has.
NO_SUCH = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def officer_page(page: Page, web_world: World) -> Page:
    """A page signed in as the township officer, on the overview."""
    sign_in(page, web_world, web_world.logins["township"])
    expect(page.get_by_role("heading", name="乡镇概况")).to_be_visible()
    return page


def open_association(page: Page, web_world: World) -> None:
    """From the overview to the second association's page."""
    page.goto(f"{web_world.url}/township")
    page.locator(f"#association-{OTHER_VILLAGE} a").first.click()
    expect(page.get_by_role("heading", name="在任成员")).to_be_visible()


def test_every_township_page_is_safe_masked_and_fits_a_phone(
    officer_page: Page, registered: World
) -> None:
    page, world = officer_page, registered
    association = f"/township/associations/{world.other_association_id}"
    for path in [
        "/township",
        "/township/overdue-visits",
        association,
        f"{association}/appointment",
        "/township/moves",
        f"/township/moves/new?q={world.name(OTHER[0])}",
        f"/township/moves/new?person={world.person_ids[OTHER[0]]}",
        "/township/training",
        "/township/training/new",
    ]:
        opened(page, f"{world.url}{path}", (200,))
        assert not [i for i in world.resident_ids if i in page.content()], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)  # nothing wider than the phone


def test_the_overview_lists_the_township_associations_and_their_failures(
    officer_page: Page, web_world: World
) -> None:
    page = officer_page
    listed = page.locator("#associations > li")
    expect(listed).to_have_count(2)
    own = page.locator(f"#association-{OTHER_VILLAGE}")
    expect(own).to_contain_text("S3.6 至少1名专职委员")
    page.get_by_role("link", name="逾期走访", exact=True).click()
    expect(page.get_by_role("heading", name="逾期走访")).to_be_visible()


def test_a_second_chair_is_refused_then_a_member_appointed_with_htmx(
    officer_page: Page, web_world: World
) -> None:
    page = officer_page
    open_association(page, web_world)
    page.get_by_role("button", name="任命成员").click()
    expect(page.get_by_role("heading", name="任命成员")).to_be_visible()
    page.evaluate("window.__marker = true")
    page.get_by_label("姓名").fill("周新")
    page.get_by_label("主席", exact=True).check()
    page.get_by_role("button", name="保存").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("协会已有 1 名在任主席，S3.3 条规定最多 1 名")
    expect(page.get_by_label("姓名")).to_have_value("周新")  # values kept
    page.get_by_label("委员", exact=True).check()
    page.get_by_label("残疾人亲属").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("已任命该成员。")
    expect(page.get_by_role("status")).to_be_focused()
    expect(page.locator("#officers")).to_contain_text("周新")
    assert page.evaluate("window.__marker") is True  # htmx swapped, no full reload


def test_an_appointment_is_made_with_the_keyboard_alone(
    officer_page: Page, web_world: World
) -> None:
    page = officer_page
    page.goto(f"{web_world.url}/township/associations/{web_world.other_association_id}/appointment")
    name = page.get_by_label("姓名")
    name.focus()
    page.keyboard.type("吴键")
    page.keyboard.press("Tab")  # to the office chosen (委员), up twice to 主席
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("主席", exact=True)).to_be_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # a second chair: refused
    expect(page.get_by_role("alert")).to_contain_text("S3.3")
    chair = page.get_by_label("主席", exact=True)
    expect(chair).to_be_focused()  # the cursor is on the office refused
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("副主席")).to_be_checked()
    page.keyboard.press("Shift+Tab")
    expect(name).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("已任命该成员。")
    expect(page.locator("#officers")).to_contain_text("吴键")


def test_a_qualification_is_recorded_without_javascript(browser: Browser, web_world: World) -> None:
    with without_script(browser, web_world, web_world.logins["township"]) as page:
        open_association(page, web_world)
        page.get_by_role("link", name=re.compile("^登记资格证书")).first.click()
        page.get_by_label("证书名称").fill("")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert")).to_contain_text("证书名称")
        page.get_by_label("社会工作师", exact=True).check()
        page.get_by_label("证书名称").fill("社会工作师职业资格证书")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_have_text("资格证书已登记。")
        expect(page.locator("#qualifications")).to_contain_text("社会工作师职业资格证书")


def test_a_move_to_another_village_is_recorded_with_htmx(
    officer_page: Page, registered: World
) -> None:
    page = officer_page
    page.get_by_role("link", name="村间迁移").click()
    page.get_by_role("button", name="登记迁移").click()
    page.get_by_label("姓名").fill(registered.name(MOVER))
    page.get_by_role("button", name="查找").click()
    page.locator("#found").get_by_role("link", name=registered.name(MOVER)).click()
    expect(page.get_by_text("现居 西社区")).to_be_visible()
    page.evaluate("window.__marker = true")
    page.get_by_label("迁入村（社区）").select_option(NEW_VILLAGE)
    page.get_by_role("button", name="保存").click()  # no address yet: refused
    expect(page.get_by_role("alert")).to_contain_text("新住址")
    expect(page.get_by_label("新住址")).to_be_focused()
    expect(page.get_by_label("迁入村（社区）")).to_have_value(NEW_VILLAGE)
    page.keyboard.type("新社区二组8号")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("迁移已登记。")
    expect(page.locator("#moves")).to_contain_text("西社区 → 新社区")
    assert page.evaluate("window.__marker") is True


def test_a_session_is_recorded_and_an_officer_attending_it_without_javascript(
    browser: Browser, web_world: World
) -> None:
    with without_script(browser, web_world, web_world.logins["township"]) as page:
        page.get_by_role("link", name="培训", exact=True).click()
        page.get_by_role("button", name="登记培训").click()
        page.get_by_label("培训主题").fill("入户走访实务")
        page.get_by_label("学时").fill("2")
        page.get_by_role("button", name="保存").click()  # no organiser: refused
        expect(page.get_by_role("alert")).to_contain_text("主办单位")
        expect(page.get_by_label("培训主题")).to_have_value("入户走访实务")
        page.get_by_label("主办单位").fill("街道残联")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_have_text("培训已登记。")
        page.get_by_label("残协").select_option(web_world.other_association_id)
        page.get_by_role("button", name="显示该残协成员").click()
        page.get_by_label("李强").check()
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_have_text("参加培训已登记。")
        expect(page.locator("#attendees")).to_contain_text("李强")


def test_an_association_unknown_to_the_township_is_not_found(
    officer_page: Page, web_world: World
) -> None:
    # Both associations of the world are in the officer's township (tests/web/test_township.py
    # has one of another township).
    response = officer_page.goto(f"{web_world.url}/township/associations/{NO_SUCH}")
    assert response is not None and response.status == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_township_screen_passes_axe_in_each_language(
    browser: Browser, registered: World, language: str
) -> None:
    web_world = registered
    with axe_page(browser, web_world.url, language, PHONE) as (page, found, check):
        signed_in(page, web_world, web_world.logins["township"], PASSWORD)
        page.wait_for_url("**/township")
        check("overview")
        page.goto(f"{web_world.url}/township/overdue-visits")
        check("overdue visits")
        open_path = f"{web_world.url}/township/associations/{web_world.other_association_id}"
        page.goto(open_path)
        check("association")
        page.goto(f"{open_path}/appointment")
        check("appointment")
        page.locator("#field-name").fill("")
        refused(page, check, "appointment refused")
        page.goto(f"{web_world.url}/township/associations/{NO_SUCH}")
        check("404")
        page.goto(f"{web_world.url}/township/moves")
        check("moves")
        page.goto(f"{web_world.url}/township/moves/new?q={web_world.name(OTHER[0])}")
        check("move: who")
        page.goto(f"{web_world.url}/township/moves/new?person={web_world.person_ids[OTHER[0]]}")
        check("move")
        refused(page, check, "move refused")
        page.goto(f"{web_world.url}/township/training")
        check("training sessions")
        page.goto(f"{web_world.url}/township/training/new")
        page.locator("#field-topic").fill("")
        refused(page, check, "session refused")
        page.locator("#field-topic").fill("axe")
        page.locator("#field-hours").fill("1")
        page.locator("#field-organiser").fill("axe")
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("status")).to_be_visible()
        page.goto(f"{page.url.split('?')[0]}?association_id={web_world.other_association_id}")
        check("session")
    assert len(found) == 13
    assert {screen: v for screen, v in found.items() if v} == {}
