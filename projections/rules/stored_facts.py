"""The rules' facts read from the store by SQL: only the rows and columns the rules look at.

:class:`projections.rules.facts.Facts` built from whole tables in memory is the reference (a
replay builds those); here the same facts come from the read models, live or as of a day on
either clock (``reading(db, day, basis)`` answers the same queries from the temporal tables).
The filters the rules apply on the day (in force, not ended, latest visit, latest training)
run in the database, so a district's evaluation moves a few columns of the rows that count
instead of every version of every row (issue 15: the as-of compliance profile).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from typing import Any

from projections.platform.database import Cursor, Database
from projections.rules.facts import Facts, Roster, association_order, intervals_on, officer_order
from projections.rules.s3_5_systems import Due, Household, visit_due

Sql = Callable[[str], str]

#: Which rows hold on the day, for a table with a start and an end column (NULL: open).
_HOLDS = "({start} IS NULL OR {start} <= %s) AND ({end} IS NULL OR {end} > %s)"


def _holds(start: str, end: str) -> str:
    return _HOLDS.format(start=start, end=end)


def read_facts(db: Database, district: str, as_of: date, *, named: bool = True) -> Facts:
    """The district's facts on ``as_of`` from ``db`` (live tables, or ``reading(...)``);
    unless ``named``, the roster rules' failures are counted, not listed (a roll-up names no
    one, and a city whose visits stopped has every household overdue)."""
    facts = Facts(None, as_of)
    sql = partial(db.sql, district)
    beside = _overdue_beside(db, district, as_of, named)
    with beside as overdue, db.transaction(district, write=False) as cur:
        facts.intervals = _intervals(cur, sql, as_of)
        _organisation(cur, sql, facts)
        if named:
            _people(cur, sql, facts, overdue)
        else:
            _people_counted(cur, sql, facts)
        _care(cur, sql, facts)
    return facts


def _intervals(cur: Cursor, sql: Sql, as_of: date) -> dict[str, int]:
    cur.execute(sql("SELECT position, effective_from, intervals FROM {s}visit_interval_versions"))
    return intervals_on([dict(row) for row in cur.fetchall()], as_of)


Overdue = dict[str, list[dict[str, Any]]]


#: The overdue households by village of the reading's facts, on its cursor.
OverdueOf = Callable[[Cursor, Facts], Overdue]


@contextmanager
def _overdue_beside(db: Database, district: str, as_of: date, named: bool) -> Iterator[OverdueOf]:
    """The overdue households by village, for a named reading: on PostgreSQL worked out on a
    second connection while the other queries run (the largest of them, and the reads are at
    statement level anyway: each query sees what was committed when it began), else on the
    reading's own cursor after the others."""
    sql = partial(db.sql, district)
    if not named or db.kind != "postgresql":
        yield lambda cur, facts: overdue_households(cur, sql, facts)
        return

    def apart() -> Overdue:
        with db.transaction(district, write=False) as cur:
            facts = Facts(None, as_of)
            facts.intervals = _intervals(cur, sql, as_of)
            return overdue_households(cur, sql, facts)

    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(apart)
        yield lambda _cur, _facts: found.result()


def _rows(cur: Cursor, sql: Sql, template: str, day: str) -> list[Any]:
    """The rows of a query whose every placeholder is the day."""
    cur.execute(sql(template), [day] * template.count("%s"))
    return list(cur.fetchall())


def _organisation(cur: Cursor, sql: Sql, facts: Facts) -> None:
    day = facts.day
    facts.associations = sorted(
        (
            {k: row[k] for k in ("id", "division_code", "name", "township_code", "established_on")}
            for row in _rows(
                cur,
                sql,
                "SELECT id, division_code, name, township_code, established_on "
                "FROM {s}associations WHERE established_on <= %s AND id NOT IN ("
                "SELECT association_id FROM {s}association_status WHERE ended_on IS NOT NULL "
                "AND ended_on <> '' AND ended_on <= %s)",
                day,
            )
        ),
        key=association_order,
    )
    # Sorted here, not by SQL: the database's collation need not be Python's order.
    for row in sorted(
        _rows(
            cur,
            sql,
            "SELECT officer_id, association_id, name, role, full_time, appointed_position "
            f"FROM {{s}}officers WHERE {_holds('appointed_on', 'removed_on')}",
            day,
        ),
        key=officer_order,
    ):
        facts.officers[row["association_id"]].append(dict(row))
    for row in _rows(
        cur,
        sql,
        "SELECT association_id, kind FROM {s}facilities "
        f"WHERE {_holds('recorded_on', 'withdrawn_on')}",
        day,
    ):
        facts.facilities[row["association_id"]].add(row["kind"])
    facts.villages = sorted(
        (
            dict(row)
            for row in _rows(
                cur,
                sql,
                "SELECT code, name, township_code FROM {s}divisions WHERE level = 'village' AND "
                f"{_holds('valid_from', 'ended_on')}",
                day,
            )
        ),
        key=lambda v: str(v["code"]),
    )


