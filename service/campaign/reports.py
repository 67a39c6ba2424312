"""Acceptance reports (验收报告) as Excel and PDF, in Chinese first with English available.

Both show the as-of day and clock, the signed ledger head the figures were computed from (or
that there was none), the roll-ups, and the problem list with each problem's rectification.
The content comes from :func:`service.campaign.queries.acceptance`; this module only lays it out.
"""

from __future__ import annotations

import html
import io
from importlib import resources
from typing import TYPE_CHECKING, Any

from aggregates.campaign.inspection import BODY_LABELS, Body, InspectionKind
from projections.compliance import RULES_BY_ID

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"

LABELS: dict[str, dict[str, str]] = {
    "title": {
        "zh": "村（社区）残疾人协会建设检查验收报告",
        "en": "Acceptance report: village and community disabled persons' associations",
    },
    "district": {"zh": "区县", "en": "District"},
    "as_of": {"zh": "截至日期", "en": "As of"},
    "basis": {"zh": "口径", "en": "Basis"},
    "recorded": {
        "zh": "记录口径（当日系统所载）",
        "en": "recorded (what the records said that day)",
    },
    "effective": {
        "zh": "事实口径（按生效日期，含后补更正）",
        "en": "effective (what was true that day, corrections included)",
    },
    "ledger": {"zh": "账本签名树头", "en": "Ledger signed tree head"},
    "no_head": {"zh": "无签名树头", "en": "no signed head"},
    "head": {
        "zh": "规模 {size}，根哈希 {root}，签名时间 {at}",
        "en": "size {size}, root hash {root}, signed at {at}",
    },
    "events": {"zh": "计入事件数", "en": "Events applied"},
    "rules_from": {"zh": "适用规则版本生效日", "en": "Rules in force since"},
    "summary": {"zh": "总体情况", "en": "Summary"},
    "associations": {"zh": "残协数", "en": "Associations"},
    "fully_compliant": {"zh": "全部达标", "en": "Fully compliant"},
    "compliant_share": {"zh": "达标率", "en": "Share compliant"},
    "villages": {"zh": "村（社区）数", "en": "Villages"},
    "covered_villages": {"zh": "已建残协村（社区）", "en": "Villages covered"},
    "coverage_rate": {"zh": "覆盖率", "en": "Coverage rate"},
    "townships": {"zh": "分乡镇（街道）情况", "en": "By township"},
    "township": {"zh": "乡镇（街道）", "en": "Township"},
    "failures": {"zh": "未达标规则", "en": "Failures by rule"},
    "rule": {"zh": "规则", "en": "Rule"},
    "clause": {"zh": "条款", "en": "Clause"},
    "count": {"zh": "数量", "en": "Count"},
    "problems": {"zh": "问题清单及整改情况", "en": "Problem list and rectification"},
    "problem_counts": {
        "zh": "问题共 {total} 个：待整改 {open}，已上报 {escalated}，已整改 {rectified}",
        "en": "{total} problems: {open} open, {escalated} escalated, {rectified} rectified",
    },
    "no_problems": {"zh": "无问题记录", "en": "No problems recorded"},
    "found_on": {"zh": "发现日期", "en": "Found"},
    "inspection": {"zh": "检查", "en": "Inspection"},
    "association": {"zh": "残协 / 村（社区）", "en": "Association / village"},
    "description": {"zh": "问题", "en": "Problem"},
    "state": {"zh": "状态", "en": "Status"},
    "rectification": {"zh": "整改日期及佐证", "en": "Rectified on, evidence"},
    "open": {"zh": "待整改", "en": "open"},
    "escalated": {"zh": "已上报", "en": "escalated"},
    "rectified": {"zh": "已整改", "en": "rectified"},
    "inspections": {"zh": "检查验收记录", "en": "Inspections"},
    "kind": {"zh": "类型", "en": "Kind"},
    "date": {"zh": "日期", "en": "Date"},
    "name": {"zh": "名称", "en": "Title"},
    "outcome": {"zh": "结论", "en": "Outcome"},
    "decisions": {"zh": "三方意见", "en": "Decisions of the three bodies"},
    "passed": {"zh": "通过", "en": "passed"},
    "conditional": {"zh": "限期整改后通过", "en": "conditional"},
    "failed": {"zh": "不通过", "en": "failed"},
    "pending": {"zh": "未结论", "en": "pending"},
    "failing": {"zh": "未达标明细", "en": "Failing findings"},
    "supervisions": {"zh": "重点督办", "en": "Key supervision"},
    "models": {"zh": "典型培育", "en": "Model associations"},
    "whole_district": {"zh": "全区", "en": "whole district"},
    "none": {"zh": "无", "en": "none"},
    "since": {"zh": "自", "en": "since"},
    "released": {"zh": "解除于", "en": "released"},
}


