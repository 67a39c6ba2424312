"""The acceptance report's PDF carries its own font (issue 12): every font on every page is
embedded, so the Chinese renders on a machine with no Chinese font, and the file is small
because only the glyphs used are embedded."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from projections.compliance import RULES_BY_ID
from service.campaign import reports
from service.campaign.queries import acceptance
from tests import factories
from tests.campaign.district import BY, Calendar, D, build_2021, spot_check
from tests.campaign.report_messages import report_messages
from tests.plugin import stamping
from workers.runtime import Runtime
from workers.settings import Settings

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
LANGS = tuple(reports.REPORT_LOCALES)


@pytest.fixture(scope="module")
def body(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The acceptance body after 2021 and the spot check of March 2022."""
    with stamping(Calendar()) as cal:
        runtime = Runtime.open(Settings(data_dir=tmp_path_factory.mktemp("report")))
        try:
            runtime.tenancy.provision()
            factories.district(runtime.tenancy, D, "中原区", by=BY, clock=cal)
            spot_check(runtime, cal, build_2021(runtime, cal))
            runtime.catch_up(D)
            return acceptance(runtime, D, date(2022, 3, 31), "recorded")
        finally:
            runtime.close()


def _fonts(resources: DictionaryObject) -> Iterator[tuple[str, DictionaryObject]]:
    """Every font of a resource dictionary, including those of its form XObjects."""
    fonts = resources.get("/Font")
    for name, font in (fonts.get_object() if fonts else {}).items():
        yield name, font.get_object()
    xobjects = resources.get("/XObject")
    for xobject in (xobjects.get_object() if xobjects else {}).values():
        form = xobject.get_object()
        if form.get("/Subtype") == "/Form" and "/Resources" in form:
            yield from _fonts(form["/Resources"].get_object())


def _embedded(font: DictionaryObject) -> bool:
    """Whether the font's program is in the file (a Type0 font: each of its descendants)."""
    if font["/Subtype"] == "/Type0":
        return all(_embedded(d.get_object()) for d in font["/DescendantFonts"].get_object())
    if font["/Subtype"] == "/Type3":
        return True  # its glyphs are content streams of the file itself
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor.get_object() for k in FONT_FILES)


def _pages(content: bytes) -> list[tuple[str, list[tuple[str, DictionaryObject]]]]:
    """Each page's text and fonts."""
    reader = PdfReader(io.BytesIO(content))
    return [
        (page.extract_text(), list(_fonts(page["/Resources"].get_object())))
        for page in reader.pages
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_font_of_the_report_is_embedded_and_its_text_reads_back(
    body: dict[str, Any], lang: str, tmp_path: Path
) -> None:
    content = reports.pdf(body, lang)
    pages = _pages(content)
    fonts = [(name, font) for _, on_page in pages for name, font in on_page]
    assert fonts, "no font found on any page"
    missing = {f"{name} {font.get('/BaseFont')}" for name, font in fonts if not _embedded(font)}
    assert not missing, f"fonts not embedded: {missing}"
    # A subset: the tag AAAAAA+ of PDF 9.6.4, and far smaller than the 5 MB font file.
    assert all(str(font["/BaseFont"])[7:8] == "+" for _, font in fonts)
    assert len(content) < 300_000
    text = "".join(t for t, _ in pages)
    expected = {
        "zh": ["村（社区）残疾人协会建设检查验收报告", "截至日期", "问题清单及整改情况"],
        "en": ["Acceptance report", "Problem list and rectification"],
    }[lang]
    # Names of persons and associations are arbitrary Chinese, in either language.
    for wanted in [*expected, "中原区", "百花社区残协", "工作档案不规范", "2022年一季度重点抽查"]:
        assert wanted in text.replace("\n", ""), wanted


def test_the_font_has_a_glyph_for_every_fixed_text_and_every_gb2312_character() -> None:
    """Free text (names, descriptions) may be any Chinese: the whole of GB 2312 and of the
    CJK Unified Ideographs block up to U+9FC3 is drawn; rarer characters are the documented
    limit (service/fonts/README.md)."""
    covered = set(reports.report_font().face.charToGlyph)
    fixed = "".join(
        [
            *(reports.template(m, lang) for m in report_messages() for lang in LANGS),
            *(r.title_zh + r.title_en + r.clause for r in RULES_BY_ID.values()),
            "—→%;:()",
        ]
    )
    gb2312 = "".join(
        bytes([high, low]).decode("gb2312", errors="ignore")
        for high in range(0xA1, 0xF8)
        for low in range(0xA1, 0xFF)
    )
    printable = "".join(chr(c) for c in range(0x20, 0x7F))
    wanted = {c for c in fixed + gb2312 + printable if not c.isspace()}
    assert len(gb2312) == 7445  # 6763 hanzi and 682 other characters
    assert sorted(c for c in wanted if ord(c) not in covered) == []
    unified = range(0x4E00, 0x9FC4)
    assert all(c in covered for c in unified)


def test_a_character_the_font_lacks_is_printed_as_the_missing_mark(body: dict[str, Any]) -> None:
    """Not drawn blank and extracted as NUL, which would drop it from a name unnoticed."""
    rare = copy.deepcopy(body)
    rare["inspections"][0]["title"] = "抽查（王䶮 😀）"
    text = "".join(t for t, _ in _pages(reports.pdf(rare, "zh"))).replace("\n", "")
    assert "抽查（王〓 〓）" in text
    assert "\x00" not in text


def test_the_longest_texts_the_api_accepts_flow_over_pages(body: dict[str, Any]) -> None:
    """A cell taller than a page (2,000 characters of evidence, 4,000 of a model's practice)
    is split across pages instead of failing the whole report with a LayoutError (a 500)."""
    long = copy.deepcopy(body)
    problem = long["problems"][0]
    problem.update(state="rectified", rectified_on="2022-03-20", evidence="甲乙丙丁" * 500)
    long["models"] = [
        {"name": "友谊社区残协", "designated_on": "2022-03-28", "practice": "戊己庚辛" * 1000}
    ]
    pages = _pages(reports.pdf(long, "zh"))
    text = "".join(t for t, _ in pages).replace("\n", "")
    assert len(pages) > 4
    # Every character is there (a page break may fall between any two of them).
    assert text.count("丙") == 500 and text.count("庚") == 1000
