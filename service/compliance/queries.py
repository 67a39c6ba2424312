"""Computing compliance reports for the API and the command line: live or as of a day."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from aggregates.errors import DateInFuture
from projections.campaign.progress import month_ends, series
from projections.compliance import RULES_BY_ID, Report, evaluate
from projections.engine.replay import Basis, load_live, recorded_by, replay
from workers.runtime import Runtime

#: Replays kept per process: (store, district, day, basis, newest position) -> report.
CACHE_SIZE = 32
_cache: OrderedDict[tuple[str, str, date, str, int], tuple[Report, int, int]] = OrderedDict()
_cache_lock = threading.Lock()


def report(
    runtime: Runtime,
    district: str,
    as_of: date | None,
    basis: str,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The district's compliance: live today, or replayed as of a day on a clock."""
    today = runtime.clock.today()
    if as_of is not None and as_of > today:
        raise DateInFuture(day=as_of, field="as_of")
    if as_of is None:
        result = evaluate(district, load_live(runtime.db, district), today)
        return _body(result, basis, live=True, applied=None, last=None)
    result, applied, last = _replayed(runtime, district, as_of, basis, progress)
    body = _body(result, basis, live=False, applied=applied, last=last)
    if _recorded_clock_empty(runtime, district, as_of, basis, applied):
        body["recorded_clock_empty"] = True
        body["clock_note"] = EMPTY_RECORDED_CLOCK[basis].format(day=as_of)
    return body


#: What the answer says when the recorded clock knew nothing yet on the day asked about while
#: events effective on or before it were recorded later (a history entered after the fact).
EMPTY_RECORDED_CLOCK = {
    Basis.RECORDED.value: (
        "截至{day}，记录时钟上尚无任何记录，但有生效日期在该日或之前、于之后补录的事件；"
        "查看该日实际情况请使用 basis=effective。 / On {day} the recorded clock knew nothing "
        "yet, but events effective on or before that day were recorded later; ask with "
        "basis=effective for what was true that day."
    ),
    Basis.EFFECTIVE.value: (
        "截至{day}，记录时钟上尚无任何记录：以下情况均为之后补录。 / On {day} the recorded "
        "clock knew nothing yet: everything shown here was recorded later."
    ),
}


def _recorded_clock_empty(
    runtime: Runtime, district: str, as_of: date, basis: str, applied: int
) -> bool:
    """True when nothing was recorded by ``as_of`` but events effective by then exist."""
    if basis == Basis.RECORDED.value:
        if applied:
            return False
        return _replayed(runtime, district, as_of, Basis.EFFECTIVE.value, None)[1] > 0
    if not applied:
        return False
    records = runtime.tenancy.records(district)
    return not recorded_by(runtime.db, district, records.mapper, as_of)


def _replayed(
    runtime: Runtime,
    district: str,
    as_of: date,
    basis: str,
    progress: Callable[[int], None] | None,
) -> tuple[Report, int, int]:
    """The replayed report, the events applied and the last position (cached per log head)."""
    records = runtime.tenancy.records(district)
    store = str(getattr(runtime.db, "url", None) or getattr(runtime.db, "data_dir", ""))
    key = (store, district, as_of, basis, records.head_position())
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        replayed = replay(
            runtime.db, district, records.mapper, as_of=as_of, basis=Basis(basis), progress=progress
        )
        cached = (
            evaluate(district, replayed.tables, as_of),
            replayed.events_applied,
            replayed.last_position,
        )
        with _cache_lock:
            _cache[key] = cached
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return cached


def _body(
    result: Report, basis: str, *, live: bool, applied: int | None, last: int | None
) -> dict[str, Any]:
    findings = []
    for finding in result.findings:
        rule = RULES_BY_ID[finding.rule_id]
        findings.append({**finding.as_dict(), "title_zh": rule.title_zh, "title_en": rule.title_en})
    return {
        "district": result.district,
        "as_of": result.as_of,
        "basis": basis,
        "live": live,
        "rules_effective_from": result.ruleset.effective_from,
        "events_applied": applied,
        "last_position": last,
        "summary": result.summary,
        "townships": result.townships,
        "findings": findings,
        "recorded_clock_empty": False,
        "clock_note": None,
    }


#: Month ends a dashboard's "coverage over time" shows, the last one the day asked about.
TREND_MONTHS = 12


def trend(runtime: Runtime, district: str, basis: str, until: date) -> list[dict[str, Any]]:
    """Coverage and share compliant at the last month ends before ``until``, and on it.

    The campaign's own series (service/campaign/queries.progress) stops at June 2022; a
    dashboard looks back from any day.  One pass of the district's history, kept per log head.
    """
    if until > runtime.clock.today():
        raise DateInFuture(day=until, field="as_of")
    first = date(until.year - 1, until.month, 1)
    before = [d for d in month_ends(first, until) if d < until]
    days = [*before[-(TREND_MONTHS - 1) :], until]
    records = runtime.tenancy.records(district)
    store = str(getattr(runtime.db, "url", None) or getattr(runtime.db, "data_dir", ""))
    key = (store, district, until, basis, records.head_position())
    with _cache_lock:
        cached = _trends.get(key)
    if cached is None:
        cached = series(runtime.db, district, records.mapper, days=days, basis=Basis(basis))
        with _cache_lock:
            _trends[key] = cached
            while len(_trends) > CACHE_SIZE:
                _trends.popitem(last=False)
    return [dict(p) for p in cached]


_trends: OrderedDict[tuple[str, str, date, str, int], list[dict[str, Any]]] = OrderedDict()
