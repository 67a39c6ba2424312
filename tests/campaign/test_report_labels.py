"""The acceptance report's fixed texts come from the one catalog, in its report context.

Every text the report prints (labels, kinds of inspection, bodies) has a finished entry in both
locales under ``msgctxt "acceptance report"``, no entry of that context is left unused, the
Chinese is Chinese, and a placeholder is kept in each language.
"""

from __future__ import annotations

import pytest

from service.campaign import reports
from service.messages import LOCALES
from tests.api.test_error_catalog import _placeholders, _po
from tests.campaign.report_messages import report_messages


@pytest.mark.parametrize("locale", LOCALES)
def test_each_report_text_has_a_finished_entry_and_none_is_left_unused(locale: str) -> None:
    entries = {m.id: m for m in _po(locale) if m.id and m.context == reports.CONTEXT}
    assert set(entries) == report_messages()
    unfinished = [m.id for m in entries.values() if not m.string or m.fuzzy]
    moved = [m.id for m in entries.values() if _placeholders(m.string) != _placeholders(m.id)]
    assert unfinished == [] and moved == []


def test_the_report_says_chinese_in_chinese_and_the_message_id_in_english() -> None:
    for message in sorted(report_messages()):
        values = {name: "7" for name in _placeholders(message)}
        zh, en = reports.say(message, "zh", **values), reports.say(message, "en", **values)
        assert en == message.format(**values)
        assert zh != en and any("\u4e00" <= c <= "\u9fff" for c in zh), message


def test_labels_kinds_and_bodies_are_said_in_the_requested_language() -> None:
    assert reports.label("title", "zh") == "村（社区）残疾人协会建设检查验收报告"
    assert reports.label("associations", "zh") == "残协数"  # the report's word, not the pages'
    assert reports.label("problem_counts", "en", total=3, open=1, escalated=1, rectified=1) == (
        "3 problems: 1 open, 1 escalated, 1 rectified"
    )
    decisions = {"decisions": [{"body": "civil_affairs_bureau", "decision": "conditional"}]}
    assert reports.decisions_text(decisions, "zh") == "市民政局: 限期整改后通过"
    assert reports.decisions_text(decisions, "en") == "civil affairs bureau: conditional"
