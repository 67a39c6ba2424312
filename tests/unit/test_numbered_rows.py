"""A numbered table's rows get 0, 1, 2, ... in key order as they are first written, across
flushes, with gaps in the keys; a table an older release left unnumbered is refused."""

from __future__ import annotations

import sqlite3

import pytest

from projections.engine.unit_of_work import NumberingError, UnitOfWork
from projections.platform.tables import Table

TABLE = Table(
    name="trail", columns={"position": "int", "n": "int", "what": "text"}, key=("position",)
)
NUMBERED = Table(
    name=TABLE.name, columns=TABLE.columns, key=TABLE.key, numbered="n", indexes=TABLE.indexes
)


def sql(template: str) -> str:
    return template.replace("{s}", "").replace("%s", "?")


@pytest.fixture
def cur() -> sqlite3.Cursor:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    cursor = conn.cursor()
    for statement in NUMBERED.ddl("sqlite"):
        cursor.execute(sql(statement))
    return cursor


def write(cur: sqlite3.Cursor, positions: list[int]) -> None:
    uow = UnitOfWork()
    for position in positions:
        uow.upsert(NUMBERED, {"position": position, "n": None, "what": f"at {position}"})
    uow.flush(cur, sql)


def numbers(cur: sqlite3.Cursor) -> list[tuple[int, int]]:
    cur.execute("SELECT position, n FROM trail ORDER BY position")
    return [(row["position"], row["n"]) for row in cur.fetchall()]


def test_rows_are_numbered_in_key_order_across_flushes(cur: sqlite3.Cursor) -> None:
    write(cur, [5, 2, 3])  # upserted out of order within a batch
    write(cur, [9, 7])  # gaps in the keys, as PostgreSQL's positions have
    assert numbers(cur) == [(2, 0), (3, 1), (5, 2), (7, 3), (9, 4)]


def test_a_table_with_unnumbered_rows_is_refused(cur: sqlite3.Cursor) -> None:
    cur.execute("INSERT INTO trail (position, n, what) VALUES (1, NULL, 'old')")
    with pytest.raises(NumberingError, match="without n"):
        write(cur, [2])


def test_a_row_before_the_last_stored_one_is_refused(cur: sqlite3.Cursor) -> None:
    write(cur, [4])
    with pytest.raises(NumberingError, match="before the last stored key"):
        write(cur, [3])
    assert numbers(cur) == [(4, 0)]
