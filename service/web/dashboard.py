"""Compliance on any day (issue 16), for the city, a district and a township: coverage of the
villages (S2), the share of fully compliant associations, failures by clause, the charts
beside their tables, and the difference between two days.  Each page is read as of the day
and on the clock of its ``as_of``/``basis`` query (service/web/as_of.py); the association's
drill-down is service/web/findings.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, g, redirect, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from aggregates.campaign.campaign import PHASES
from projections.compliance import RULES_BY_ID
from service.application import dashboard
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web import charts
from service.web.as_of import parse_day, picked
from service.web.blueprint import pages, render_page
from service.web.paging import PAGE_SIZE, Page, offset_of

#: How far back the difference looks when no first day is given.
DIFF_DAYS = 30


def show(template: str, status: int, **context: Any) -> Response:
    """A dashboard page, with the rules' titles at hand (by rule id)."""
    return render_page(template, status, rules=RULES_BY_ID, **context)


def phase_bands() -> list[charts.Band]:
    """The campaign's four phases (S4), numbered on the chart; the page names them below it."""
    return [charts.Band(str(n), p.starts_on, p.ends_on) for n, p in enumerate(PHASES, 1)]


def series_charts(prefix: str, found: dict[str, Any]) -> dict[str, Any]:
    """The campaign's progress with its phases, and coverage over the last year."""
    progress = [charts.Point(p["as_of"], p["compliant_share"]) for p in found["progress"]]
    recent = [charts.Point(p["as_of"], p["coverage_rate"]) for p in found["recent"]]
    nothing = gettext("No figures for these months.")
    return {
        "progress_chart": charts.line_chart(
            f"{prefix}-progress",
            gettext("Share of fully compliant associations, month by month of the campaign"),
            progress,
            phase_bands(),
            nothing,
        ),
        "coverage_chart": charts.line_chart(
            f"{prefix}-coverage",
            gettext("Coverage of villages over the last twelve months"),
            recent,
            [],
            nothing,
        ),
    }


def _share_chart(
    chart_id: str,
    rows: list[dict[str, Any]],
    key: str,
    names: dict[str, str],
    title: str,
    empty: str,
) -> Markup:
    """A bar for each row (a district or township, by ``key``, named from ``names``): its
    share of fully compliant associations."""
    bars = [charts.Bar(names.get(r[key], r[key]), r["compliant_share"]) for r in rows]
    return charts.bar_chart(chart_id, title, bars, empty)


@pages.route("/compliance")
@rule(Action.READ, Target.NONE)
def compliance_city() -> Response:
    """The city: each district's coverage and share compliant; a district's staff go to
    their district's dashboard, a township officer to the township's."""
    principal = g.principal
    asof = picked()
    if not principal.city_wide:
        if principal.township and principal.district:
            target = url_for(
                "pages.compliance_township",
                code=principal.district,
                township_code=principal.township,
                **asof.args(),
            )
        else:
            target = url_for("pages.compliance_district", code=principal.district, **asof.args())
        return redirect(target, 302)  # type: ignore[return-value]
    found = dashboard.city(caller(), asof.query())
    chart = _share_chart(
        "districts-share",
        found["districts"],
        "district",
        found["names"],
        gettext("Share of fully compliant associations by district"),
        gettext("No district to show."),
    )
    return show(
        "dashboard/city.html",
        asof.status,
        asof=asof,
        found=found,
        chart=chart,
        **series_charts("city", found),
    )


@pages.route("/compliance/districts/<code>")
@rule(Action.READ, Target.NONE)
def compliance_district(code: str) -> Response:
    """A district: its townships' shares (bars and table), failures by clause, the series."""
    asof = picked()
    found = dashboard.district(caller(), code, asof.query())
    chart = _share_chart(
        "townships-share",
        found["townships"],
        "township_code",
        found["township_names"],
        gettext("Share of fully compliant associations by township"),
        gettext("No township to show."),
    )
    return show(
        "dashboard/district.html",
        asof.status,
        asof=asof,
        found=found,
        chart=chart,
        diff_from=(asof.shown - timedelta(days=DIFF_DAYS)).isoformat(),
        **series_charts("district", found),
    )


@pages.route("/compliance/districts/<code>/townships/<township_code>")
@rule(Action.READ, Target.NONE)
def compliance_township(code: str, township_code: str) -> Response:
    """A township: its associations, those failing first with their rules, paged."""
    asof = picked()
    found = dashboard.township(caller(), code, township_code, asof.query())
    offset = offset_of(request.args)
    items = found["associations"][offset : offset + PAGE_SIZE]
    kept = {**asof.args(), "code": code, "township_code": township_code}
    page = Page(items, len(found["associations"]), offset, PAGE_SIZE, kept)
    return show("dashboard/township.html", asof.status, asof=asof, found=found, page=page)


def _diff_days(today: Any) -> tuple[Any, Any, dict[str, str], dict[str, str]]:
    """The two days of the difference (first defaults to a month before the second)."""
    errors: dict[str, str] = {}
    second, refusal = parse_day(request.args.get("to", ""), today)
    if refusal:
        errors["to"] = refusal
    second = second or today
    first, refusal = parse_day(request.args.get("from", ""), today)
    if refusal:
        errors["from"] = refusal
    first = first or second - timedelta(days=DIFF_DAYS)
    if first > second and not errors:
        errors["from"] = gettext("Choose a first day before the second.")
        first = second - timedelta(days=DIFF_DAYS)
    values = {"from": first.isoformat(), "to": second.isoformat()}
    return first, second, errors, values


@pages.route("/compliance/districts/<code>/changes")
@rule(Action.READ, Target.NONE)
def compliance_changes(code: str) -> Response:
    """What became compliant and what fell out between two days, and why; each township's
    share on both days, the ones that fell behind first."""
    asof = picked()
    first, second, errors, values = _diff_days(asof.today)
    errors.update({k: v for k, v in asof.errors.items() if k == "basis"})
    found = dashboard.diff(caller(), code, first, second, asof.basis)
    return show(
        "dashboard/changes.html",
        422 if errors else 200,
        asof=asof,
        found=found,
        first=first,
        second=second,
        errors=errors,
        values=values,
    )
