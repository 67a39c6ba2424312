"""The browser tests' set-up: Debian's chromium driven by Playwright (one browser for the
session, never ``playwright install``), a phone-sized Chinese window, and one world served by
a real HTTP server on a thread (tests/web/world.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.plugin import embedded_app
from tests.web.world import World, build, served

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, in Chinese (its date inputs follow the browser's language)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"],
        "env": {**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A phone: 390 px wide, Chinese."""
    return {**browser_context_args, "locale": "zh-CN", "viewport": PHONE}


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One district's records and accounts, served for the whole session."""
    data_dir: Path = tmp_path_factory.mktemp("web")
    with embedded_app(data_dir) as app, served(app) as url:
        yield build(app, url)


def sign_in(page: Page, world: World, login: str, password: str = PASSWORD) -> None:
    """Sign in through the page as a person would, in Chinese."""
    page.goto(f"{world.url}/sign-in")
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


@contextmanager
def without_script(browser: Browser, world: World, login: str) -> Iterator[Page]:
    """A phone's page with JavaScript off, signed in as ``login``; closed after: every screen
    works without JavaScript too."""
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, world, login)
        yield page
    finally:
        context.close()


@pytest.fixture
def worker_page(page: Page, web_world: World) -> Page:
    """A page signed in as the village worker, on the task list."""
    sign_in(page, web_world, web_world.logins["worker"])
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    return page
