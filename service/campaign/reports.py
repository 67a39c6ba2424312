"""Acceptance reports (验收报告) as Excel and PDF, in Chinese first with English available.

Both show the as-of day and clock, the signed ledger head the figures were computed from (or
that there was none), the roll-ups, and the problem list with each problem's rectification.
The content comes from :func:`service.campaign.queries.acceptance`; this module only lays it out.
"""

from __future__ import annotations

import html
import io
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from aggregates.campaign.inspection import Body, InspectionKind
from projections.campaign.progress import POINT_FIELDS
from projections.compliance import RULES_BY_ID
from service.messages import said

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"

#: The report's fixed texts by key; each is a message id of the catalog, in CONTEXT.
LABELS: dict[str, str] = {
    "title": "Acceptance report: village and community disabled persons' associations",
    "district": "District",
    "as_of": "As of",
    "basis": "Basis",
    "recorded": "recorded (what the records said that day)",
    "effective": "effective (what was true that day, corrections included)",
    "ledger": "Ledger signed tree head",
    "no_head": "no signed head",
    "head": "size {size}, root hash {root}, signed at {at}",
    "events": "Events applied",
    "rules_from": "Rules in force since",
    "summary": "Summary",
    "associations": "Associations",
    "fully_compliant": "Fully compliant",
    "compliant_share": "Share compliant",
    "villages": "Villages",
    "covered_villages": "Villages covered",
    "coverage_rate": "Coverage rate",
    "townships": "By township",
    "township": "Township",
    "township_code": "Township code",
    "failures": "Failures by rule",
    "rule": "Rule",
    "clause": "Clause",
    "count": "Count",
    "problems": "Problem list and rectification",
    "problem_counts": "{total} problems: {open} open, {escalated} escalated, {rectified} rectified",
    "no_problems": "No problems recorded",
    "found_on": "Found",
    "inspection": "Inspection",
    "association": "Association / village",
    "description": "Problem",
    "state": "Status",
    "rectification": "Rectified on, evidence",
    "open": "open",
    "escalated": "escalated",
    "rectified": "rectified",
    "inspections": "Inspections",
    "kind": "Kind",
    "date": "Date",
    "name": "Title",
    "outcome": "Outcome",
    "decisions": "Decisions of the three bodies",
    "passed": "passed",
    "conditional": "conditional",
    "failed": "failed",
    "pending": "pending",
    "failing": "Failing findings",
    "supervisions": "Key supervision",
    "models": "Model associations",
    "whole_district": "whole district",
    "none": "none",
    "since": "since",
    "released": "released",
}
#: The kinds of inspection and the three bodies as the report names them (message ids).
KINDS: dict[InspectionKind, str] = {
    InspectionKind.SUPERVISION: "supervision",
    InspectionKind.MUTUAL_INSPECTION: "mutual check",  # the glossary keeps "inspection" for 检查
    InspectionKind.SPOT_CHECK: "spot check",
    InspectionKind.TOWNSHIP_ACCEPTANCE: "township acceptance",
    InspectionKind.DISTRICT_ACCEPTANCE: "district acceptance",
    InspectionKind.CITY_JOINT_ACCEPTANCE: "city joint acceptance",
}
BODIES: dict[Body, str] = {
    Body.CITY_FEDERATION: "city federation",
    Body.GOVERNANCE_COMMITTEE: "community governance committee",
    Body.CIVIL_AFFAIRS_BUREAU: "civil affairs bureau",
}
#: The catalog context (msgctxt) of the report's entries: a printed report words some things
#: differently from the pages (残协数 for a column, not 残协), so its entries stand apart.
CONTEXT = "acceptance report"
#: The catalog locale of each report language (``lang`` of the API and the command line).
REPORT_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


def template(message: str, lang: str) -> str:
    """``message`` (an English message id) from the one catalog in ``lang``, unfilled."""
    return said(CONTEXT, message, REPORT_LOCALES[lang])


def say(message: str, lang: str, **values: Any) -> str:
    """``message`` in ``lang``, its placeholders filled from ``values``."""
    return template(message, lang).format(**values)


