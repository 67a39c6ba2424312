"""The acceptance workbook can be sorted and summed (issue 16): townships named beside their
codes, counts stored as numbers, shares as numbers shown as percentages, days as dates, and
every table's header row frozen with filters on."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from service.campaign import reports
from tests.campaign.district import T
from tests.campaign.test_report_pdf import body  # noqa: F401  (the fixture)


def _sheets(report: dict[str, Any], lang: str = "zh") -> dict[str, Worksheet]:
    book = load_workbook(io.BytesIO(reports.xlsx(report, lang)))
    return {sheet.title: sheet for sheet in book.worksheets}


def test_townships_are_named_beside_their_codes_with_numbers_as_numbers(
    body: dict[str, Any],  # noqa: F811
) -> None:
    sheet = _sheets(body)["分乡镇（街道）情况"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["乡镇（街道）代码", "乡镇（街道）", "残协数"]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["乡镇（街道）代码"].value == T
    assert row["乡镇（街道）"].value == "林山寨街道"
    assert isinstance(row["残协数"].value, int) and row["残协数"].data_type == "n"
    share = row["达标率"]
    assert share.data_type == "n" and 0 <= share.value <= 1
    assert share.number_format == reports.PERCENT
    assert row["覆盖率"].number_format == reports.PERCENT


def test_every_table_has_its_header_frozen_and_filters_on(body: dict[str, Any]) -> None:  # noqa: F811
    sheets = _sheets(body)
    for title in ("分乡镇（街道）情况", "问题清单及整改情况", "检查验收记录", "未达标明细"):
        sheet = sheets[title]
        assert sheet.freeze_panes == "A2", title
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:"), title
        assert all(cell.font.bold for cell in sheet[1]), title


def test_problem_days_are_dates_and_the_summary_holds_numbers(
    body: dict[str, Any],  # noqa: F811
) -> None:
    sheets = _sheets(body, "en")
    problems = sheets["Problem list and rectification"]
    assert problems.max_row > 1
    found = problems.cell(row=2, column=1)
    assert isinstance(found.value, datetime | date) and found.number_format == reports.DAY
    summary = sheets["Summary"]
    rows = [[c for c in row] for row in summary.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0].value == "Associations")
    figures = rows[header + 1]
    assert isinstance(figures[0].value, int)
    assert figures[2].number_format == reports.PERCENT
    failing = sheets["Failing findings"]
    assert [c.value for c in failing[1]][-2:] == ["Township code", "Township"]
    assert failing.cell(row=2, column=5).value == "林山寨街道"
