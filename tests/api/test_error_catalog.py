"""The one catalog of user-facing messages: every domain error said in Chinese and English.

Each :class:`DomainError` (wherever it is defined) has an entry in both locales of
``service/translations``, translated and not fuzzy; every placeholder of an entry is a fact
the error carries; the compiled ``.mo`` says what the ``.po`` says.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import aggregates
import projections
import service
from aggregates.errors import DomainError, SecondChair
from service.http.problems import TITLE_CONTEXT, TITLES, title
from service.messages import LOCALES, TRANSLATIONS, catalog, say
from tests.campaign.report_messages import report_messages
from tests.web.page_messages import page_messages


def _every_error() -> list[type[DomainError]]:
    for package in (aggregates, projections, service):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            # __main__ runs the command line, wsgi builds an app over ./data
            if module.name.rsplit(".", 1)[-1] not in {"__main__", "wsgi"}:
                importlib.import_module(module.name)
    found, todo = [], [DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return sorted(set(found), key=lambda c: c.__qualname__)


ERRORS = _every_error()


def _po(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=locale)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_domain_error_has_a_finished_entry_in_each_language(locale: str) -> None:
    po = _po(locale)
    missing, unfinished, stray = [], [], []
    for error in ERRORS:
        entry = po.get(error.message)
        if entry is None:
            missing.append(error.__name__)
        elif not entry.string or entry.fuzzy:
            unfinished.append(error.__name__)
        elif not _placeholders(entry.string) <= set(error.parameters):
            stray.append(f"{error.__name__}: {entry.string}")
    assert not missing and not unfinished and not stray, (missing, unfinished, stray)
    assert len(ERRORS) > 100


def test_every_placeholder_of_a_message_is_a_fact_of_its_error() -> None:
    wrong = [e.__name__ for e in ERRORS if not _placeholders(e.message) <= set(e.parameters)]
    assert not wrong


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_says_what_the_po_says(locale: str) -> None:
    po = _po(locale)
    mo_path = Path(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo")
    with open(mo_path, "rb") as file:
        mo = read_mo(file)
    written = {m.id: m.string for m in po if m.id}
    compiled = {m.id: m.string for m in mo if m.id}
    assert compiled == written
    assert {e.message for e in ERRORS} <= set(compiled)


def test_no_entry_is_left_over_from_an_error_that_is_gone() -> None:
    messages = {e.message for e in ERRORS} | page_messages() | report_messages()
    messages |= set(TITLES.values())
    for locale in LOCALES:
        assert {m.id for m in _po(locale) if m.id} == messages, locale


@pytest.mark.parametrize("locale", LOCALES)
def test_every_problem_title_has_a_finished_entry_and_none_is_left_unused(locale: str) -> None:
    entries = {m.id: m for m in _po(locale) if m.id and m.context == TITLE_CONTEXT}
    assert set(entries) == set(TITLES.values())
    assert [m.id for m in entries.values() if not m.string or m.fuzzy] == []


def test_a_problem_title_is_chinese_first_and_english_when_asked() -> None:
    assert title("not-found", "zh_Hans_CN") == "未找到"
    assert title("not-found", "en") == "Not found"
    assert title("no-such-code", "zh_Hans_CN") == "请求无法处理"


def test_a_refusal_is_said_in_chinese_first_and_in_english_when_asked() -> None:
    refused = SecondChair(sitting=1, maximum=1, clause="S3.3", field="role")
    assert say(refused) == "协会已有 1 名在任主席，S3.3 条规定最多 1 名"
    assert say(refused, "en") == (
        "the association already has 1 sitting chair(s); clause S3.3 allows at most 1"
    )
    assert say(refused, "en") == refused.detail


def test_an_error_takes_exactly_its_facts() -> None:
    with pytest.raises(TypeError):
        SecondChair(sitting=1, maximum=1, field="role")
    with pytest.raises(TypeError):
        SecondChair(sitting=1, maximum=1, clause="S3.3", day=date(2021, 1, 1))


def test_domain_errors_carry_no_http_status() -> None:
    assert not any("status" in vars(e) or "code" in vars(e) for e in ERRORS)


def test_a_locale_without_a_catalog_is_an_error_not_english_by_stealth() -> None:
    with pytest.raises(ValueError):
        catalog("zh_CN")
