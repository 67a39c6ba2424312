"""Narrowing a read-model query to the part of a district a caller may see, and reading one
page of what it matches.

The care read models (groups, needs, visits, evaluations) carry the association id of each
row; a township officer sees the rows of the associations of their township, an association
worker those of their association.  The association's township comes from the
``associations`` read model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from projections.platform.database import Cursor


@dataclass(frozen=True)
class Scope:
    """Which associations' rows a query returns (None: no narrowing on that level)."""

    township_code: str | None = None
    association_id: str | None = None

    def where(self, column: str = "association_id") -> tuple[list[str], list[Any]]:
        """SQL conditions (with ``{s}`` for the schema) and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        if self.association_id:
            conditions.append(f"{column} = %s")
            params.append(self.association_id)
        if self.township_code:
            conditions.append(
                f"{column} IN (SELECT id FROM {{s}}associations WHERE township_code = %s)"
            )
            params.append(self.township_code)
        return conditions, params


def tracked_position(cur: Cursor, sql: Callable[[str], str], projection: str) -> int:
    """The position a projection's read model has reached."""
    cur.execute(
        sql("SELECT position FROM {s}projection_tracking WHERE projection = %s"), (projection,)
    )
    row = cur.fetchone()
    return int(row["position"]) if row else 0


@dataclass(frozen=True)
class Page:
    """A page of a read model's rows, the total matching, and the position the model is at."""

    items: list[dict[str, Any]]
    total: int
    position: int


def where_clause(conditions: list[str]) -> str:
    """``WHERE a AND b`` or nothing."""
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


@dataclass
class Selection:
    """The rows of one read-model table a query asks for: its conditions (with ``{s}`` for
    the schema) and their parameters."""

    table: str
    conditions: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def equal(self, **values: Any) -> Selection:
        """Also ``column = value`` for each column given a value (None or empty: any)."""
        for column, value in values.items():
            if value is not None and value != "":
                self.conditions.append(f"{column} = %s")
                self.params.append(value)
        return self

    def page(
        self, cur: Cursor, sql: Callable[[str], str], order: str, limit: int, offset: int
    ) -> tuple[list[Any], int]:
        """``limit`` matching rows from ``offset`` in ``order``, and how many match in all."""
        where = where_clause(self.conditions)
        cur.execute(sql(f"SELECT count(*) AS n FROM {{s}}{self.table} {where}"), self.params)
        total = int(cur.fetchone()["n"])
        cur.execute(
            sql(f"SELECT * FROM {{s}}{self.table} {where} ORDER BY {order} LIMIT %s OFFSET %s"),
            [*self.params, limit, offset],
        )
        return cur.fetchall(), total


def row_by(cur: Cursor, sql: Callable[[str], str], table: str, column: str, key: str) -> Any:
    """The row of ``table`` whose ``column`` (its key) is ``key``, or None."""
    cur.execute(sql(f"SELECT * FROM {{s}}{table} WHERE {column} = %s"), (key,))
    return cur.fetchone()


def rows_by(
    cur: Cursor, sql: Callable[[str], str], table: str, column: str, keys: list[str], order: str
) -> dict[str, list[Any]]:
    """The rows of ``table`` whose ``column`` is one of ``keys``, in ``order``, by that column
    (the follow-ups of a page of visits, the services of a page of needs)."""
    grouped: dict[str, list[Any]] = {}
    if keys:
        marks = ", ".join(["%s"] * len(keys))
        cur.execute(
            sql(f"SELECT * FROM {{s}}{table} WHERE {column} IN ({marks}) ORDER BY {order}"), keys
        )
        for row in cur.fetchall():
            grouped.setdefault(row[column], []).append(row)
    return grouped
