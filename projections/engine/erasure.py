"""An erasure reaches back into the temporal tables (issue 15, and the law's 被遗忘).

When a person's key is destroyed, their events decode without personal data from then on.
The live rows lose it by the erasure's own handler; the versions kept of earlier days were
written when the key still opened, so each is written again from the person's own events as
they decode now: exactly what a replay as of any day shows, and nothing personal left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper

from aggregates.store.personal_data import as_erased
from projections.engine.history import HistoryLog, twin, write_history
from projections.engine.projection import Projection, Router
from projections.platform.database import Cursor, Database

Sql = Callable[[str], str]


def rewrite_erased(
    cur: Cursor,
    sql: Sql,
    db: Database,
    mapper: Mapper[Any],
    log: HistoryLog,
    projections: Sequence[Projection],
    names: Mapping[str, str] | None = None,
) -> None:
    """Write the versions of every row an erased person's events made, from those events."""
    # Imported here: the catch-up module builds on this one.
    from projections.engine.read_models import apply_rows, temporal
    from projections.engine.unit_of_work import UnitOfWork

    route = Router([p for p in projections if temporal(p)])
    for subject in sorted(log.erased_subjects):
        again = HistoryLog(temporal=log.temporal, counts=False)
        rows = _stream(cur, sql, db, subject)
        apply_rows(rows, as_erased(mapper, subject), route, UnitOfWork(again))
        _forget(cur, sql, again, names)
        write_history(cur, sql, again, names)
    log.erased_subjects.clear()


def _stream(cur: Cursor, sql: Sql, db: Database, subject: str) -> list[Any]:
    """The stored events of one aggregate, in log order, as the catch-up reads rows."""
    cur.execute(
        sql(
            f"SELECT {db.notification_id_column} AS notification_id, originator_id, "
            f"originator_version, topic, state FROM {{s}}{db.events_table} "
            "WHERE originator_id = %s ORDER BY originator_version"
        ),
        (_stored_id(db, subject),),
    )
    return list(cur.fetchall())


def _stored_id(db: Database, subject: str) -> Any:
    """An aggregate id as the library's recorder stores it (SQLite: hex text; PostgreSQL: uuid)."""
    return UUID(subject).hex if db.kind == "sqlite" else UUID(subject)


def _forget(cur: Cursor, sql: Sql, log: HistoryLog, names: Mapping[str, str] | None) -> None:
    """Drop every stored version of the rows ``log`` holds changes for, on both clocks."""
    for basis, tables in log.changes.items():
        for name, rows in tables.items():
            live = log.tables[name]
            table = twin(live, basis).name
            table = (names or {}).get(table, table)
            where = " AND ".join(f"{k} = %s" for k in live.key)
            cur.executemany(sql(f"DELETE FROM {{s}}{table} WHERE {where}"), list(rows))
