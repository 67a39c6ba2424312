"""Tracking positions move together by compare-and-set: a batch computed from positions that
someone else has moved meanwhile must not commit."""

from __future__ import annotations

import sqlite3

import pytest

from projections.engine import tracking


def sql(template: str) -> str:
    return template.replace("{s}", "").replace("%s", "?")


def cursor() -> sqlite3.Cursor:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    for statement in tracking.TRACKING.ddl("sqlite"):
        conn.execute(sql(statement))
    cur = conn.cursor()
    tracking.register(cur, sql, ["a", "b", "c"])
    return cur


def test_every_projection_moves_from_its_own_start() -> None:
    cur = cursor()
    tracking.advance_all(cur, sql, {"a": 0, "b": 0}, 5)
    assert tracking.positions(cur, sql) == {"a": 5, "b": 5, "c": 0}
    tracking.advance_all(cur, sql, {"a": 5, "b": 5, "c": 0}, 5)  # c alone catches up
    tracking.advance_all(cur, sql, {"a": 5, "b": 5, "c": 5}, 9)
    assert tracking.positions(cur, sql) == {"a": 9, "b": 9, "c": 9}


def test_a_position_moved_by_someone_else_refuses_the_batch() -> None:
    cur = cursor()
    tracking.advance_all(cur, sql, {"a": 0, "b": 0, "c": 0}, 5)
    tracking.advance_all(cur, sql, {"b": 5}, 7)  # another worker got there first
    with pytest.raises(tracking.StaleTracking):
        tracking.advance_all(cur, sql, {"a": 5, "b": 5, "c": 5}, 9)
