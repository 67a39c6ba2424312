"""Temporal twins of the read models: every row's history on both clocks (issue 15).

Each domain read-model table ``T`` has two twins, ``T__recorded`` and ``T__effective``.  A twin
row is one *version* of a row of ``T``: its columns, the day from which it holds
(``v_since``) and the day it stopped holding (``v_until``, NULL while it still does), and
the change of that day that produced it (``v_change``; ``v_present`` is false when the change
removed the row).

- On the **recorded** clock a version starts on the day its change was recorded (in
  Zhengzhou; a day never goes back, as the replay cuts the log at the first event recorded
  after the day asked about).
- On the **effective** clock it starts on the day the change took effect
  (:func:`effective_on`).  A correction recorded in May about February lands in February: the
  versions from February on are folded again from the day's stored changes, so the twin holds
  exactly what a replay in order of effective date would build.

The same handlers describe the same row changes; the unit of work hands them to a
:class:`HistoryLog` as well as to the live tables, and :func:`write_history` writes the versions
in the same transaction (DESIGN decision 3: one code path for live, rebuild and as-of).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from projections.engine.changes import (
    Change,
    applied,
    decoded,
    encoded,
    then,
)
from projections.engine.recall import Recall
from projections.platform.database import Cursor
from projections.platform.tables import Table, columns

CHINA = ZoneInfo("Asia/Shanghai")
Key = tuple[Any, ...]
Sql = Callable[[str], str]


class Basis(StrEnum):
    """Which clock an as-of question uses."""

    RECORDED = "recorded"
    EFFECTIVE = "effective"


SUFFIX = {Basis.RECORDED: "__recorded", Basis.EFFECTIVE: "__effective"}
VERSION_COLUMNS = {"v_since": "date", "v_until": "date", "v_present": "bool", "v_change": "json"}
#: Keys per statement when versions are looked up (row values in an IN list).
CHUNK = 300


def twin(table: Table, basis: Basis) -> Table:
    """The table holding ``table``'s versions on ``basis`` (no indexes but its key)."""
    return Table(
        name=table.name + SUFFIX[basis],
        columns={**table.columns, **VERSION_COLUMNS},
        key=(*table.key, "v_since"),
        personal=table.personal,
    )


def twins(tables: Iterable[Table]) -> tuple[Table, ...]:
    """Both twins of each table."""
    return tuple(twin(t, b) for t in tables for b in Basis)


#: The one-row table keeping the latest recorded day seen, and at which position.
CLOCK = Table(
    name="temporal_clock",
    columns=columns("id int, day date, position int"),
    key=("id",),
)

#: Events the read models handled, by clock and day, and the last one's position: how many
#: events an answer as of a day stands on, and whether a clock knew anything by then.
DAYS = Table(
    name="temporal_days",
    columns=columns("basis text, day date, events int, last_position int"),
    key=("basis", "day"),
)


# --- the days of an event ------------------------------------------------------------------

#: Names of the date fields that say when an event's fact took effect, most specific first.
EFFECTIVE_FIELDS = (
    "effective_on",
    "effective_from",
    "established_on",
    "appointed_on",
    "removed_on",
    "selected_on",
    "withdrawn_on",
    "started_on",
    "merged_on",
    "dissolved_on",
    "formed_on",
    "joined_on",
    "left_on",
    "disbanded_on",
    "surveyed_on",
    "delivered_on",
    "visited_on",
    "referred_on",
    "concluded_on",
    "evaluated_on",
    "held_on",
    "obtained_on",
    "registered_on",
    "died_on",
    "recorded_on",
    "from_on",
)

#: Event class -> the names :func:`effective_on` looks at (worked out once per class).
_EFFECTIVE_NAMES: dict[type, tuple[str, ...]] = {}


def _effective_names(kind: type) -> tuple[str, ...]:
    names = _EFFECTIVE_NAMES.get(kind)
    if names is None:
        declared = getattr(kind, "EFFECTIVE_FIELD", None)
        fields = getattr(kind, "__dataclass_fields__", {})
        names = (
            (declared,)
            if declared
            else tuple(n for n in EFFECTIVE_FIELDS if n in fields or hasattr(kind, n))
        )
        _EFFECTIVE_NAMES[kind] = names
    return names


