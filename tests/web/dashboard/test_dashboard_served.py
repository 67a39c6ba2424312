"""The district admin's supervision journey against a real ``canxie serve --demo`` process
(gunicorn, the embedded store): the demo's one-time password printed at start, a vice-chair's
removal sent through the API as yesterday's, then in the browser: a password of one's own,
the district's compliance, the two days compared, the township that fell behind, and why."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aggregates.clock import SystemClock
from tests.client import Client
from tests.processes import ProcessFactory
from tests.web.dashboard.test_dashboard_journey import find_why_a_township_fell_behind
from tests.web.test_served import EMBEDDED

#: The compliant association the change is made to (service/synthetic/demo_city.py's first).
VILLAGE = "410102001001"
NEW_PASSWORD = "区里的新密码 2026"


def one_time_password(output: str, login: str) -> str:
    """The demo account's one-time password, as ``canxie serve --demo`` prints it."""
    found = re.search(rf"^\s+{re.escape(login)}\s+(\S+)\s", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def vice_chair_leaves(api: Client, yesterday: str) -> None:
    """Through the API: a vice-chair of the village's association left yesterday."""
    listing = api.get("/districts/410102/associations", min_position=1, limit=50).json()
    (association,) = [a for a in listing["items"] if a["division_code"] == VILLAGE]
    detail = api.get(f"/districts/410102/associations/{association['id']}").json()
    vice = next(
        o for o in detail["officers"] if o["role"] == "vice_chair" and not o.get("removed_on")
    )
    removal = api.post(
        f"/districts/410102/associations/{association['id']}/officers/{vice['officer_id']}/removal",
        {"removed_on": yesterday, "reason": "调离本村"},
    )
    assert removal.status_code in (200, 201, 202), removal.text


@pytest.mark.slow
def test_a_district_admin_finds_why_on_a_real_server(
    page: Page, processes: ProcessFactory, tmp_path: Path
) -> None:
    env = {**EMBEDDED, "CANXIE_DATA_DIR": str(tmp_path / "store")}
    server = processes.server(env, "--demo")
    today = SystemClock().today()
    token = (tmp_path / "store" / "admin-token").read_text().strip()
    vice_chair_leaves(Client(server.url or "", token), (today - timedelta(days=1)).isoformat())
    page.goto(f"{server.url}/")
    page.get_by_label("用户名").fill("district-admin")
    page.get_by_label("密码").fill(one_time_password(server.output(), "district-admin"))
    page.get_by_role("button", name="登录").click()
    page.get_by_label("当前密码").fill(one_time_password(server.output(), "district-admin"))
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存密码").click()
    expect(page).to_have_url(re.compile(r"/compliance/districts/410102"))
    find_why_a_township_fell_behind(page, today)
