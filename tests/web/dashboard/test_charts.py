"""The dashboards' SVG charts: named and described for assistive technology, bars as long as
their shares, a series broken where a month has no figure, the campaign's phases marked, and
labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from service.web.charts import WIDTH, Band, Bar, Point, bar_chart, line_chart, percent

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_bar_chart_is_an_image_named_by_its_title_and_described_by_its_figures() -> None:
    svg = parsed(
        bar_chart("t", "各乡镇达标率", [Bar("林山寨街道", 0.3333), Bar("建设路街道", 1)], "无")
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "t-title t-desc"
    assert svg.find(f"{SVG}title").text == "各乡镇达标率"
    assert svg.find(f"{SVG}desc").text == "林山寨街道: 33.3%; 建设路街道: 100.0%"


def test_bars_are_as_long_as_their_shares_and_clamped() -> None:
    svg = parsed(
        bar_chart("t", "x", [Bar("a", 0.5), Bar("b", 1.0), Bar("c", 1.7), Bar("d", None)], "-")
    )
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths[0] * 2 == widths[1] == widths[2]
    assert widths[3] == 0
    assert all(w <= WIDTH for w in widths)


def test_no_bars_say_so() -> None:
    svg = parsed(bar_chart("t", "x", [], "没有可显示的乡镇"))
    assert svg.find(f"{SVG}desc").text == "没有可显示的乡镇"
    assert "没有可显示的乡镇" in [t.text for t in svg.iter(f"{SVG}text")]


def test_labels_are_escaped() -> None:
    markup = str(bar_chart("t", "<b>", [Bar("<script>alert(1)</script>", 0.1)], "-"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    parsed(markup)  # still well-formed


def test_a_series_is_broken_where_a_month_has_no_figure() -> None:
    points = [
        Point(date(2021, 1, 31), 0.2),
        Point(date(2021, 2, 28), 0.4),
        Point(date(2021, 3, 31), None),
        Point(date(2021, 4, 30), 0.5),
        Point(date(2021, 5, 31), 0.6),
    ]
    svg = parsed(line_chart("p", "进度", points, [], "无数据"))
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2
    assert len(list(svg.iter(f"{SVG}circle"))) == 4
    assert "2021-03-31" not in svg.find(f"{SVG}desc").text


def test_the_campaign_phases_are_marked_in_order() -> None:
    bands = [
        Band("1", date(2020, 10, 1), date(2020, 12, 31)),
        Band("2", date(2021, 1, 1), date(2021, 12, 31)),
        Band("3", date(2022, 1, 1), date(2022, 3, 31)),
        Band("4", date(2022, 4, 1), date(2022, 6, 30)),
    ]
    svg = parsed(line_chart("p", "进度", [Point(date(2021, 6, 30), 0.5)], bands, "无数据"))
    marked = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "band"]
    lefts = [float(r.get("x")) for r in marked]
    assert len(marked) == 4 and lefts == sorted(lefts)
    assert "1 2020-10-01–2020-12-31" in svg.find(f"{SVG}desc").text


def test_a_series_without_figures_says_so() -> None:
    svg = parsed(line_chart("p", "进度", [Point(date(2021, 1, 31), None)], [], "这些月份没有数据"))
    assert svg.find(f"{SVG}desc").text == "这些月份没有数据"
    assert not list(svg.iter(f"{SVG}polyline"))


def test_a_share_is_written_as_a_percentage() -> None:
    assert [percent(0.8571), percent(1), percent(None)] == ["85.7%", "100.0%", "—"]