def recorded_on(event: Any) -> date:
    """The day (in Zhengzhou) the event was recorded."""
    day: date = event.timestamp.astimezone(CHINA).date()
    return day


def effective_on(event: Any) -> date:
    """The day the event's fact took effect; the recorded day when it names none."""
    for name in _effective_names(type(event)):
        value = getattr(event, name, None)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    return recorded_on(event)


# --- collecting the changes of a batch -------------------------------------------------------


@dataclass
class HistoryLog:
    """The batch's row changes by clock, table, key and day, each day's changes folded.

    ``clock`` is the latest recorded day seen before the batch and its position: an event
    recorded (by its timestamp) before a day the log already reached counts on that day, as
    the replay's cut of the log does.
    """

    #: Names of the tables that have twins (the domain read models').
    temporal: frozenset[str] = frozenset()
    clock: tuple[date, int] | None = None
    #: Whether this log keeps the clock and the day counts (not a rebuild of some read models).
    counts: bool = True
    days: dict[Basis, date] = field(default_factory=dict)
    tally: dict[tuple[Basis, date], list[int]] = field(default_factory=dict)
    changes: dict[Basis, dict[str, dict[Key, dict[date, Change]]]] = field(
        default_factory=lambda: {b: {} for b in Basis}
    )
    tables: dict[str, Table] = field(default_factory=dict)
    #: The rows the twins hold no version of, known without a lookup (across the run).
    recall: Recall = field(default_factory=Recall)
    #: Aggregates whose personal data was erased: their rows' versions are written again
    #: from their events as they decode now (projections/engine/erasure.py).
    erased_subjects: set[str] = field(default_factory=set)

    def at(self, event: Any, position: int) -> None:
        """The days of the event whose changes come next."""
        recorded = recorded_on(event)
        new = self.clock is None or position > self.clock[1]
        if self.clock is not None and new and self.clock[0] > recorded:
            recorded = self.clock[0]
        self.days = {Basis.RECORDED: recorded, Basis.EFFECTIVE: effective_on(event)}
        if new:  # a read model new to the district replays old events: counted already
            self.clock = (recorded, position)
            for basis, day in self.days.items():
                counted = self.tally.setdefault((basis, day), [0, 0])
                counted[0] += 1
                counted[1] = max(counted[1], position)

    def record(self, table: Table, key: Key, change: Change) -> None:
        """Fold one row change into the day it belongs to on each clock."""
        self.tables[table.name] = table
        for basis, day in self.days.items():
            rows = self.changes[basis].setdefault(table.name, {})
            by_day = rows.setdefault(key, {})
            earlier = by_day.get(day)
            by_day[day] = change if earlier is None else then(earlier, change)

    def clear(self) -> None:
        """Forget the changes written (the clock stays: it runs on through the batches)."""
        self.changes = {b: {} for b in Basis}
        self.tally = {}

    def erase(self, subject: str) -> None:
        """Remember that this aggregate's personal data was erased."""
        self.erased_subjects.add(subject)


# --- writing versions -----------------------------------------------------------------------


@dataclass
class Version:
    """One stored version of a row."""

    since: date
    row: dict[str, Any] | None
    change: Change


def write_history(
    cur: Cursor, sql: Sql, log: HistoryLog, names: Mapping[str, str] | None = None
) -> int:
    """Write the batch's versions on both clocks; returns the rows written.

    ``names`` writes a twin under another name (a rebuild's copy beside the live one).
    """
    written = 0
    for basis, tables in log.changes.items():  # recorded first: it tells which rows are new
        for name, rows in tables.items():
            table = _named(twin(log.tables[name], basis), names)
            written += _write_table(cur, sql, log.tables[name], table, rows, log.recall, basis)
    log.recall.unheld.clear()
    if log.counts:
        _write_days(cur, sql, log, names)
    return written


