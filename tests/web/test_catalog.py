"""The zh-CN catalog says every message of the pages, finished, and uses the glossary's terms.

Chinese translations fail through half-translated screens and careless or fuzzy entries:
every message the pages use has a non-empty, non-fuzzy entry in both locales, and an entry
using a term of docs/GLOSSARY.md says it with the glossary's Chinese.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from service.messages import LOCALES, TRANSLATIONS
from tests.quality.tracked import REPO
from tests.web.page_messages import page_messages


def _po(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=locale)


def glossary() -> list[tuple[str, tuple[str, ...]]]:
    """The checked terms: (English, Chinese forms) from the first table of the glossary."""
    text = (REPO / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    checked = text.split("## Checked in the catalog", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in checked.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in {"English", "---"} and cells[1]:
            rows.append((cells[0], tuple(c for c in cells[1:3] if c)))
    return rows


def untranslated(po: Catalog, wanted: frozenset[str]) -> list[str]:
    """The wanted messages missing from ``po``, empty or fuzzy."""
    bad = []
    for message in sorted(wanted):
        entry = po.get(message)
        if entry is None or not entry.string or entry.fuzzy:
            bad.append(message)
    return bad


def off_glossary(po: Catalog, terms: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """Entries whose English uses a term that their Chinese does not say."""
    wrong = []
    for english, chinese in terms:
        pattern = re.compile(rf"\b{re.escape(english)}(s|es|d|ed)?\b", re.IGNORECASE)
        for entry in po:
            said = str(entry.string or "")
            uses = bool(entry.id and pattern.search(str(entry.id)) and said)
            if uses and not any(form in said for form in chinese):
                wrong.append(f"{english}: {entry.id} -> {said}")
    return wrong


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_of_the_pages_is_translated_and_not_fuzzy(locale: str) -> None:
    messages = page_messages()
    assert len(messages) > 50  # the extraction found the pages' messages
    assert untranslated(_po(locale), messages) == []


def test_the_pages_are_chinese_in_the_chinese_catalog() -> None:
    po = _po("zh_Hans_CN")
    english = [m for m in page_messages() if po.get(m) and po.get(m).string == m]
    assert english == []


def test_the_catalog_uses_the_glossary_terms() -> None:
    terms = glossary()
    assert ("home visit", ("入户走访", "走访")) in terms
    assert off_glossary(_po("zh_Hans_CN"), terms) == []


def test_the_checks_find_an_untranslated_a_fuzzy_and_an_off_glossary_entry() -> None:
    po = Catalog(locale="zh_Hans_CN")
    po.add("Save the visit", "")
    po.add("My tasks", "我的任务", flags=["fuzzy"])
    po.add("Record a home visit", "记录家访")
    assert untranslated(po, frozenset({"Save the visit", "My tasks", "Absent"})) == [
        "Absent",
        "My tasks",
        "Save the visit",
    ]
    assert off_glossary(po, [("home visit", ("入户走访",))]) == [
        "home visit: Record a home visit -> 记录家访"
    ]
