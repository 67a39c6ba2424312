"""Every inspection and acceptance page passes axe-core's WCAG 2.1 A and AA rules in Chinese
and in English, refused forms included; each is served with the CSP and no inline script."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page

from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import InspectionKind
from aggregates.clock import SystemClock
from tests.factories import PASSWORD, SEED
from tests.web.axe import LANGUAGES, axe_page
from tests.web.screens import refused, walk
from tests.web.test_accessibility import signed_in
from tests.web.world import DISTRICT, TOWNSHIP, World

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def records(inspect_world: World) -> dict[str, str]:
    """A spot check with a rectified problem, and a joint acceptance, to show their pages."""
    runtime = inspect_world.app.extensions["canxie"].runtime
    store = runtime.tenancy.records(DISTRICT)
    today = SystemClock().today()
    other = UUID(inspect_world.other_association_id)

    def opened(kind: InspectionKind, title: str) -> Any:
        return store.open_inspection(
            kind=kind,
            title=title,
            inspected_on=today,
            township_code=None,
            inspectors=["督查员 陈明"],
            association_ids=[other],
            rules_basis=None,
            rule_findings=[],
            written=[WrittenProblem(description="无障碍设施未登记", association_id=other)],
            by=SEED,
        )

    spot = opened(InspectionKind.SPOT_CHECK, "无障碍检查")
    problem = spot.more[0]
    store.rectify_problem(spot.id, problem, rectified_on=today, evidence="已登记", note="", by=SEED)
    joint = opened(InspectionKind.CITY_JOINT_ACCEPTANCE, "联合验收（无障碍）")
    spell = store.start_key_supervision(
        association_id=other, reason="整改慢", started_on=today, inspection_id=spot.id, by=SEED
    )
    store.designate_model(other, designated_on=today, practice="包户走访", by=SEED)
    runtime.catch_up(DISTRICT)
    return {
        "spot": str(spot.id),
        "problem": str(problem),
        "joint": str(joint.id),
        "spell": str(spell.id),
        "model": str(other),
    }


def inspector_paths(world: World, ids: dict[str, str]) -> list[str]:
    """The inspector's pages, with steps of a new inspection as they open and refused."""
    base = f"/districts/{DISTRICT}"
    plan = f"kind=spot_check&title=t&inspected_on={date(2022, 1, 1)}&inspectors=a&township="
    chosen = f"{plan}{TOWNSHIP}&association_ids={world.other_association_id}"
    spot = f"{base}/inspections/{ids['spot']}"
    return [
        f"{base}/inspections",
        f"{base}/inspections?as_of=2022-13-01",
        f"{base}/inspections/new",
        f"{base}/inspections/new/sample?{plan}",
        f"{base}/inspections/new/sample?{plan}{TOWNSHIP}",
        f"{base}/inspections/new/problems?{plan}{TOWNSHIP}",
        f"{base}/inspections/new/problems?{chosen}",
        spot,
        f"{spot}/problems/{ids['problem']}",
        f"{spot}/problems/new",
        f"{spot}/conclusion",
        f"{base}/acceptance-report",
        f"{base}/acceptance-report?basis=nonsense",
        f"{base}/supervision",
        f"{spot}/key-supervision",
        f"{spot}/model",
        f"{base}/key-supervisions/{ids['spell']}/release",
        f"{base}/model-associations/{ids['model']}/withdrawal",
    ]


def city_paths(ids: dict[str, str]) -> list[str]:
    """A co-signer's pages: the districts, the joint acceptance and its decision form."""
    joint = f"/districts/{DISTRICT}/inspections/{ids['joint']}"
    return ["/inspections", joint, f"{joint}/decision"]


def _refused_forms(page: Page, world: World, ids: dict[str, str], check: Any) -> None:
    """The review and the written problem sent empty: refused beside their fields."""
    spot = f"{world.url}/districts/{DISTRICT}/inspections/{ids['spot']}"
    page.goto(f"{spot}/problems/{ids['problem']}")
    page.locator("#field-reviewed_on").fill("")
    refused(page, check, "review refused")
    page.goto(f"{spot}/problems/new")
    refused(page, check, "written problem refused")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_inspection_page_passes_axe_in_each_language(
    browser: Browser, inspect_world: World, records: dict[str, str], language: str
) -> None:
    with axe_page(browser, inspect_world.url, language, DESKTOP) as (page, found, check):
        signed_in(page, inspect_world, "inspector", PASSWORD)
        page.wait_for_url("**/inspections**")
        walk(page, inspect_world.url, inspector_paths(inspect_world, records), check)
        _refused_forms(page, inspect_world, records, check)
        page.locator("header form button[type=submit]").click()  # sign out
        signed_in(page, inspect_world, "federation", PASSWORD)
        page.wait_for_url("**/compliance**")  # a city admin lands on the city's compliance
        walk(page, inspect_world.url, city_paths(records), check)
    assert len(found) == len(inspector_paths(inspect_world, records)) + 2 + 3
    assert {screen: v for screen, v in found.items() if v} == {}
