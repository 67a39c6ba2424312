"""The pages' access rules (service/http/auth.py): every page declares one; a page that is
not public needs a signed-in browser (a bearer token opens no page) and sends the visitor to
sign in; every form needs its CSRF token.  The API's matrix (tests/access/test_matrix.py)
covers the bearer-token endpoints."""

from __future__ import annotations

import re

from flask import Flask

from service.http.access import Action, rule_of
from tests.plugin import ADMIN
from tests.web.world import World


def page_rules(app: Flask) -> dict[str, tuple[str, set[str], Action | None]]:
    """Every page endpoint: its path, methods and declared action (None: no rule)."""
    found = {}
    for url_rule in app.url_map.iter_rules():
        if url_rule.endpoint.startswith("pages."):
            declared = rule_of(app.view_functions[url_rule.endpoint])
            methods = (url_rule.methods or set()) - {"HEAD", "OPTIONS"}
            found[url_rule.endpoint] = (
                url_rule.rule,
                methods,
                declared.action if declared else None,
            )
    return found


def test_every_page_declares_a_rule(web_world: World) -> None:
    rules = page_rules(web_world.app)
    assert {"pages.index", "pages.sign_in", "pages.tasks", "pages.record_visit"} <= set(rules)
    assert [name for name, (_, _, action) in rules.items() if action is None] == []


def test_a_page_that_is_not_public_sends_a_visitor_to_sign_in(web_world: World) -> None:
    client = web_world.app.test_client()
    private = [
        (path, method)
        for path, methods, action in page_rules(web_world.app).values()
        for method in methods
        if action is not Action.PUBLIC and "<" not in path
    ]
    assert len(private) >= 4
    for path, method in private:
        for headers in ({}, ADMIN):  # a bearer token opens no page
            response = client.open(path, method=method, headers=headers)
            assert response.status_code == 303, path
            assert re.match(r"/sign-in\?next=", response.headers["Location"]), path


def test_a_form_without_its_csrf_token_is_refused(web_world: World) -> None:
    client = web_world.app.test_client()
    response = client.post("/sign-in", data={"login": "wangfang", "password": "x"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_the_start_page_opens_on_sign_in(web_world: World) -> None:
    client = web_world.app.test_client()
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "登录" in page


def test_failed_sign_ins_slow_down_with_a_chinese_message(web_world: World) -> None:
    client = web_world.app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    form = {"csrf_token": token.group(1), "login": "nobody-here", "password": "wrong guess"}
    answers = [client.post("/sign-in", data=form) for _ in range(4)]
    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    assert "登录名或密码错误" in answers[0].get_data(as_text=True)
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert 'value="nobody-here"' in answers[3].get_data(as_text=True)  # the login is kept
    assert "wrong guess" not in answers[3].get_data(as_text=True)  # the password never is