def label(key: str, lang: str, **values: Any) -> str:
    """A label in the report's language, filled in."""
    return say(LABELS[key], lang, **values)


def _share(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def is_rate(key: str) -> bool:
    """A roll-up figure that is a share (0..1), shown as a percentage."""
    return key.endswith(("share", "rate"))


def _rule_title(rule_id: str | None, lang: str) -> str:
    rule = RULES_BY_ID.get(rule_id or "")
    if rule is None:
        return rule_id or ""
    return rule.title_zh if lang == "zh" else rule.title_en


def _head_text(body: dict[str, Any], lang: str) -> str:
    head = body["ledger_head"]
    if head is None:
        return label("no_head", lang)
    return label("head", lang, size=head["tree_size"], root=head["root_hash"], at=head["signed_at"])


def _kind(kind: str, lang: str) -> str:
    return say(KINDS[InspectionKind(kind)], lang)


def decisions_text(inspection: dict[str, Any], lang: str) -> str:
    parts = []
    for decision in inspection["decisions"]:
        name = say(BODIES[Body(decision["body"])], lang)
        parts.append(f"{name}: {label(decision['decision'], lang)}")
    return "; ".join(parts)


def header_rows(body: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The report's header: district, day, clock, ledger head, events, rules."""
    return [
        (label("district", lang), f"{body['district_name']} ({body['district']})"),
        (label("as_of", lang), str(body["as_of"])),
        (label("basis", lang), label(body["basis"], lang)),
        (label("ledger", lang), _head_text(body, lang)),
        (label("events", lang), str(body["events_applied"])),
        (label("rules_from", lang), str(body["rules_effective_from"])),
    ]


#: The roll-up's headline figures, as the progress series carries them.
ROLLUP_KEYS = POINT_FIELDS
#: The columns of each table, as label keys; the Excel sheets and the PDF show the same.
TOWNSHIP_COLUMNS = ("township_code", "township", *ROLLUP_KEYS)
FAILURE_COLUMNS = ("rule", "clause", "count")
INSPECTION_COLUMNS = ("kind", "date", "name", "outcome", "decisions", "problems")
PROBLEM_COLUMNS = (
    "found_on",
    "inspection",
    "association",
    "rule",
    "description",
    "state",
    "rectification",
)
FAILING_COLUMNS = ("rule", "clause", "association", "township_code", "township")
SUPERVISION_COLUMNS = ("association", "description", "date")
MODEL_COLUMNS = ("association", "date", "description")


def labels(keys: tuple[str, ...], lang: str) -> list[str]:
    """The labels of ``keys``, as a table's header row."""
    return [label(key, lang) for key in keys]


def rollup_cells(rollup: dict[str, Any]) -> list[Any]:
    """The roll-up's figures as numbers (shares as fractions, None where not known)."""
    cells: list[Any] = []
    for key in ROLLUP_KEYS:
        value = rollup.get(key)
        cells.append(None if value is None else float(value) if is_rate(key) else int(value))
    return cells


def _rollup_values(rollup: dict[str, Any]) -> list[str]:
    """The roll-up's figures as the PDF prints them (shares as percentages)."""
    return [
        _share(value) if is_rate(key) else ("—" if value is None else str(value))
        for key, value in zip(ROLLUP_KEYS, rollup_cells(rollup), strict=True)
    ]


def township_name(body: dict[str, Any], code: str | None) -> str:
    """The township's name as of the report's day (empty when the register has none)."""
    return str(body.get("township_names", {}).get(code or "", ""))


def township_rows(body: dict[str, Any]) -> list[list[Any]]:
    """One row per township: its code, its name and its roll-ups (numbers)."""
    return [
        [t["township_code"], township_name(body, t["township_code"]), *rollup_cells(t)]
        for t in body["townships"]
    ]


def _printed(rows: list[list[Any]]) -> list[list[str]]:
    """Rows of numbers as the PDF prints them."""
    return [
        [*row[:2], *_rollup_values(dict(zip(ROLLUP_KEYS, row[2:], strict=True)))] for row in rows
    ]


def failure_rows(body: dict[str, Any], lang: str) -> list[list[Any]]:
    """One row per failed rule: the rule and its title, its clause, how many failed it."""
    return [
        [
            f"{rule_id} {_rule_title(rule_id, lang)}",
            RULES_BY_ID[rule_id].clause if rule_id in RULES_BY_ID else "",
            count,
        ]
        for rule_id, count in body["summary"]["failures_by_rule"].items()
    ]


def problem_rows(body: dict[str, Any], lang: str) -> list[list[str]]:
    """One row per problem: found, inspection, where, rule, problem, status, rectification."""
    kinds = {i["inspection_id"]: i for i in body["inspections"]}
    rows = []
    for problem in body["problems"]:
        inspection = kinds.get(problem["inspection_id"])
        where = problem["association_name"] or problem["division_code"]
        if problem["association_name"]:
            where = f"{problem['association_name']} ({problem['division_code']})"
        rule = problem["clause"] or ""
        if problem["rule_id"]:
            rule = f"{problem['rule_id']}"
        description = (
            _rule_title(problem["rule_id"], lang) if problem["rule_id"] else problem["description"]
        )
        if problem["state"] == "rectified":
            status_detail = f"{problem['rectified_on']} {problem['evidence'] or ''}".strip()
        elif problem["state"] == "escalated":
            status_detail = f"{problem['escalated_on']} → {problem['escalated_to']}"
        else:
            status_detail = ""
        rows.append(
            [
                str(problem["found_on"]),
                _kind(inspection["kind"], lang) if inspection else "",
                where,
                rule,
                description,
                label(problem["state"], lang),
                status_detail,
            ]
        )
    return rows


def inspection_rows(body: dict[str, Any], lang: str) -> list[list[str]]:
    """One row per inspection: kind, day, title, outcome, decisions, problems."""
    rows = []
    for inspection in body["inspections"]:
        counts = inspection["problem_counts"]
        rows.append(
            [
                _kind(inspection["kind"], lang),
                str(inspection["inspected_on"]),
                inspection["title"],
                label(inspection["outcome"], lang)
                if inspection["outcome"]
                else label("pending", lang),
                decisions_text(inspection, lang),
                label("problem_counts", lang, **counts),
            ]
        )
    return rows


def failing_rows(body: dict[str, Any], lang: str) -> list[list[str]]:
    """One row per failing finding: rule, clause, where, township."""
    rows = []
    for finding in body["failing"]:
        where = finding["association_name"] or finding["division_code"]
        rows.append(
            [
                f"{finding['rule_id']} {_rule_title(finding['rule_id'], lang)}",
                finding["clause"],
                f"{where} ({finding['division_code']})",
                finding["township_code"],
                township_name(body, finding["township_code"]),
            ]
        )
    return rows


def supervision_rows(body: dict[str, Any], lang: str) -> list[list[str]]:
    """One row per spell of key supervision: where, why, since when and until when."""
    rows = []
    for spell in body["supervisions"]:
        dates = f"{label('since', lang)} {spell['started_on']}"
        if spell["released_on"]:
            dates += f"; {label('released', lang)} {spell['released_on']}"
        rows.append(
            [spell["association_name"] or label("whole_district", lang), spell["reason"], dates]
        )
    return rows


def model_rows(body: dict[str, Any]) -> list[list[str]]:
    """One row per model association: its name, the day and the practice it was chosen for."""
    return [[m["name"], str(m["designated_on"]), m["practice"]] for m in body["models"]]


# -- Excel ------------------------------------------------------------------------------------


#: Excel's number formats: shares as percentages, days as dates.
PERCENT = "0.0%"
DAY = "yyyy-mm-dd"
#: The columns holding a day (ISO text in the body, a date in the workbook).
DAY_COLUMNS = frozenset({"found_on", "date"})


def _cell_value(value: Any, column: str) -> Any:
    """A day column's ISO text as a date, so the sheet sorts and filters by it."""
    if column in DAY_COLUMNS and isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _format_row(sheet: Any, keys: tuple[str, ...]) -> None:
    """Number formats of the last row: rates as percentages, days as dates."""
    for cell, key in zip(sheet[sheet.max_row], keys, strict=False):
        if is_rate(key):
            cell.number_format = PERCENT
        elif key in DAY_COLUMNS:
            cell.number_format = DAY


def _table_sheet(
    book: Any,
    title: str,
    columns: tuple[str, ...],
    rows: list[list[Any]],
    lang: str,
    widths: tuple[int, ...],
) -> None:
    """A sheet of one table: a bold header row, frozen, with filters; typed cells."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(label(title, lang)[:31])
    sheet.append(labels(columns, lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell_value(v, k) for v, k in zip(row, columns, strict=True)])
        _format_row(sheet, columns)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    for index, width in enumerate(widths or (16,) * len(columns), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def xlsx(body: dict[str, Any], lang: str) -> bytes:
    """The report as an Excel workbook: the summary, then one sheet per table, each with its
    header frozen and filters on, numbers as numbers and shares as percentages."""
    from openpyxl import Workbook

    book = Workbook()
    _summary_sheet(book.active, body, lang)
    tables = [
        ("townships", TOWNSHIP_COLUMNS, township_rows(body), (14, 20, 12, 12, 12, 12, 14, 12)),
        ("problems", PROBLEM_COLUMNS, problem_rows(body, lang), (12, 14, 34, 28, 40, 10, 40)),
        ("inspections", INSPECTION_COLUMNS, inspection_rows(body, lang), (16, 12, 30, 14, 40, 40)),
        ("failing", FAILING_COLUMNS, failing_rows(body, lang), (40, 10, 34, 14, 20)),
    ]
    for title, columns, rows, widths in tables:
        _table_sheet(book, title, columns, rows, lang, widths)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_sheet(sheet: Any, body: dict[str, Any], lang: str) -> None:
    """The first sheet: the title, the header, the roll-ups, the failures and the problem count."""
    from openpyxl.styles import Font

    sheet.title = label("summary", lang)[:31]
    sheet.append([label("title", lang)])
    sheet["A1"].font = Font(bold=True, size=14)
    for name, value in header_rows(body, lang):
        sheet.append([name, value])
    for cell in sheet["A"]:
        cell.font = Font(bold=True, size=cell.font.size)
    for keys, rows in (
        (ROLLUP_KEYS, [rollup_cells(body["summary"])]),
        (("failures", "clause", "count"), failure_rows(body, lang)),
    ):
        sheet.append([])
        sheet.append(labels(keys, lang))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            _format_row(sheet, keys)
    sheet.append([])
    sheet.append([label("problem_counts", lang, **body["problem_counts"])])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


# -- PDF --------------------------------------------------------------------------------------

FONT = "WenQuanYiMicroHei"
FONT_FILE = "fonts/wqy-microhei.ttc"  # package data of service; source and licence beside it


def report_font() -> TTFont:
    """The shipped TrueType CJK font, registered once.  Every PDF embeds the subset of it that it
    uses, so the report reads the same on a machine with no Chinese font (a non-embedded CID
    font such as STSong-Light shows boxes there), today and in an archive."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        with resources.as_file(resources.files("service").joinpath(FONT_FILE)) as path:
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return pdfmetrics.getFont(FONT)


MISSING = "〓"  # the printers' mark for a character the type case lacks (缺字符号)


def drawable(text: str) -> str:
    """``text`` with each character the font has no glyph for (rare extension-block hanzi,
    emoji) replaced by 〓: reportlab would draw it blank and extract it as NUL, so a name
    would lose a character without a trace.  The records and the Excel report keep it."""
    glyphs = report_font().face.charToGlyph
    return "".join(c if ord(c) in glyphs or c.isspace() else MISSING for c in text)


class _Pen:
    """The PDF's paragraphs and tables, all in the embedded font, on a page ``width`` wide."""

    def __init__(self, width: float) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.width = width
        self.text = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.text, fontSize=8, leading=10)
        self.heading = ParagraphStyle(
            "heading", parent=self.text, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4
        )
        self.title = ParagraphStyle(
            "title", parent=self.text, fontSize=16, leading=22, alignment=1, spaceAfter=8
        )

    def para(self, value: Any, style: ParagraphStyle | None = None) -> Paragraph:
        """``value`` as a paragraph, small unless told, with the font's missing glyphs marked."""
        from reportlab.platypus import Paragraph

        return Paragraph(html.escape(drawable(str(value)), quote=False), style or self.small)

    def table(self, rows: list[list[Any]], widths: list[float]) -> Table:
        """A gridded table whose first row is its header, repeated on each page."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        # splitInRow: a cell taller than a page (2,000 characters of evidence) flows on to the
        # next page instead of failing the report with a LayoutError.
        built = Table(
            [[self.para(c) for c in r] for r in rows], colWidths=widths, repeatRows=1, splitInRow=1
        )
        built.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT),  # else the table sets Helvetica
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return built

    def section(
        self,
        lang: str,
        title: str,
        columns: tuple[str, ...],
        rows: list[list[Any]],
        widths: list[float],
    ) -> list[Any]:
        """A heading and its table, or nothing when there are no rows."""
        if not rows:
            return []
        return [
            self.para(label(title, lang), self.heading),
            self.table([labels(columns, lang), *rows], widths),
        ]


def pdf(body: dict[str, Any], lang: str) -> bytes:
    """The report as a PDF (A4 landscape), all in the embedded font: no other font is used."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    report_font()
    out = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=label("title", lang),
        author="canxie",
        initialFontName=FONT,  # else the canvas names Helvetica, which is not embedded
    )
    pen = _Pen(page[0] - 24 * mm)
    doc.build(
        [
            *_pdf_summary(pen, body, lang),
            *_pdf_inspections_and_problems(pen, body, lang),
            *_pdf_follow_up(pen, body, lang),
        ]
    )
    return out.getvalue()


