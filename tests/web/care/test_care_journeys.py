"""The village worker's other screens in a phone-sized browser, in Chinese: a needs survey
and a service, a member and a leader of a group, training attendance, a rectification and
the association's page; htmx swaps the answers in place, refusals are announced, the pages fit
390 px, and axe finds no WCAG 2.1 A/AA violation on any of them in either language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.web.axe import LANGUAGES, page_in, violations
from tests.web.care.world import PROBLEMS, CareWorld
from tests.web.conftest import PHONE, sign_in, without_script
from tests.web.test_accessibility import signed_in

#: Wider than this, a phone scrolls sideways.
PHONE_WIDTH = PHONE["width"]


@pytest.fixture
def care_page(page: Page, care_screens_world: CareWorld) -> Iterator[Page]:
    """A phone-sized page signed in as the village worker of the care world."""
    sign_in(page, care_screens_world.world, care_screens_world.world.logins["worker"])
    yield page


def fits_a_phone(page: Page) -> bool:
    """Nothing wider than the phone's screen."""
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {PHONE_WIDTH}"))


def swapped_in_place(page: Page) -> bool:
    """The marker set before an htmx submit survives: no full reload."""
    return page.evaluate("window.__marker") is True


def settled(page: Page) -> None:
    """Wait until htmx has finished swapping in the answer (its new form is then live)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def test_a_needs_survey_then_a_service_that_meets_the_need(
    care_page: Page, care_screens_world: CareWorld
) -> None:
    page = care_page
    page.get_by_role("link", name="需求与服务").click()
    page.get_by_label("姓名").fill("残疾人5")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="残疾人5", exact=True).click()
    page.get_by_role("button", name="登记需求调查").click()
    page.evaluate("window.__marker = true")
    page.get_by_label("调查人").fill("")
    page.get_by_role("button", name="保存需求调查").click()
    expect(page.get_by_role("alert")).to_contain_text("调查人")
    expect(page.get_by_label("调查人")).to_be_focused()
    settled(page)
    page.get_by_label("调查人").fill("王芳")
    page.get_by_label("康复").check()
    page.locator("#field-need-0-category").select_option("assistive_devices")
    page.locator("#field-need-0-description").fill("需要一根盲杖")
    page.get_by_role("button", name="保存需求调查").click()
    expect(page.locator("#status")).to_have_text("需求调查已记录。")
    expect(page.locator("#status")).to_be_focused()
    assert swapped_in_place(page) and fits_a_phone(page)
    page.get_by_role("link", name="为这项需求登记服务：辅助器具").click()
    page.get_by_label("服务提供方").fill("区残联辅具中心")
    page.get_by_label("提供了什么服务").fill("发放盲杖一根")
    page.get_by_role("button", name="保存服务").click()
    expect(page.locator("#status")).to_have_text("服务已记录。")
    expect(page.locator("#needs")).to_contain_text("已满足")


def test_a_person_in_no_group_joins_one_and_a_member_leads_it(
    care_page: Page, care_screens_world: CareWorld
) -> None:
    page = care_page
    page.get_by_role("link", name="小组").click()
    expect(page.get_by_role("link", name=re.compile("人尚未加入小组"))).to_be_visible()
    page.get_by_role("link", name="视力残疾人小组").click()
    page.get_by_label("按姓名查找").fill("残疾人2")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("radio", name="残疾人2", exact=True).check()
    page.evaluate("window.__marker = true")
    page.get_by_role("button", name="加入小组").click()
    expect(page.locator("#status")).to_have_text("成员已加入。")
    expect(page.locator("#members")).to_contain_text("残疾人2")
    page.get_by_role("group", name="谁担任小组长").get_by_label("残疾人3").check()
    page.get_by_role("button", name="设定小组长").click()
    expect(page.locator("#status")).to_have_text("小组长已设定。")
    expect(page.locator("#leader")).to_have_text("残疾人3")
    assert swapped_in_place(page) and fits_a_phone(page)


def test_an_officer_attends_a_training_session(care_page: Page) -> None:
    page = care_page
    page.get_by_role("link", name="培训").click()
    page.get_by_role("link", name="残协工作实务").click()
    page.evaluate("window.__marker = true")
    page.get_by_role("button", name="保存参训记录").click()
    expect(page.get_by_role("alert")).to_contain_text("参加人员")
    settled(page)
    page.get_by_label("赵敏").check()
    page.get_by_label("参加学时").fill("2")
    page.get_by_role("button", name="保存参训记录").click()
    expect(page.locator("#status")).to_have_text("参加培训已登记。")
    expect(page.locator("#attendees")).to_contain_text("赵敏 · 2.0 学时")
    assert swapped_in_place(page) and fits_a_phone(page)


def test_a_problem_is_rectified_with_its_evidence_without_javascript(
    browser: Browser, care_screens_world: CareWorld
) -> None:
    world = care_screens_world.world
    with without_script(browser, world, world.logins["worker"]) as page:
        page.get_by_role("link", name="整改").first.click()
        page.get_by_role("link", name=PROBLEMS[1]).click()
        page.get_by_role("button", name="保存整改").click()
        expect(page.get_by_role("alert")).to_contain_text("整改佐证")
        page.get_by_label("整改佐证").fill("已登记坡道和扶手，附照片")
        page.get_by_label("备注").fill("乡镇残联复核")
        page.get_by_role("button", name="保存整改").click()
        expect(page.locator("#status")).to_have_text("整改已记录。")
        expect(page.locator("#problems")).to_contain_text("已登记坡道和扶手，附照片")


def care_screens(page: Page, care_screens_world: CareWorld) -> Iterator[str]:
    """Each care screen in turn (forms refused among them); yields its name when shown."""
    person = care_screens_world.person(4)
    for path in [
        "/needs",
        "/needs?q=残疾人",
        f"/needs/persons/{person}",
        f"/needs/persons/{person}/needs/{care_screens_world.need_id}/service",
        f"/needs/persons/{person}/survey",
    ]:
        page.goto(f"{care_screens_world.url}{path}")
        yield path
    page.locator("#field-surveyor").fill("")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    yield "survey refused"
    for path in ["/groups", "/groups/ungrouped", f"/groups/{care_screens_world.group_id}"]:
        page.goto(f"{care_screens_world.url}{path}")
        yield path
    page.locator("form[hx-post$='/members'] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    yield "member refused"
    for path in ["/training", f"/training/{care_screens_world.session_id}"]:
        page.goto(f"{care_screens_world.url}{path}")
        yield path
    page.locator("#field-hours").fill("-1")
    page.locator("form[hx-post] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    yield "attendance refused"
    for path in ["/problems", f"/problems/{care_screens_world.problem_ids[0]}", "/association"]:
        page.goto(f"{care_screens_world.url}{path}")
        yield path


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_care_screen_passes_axe_and_fits_a_phone(
    browser: Browser, care_screens_world: CareWorld, language: str
) -> None:
    found: dict[str, list[str]] = {}
    wide: list[str] = []
    with page_in(browser, care_screens_world.url, language) as page:
        signed_in(
            page, care_screens_world.world, care_screens_world.world.logins["worker"], PASSWORD
        )
        page.wait_for_url("**/tasks**")
        for screen in care_screens(page, care_screens_world):
            expect(page.locator("html")).to_have_attribute("lang", language)
            found[screen] = violations(page)
            if not fits_a_phone(page):
                wide.append(screen)
    assert len(found) == 16
    assert {screen: v for screen, v in found.items() if v} == {}
    assert wide == []


def test_a_survey_is_sent_with_the_keyboard_alone(
    care_page: Page, care_screens_world: CareWorld
) -> None:
    page = care_page
    page.goto(f"{care_screens_world.url}/needs/persons/{care_screens_world.person(9)}/survey")
    page.evaluate("window.__marker = true")
    surveyor = page.get_by_label("调查人")
    surveyor.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")  # refused: the cursor is back where the user continues
    expect(page.get_by_role("alert")).to_contain_text("调查人")
    expect(surveyor).to_be_focused()
    settled(page)
    page.keyboard.type("王芳")
    page.keyboard.press("Tab")  # the services received: a checkbox, ticked with the space bar
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("需求调查已记录。")
    expect(page.locator("#status")).to_be_focused()
    assert swapped_in_place(page)
    expect(page.locator("#surveys")).to_contain_text("康复")