#: Who is on a village's roster on the day (S3.3, S3.5): active and registered by then.
ROSTERED = "status = 'active' AND (registered_on IS NULL OR registered_on <= %s)"
#: A person's household: their own id when the roster names none.
HOUSEHOLD = "COALESCE(NULLIF(household_id, ''), id)"


#: A rostered person whose record lacks a household, an address, or both a certificate and
#: service needs (S3.5 档案管理).
INCOMPLETE = (
    "(COALESCE(household_id, '') = '' OR COALESCE(address, '') = '' OR "
    "(COALESCE(certificate_number, '') = '' AND COALESCE(service_needs, '') = ''))"
)
#: A person in no group on the day (S3.3).  NOT IN, not a correlated NOT EXISTS: one hashed
#: set of members whatever the planner thinks of the tables' sizes (a nested loop was
#: measured, quadratic in persons).
OUTSIDE = (
    "id NOT IN (SELECT person_id FROM {s}group_memberships WHERE person_id IS NOT NULL AND "
    f"{_holds('joined_on', 'left_on')})"
)


def _people_counted(cur: Cursor, sql: Sql, facts: Facts) -> None:
    """The roster rules per village as counts only, in one query: the roster is read once
    for persons and households alike, and nothing per person leaves the database."""
    cut = _cut(facts)
    cur.execute(
        sql(
            "WITH p AS (SELECT village_code, "
            f"{HOUSEHOLD} AS household, special_hardship, registered_on, "
            f"CASE WHEN {INCOMPLETE} THEN 1 ELSE 0 END AS incomplete, "
            f"CASE WHEN {OUTSIDE} THEN 1 ELSE 0 END AS outside "
            f"FROM {{s}}persons WHERE {ROSTERED}), "
            f"{_HOUSEHOLDS.format(rows='p')}, {_VISITED}, "
            "by_village AS (SELECT h.village_code, count(*) AS households, "
            f"sum(CASE WHEN {_OVERDUE} THEN 1 ELSE 0 END) AS overdue "
            "FROM households h LEFT JOIN visited v ON v.household_id = h.household "
            "GROUP BY h.village_code) "
            "SELECT p.village_code, count(*) AS rostered, sum(p.incomplete) AS incomplete, "
            "sum(p.outside) AS outside, max(b.households) AS households, "
            "max(b.overdue) AS overdue "
            "FROM p JOIN by_village b ON b.village_code = p.village_code GROUP BY p.village_code"
        ),
        [facts.day] * 4 + [cut[True], cut[False]],
    )
    facts.rosters = {
        str(row["village_code"]): Roster(
            rostered=int(row["rostered"]),
            households=int(row["households"]),
            counted=(int(row["incomplete"]), int(row["outside"]), int(row["overdue"])),
        )
        for row in cur.fetchall()
    }


def _people(cur: Cursor, sql: Sql, facts: Facts, overdue_of: OverdueOf) -> None:
    """The roster rules worked out per village by the store: counts, and only the persons and
    households that fail (a village's persons never leave the database)."""
    day = facts.day
    counts = _rows(
        cur,
        sql,
        f"SELECT village_code, count(*) AS rostered, count(DISTINCT {HOUSEHOLD}) AS households "
        f"FROM {{s}}persons WHERE {ROSTERED} GROUP BY village_code",
        day,
    )
    rostered = f"SELECT village_code, id FROM {{s}}persons WHERE {ROSTERED}"
    incomplete = _ids(cur, sql, f"{rostered} AND {INCOMPLETE}", day)
    outside = _ids(cur, sql, f"{rostered} AND {OUTSIDE}", day)
    overdue = overdue_of(cur, facts)
    facts.rosters = {
        str(row["village_code"]): Roster(
            rostered=int(row["rostered"]),
            households=int(row["households"]),
            incomplete=incomplete.get(str(row["village_code"]), []),
            outside_groups=outside.get(str(row["village_code"]), []),
            overdue=overdue.get(str(row["village_code"]), []),
        )
        for row in counts
    }


def _ids(cur: Cursor, sql: Sql, template: str, day: str) -> dict[str, list[str]]:
    """Person ids by village (``village_code``, ``id``), each list in order of id."""
    found: dict[str, list[str]] = {}
    for row in _rows(cur, sql, template, day):
        found.setdefault(str(row["village_code"]), []).append(row["id"])
    return {village: sorted(ids) for village, ids in found.items()}


