"""Computing compliance reports for the API and the command line: live or as of a day."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from aggregates.district import today_in_china
from aggregates.errors import InvalidValue
from projections.compliance import RULES_BY_ID, Report, evaluate
from projections.replay import Basis, load_live, replay
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
    today = today_in_china()
    if as_of is not None and as_of > today:
        raise InvalidValue("as_of lies in the future", field="as_of")
    if as_of is None:
        result = evaluate(district, load_live(runtime.db, district), today)
        return _body(result, basis, live=True, applied=None, last=None)
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
    result, applied, last = cached
    return _body(result, basis, live=False, applied=applied, last=last)


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
    }
