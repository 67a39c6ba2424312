"""How far each projection of a district has got, stored beside its read models.

The position is advanced with a compare-and-set in the same transaction as the rows, so a
batch commits together with its position or not at all, and a batch computed from a stale
position can never commit (exactly-once, DESIGN decision 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from projections.platform.database import Cursor
from projections.platform.tables import Table, columns

TRACKING = Table(
    name="projection_tracking",
    columns=columns("projection text, position int, updated_at timestamp"),
    key=("projection",),
)

Sql = Callable[[str], str]


class StaleTracking(RuntimeError):
    """Someone else moved the position first: this batch must not commit."""


def register(cur: Cursor, sql: Sql, names: Iterable[str]) -> None:
    """Give each projection a tracking row at position 0 if it has none."""
    for name in names:
        cur.execute(
            sql(
                "INSERT INTO {s}projection_tracking (projection, position, updated_at) "
                "VALUES (%s, 0, %s) ON CONFLICT (projection) DO NOTHING"
            ),
            (name, datetime.now(UTC).isoformat()),
        )


def positions(cur: Cursor, sql: Sql) -> dict[str, int]:
    """Every projection's position."""
    cur.execute(sql("SELECT projection, position FROM {s}projection_tracking"))
    return {row["projection"]: int(row["position"]) for row in cur.fetchall()}


def advance(cur: Cursor, sql: Sql, name: str, old: int, new: int) -> None:
    """Move ``name`` from ``old`` to ``new``, or raise if it is not at ``old`` any more."""
    cur.execute(
        sql(
            "UPDATE {s}projection_tracking SET position = %s, updated_at = %s "
            "WHERE projection = %s AND position = %s"
        ),
        (new, datetime.now(UTC).isoformat(), name, old),
    )
    if cur.rowcount != 1:
        raise StaleTracking(f"projection {name} is no longer at position {old}")


def advance_all(cur: Cursor, sql: Sql, starts: Mapping[str, int], new: int) -> None:
    """Move every projection in ``starts`` from its start to ``new`` (those not already there).

    One statement per distinct start (after the first batch, one in all) instead of one per
    projection: a small batch pays a round trip per statement.  Raises if any is not at its
    start any more.
    """
    by_start: dict[int, list[str]] = {}
    for name, start in starts.items():
        if new > start:
            by_start.setdefault(start, []).append(name)
    for start, names in by_start.items():
        marks = ", ".join(["%s"] * len(names))
        cur.execute(
            sql(
                "UPDATE {s}projection_tracking SET position = %s, updated_at = %s "
                f"WHERE projection IN ({marks}) AND position = %s"
            ),
            (new, datetime.now(UTC).isoformat(), *names, start),
        )
        if cur.rowcount != len(names):
            raise StaleTracking(f"projections {names} are no longer at position {start}")


def place(cur: Cursor, sql: Sql, name: str, position: int) -> None:
    """Put ``name`` at ``position`` whatever it was (a rebuild under the district's lock)."""
    cur.execute(
        sql(
            "UPDATE {s}projection_tracking SET position = %s, updated_at = %s WHERE projection = %s"
        ),
        (position, datetime.now(UTC).isoformat(), name),
    )


def reset(cur: Cursor, sql: Sql, name: str) -> None:
    """Start a projection again from the beginning (its tables must be emptied too)."""
    cur.execute(
        sql(
            "UPDATE {s}projection_tracking SET position = 0, updated_at = %s WHERE projection = %s"
        ),
        (datetime.now(UTC).isoformat(), name),
    )
