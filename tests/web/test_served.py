"""The worker's journey against a real ``canxie serve`` process (gunicorn, the embedded
store): the records are made beforehand in the same data folder, the account with a
one-time password; the browser signs in, sets a password and records a home visit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.factories import PASSWORD
from tests.processes import ProcessFactory
from tests.web.world import DISTRICT, VILLAGE, WORKER_NAME
from workers.runtime import Runtime
from workers.settings import Settings

EMBEDDED = {"CANXIE_DATABASE_URL": "", "CANXIE_BROKER_URL": "", "CANXIE_BOOTSTRAP_TOKEN": ""}


def _prepare(settings: Settings) -> None:
    """One association with two households and its worker, projected, before the server
    starts."""
    runtime = Runtime.open(settings)
    try:
        runtime.tenancy.provision()
        factories.district(runtime.tenancy, DISTRICT)
        own = factories.association(runtime.tenancy, VILLAGE)
        factories.chair(runtime.tenancy, own.id, DISTRICT, WORKER_NAME)
        for sequence in (1, 2):
            factories.person(runtime.tenancy, VILLAGE, sequence)
        factories.person_account(
            runtime.accounts,
            "association_worker",
            login="cunweiyuan",
            one_time=True,
            name=WORKER_NAME,
            district=DISTRICT,
            association_id=str(own.id),
        )
        runtime.catch_up(DISTRICT)
    finally:
        runtime.close()


def _journey(page: Page, url: str) -> None:
    """Sign in with the one-time password, set one's own, record a visit from the tasks."""
    page.goto(f"{url}/")
    page.get_by_label("用户名").fill("cunweiyuan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("村里的新密码 2026")
    page.get_by_label("再次输入新密码").fill("村里的新密码 2026")
    page.get_by_role("button", name="保存密码").click()
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    page.get_by_role("link", name="残疾人1", exact=True).click()
    page.get_by_label("走访情况").fill("在真实服务器上记录的走访")
    page.get_by_role("button", name="保存走访记录").click()
    expect(page.get_by_role("status")).to_have_text("入户走访已记录。")
    assert page.locator("#households a").all_inner_texts() == ["残疾人2"]
    assert re.search(r"/tasks", page.url)


@pytest.mark.slow
def test_the_worker_records_a_visit_on_a_real_server(
    page: Page, processes: ProcessFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    _prepare(Settings(data_dir=data_dir))
    server = processes.server({**EMBEDDED, "CANXIE_DATA_DIR": str(data_dir)}, workers=1)
    _journey(page, server.url or "")


@pytest.mark.slow
@pytest.mark.hosted
def test_the_worker_records_a_visit_in_hosted_mode(
    page: Page,
    processes: ProcessFactory,
    hosted_env: dict[str, str],
    hosted_settings: dict[str, Any],
) -> None:
    """PostgreSQL, RabbitMQ and a real Celery worker projecting the visit."""
    _prepare(Settings(**hosted_settings))
    processes.worker(hosted_env)
    server = processes.server(hosted_env, workers=1)
    _journey(page, server.url or "")
