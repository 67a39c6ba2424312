"""Large flushes into PostgreSQL go by COPY and a staged upsert; the rows must be exactly those
of the statement-per-row path, whatever the text holds (tabs, newlines, backslashes, CJK)."""

from __future__ import annotations

import random
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from projections.engine import unit_of_work
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.tables import Table

TABLE = Table(
    name="probe",
    columns={"k": "int", "a": "text", "n": "int", "flag": "bool", "doc": "json"},
    key=("k",),
)
AWKWARD = ["普通文本", "tab\there", "new\nline", "back\\slash", "quote'\"", "", "\\N", "末尾 "]


def sql(template: str) -> str:
    return template.replace("{s}", "")


def row(rng: random.Random, key: int) -> dict[str, Any]:
    return {
        "k": key,
        "a": rng.choice([*AWKWARD, None]),
        "n": rng.choice([None, 0, -3, 2**40]),
        "flag": rng.choice([True, False, None]),
        "doc": rng.choice([None, '{"名字": "张三", "list": [1, 2]}']),
    }


def test_copy_and_row_by_row_flushes_leave_the_same_rows(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(11)
    with psycopg.connect(pg_url, row_factory=dict_row) as conn:
        for statement in TABLE.ddl("postgresql"):
            conn.execute(sql(statement))
        conn.commit()
        expected: dict[int, dict[str, Any]] = {}
        copies = []
        original = unit_of_work._upsert_by_copy
        monkeypatch.setattr(
            unit_of_work, "_upsert_by_copy", lambda *args: copies.append(1) or original(*args)
        )
        for _transaction in range(3):
            with conn.transaction(), conn.cursor() as cur:
                for _ in range(2):  # two flushes in one transaction, as a rebuild does
                    uow = UnitOfWork()
                    size = rng.choice([5, unit_of_work.COPY_FROM_ROWS + 50])
                    for key in rng.sample(range(1, 1000), size):
                        values = row(rng, key)
                        uow.upsert(TABLE, values)
                        expected[key] = values
                    uow.flush(cur, sql)
        stored = conn.execute("SELECT * FROM probe ORDER BY k").fetchall()
    assert len(copies) >= 2
    assert stored == [expected[k] for k in sorted(expected)]
