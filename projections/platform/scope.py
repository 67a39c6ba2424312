"""Narrowing a read-model query to the part of a district a caller may see.

The care read models (groups, needs, visits, evaluations) carry the association id of each
row; a township officer sees the rows of the associations of their township, an association
worker those of their association.  The association's township comes from the
``associations`` read model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def where_clause(conditions: list[str]) -> str:
    """``WHERE a AND b`` or nothing."""
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""
