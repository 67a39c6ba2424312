"""The campaign's queries for the API, the reports and the command line (issue 6, S4).

Campaign records (work plan, inspections, problems, supervision, models) are read live or as of
a day on either clock; the monthly progress series is computed in one pass per district and
kept per (district, basis, newest position).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from aggregates.campaign.campaign import PHASES, WORK_PLAN_DEADLINE, phase_on
from aggregates.errors import DateInFuture
from projections.campaign import inspections as records_of
from projections.campaign.inspections import INSPECTIONS_PROJECTION
from projections.campaign.progress import add_up, month_ends, series
from projections.compliance import evaluate_stored
from projections.engine.as_of import AsOf, load_as_of, reading
from projections.engine.history import Basis
from projections.engine.memory import MemoryTables
from projections.engine.replay import load_live
from projections.ledger.ledger import latest_head
from projections.platform.database import Database
from service.compliance.queries import events_known, report, settled
from workers.runtime import Runtime

#: The campaign's first and last month ends: the progress chart's range.
FIRST_MONTH = PHASES[0].starts_on
LAST_MONTH = PHASES[-1].ends_on

_series_cache: OrderedDict[tuple[str, str, str, int], list[dict[str, Any]]] = OrderedDict()
_series_lock = threading.Lock()
SERIES_CACHE_SIZE = 64


def _checked(as_of: date | None, today: date) -> None:
    if as_of is not None and as_of > today:
        raise DateInFuture(day=as_of, field="as_of")


def load_campaign(db: Database, district: str) -> MemoryTables:
    """The district's campaign records read from ``db``: the live tables, or the temporal
    tables as of a day when ``db`` reads as of one (``Caller.reading``)."""
    return load_live(db, district, [INSPECTIONS_PROJECTION])


def campaign_tables(
    runtime: Runtime, district: str, as_of: date | None, basis: str
) -> MemoryTables:
    """The district's campaign records: live, or as of a day on a clock."""
    _checked(as_of, runtime.clock.today())
    if as_of is not None:
        settled(runtime, district)
    return load_campaign(reading(runtime.db, as_of, basis), district)


#: The clock of an inspection's rule findings: the state of its day as known when it is
#: recorded, so an inspection typed in after its day (or a migrated history) finds what was
#: true then rather than the empty recorded clock of that day.
RULES_BASIS = Basis.EFFECTIVE


def rule_findings(runtime: Runtime, district: str, inspected_on: date) -> list[dict[str, Any]]:
    """Every rule's finding in the district on the inspection's day, as known now."""
    return report(runtime, district, inspected_on, RULES_BASIS.value)["findings"]


def progress(
    runtime: Runtime,
    district: str,
    basis: str,
    *,
    until: date | None = None,
    bar: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Coverage and share fully compliant at each month end of the campaign (up to today)."""
    last = min(until or LAST_MONTH, runtime.clock.today())
    days = [d for d in month_ends(FIRST_MONTH, last) if d <= last]
    records = runtime.tenancy.records(district)
    store = str(getattr(runtime.db, "url", None) or getattr(runtime.db, "data_dir", ""))
    key = (store, district, f"{basis}:{last}", records.head_position())
    with _series_lock:
        cached = _series_cache.get(key)
    if cached is None:
        cached = series(
            runtime.db, district, records.mapper, days=days, basis=Basis(basis), progress=bar
        )
        with _series_lock:
            _series_cache[key] = cached
            while len(_series_cache) > SERIES_CACHE_SIZE:
                _series_cache.popitem(last=False)
    return [dict(p) for p in cached]


def city_progress(points_by_district: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The city's series: each month end's district points added up."""
    by_day: dict[date, list[dict[str, Any]]] = {}
    for points in points_by_district.values():
        for point in points:
            by_day.setdefault(point["as_of"], []).append(point)
    return [{"as_of": day, **add_up(points)} for day, points in sorted(by_day.items())]


def work_plan_status(
    runtime: Runtime, district: str, as_of: date | None = None, basis: str = "recorded"
) -> dict[str, Any]:
    """The district's work plan against the deadline: filed when, late or not, or missing."""
    tables = campaign_tables(runtime, district, as_of, basis)
    plan = records_of.work_plan(tables, district)
    day = as_of or runtime.clock.today()
    overdue = plan is None and day > WORK_PLAN_DEADLINE
    return {
        "district": district,
        "deadline": WORK_PLAN_DEADLINE,
        "filed": plan is not None,
        "filed_on": plan["filed_on"] if plan else None,
        "late": bool(plan["late"]) if plan else overdue,
        "days_late": (
            (date.fromisoformat(str(plan["filed_on"])) - WORK_PLAN_DEADLINE).days
            if plan and plan["late"]
            else ((day - WORK_PLAN_DEADLINE).days if overdue else 0)
        ),
        "title": plan["title"] if plan else None,
        "revisions": int(plan["revisions"]) if plan else 0,
    }


def phases(day: date) -> dict[str, Any]:
    """The campaign's phases and the one in force on ``day``."""
    current = phase_on(day)
    return {
        "phases": [p.as_dict() for p in PHASES],
        "current_phase": current.key if current else None,
        "work_plan_deadline": WORK_PLAN_DEADLINE,
    }


#: What an acceptance report reads besides the rules' facts (read by SQL): the campaign's
#: records and the division register (its townships' names).
REPORT_TABLES = frozenset({"divisions"} | {t.name for t in INSPECTIONS_PROJECTION.tables})


def township_names(tables: MemoryTables) -> dict[str, str]:
    """Each township's name in the division register as the tables stood (code -> name)."""
    return {
        str(row["code"]): str(row["name"])
        for row in tables.rows("divisions")
        if row["level"] == "township" and row["name"]
    }


def acceptance(runtime: Runtime, district: str, as_of: date | None, basis: str) -> dict[str, Any]:
    """What an acceptance report shows: compliance, campaign records and the ledger head.

    One read of the district's temporal tables as of the day gives both the compliance facts
    and the problem list, so the two agree; the ledger head is the newest signed one when the
    report is made.
    """
    _checked(as_of, runtime.clock.today())
    day = as_of or runtime.clock.today()
    settled(runtime, district)
    chosen = Basis(basis)
    tables = load_as_of(runtime.db, district, AsOf(day, chosen), only=REPORT_TABLES)
    applied, last = events_known(runtime, district, day)[chosen]
    result = evaluate_stored(runtime.db, district, day, chosen)
    head = latest_head(runtime.db, district)
    problems = records_of.problems(tables)
    return {
        "district": district,
        "district_name": runtime.tenancy.district(district).name,
        "as_of": day,
        "basis": basis,
        "events_applied": applied,
        "last_position": last,
        "ledger_head": None
        if head is None
        else {
            "tree_size": head.tree_size,
            "root_hash": head.signed.head.root_hash,
            "signed_at": head.signed.to_dict()["timestamp"],
            "key_id": head.key_id,
        },
        "township_names": township_names(tables),
        "rules_effective_from": result.ruleset.effective_from,
        "summary": result.summary,
        "townships": result.townships,
        "failing": [f.as_dict() for f in result.findings if not f.passed],
        "inspections": records_of.inspections(tables),
        "problems": problems,
        "problem_counts": records_of.problem_counts(problems),
        "supervisions": records_of.supervisions(tables),
        "models": records_of.models(tables),
    }
