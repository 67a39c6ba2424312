"""Bring an audit trail written by an earlier release to the shape this one writes.

Earlier releases left new entries without a leaf index until the ledger signed a head (then
numbered them with an UPDATE of every such row).  Entries are now numbered as they are
written, after the last stored one, so a store opened with this release must hold no
unnumbered entry: provisioning (every process start) numbers those an earlier release left.
Each step looks first and does nothing on a store already current, at the cost of one read
by the primary key.
"""

from __future__ import annotations

from collections.abc import Callable

from projections.platform.database import Cursor

Sql = Callable[[str], str]


class TrailAltered(RuntimeError):
    """The stored trail is not one an earlier release could have written: it was altered."""


def upgrade_trail(cur: Cursor, sql: Sql, dialect: str) -> None:
    """Migrate the district's ``audit_entries`` in the caller's write transaction."""
    cur.execute(sql("SELECT leaf_index FROM {s}audit_entries ORDER BY position DESC LIMIT 1"))
    last = cur.fetchone()
    if last is not None and last["leaf_index"] is None:
        number_unnumbered(cur, sql)


def number_unnumbered(cur: Cursor, sql: Sql) -> int:
    """Number the entries an earlier release left without a leaf index; the leaf count.

    Raises TrailAltered when numbered entries are missing or an unnumbered entry lies before
    a numbered one (no release writes either).
    """
    cur.execute(
        sql(
            "SELECT count(*) AS n, max(leaf_index) AS last, max(position) AS last_position "
            "FROM {s}audit_entries WHERE leaf_index IS NOT NULL"
        )
    )
    row = cur.fetchone()
    numbered = int(row["n"])
    if numbered and int(row["last"]) != numbered - 1:
        raise TrailAltered(
            f"audit_entries holds {numbered} numbered leaves but the last index is "
            f"{row['last']}: entries were deleted from the audit trail"
        )
    cur.execute(
        sql(
            "SELECT count(*) AS n, min(position) AS first_position "
            "FROM {s}audit_entries WHERE leaf_index IS NULL"
        )
    )
    pending = cur.fetchone()
    if not int(pending["n"]):
        return numbered
    if numbered and int(pending["first_position"]) < int(row["last_position"]):
        raise TrailAltered(
            f"audit entry at position {pending['first_position']} has no leaf index but "
            f"lies before leaf {numbered - 1} (position {row['last_position']})"
        )
    cur.execute(
        sql(
            "UPDATE {s}audit_entries AS a SET leaf_index = numbered.n + %s "
            "FROM (SELECT position AS p, row_number() OVER (ORDER BY position) - 1 AS n "
            "FROM {s}audit_entries WHERE leaf_index IS NULL) AS numbered "
            "WHERE a.position = numbered.p"
        ),
        (numbered,),
    )
    return numbered + int(pending["n"])