def _shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the calendar's ends (a question about the year 1
    has no household overdue rather than an overflow)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def _thresholds(facts: Facts) -> dict[bool, Due]:
    """When a household of each kind (special hardship or not) falls due, from a visit on
    the day: its kind and interval in force, worked out once per kind."""
    return {
        hardship: visit_due(Household("", hardship), facts.intervals, facts.as_of)
        for hardship in (True, False)
    }


#: The roster's households (from ``rows``: the persons on the roster): the kind of each
#: (special hardship when any member is) and its first member's registration.
_HOUSEHOLDS = (
    "households AS (SELECT village_code, household, "
    "max(CASE WHEN special_hardship THEN 1 ELSE 0 END) AS hardship, "
    "min(NULLIF(registered_on, '')) AS first_registered FROM {rows} "
    "GROUP BY village_code, household)"
)
#: Each household's latest visit by the day.
_VISITED = (
    "visited AS (SELECT household_id, max(visited_on) AS last_visit "
    "FROM {s}home_visits WHERE visited_on <= %s GROUP BY household_id)"
)
#: A household (``h``) is overdue when its latest visit (``v``), else its first member's
#: registration, lies before the day less its kind's interval (the two cuts, in order).
_OVERDUE = (
    "COALESCE(v.last_visit, h.first_registered) < CASE WHEN h.hardship = 1 THEN %s ELSE %s END"
)


def _cut(facts: Facts) -> dict[bool, str]:
    """The day before which a household of each kind is overdue."""
    return {
        hardship: _shifted(facts.as_of, -due.interval_days).isoformat()
        for hardship, due in _thresholds(facts).items()
    }


def _overdue(cur: Cursor, sql: Sql, facts: Facts, selected: str) -> list[Any]:
    """``selected`` of the households overdue on the day (``h``: the roster's households,
    ``v``: their latest visit)."""
    cut = _cut(facts)
    rostered = f"(SELECT village_code, {HOUSEHOLD} AS household, special_hardship, "
    rostered += f"registered_on FROM {{s}}persons WHERE {ROSTERED}) p"
    cur.execute(
        sql(
            f"WITH {_HOUSEHOLDS.format(rows=rostered)}, {_VISITED} SELECT {selected} "
            f"FROM households h LEFT JOIN visited v ON v.household_id = h.household "
            f"WHERE {_OVERDUE}"
        ),
        [facts.day, facts.day, cut[True], cut[False]],
    )
    return list(cur.fetchall())


def overdue_households(cur: Cursor, sql: Sql, facts: Facts) -> dict[str, list[dict[str, Any]]]:
    """The households overdue for a visit on the day, by village (S3.5), as a query over the
    visits' days: a household is overdue when its latest visit (else its first member's
    registration) lies before the day less its kind's interval."""
    thresholds = _thresholds(facts)
    selected = "h.village_code, h.household, h.hardship, h.first_registered, v.last_visit"
    found: dict[str, list[dict[str, Any]]] = {}
    # A city whose visits stopped long ago has every household overdue (28,849 in the largest
    # district at full scale), most of them since the same few days: each (day, interval)
    # is worked out once, and visit_due's kind and interval once per kind (above).
    due_on: dict[tuple[str, int], str] = {}
    for row in sorted(_overdue(cur, sql, facts, selected), key=lambda r: str(r["household"])):
        due = thresholds[bool(row["hardship"])]
        last = str(row["last_visit"]) if row["last_visit"] else None
        since = (last or str(row["first_registered"]), due.interval_days)
        if since not in due_on:
            due_on[since] = _shifted(date.fromisoformat(since[0]), since[1]).isoformat()
        found.setdefault(str(row["village_code"]), []).append(
            {
                "household_id": str(row["household"]),
                "kind": due.kind,
                "last_visit": last,
                "due": due_on[since],
            }
        )
    return found


def _care(cur: Cursor, sql: Sql, facts: Facts) -> None:
    day = facts.day
    for row in _rows(
        cur,
        sql,
        "SELECT association_id, evaluated_on FROM {s}evaluations "
        "WHERE subject = 'association' AND evaluated_on <= %s",
        day,
    ):
        facts.evaluations[row["association_id"]].append(str(row["evaluated_on"]))
    facts.trained = _latest(
        cur,
        sql,
        "SELECT a.officer_id AS k, max(s.held_on) AS day FROM {s}training_attendance a "
        "JOIN {s}training_sessions s ON s.session_id = a.session_id "
        "WHERE s.held_on <= %s GROUP BY a.officer_id",
        day,
    )


def _latest(cur: Cursor, sql: Sql, template: str, day: str) -> dict[str, str]:
    """The latest day by key of a query grouped by key (``k``, ``day``), as text."""
    return {str(row["k"]): str(row["day"]) for row in _rows(cur, sql, template, day)}
