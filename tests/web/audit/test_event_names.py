"""Every kind of change a district's log can hold has a human name in both catalogs, and the
audit trail, its kind filter and a record's timeline say that name, not the event's class."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

import service.app  # noqa: F401  (loads every aggregate, hence every event class)
from service.messages import LOCALES, TRANSLATIONS
from service.web.event_names import (
    DIVISION_CHANGES,
    DIVISION_DETAILS,
    EVENT_NAMES,
    change_kinds,
    division_details,
)
from tests.web.audit.conftest import Audited
from tests.web.inspections.test_pages import signed_in
from tests.web.world import DISTRICT


def test_every_stored_kind_of_change_has_a_name_and_no_name_is_stale() -> None:
    kinds = change_kinds()
    assert "Association.OfficerRemoved" in kinds and "DivisionRegister.VillageSplit" in kinds
    assert "Association.Created" not in kinds  # the library's unused default is not offered
    assert sorted(EVENT_NAMES) == kinds


@pytest.mark.parametrize("locale", LOCALES)
def test_every_name_is_translated_and_the_chinese_is_chinese(locale: str) -> None:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as file:
        po = read_po(file, locale=locale)
    labels = [*EVENT_NAMES.values(), *DIVISION_CHANGES.values(), *DIVISION_DETAILS.values()]
    chinese = re.compile(r"[\u4e00-\u9fff]")
    missing = []
    for label in labels:
        entry = po.get(label._args[0])
        done = entry is not None and entry.string and not entry.fuzzy
        if not done or (locale != "en" and not chinese.search(str(entry.string))):
            missing.append(label._args[0])
    assert missing == []


def test_a_division_change_says_its_facts_with_labels(audited: Audited) -> None:
    with audited.world.app.test_request_context():
        facts = division_details(
            {"sources": ["410102001001", "410102001002"], "parts": [{"code": "1", "name": "甲"}]}
        )
    merged = ("被合并的村（社区）", "410102001001、410102001002")
    assert facts == [merged, ("拆分后的部分", "甲 (1)")]


def test_the_trail_and_the_timeline_name_the_change_in_the_pages_language(
    audited: Audited,
) -> None:
    client = signed_in(audited.world, "auditor")
    base = f"/districts/{DISTRICT}/audit"
    trail = client.get(f"{base}?event_type=Association.OfficerRemoved")
    html = trail.get_data(as_text=True)
    assert trail.status_code == 200
    assert '<option value="Association.OfficerRemoved" selected>残协 · 成员免职</option>' in html
    assert ">残协 · 成员免职</td>" in html and ">残协 · OfficerRemoved<" not in html
    timeline = client.get(f"{base}/records/{audited.association_id}").get_data(as_text=True)
    assert "残协 · 成员免职" in timeline
    assert '<code class="event-type">Association.OfficerRemoved</code>' in timeline
    client.set_cookie("canxie_lang", "en")
    english = client.get(f"{base}?event_type=Association.OfficerRemoved").get_data(as_text=True)
    assert ">Association · Officer removed</td>" in english