def label(key: str, lang: str, **values: Any) -> str:
    """A label in the report's language, filled in."""
    return LABELS[key][lang].format(**values)


def _share(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


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
    value = InspectionKind(kind)
    return value.label_zh if lang == "zh" else value.label_en


def _decisions_text(inspection: dict[str, Any], lang: str) -> str:
    parts = []
    for decision in inspection["decisions"]:
        names = BODY_LABELS[Body(decision["body"])]
        parts.append(
            f"{names[0] if lang == 'zh' else names[1]}: {label(decision['decision'], lang)}"
        )
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


ROLLUP_KEYS = (
    "associations",
    "fully_compliant",
    "compliant_share",
    "villages",
    "covered_villages",
    "coverage_rate",
)


def _rollup_values(rollup: dict[str, Any]) -> list[str]:
    out = []
    for key in ROLLUP_KEYS:
        value = rollup.get(key)
        out.append(
            _share(value)
            if key.endswith(("share", "rate"))
            else ("—" if value is None else str(value))
        )
    return out


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
                _decisions_text(inspection, lang),
                label("problem_counts", lang, **counts),
            ]
        )
    return rows


# -- Excel ------------------------------------------------------------------------------------


def xlsx(body: dict[str, Any], lang: str) -> bytes:
    """The report as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = label("summary", lang)[:31]
    sheet.append([label("title", lang)])
    sheet["A1"].font = Font(bold=True, size=14)
    for name, value in header_rows(body, lang):
        sheet.append([name, value])
    sheet.append([])
    sheet.append([label(k, lang) for k in ROLLUP_KEYS])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.append(_rollup_values(body["summary"]))
    sheet.append([])
    sheet.append([label("failures", lang), label("clause", lang), label("count", lang)])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for rule_id, count in body["summary"]["failures_by_rule"].items():
        sheet.append(
            [
                f"{rule_id} {_rule_title(rule_id, lang)}",
                RULES_BY_ID[rule_id].clause if rule_id in RULES_BY_ID else "",
                count,
            ]
        )
    sheet.append([])
    sheet.append([label("problem_counts", lang, **body["problem_counts"])])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60

    townships = book.create_sheet(label("townships", lang)[:31])
    townships.append([label("township", lang), *(label(k, lang) for k in ROLLUP_KEYS)])
    for township in body["townships"]:
        townships.append([township["township_code"], *_rollup_values(township)])

    problems = book.create_sheet(label("problems", lang)[:31])
    problems.append(
        [
            label(k, lang)
            for k in (
                "found_on",
                "inspection",
                "association",
                "rule",
                "description",
                "state",
                "rectification",
            )
        ]
    )
    for row in problem_rows(body, lang):
        problems.append(row)
    for column, width in zip("ABCDEFG", (12, 14, 34, 28, 40, 10, 40), strict=True):
        problems.column_dimensions[column].width = width

    inspections = book.create_sheet(label("inspections", lang)[:31])
    inspections.append(
        [label(k, lang) for k in ("kind", "date", "name", "outcome", "decisions", "problems")]
    )
    for row in inspection_rows(body, lang):
        inspections.append(row)

    failing = book.create_sheet(label("failing", lang)[:31])
    failing.append(
        [
            label("rule", lang),
            label("clause", lang),
            label("association", lang),
            label("township", lang),
        ]
    )
    for finding in body["failing"]:
        where = finding["association_name"] or finding["division_code"]
        failing.append(
            [
                f"{finding['rule_id']} {_rule_title(finding['rule_id'], lang)}",
                finding["clause"],
                f"{where} ({finding['division_code']})",
                finding["township_code"],
            ]
        )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True, size=cell.font.size)
            cell.alignment = Alignment(wrap_text=False)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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


def pdf(body: dict[str, Any], lang: str) -> bytes:
    """The report as a PDF (A4 landscape), all in the embedded font: no other font is used."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    report_font()
    text = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("small", parent=text, fontSize=8, leading=10)
    heading = ParagraphStyle(
        "heading", parent=text, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4
    )
    title = ParagraphStyle("title", parent=text, fontSize=16, leading=22, alignment=1, spaceAfter=8)

    def p(value: Any, style: ParagraphStyle = small) -> Paragraph:
        return Paragraph(html.escape(drawable(str(value)), quote=False), style)

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        # splitInRow: a cell taller than a page (2,000 characters of evidence) flows on to the
        # next page instead of failing the report with a LayoutError.
        built = Table(
            [[p(c) for c in r] for r in rows], colWidths=widths, repeatRows=1, splitInRow=1
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
    width = page[0] - 24 * mm
    story: list[Any] = [p(label("title", lang), title)]
    story.append(table([[k, v] for k, v in header_rows(body, lang)], [45 * mm, width - 45 * mm]))
    story.append(p(label("summary", lang), heading))
    story.append(
        table(
            [[label(k, lang) for k in ROLLUP_KEYS], _rollup_values(body["summary"])],
            [width / 6] * 6,
        )
    )
    if body["townships"]:
        story.append(p(label("townships", lang), heading))
        story.append(
            table(
                [
                    [label("township", lang), *(label(k, lang) for k in ROLLUP_KEYS)],
                    *([t["township_code"], *_rollup_values(t)] for t in body["townships"]),
                ],
                [width / 7] * 7,
            )
        )
    failures = body["summary"]["failures_by_rule"]
    if failures:
        story.append(p(label("failures", lang), heading))
        story.append(
            table(
                [
                    [label("rule", lang), label("clause", lang), label("count", lang)],
                    *(
                        [
                            f"{r} {_rule_title(r, lang)}",
                            RULES_BY_ID[r].clause if r in RULES_BY_ID else "",
                            str(n),
                        ]
                        for r, n in failures.items()
                    ),
                ],
                [width * 0.6, width * 0.2, width * 0.2],
            )
        )
    story.append(p(label("inspections", lang), heading))
    rows = inspection_rows(body, lang)
    if rows:
        story.append(
            table(
                [
                    [
                        label(k, lang)
                        for k in ("kind", "date", "name", "outcome", "decisions", "problems")
                    ],
                    *rows,
                ],
                [w * mm for w in (28, 22, 60, 30, 70, 63)],
            )
        )
    else:
        story.append(p(label("none", lang), text))
    story.append(p(label("problems", lang), heading))
    story.append(p(label("problem_counts", lang, **body["problem_counts"]), text))
    story.append(Spacer(1, 3 * mm))
    rows = problem_rows(body, lang)
    if rows:
        story.append(
            table(
                [
                    [
                        label(k, lang)
                        for k in (
                            "found_on",
                            "inspection",
                            "association",
                            "rule",
                            "description",
                            "state",
                            "rectification",
                        )
                    ],
                    *rows,
                ],
                [w * mm for w in (20, 24, 55, 40, 58, 18, 58)],
            )
        )
    supervisions = body["supervisions"]
    if supervisions:
        story.append(p(label("supervisions", lang), heading))
        story.append(
            table(
                [
                    [label("association", lang), label("description", lang), label("date", lang)],
                    *(
                        [
                            s["association_name"] or label("whole_district", lang),
                            s["reason"],
                            f"{label('since', lang)} {s['started_on']}"
                            + (
                                f"; {label('released', lang)} {s['released_on']}"
                                if s["released_on"]
                                else ""
                            ),
                        ]
                        for s in supervisions
                    ),
                ],
                [width * 0.3, width * 0.45, width * 0.25],
            )
        )
    if body["models"]:
        story.append(p(label("models", lang), heading))
        story.append(
            table(
                [
                    [label("association", lang), label("date", lang), label("description", lang)],
                    *([m["name"], str(m["designated_on"]), m["practice"]] for m in body["models"]),
                ],
                [width * 0.3, width * 0.15, width * 0.55],
            )
        )
    doc.build(story)
    return out.getvalue()