def _write_days(cur: Cursor, sql: Sql, log: HistoryLog, names: Mapping[str, str] | None) -> None:
    """Add the batch's events to the day counts and keep the clock for the next batch."""
    days = _named(DAYS, names).name
    if log.tally:
        cur.executemany(
            sql(
                f"INSERT INTO {{s}}{days} (basis, day, events, last_position) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (basis, day) DO UPDATE SET "
                f"events = {days}.events + excluded.events, last_position = CASE "
                f"WHEN excluded.last_position > {days}.last_position "
                f"THEN excluded.last_position ELSE {days}.last_position END"
            ),
            [[b.value, d.isoformat(), n, last] for (b, d), (n, last) in log.tally.items()],
        )
    if log.clock is not None:
        clock = _named(CLOCK, names).name
        cur.execute(sql(f"DELETE FROM {{s}}{clock} WHERE id = 1"))
        cur.execute(
            sql(f"INSERT INTO {{s}}{clock} (id, day, position) VALUES (1, %s, %s)"),
            (log.clock[0].isoformat(), log.clock[1]),
        )


def _named(table: Table, names: Mapping[str, str] | None) -> Table:
    if names and table.name in names:
        return Table(name=names[table.name], columns=table.columns, key=table.key)
    return table


def known_by(cur: Cursor, sql: Sql, basis: Basis, day: date) -> tuple[int, int | None]:
    """How many events the read models hold as of the end of ``day`` on ``basis``, and the
    last one's position (None when none)."""
    cur.execute(
        sql(
            "SELECT count(*) AS n, sum(events) AS events, max(last_position) AS last "
            "FROM {s}temporal_days WHERE basis = %s AND day <= %s"
        ),
        (basis.value, day.isoformat()),
    )
    row = cur.fetchone()
    if row is None or not row["n"]:
        return 0, None
    return int(row["events"]), int(row["last"])


@dataclass
class Writes:
    """The statements' rows for one twin: versions dropped, closed and inserted."""

    drops: list[list[Any]] = field(default_factory=list)
    closes: list[list[Any]] = field(default_factory=list)
    inserts: list[list[Any]] = field(default_factory=list)


def _write_table(
    cur: Cursor,
    sql: Sql,
    live: Table,
    table: Table,
    rows: dict[Key, dict[date, Change]],
    recall: Recall,
    basis: Basis,
) -> int:
    """Fold each row's new changes into its stored versions from its earliest new day on
    (read back only for the rows ``recall`` does not know)."""
    first = min(min(days) for days in rows.values())
    new = recall.new(table.name, live.name, rows)
    asked = [k for k in rows if k not in new]
    stored = _versions(cur, sql, live, table, asked, first) if asked else {}
    if basis is Basis.RECORDED:
        recall.unheld[live.name] = {k for k in rows if k not in stored}
    writes = Writes()
    for key, days in rows.items():
        _plan(live, key, days, stored.get(key, []), writes)
    recall.wrote(table.name, rows)
    where = " AND ".join(f"{k} = %s" for k in live.key)
    if writes.drops:
        cur.executemany(
            sql(f"DELETE FROM {{s}}{table.name} WHERE {where} AND v_since >= %s"), writes.drops
        )
    if writes.closes:
        _close(cur, sql, live, table, writes.closes)
    _insert(cur, sql, table, writes.inserts)
    return len(writes.inserts)


def _plan(
    live: Table, key: Key, days: dict[date, Change], versions: list[Version], writes: Writes
) -> None:
    """What one row's new changes do to its versions (``versions``: those from its first new
    day on, and the one in force before it)."""
    start = min(days)
    base = [v for v in versions if v.since < start]
    later = {v.since: v.change for v in versions if v.since >= start}
    if later:
        writes.drops.append([*key, start.isoformat()])
    for day in sorted(days):
        change = days[day]
        later[day] = then(later[day], change) if day in later else change
    folded = _fold(base[-1].row if base else None, later)
    if base:
        writes.closes.append([folded[0].since.isoformat(), *key, base[-1].since.isoformat()])
    writes.inserts += _version_rows(live, key, folded)


#: From this many rows (PostgreSQL), versions go in by COPY, as the live flush does.
COPY_FROM_ROWS = 200


