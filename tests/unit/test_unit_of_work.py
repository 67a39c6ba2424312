"""Coalesced batch writes equal applying every row change one by one."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from projections.engine.memory import MemoryTables
from projections.engine.unit_of_work import MemoryUnitOfWork, UnitOfWork
from projections.platform.tables import Table

TABLE = Table(name="t", columns={"k": "int", "a": "text", "n": "int"}, key=("k",))


def sqlite_cursor() -> sqlite3.Cursor:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    for statement in TABLE.ddl("sqlite"):
        conn.execute(statement.replace("{s}", ""))
    return conn.cursor()


def sql(template: str) -> str:
    return template.replace("{s}", "").replace("%s", "?")


def apply_one_by_one(state: dict[int, dict[str, Any]], op: tuple[Any, ...]) -> None:
    kind, key = op[0], op[1]
    if kind == "upsert":
        state[key] = {"k": key, "a": op[2], "n": op[3]}
    elif kind == "patch" and key in state:
        state[key]["a"] = op[2]
        state[key]["n"] = (state[key]["n"] or 0) + op[3]
    elif kind == "delete":
        state.pop(key, None)


def test_random_change_sequences_flush_to_the_same_rows() -> None:
    rng = random.Random(7)
    for _ in range(200):
        cur = sqlite_cursor()
        expected: dict[int, dict[str, Any]] = {}
        for batch in range(3):
            uow = UnitOfWork()
            for _ in range(rng.randint(1, 30)):
                key = rng.randint(1, 6)
                kind = rng.choice(["upsert", "patch", "patch", "delete"])
                op = (kind, key, f"v{batch}{rng.randint(0, 9)}", rng.randint(0, 3))
                if kind == "upsert":
                    uow.upsert(TABLE, {"k": key, "a": op[2], "n": op[3]})
                elif kind == "patch":
                    uow.patch(TABLE, (key,), values={"a": op[2]}, increments={"n": op[3]})
                else:
                    uow.delete(TABLE, (key,))
                apply_one_by_one(expected, op)
            uow.flush(cur, sql)
        cur.execute("SELECT k, a, n FROM t ORDER BY k")
        assert [dict(r) for r in cur.fetchall()] == [expected[k] for k in sorted(expected)]


def test_writing_through_to_memory_equals_folding_then_flushing() -> None:
    rng = random.Random(13)
    for _ in range(200):
        folded_tables, direct_tables = MemoryTables(), MemoryTables()
        folded, direct = UnitOfWork(), MemoryUnitOfWork(direct_tables)
        for _ in range(rng.randint(1, 40)):
            key = rng.randint(1, 6)
            kind = rng.choice(["upsert", "partial", "patch", "patch", "delete"])
            n = rng.randint(0, 3)
            for uow in (folded, direct):
                if kind == "upsert":
                    uow.upsert(TABLE, {"k": key, "a": f"v{key}", "n": n})
                elif kind == "partial":  # a row written without every column
                    uow.upsert(TABLE, {"k": key, "a": "partial"})
                elif kind == "patch":
                    uow.patch(TABLE, (key,), values={"a": "p"}, increments={"n": 2})
                else:
                    uow.delete(TABLE, (key,))
        folded.flush_into(folded_tables)
        direct.flush_into(direct_tables)
        assert direct_tables.tables.get("t", {}) == folded_tables.tables.get("t", {})
