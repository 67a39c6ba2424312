"""The supervisors' compliance dashboards in the browser against a real server: a district
admin finds why a township fell behind between two days, down to the association and the
failed rule with the plan's words; keyboard only and without JavaScript; every dashboard
page axe-clean in both languages, under the CSP, fitting a phone; a bad day refused beside
its field; each role within its scope."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.web.axe import LANGUAGES, page_in, violations
from tests.web.conftest import PHONE
from tests.web.dashboard.conftest import LOGINS, DemoCity
from tests.web.screens import opened

DISTRICT = "/compliance/districts/410102"


def sign_in(page: Page, url: str, role: str) -> None:
    """Sign in as ``role``'s account (by the fields' ids: either language)."""
    page.goto(f"{url}/sign-in")
    page.locator("#field-login").fill(LOGINS[role][0])
    page.locator("#field-password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(compliance|inspections)"))  # an inspector: inspections


def paths(city: DemoCity) -> list[str]:
    """Every dashboard page of the district admin, the picker refused once."""
    first = (city.today - timedelta(days=2)).isoformat()
    return [
        DISTRICT,
        f"{DISTRICT}?basis=effective&as_of={first}",
        f"{DISTRICT}/townships/{city.township}?basis=effective",
        f"{DISTRICT}/associations/{city.association_id}",
        f"{DISTRICT}/changes?from={first}&basis=effective",
        f"{DISTRICT}?as_of=2999-01-01",
    ]


def find_why_a_township_fell_behind(page: Page, today: date) -> None:
    """From the district's dashboard, on the effective clock, compare the day before yesterday
    with today: 林山寨街道 fell behind, because an association lost a vice-chair (S3.3)."""
    expect(page.get_by_role("heading", name="中原区达标情况")).to_be_visible()
    page.get_by_label("按实际生效").check()
    page.get_by_role("button", name="查看该日情况").click()
    expect(page.locator("#as-of-now")).to_contain_text("按实际生效")
    page.get_by_label("第一个日期").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("第二个日期").fill(today.isoformat())
    page.get_by_role("button", name="比较").click()
    expect(page.get_by_role("heading", name="两个日期之间的变化")).to_be_visible()
    behind = page.locator("#townships tr.fell-behind")
    expect(behind).to_have_count(1)
    expect(behind).to_contain_text("林山寨街道")
    expect(behind).to_contain_text("下降33.3%")
    expect(page.locator("#fell-out")).to_contain_text("副主席2至3名")
    behind.get_by_role("link").click()
    expect(page.get_by_role("heading", name="林山寨街道达标情况")).to_be_visible()
    row = page.locator("#association-410102001001")
    expect(row).to_contain_text("副主席2至3名")
    row.get_by_role("link").click()
    rule = page.locator("#rule-S3\\.3-vice-chairs")
    expect(rule).to_contain_text("S3.3")
    expect(rule).to_contain_text("副主席2至3名，由残疾人及亲友代表、扶残助残人士等担任")
    expect(rule).to_contain_text("在任1名，方案要求2至3名")
    assert "basis=effective" in page.url


def test_a_district_admin_finds_why_a_township_fell_behind(
    page: Page, supervised_city: DemoCity
) -> None:
    sign_in(page, supervised_city.url, "district_admin")
    find_why_a_township_fell_behind(page, supervised_city.today)


def test_the_changes_work_with_the_keyboard_alone(page: Page, supervised_city: DemoCity) -> None:
    sign_in(page, supervised_city.url, "district_admin")
    first = (supervised_city.today - timedelta(days=2)).isoformat()
    page.goto(f"{supervised_city.url}{DISTRICT}/changes?from={first}&basis=effective")
    target = page.locator("#townships tr.fell-behind a")
    for _ in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("a => a === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="林山寨街道达标情况")).to_be_visible()


def test_the_picker_works_without_javascript(browser: Browser, supervised_city: DemoCity) -> None:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, supervised_city.url, "district_admin")
        page.get_by_label("截至日期").fill((supervised_city.today - timedelta(days=2)).isoformat())
        page.get_by_label("按实际生效").check()
        page.get_by_role("button", name="查看该日情况").click()
        expect(page.locator("#as-of-now")).to_contain_text(
            (supervised_city.today - timedelta(days=2)).isoformat()
        )
        assert "basis=effective" in page.url
    finally:
        context.close()


def test_a_day_after_today_is_refused_beside_the_field(
    page: Page, supervised_city: DemoCity
) -> None:
    sign_in(page, supervised_city.url, "district_admin")
    response = page.goto(f"{supervised_city.url}{DISTRICT}?as_of=2999-01-01&basis=wall")
    assert response is not None and response.status == 422
    expect(page.locator("#error-as_of")).to_contain_text(supervised_city.today.isoformat())
    expect(page.locator("#error-basis")).to_be_visible()
    expect(page.locator("#field-as_of")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", name="中原区达标情况")).to_be_visible()


@pytest.mark.parametrize("role", ["city_admin", "bureau_auditor", "inspector", "district_admin"])
def test_each_supervisor_sees_compliance_within_their_scope(
    page: Page, supervised_city: DemoCity, role: str
) -> None:
    sign_in(page, supervised_city.url, role)
    if role == "inspector":  # lands on the inspections; compliance is the next link
        page.get_by_role("link", name="达标情况").first.click()
    if role in ("city_admin", "bureau_auditor"):
        expect(page.get_by_role("heading", name="全市达标情况")).to_be_visible()
        expect(page.locator("#districts tbody tr")).to_have_count(3)
        expect(page.locator("#districts-share")).to_have_attribute("role", "img")
        page.get_by_role("link", name="二七区").click()
        expect(page.get_by_role("heading", name="二七区达标情况")).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="中原区达标情况")).to_be_visible()
        response = page.goto(f"{supervised_city.url}/compliance/districts/410103")
        assert response is not None and response.status == 404
    assert not page.locator("main form[method=post]").count()  # nothing here writes


def test_who_is_in_no_group_is_named_masked_as_the_roster_masks(
    page: Page, supervised_city: DemoCity
) -> None:
    sign_in(page, supervised_city.url, "city_admin")
    page.goto(
        f"{supervised_city.url}/compliance/districts/410122/associations/{supervised_city.ungrouped_id}"
    )
    rule = page.locator("#rule-S3\\.3-everyone-in-a-group")
    expect(rule).to_contain_text("一个不能少")
    expect(rule).to_contain_text("未编入残疾人小组")
    expect(rule.locator("ul.persons li").first).to_be_visible()
    assert "（已不在名册上）" not in rule.inner_text()


def test_every_dashboard_page_is_safe_and_fits_a_phone(
    page: Page, supervised_city: DemoCity
) -> None:
    sign_in(page, supervised_city.url, "district_admin")
    for path in paths(supervised_city):
        opened(page, f"{supervised_city.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dashboard_page_passes_axe(
    browser: Browser, supervised_city: DemoCity, language: str
) -> None:
    found: dict[str, list[str]] = {}
    with page_in(browser, supervised_city.url, language) as page:
        sign_in(page, supervised_city.url, "district_admin")
        for path in paths(supervised_city):
            page.goto(f"{supervised_city.url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            found[path] = violations(page)
        page.locator("header form button[type=submit]").click()  # sign out
        sign_in(page, supervised_city.url, "city_admin")
        found["/compliance"] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
