"""Each request is said in its own language, however requests in other languages came
before it on the same server (the templates' catalog is looked up once per request)."""

from __future__ import annotations

from service.web.language import COOKIE
from tests.web.care.world import signed_in_client
from tests.web.world import World

SAID = {"zh_Hans_CN": "我的任务", "en": "My tasks"}


def test_each_request_says_its_page_in_its_own_language(web_world: World) -> None:
    client = signed_in_client(web_world, web_world.logins["worker"])
    for locale in ("zh_Hans_CN", "en", "zh_Hans_CN", "en"):
        client.set_cookie(COOKIE, locale)
        page = client.get("/tasks").get_data(as_text=True)
        other = next(text for code, text in SAID.items() if code != locale)
        assert SAID[locale] in page and other not in page, locale