def _pdf_summary(pen: _Pen, body: dict[str, Any], lang: str) -> list[Any]:
    """The title, the header, the roll-ups, by township, and the failures by rule."""
    from reportlab.lib.units import mm

    width = pen.width
    return [
        pen.para(label("title", lang), pen.title),
        pen.table([[k, v] for k, v in header_rows(body, lang)], [45 * mm, width - 45 * mm]),
        pen.para(label("summary", lang), pen.heading),
        pen.table([labels(ROLLUP_KEYS, lang), _rollup_values(body["summary"])], [width / 6] * 6),
        *pen.section(
            lang, "townships", TOWNSHIP_COLUMNS, _printed(township_rows(body)), [width / 8] * 8
        ),
        *pen.section(
            lang,
            "failures",
            FAILURE_COLUMNS,
            failure_rows(body, lang),
            [width * 0.6, width * 0.2, width * 0.2],
        ),
    ]


def _pdf_inspections_and_problems(pen: _Pen, body: dict[str, Any], lang: str) -> list[Any]:
    """The inspections (or that there were none), then the problem counts and the problems."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    story = [pen.para(label("inspections", lang), pen.heading)]
    inspections = inspection_rows(body, lang)
    if inspections:
        widths = [w * mm for w in (28, 22, 60, 30, 70, 63)]
        story.append(pen.table([labels(INSPECTION_COLUMNS, lang), *inspections], widths))
    else:
        story.append(pen.para(label("none", lang), pen.text))
    story.append(pen.para(label("problems", lang), pen.heading))
    story.append(pen.para(label("problem_counts", lang, **body["problem_counts"]), pen.text))
    story.append(Spacer(1, 3 * mm))
    problems = problem_rows(body, lang)
    if problems:
        widths = [w * mm for w in (20, 24, 55, 40, 58, 18, 58)]
        story.append(pen.table([labels(PROBLEM_COLUMNS, lang), *problems], widths))
    return story


def _pdf_follow_up(pen: _Pen, body: dict[str, Any], lang: str) -> list[Any]:
    """The spells of key supervision and the model associations, where there are any."""
    width = pen.width
    return [
        *pen.section(
            lang,
            "supervisions",
            SUPERVISION_COLUMNS,
            supervision_rows(body, lang),
            [width * 0.3, width * 0.45, width * 0.25],
        ),
        *pen.section(
            lang,
            "models",
            MODEL_COLUMNS,
            model_rows(body),
            [width * 0.3, width * 0.15, width * 0.55],
        ),
    ]
