"""Rebuild read models beside the live ones, then switch: the API never stops or waits long.

The new copy of each table (``<name>__next``) is filled from the first event in short
batches, while the live tables go on serving and catching up.  Once the copy has nearly
caught up, one short transaction under the district's lock applies the last events, drops
the live tables, renames the copies into their place (with their indexes under the usual
names) and sets the projections' tracking positions.  The result equals a live projection of
the same events, row for row, because the same handlers built it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from eventsourcing.persistence import Mapper

from projections.engine import tracking
from projections.engine.history import HistoryLog
from projections.engine.projection import Projection, Router
from projections.engine.read_models import (
    HISTORY,
    HISTORY_TABLES,
    PROJECTIONS,
    apply_rows,
    events_after_sql,
    history_log,
    stored_tables,
)
from projections.engine.rebuild import Rebuilt, rebuilt
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Cursor, Database
from projections.platform.tables import Table

SUFFIX = "__next"
#: Switch once the copy is fewer than this many events behind the log.
SWITCH_WHEN_BEHIND = 2000

Sql = Callable[[str], str]


def _copies(projections: Sequence[Projection]) -> dict[str, str]:
    return {t.name: t.name + SUFFIX for t in _tables(projections)}


def _tables(projections: Sequence[Projection]) -> list[Table]:
    every = {p.name for p in PROJECTIONS} <= {p.name for p in projections}
    return [t for p in projections for t in stored_tables(p)] + (
        list(HISTORY_TABLES) if every else []
    )


def _create_copies(cur: Cursor, sql: Sql, dialect: str, tables: list[Table]) -> None:
    for table in tables:
        cur.execute(sql(f"DROP TABLE IF EXISTS {{s}}{table.name}{SUFFIX}"))
        for statement in replace(table, name=table.name + SUFFIX).ddl(dialect):
            cur.execute(sql(statement))


def _apply(
    cur: Cursor,
    sql: Sql,
    select: str,
    mapper: Mapper[Any],
    after: int,
    limit: int,
    projections: Sequence[Projection],
    names: dict[str, str],
    history: HistoryLog,
) -> tuple[int, int]:
    """Apply up to ``limit`` events after ``after`` to the copies: (events, last position)."""
    cur.execute(select, (after, limit))
    rows = cur.fetchall()
    if not rows:
        return 0, after
    uow = UnitOfWork(history)
    apply_rows(rows, mapper, Router(projections), uow)
    uow.flush(cur, sql, names)
    return len(rows), int(rows[-1]["notification_id"])


def _switch(cur: Cursor, sql: Sql, tables: list[Table]) -> None:
    """Put every copy in place of its live table, indexes under their usual names."""
    for table in tables:
        copy = table.name + SUFFIX
        cur.execute(sql(f"DROP TABLE {{s}}{table.name}"))
        cur.execute(sql(f"ALTER TABLE {{s}}{copy} RENAME TO {table.name}"))
        for columns in table.indexes:
            suffix = "_".join(columns)
            cur.execute(sql(f"DROP INDEX IF EXISTS {{s}}{copy}_{suffix}_idx"))
            cur.execute(
                sql(
                    f"CREATE INDEX IF NOT EXISTS {table.name}_{suffix}_idx "
                    f"ON {{s}}{table.name} ({', '.join(columns)})"
                )
            )


def rebuild_beside(
    db: Database,
    district: str,
    mapper: Mapper[Any],
    projections: Sequence[Projection] = PROJECTIONS,
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> Rebuilt:
    """Rebuild ``projections`` of ``district`` from its first event, beside the live tables."""
    sql = partial(db.sql, district)
    select = sql(events_after_sql(db))
    tables = _tables(projections)
    names = _copies(projections)
    with db.transaction(district, write=True) as cur:
        _create_copies(cur, sql, db.kind, tables)
    history = history_log(projections)
    applied, last = 0, 0
    while True:  # the bulk: short transactions, live catch-up goes on between them
        with db.transaction(district, write=True) as cur:
            count, last = _apply(
                cur, sql, select, mapper, last, batch_size, projections, names, history
            )
            cur.execute(
                sql(
                    f"SELECT count(*) AS n FROM {{s}}{db.events_table} "
                    f"WHERE {db.notification_id_column} > %s"
                ),
                (last,),
            )
            behind = int(cur.fetchone()["n"])
        applied += count
        if progress is not None and count:
            progress(count)
        if count == 0 or behind < SWITCH_WHEN_BEHIND:
            break
    with db.transaction(district, write=True) as cur:  # the switch: the last few events
        while True:
            count, last = _apply(
                cur, sql, select, mapper, last, batch_size, projections, names, history
            )
            applied += count
            if count == 0:
                break
        _switch(cur, sql, tables)
        for projection in projections:
            cur.execute(
                sql("UPDATE {s}projection_tracking SET position = %s WHERE projection = %s"),
                (last, projection.name),
            )
        if {p.name for p in PROJECTIONS} <= {p.name for p in projections}:
            tracking.register(cur, sql, [HISTORY])
            tracking.place(cur, sql, HISTORY, last)
    return rebuilt(district, projections, applied, last)
