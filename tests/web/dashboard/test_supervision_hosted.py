"""One supervision journey in hosted mode (issue 16): PostgreSQL, RabbitMQ, a real Celery
worker and gunicorn.  The district administrator finds why a township fell behind between two
days, then opens an inspection of that association with the problem list the rules found."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from service.synthetic.demo_city import HOME, load_demo_city
from service.synthetic.villages import village_codes
from tests import factories
from tests.factories import PASSWORD
from tests.processes import ProcessFactory
from tests.web.dashboard.conftest import _vice_chair_leaves
from tests.web.dashboard.test_dashboard_journey import find_why_a_township_fell_behind
from workers.runtime import Runtime
from workers.settings import Settings

LOGIN = "qu-guanli"


def _prepare(settings: Settings) -> tuple[date, str, str]:
    """The demo city in PostgreSQL, the district administrator, and yesterday's departure of
    a vice-chair; returns today, the village and its association's id."""
    runtime = Runtime.open(settings)
    try:
        runtime.tenancy.provision()
        assert load_demo_city(runtime) is not None
        factories.person_account(
            runtime.accounts, "district_admin", login=LOGIN, name="区残联 王芳", district=HOME
        )
        today = runtime.clock.today()
        village = village_codes(7, HOME, spread=2)[0][0]
        association_id = _vice_chair_leaves(runtime, village, today - timedelta(days=1))
        return today, village, association_id
    finally:
        runtime.close()


def _open_inspection(page: Page, village: str, association_id: str) -> None:
    """From the district's inspections: plan a level-by-level supervision of the association
    and keep the problem list the rules found today."""
    page.get_by_role("link", name="检查验收").first.click()
    page.get_by_role("link", name="安排并记录检查").click()
    page.get_by_label("逐级督查", exact=True).check()
    page.get_by_label("名称").fill("区残联逐级督查")
    page.get_by_label("从哪个乡镇（街道）选择残协").select_option(village[:9])
    page.get_by_role("button", name="下一步：选择受检残协").click()
    page.locator(f"input[name=association_ids][value='{association_id}']").check()
    page.get_by_role("button", name="下一步：问题清单").click()
    found = page.locator("#found-problems > li")
    expect(found.filter(has_text="副主席")).to_have_count(1)  # S3.3, as the dashboard said
    page.get_by_role("button", name="保存检查及问题清单").click()
    expect(page.get_by_role("status")).to_have_text("已记录。")
    expect(page.locator("#problems")).to_contain_text("副主席")


@pytest.mark.slow
@pytest.mark.hosted
def test_a_district_admin_finds_why_and_opens_an_inspection_in_hosted_mode(
    page: Page,
    processes: ProcessFactory,
    hosted_env: dict[str, str],
    hosted_settings: dict[str, Any],
) -> None:
    today, village, association_id = _prepare(Settings(**hosted_settings))
    processes.worker(hosted_env)
    server = processes.server(hosted_env, workers=1)
    page.goto(f"{server.url}/sign-in")
    page.get_by_label("用户名").fill(LOGIN)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(rf"/compliance/districts/{HOME}"))
    find_why_a_township_fell_behind(page, today)
    _open_inspection(page, village, association_id)