def _insert(cur: Cursor, sql: Sql, table: Table, rows: list[list[Any]]) -> None:
    columns = list(table.columns)
    if len(rows) >= COPY_FROM_ROWS and isinstance(cur, psycopg.Cursor):
        with cur.copy(sql(f"COPY {{s}}{table.name} ({', '.join(columns)}) FROM STDIN")) as copy:
            for row in rows:
                copy.write_row(row)
        return
    cur.executemany(
        sql(
            f"INSERT INTO {{s}}{table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        ),
        rows,
    )


def _close(cur: Cursor, sql: Sql, live: Table, table: Table, rows: list[list[Any]]) -> None:
    """Set the end day of the versions new ones follow: [until, *key, since] per row."""
    where = " AND ".join(f"{k} = %s" for k in live.key)
    if len(rows) < COPY_FROM_ROWS or not isinstance(cur, psycopg.Cursor):
        cur.executemany(
            sql(f"UPDATE {{s}}{table.name} SET v_until = %s WHERE {where} AND v_since = %s"),
            rows,
        )
        return
    stage = f"canxie_close_{table.name}"
    keys = ", ".join(live.key)
    cur.execute(
        sql(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT v_until, {keys}, v_since "
            f"FROM {{s}}{table.name} WITH NO DATA"
        )
    )
    with cur.copy(f"COPY {stage} (v_until, {keys}, v_since) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    matches = " AND ".join(f"t.{k} = c.{k}" for k in (*live.key, "v_since"))
    cur.execute(
        sql(
            f"UPDATE {{s}}{table.name} AS t SET v_until = c.v_until FROM {stage} AS c "
            f"WHERE {matches}"
        )
    )
    cur.execute(f"DROP TABLE {stage}")


def _fold(base: dict[str, Any] | None, changes: Mapping[date, Change]) -> list[Version]:
    """The versions ``changes`` give, day by day, starting from ``base``."""
    row = base
    versions = []
    for day in sorted(changes):
        change = changes[day]
        row = applied(change, row)
        versions.append(Version(since=day, row=row, change=change))
    return versions


def _version_rows(live: Table, key: Key, versions: Sequence[Version]) -> list[list[Any]]:
    """Rows for the twin: the columns (the key alone when removed), period, change."""
    out = []
    for i, version in enumerate(versions):
        until = versions[i + 1].since.isoformat() if i + 1 < len(versions) else None
        row = version.row if version.row is not None else dict(zip(live.key, key, strict=True))
        out.append(
            [row.get(c) for c in live.columns]
            + [version.since.isoformat(), until, version.row is not None, encoded(version.change)]
        )
    return out


def _versions(
    cur: Cursor, sql: Sql, live: Table, table: Table, keys: list[Key], first: date
) -> dict[Key, list[Version]]:
    """The stored versions of ``keys`` that hold on ``first`` or later, oldest first."""
    found: dict[Key, list[Version]] = {}
    names = ", ".join(live.key)
    if len(live.key) == 1 and isinstance(cur, psycopg.Cursor):
        # One array parameter: planned once, whatever the number of keys.
        cur.execute(
            sql(
                f"SELECT * FROM {{s}}{table.name} WHERE {names} = ANY(%s) "
                "AND (v_until IS NULL OR v_until >= %s) ORDER BY v_since"
            ),
            ([key[0] for key in keys], first.isoformat()),
        )
        for stored in cur.fetchall():
            found.setdefault((stored[names],), []).append(_version(live, stored))
        return found
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        marks = ", ".join(["(" + ", ".join(["%s"] * len(live.key)) + ")"] * len(chunk))
        cur.execute(
            sql(
                f"SELECT * FROM {{s}}{table.name} WHERE ({names}) IN (VALUES {marks}) "
                "AND (v_until IS NULL OR v_until >= %s) ORDER BY v_since"
            ),
            [v for key in chunk for v in key] + [first.isoformat()],
        )
        for stored in cur.fetchall():
            version = _version(live, stored)
            found.setdefault(tuple(stored[k] for k in live.key), []).append(version)
    return found


def _version(live: Table, stored: Any) -> Version:
    row = {c: stored[c] for c in live.columns} if stored["v_present"] else None
    return Version(
        since=date.fromisoformat(stored["v_since"]),
        row=row,
        change=decoded(stored["v_change"], row),
    )
