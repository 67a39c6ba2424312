"""Computing compliance reports for the API and the command line: live or as of a day."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from typing import Any, TypeVar

from aggregates.errors import DateInFuture
from projections.campaign.progress import month_ends, temporal_series
from projections.compliance import (
    RULES_BY_ID,
    Report,
    evaluate,
    evaluate_stored,
    kept_rollup,
)
from projections.engine.catchup import projected_position
from projections.engine.history import Basis, known_by
from projections.engine.replay import replay
from workers.runtime import Runtime

T = TypeVar("T")


def report(
    runtime: Runtime,
    district: str,
    as_of: date | None,
    basis: str,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The district's compliance: live today, or as of a day on a clock, from the temporal
    tables (``progress`` is kept for callers that showed a replay's; nothing is replayed)."""
    today = runtime.clock.today()
    if as_of is not None and as_of > today:
        raise DateInFuture(day=as_of, field="as_of")
    if as_of is None:
        result = evaluate_stored(runtime.db, district, today)
        return _body(result, basis, live=True, applied=None, last=None)
    chosen = Basis(basis)
    settled(runtime, district)
    result = evaluate_stored(runtime.db, district, as_of, chosen)
    counts = events_known(runtime, district, as_of)
    applied, last = counts[chosen]
    body = _body(result, basis, live=False, applied=applied, last=last)
    if _recorded_clock_empty(chosen, counts):
        body["recorded_clock_empty"] = True
        body["clock_note"] = EMPTY_RECORDED_CLOCK[basis].format(day=as_of)
    return body


def rollup(runtime: Runtime, district: str, as_of: date | None, basis: str) -> dict[str, Any]:
    """The district's roll-up alone (its summary and townships, no findings), live today or
    as of a day on a clock: what the city's answer adds up, counted in the store."""
    today = runtime.clock.today()
    if as_of is not None and as_of > today:
        raise DateInFuture(day=as_of, field="as_of")
    chosen = None if as_of is None else Basis(basis)
    if chosen is not None:
        settled(runtime, district)
    return {"district": district, **kept_rollup(runtime.db, district, as_of or today, chosen)}


#: Districts read at once for a city-wide answer on PostgreSQL: each read waits mostly on the
#: database, which works on every core; more would only queue on two cores and take more of
#: the process's connection pool (8) from the other requests.
CONCURRENT_DISTRICTS = 2


def each_district(runtime: Runtime, codes: Sequence[str], read: Callable[[str], T]) -> list[T]:
    """``read`` of each district in the order of ``codes``: on PostgreSQL several at once,
    each in its own transaction from the process's pool; on SQLite one after another (one
    writer file per district, and a process's Python is busy anyway)."""
    if runtime.db.kind != "postgresql" or len(codes) < 2:
        return [read(code) for code in codes]
    with ThreadPoolExecutor(max_workers=CONCURRENT_DISTRICTS) as pool:
        return list(pool.map(read, codes))


def settled(runtime: Runtime, district: str) -> None:
    """Bring the read models up to every event committed so far before answering.

    A replay read the log itself; the temporal tables are as fresh as the workers made them,
    and an answer about a past day must not miss what was just recorded about it.  When they
    are behind, this process projects the rest itself (exactly once, under the district's
    lock, as a worker would): usually nothing, at most the lag.
    """
    if projected_position(runtime.db, district) < runtime.head(district):
        runtime.catch_up(district)


def replayed_report(runtime: Runtime, district: str, as_of: date, basis: str) -> dict[str, Any]:
    """The same answer from a replay of the events: the reference the temporal tables are
    checked against (``canxie compliance --replay``, the equality benchmark)."""
    records = runtime.tenancy.records(district)
    replayed = replay(runtime.db, district, records.mapper, as_of=as_of, basis=Basis(basis))
    result = evaluate(district, replayed.tables, as_of)
    return _body(
        result,
        basis,
        live=False,
        applied=replayed.events_applied,
        last=replayed.last_position,
    )


def events_known(
    runtime: Runtime, district: str, as_of: date
) -> dict[Basis, tuple[int, int | None]]:
    """Events the read models hold as of the day, on each clock."""
    db = runtime.db
    with db.transaction(district, write=False) as cur:
        sql = partial(db.sql, district)
        return {b: known_by(cur, sql, b, as_of) for b in Basis}


def _recorded_clock_empty(basis: Basis, counts: dict[Basis, tuple[int, int | None]]) -> bool:
    """True when the recorded clock knew nothing by the day while events effective by then
    were recorded later (a history entered after the fact)."""
    recorded, effective = counts[Basis.RECORDED][0], counts[Basis.EFFECTIVE][0]
    return (
        recorded == 0 and effective > 0
        if basis is Basis.RECORDED
        else (effective > 0 and recorded == 0)
    )


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
    dashboard looks back from any day.  Each point is read from the temporal tables.
    """
    if until > runtime.clock.today():
        raise DateInFuture(day=until, field="as_of")
    first = date(until.year - 1, until.month, 1)
    before = [d for d in month_ends(first, until) if d < until]
    days = [*before[-(TREND_MONTHS - 1) :], until]
    settled(runtime, district)
    return temporal_series(runtime.db, district, days=days, basis=Basis(basis))
