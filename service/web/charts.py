"""Charts drawn on the server as SVG, for the supervisors' dashboards (no script, no library).

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (the figures in words); the page puts the table of the same numbers beside it.
Colours come from presentation attributes, never ``style`` (the pages' CSP forbids inline
styles), and every colour on white passes WCAG AA contrast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

#: Bars and lines (dark blue, 8.6:1 on white), phases' bands and their labels, axis text.
INK = "#0d47a1"
BAND = ("#e3f2fd", "#fff8e1")
TEXT = "#1f2933"
MUTED = "#52606d"
#: Drawing sizes in SVG units; the chart scales to its container's width.
WIDTH = 360
LABEL_WIDTH = 120
BAR_HEIGHT = 22
GAP = 8
PLOT_HEIGHT = 150
#: Room above the plot for the bands' labels (two rows, so short phases do not collide).
TOP = 30


@dataclass(frozen=True)
class Bar:
    """One bar: its label and a share between 0 and 1 (None: nothing to measure)."""

    label: str
    share: float | None


@dataclass(frozen=True)
class Point:
    """One point of a series over time: the day and a share between 0 and 1 (or None)."""

    day: date
    share: float | None


@dataclass(frozen=True)
class Band:
    """A stretch of time marked on a series (a phase of the campaign, S4)."""

    label: str
    starts_on: date
    ends_on: date


def percent(share: float | None) -> str:
    """A share as the charts and their tables write it (``85.7%``, or ``—``)."""
    return "—" if share is None else f"{share * 100:.1f}%"


def _clamped(share: float | None) -> float:
    return 0.0 if share is None else min(max(share, 0.0), 1.0)


def _frame(ident: str, title: str, description: str, height: float, body: str) -> Markup:
    """The ``<svg>`` around a chart's drawing, named and described for assistive technology."""
    return Markup(
        f'<svg class="chart" id="{escape(ident)}" role="img" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="100%" aria-labelledby="{escape(ident)}-title {escape(ident)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{escape(ident)}-title">{escape(title)}</title>'
        f'<desc id="{escape(ident)}-desc">{escape(description)}</desc>{body}</svg>'
    )


def bar_chart(ident: str, title: str, bars: Sequence[Bar], empty: str) -> Markup:
    """Horizontal bars of shares (a bar per district or township), each with its figure."""
    description = "; ".join(f"{b.label}: {percent(b.share)}" for b in bars) or empty
    room = WIDTH - LABEL_WIDTH - 56
    parts = []
    for n, bar in enumerate(bars):
        y = n * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        length = round(room * _clamped(bar.share), 1)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:g}" text-anchor="end" font-size="13" '
            f'fill="{TEXT}">{escape(bar.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{room}" height="{BAR_HEIGHT}" '
            f'fill="none" stroke="{MUTED}" stroke-width="1"/>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:g}" '
            f'height="{BAR_HEIGHT}" fill="{INK}"/>'
            f'<text x="{LABEL_WIDTH + room + 4}" y="{middle:g}" font-size="13" '
            f'fill="{TEXT}">{percent(bar.share)}</text>'
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    if not bars:
        parts.append(f'<text x="0" y="16" font-size="13" fill="{MUTED}">{escape(empty)}</text>')
    return _frame(ident, title, description, height, "".join(parts))


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return round(LABEL_WIDTH / 3 + (WIDTH - LABEL_WIDTH / 3 - 8) * (day - first).days / span, 1)


def _y(share: float) -> float:
    return round(TOP + PLOT_HEIGHT * (1 - share), 1)


def _bands(bands: Sequence[Band], first: date, last: date) -> str:
    parts = []
    for n, band in enumerate(bands):
        left = _x(max(band.starts_on, first), first, last)
        right = _x(min(band.ends_on, last), first, last)
        if right <= left:
            continue
        parts.append(
            f'<rect class="band" x="{left:g}" y="{TOP}" width="{right - left:g}" '
            f'height="{PLOT_HEIGHT}" fill="{BAND[n % 2]}"/>'
            f'<text x="{left + 2:g}" y="{11 + (n % 2) * 12}" font-size="10" '
            f'fill="{TEXT}">{escape(band.label)}</text>'
        )
    return "".join(parts)


def _axis(first: date, last: date) -> str:
    parts = [
        f'<line x1="{_x(first, first, last)}" y1="{_y(0)}" x2="{WIDTH - 8}" y2="{_y(0)}" '
        f'stroke="{MUTED}"/>'
    ]
    for share in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="2" y="{_y(share) + 4:g}" font-size="11" fill="{MUTED}">'
            f"{share * 100:.0f}%</text>"
        )
    for day in (first, last):
        anchor = "start" if day == first else "end"
        parts.append(
            f'<text x="{_x(day, first, last)}" y="{_y(0) + 16:g}" font-size="11" '
            f'text-anchor="{anchor}" fill="{MUTED}">{day:%Y-%m}</text>'
        )
    return "".join(parts)


def _line(points: Sequence[Point], first: date, last: date) -> str:
    """The series as runs of a polyline (broken where there is no figure) and dots."""
    runs: list[list[str]] = [[]]
    dots = []
    for point in points:
        if point.share is None:
            runs.append([])
            continue
        x, y = _x(point.day, first, last), _y(_clamped(point.share))
        runs[-1].append(f"{x:g},{y:g}")
        dots.append(f'<circle class="point" cx="{x:g}" cy="{y:g}" r="3" fill="{INK}"/>')
    lines = [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{INK}" stroke-width="2"/>'
        for run in runs
        if len(run) > 1
    ]
    return "".join(lines) + "".join(dots)


def line_chart(
    ident: str, title: str, points: Sequence[Point], bands: Sequence[Band], empty: str
) -> Markup:
    """A share over time (month ends), with stretches of time (the campaign's phases) marked."""
    measured = [p for p in points if p.share is not None]
    described = [f"{p.day.isoformat()}: {percent(p.share)}" for p in measured]
    marked = [f"{b.label} {b.starts_on.isoformat()}–{b.ends_on.isoformat()}" for b in bands]
    description = "; ".join(marked + (described or [empty]))
    days = [p.day for p in points] + [d for b in bands for d in (b.starts_on, b.ends_on)]
    if not days:
        body = f'<text x="0" y="16" font-size="13" fill="{MUTED}">{escape(empty)}</text>'
        return _frame(ident, title, description, 24, body)
    first, last = min(days), max(days)
    body = _bands(bands, first, last) + _axis(first, last) + _line(points, first, last)
    if not measured:
        body += (
            f'<text x="{LABEL_WIDTH / 3 + 6:g}" y="{_y(0.5):g}" font-size="13" '
            f'fill="{TEXT}">{escape(empty)}</text>'
        )
    return _frame(ident, title, description, TOP + PLOT_HEIGHT + 22, body)
