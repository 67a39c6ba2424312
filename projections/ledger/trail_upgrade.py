"""Bring an audit trail written by an earlier release to the shape this one writes.

Earlier releases kept the two digests as hex text, and left new entries without a leaf index
until the ledger signed a head (then numbered them with an UPDATE of every such row).  The
digests are now raw bytes, and entries are numbered as they are written, after the last stored
one, so a store opened with this release must hold no hex and no unnumbered entry:
provisioning (every process start) converts the columns (one rewrite of the table) and numbers
what an earlier release left; indexes no read uses any more are dropped.  Each step looks first
and does nothing on a store already current, at the cost of a catalog lookup and one read by
the primary key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from projections.ledger.audit_trail import AUDIT_ENTRIES, DIGESTS, RETIRED_INDEXES
from projections.platform.database import Cursor

Sql = Callable[[str], str]


class TrailAltered(RuntimeError):
    """The stored trail is not one an earlier release could have written: it was altered."""


def upgrade_trail(cur: Cursor, sql: Sql, dialect: str) -> None:
    """Migrate the district's ``audit_entries`` in the caller's write transaction."""
    for index in RETIRED_INDEXES:
        cur.execute(sql(f"DROP INDEX IF EXISTS {{s}}{index}"))
    if digest_type(cur, sql, dialect) == "text":
        if dialect == "postgresql":
            cur.execute(
                sql(
                    "ALTER TABLE {s}audit_entries "
                    + ", ".join(
                        f"ALTER COLUMN {c} TYPE BYTEA USING decode({c}, 'hex')" for c in DIGESTS
                    )
                )
            )
        else:
            _digests_to_blobs(cur, sql)
    cur.execute(sql("SELECT leaf_index FROM {s}audit_entries ORDER BY position DESC LIMIT 1"))
    last = cur.fetchone()
    if last is not None and last["leaf_index"] is None:
        number_unnumbered(cur, sql)


def digest_type(cur: Cursor, sql: Sql, dialect: str) -> str:
    """The declared type of the stored ``leaf_hash`` column, lowercase: ``text`` (hex, an
    earlier release), ``bytea`` or ``blob``."""
    if dialect == "postgresql":
        cur.execute(
            sql(
                "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute "
                "WHERE attrelid = '{s}audit_entries'::regclass AND attname = 'leaf_hash'"
            )
        )
    else:
        cur.execute("SELECT type FROM pragma_table_info('audit_entries') WHERE name = 'leaf_hash'")
    return str(cur.fetchone()["type"]).lower()


def _unhex(text: str | None) -> bytes | None:
    return None if text is None else bytes.fromhex(text)


def _digests_to_blobs(cur: Cursor, sql: Sql) -> None:
    """SQLite cannot change a column's type: copy the trail into the current definition."""
    assert isinstance(cur, sqlite3.Cursor)
    cur.connection.create_function("canxie_unhex", 1, _unhex, deterministic=True)
    old = "audit_entries_hex"
    cur.execute(f"ALTER TABLE audit_entries RENAME TO {old}")
    cur.execute(f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{old}'")
    for name in [row["name"] for row in cur.fetchall() if not row["name"].startswith("sqlite_")]:
        cur.execute(f"DROP INDEX {name}")
    for statement in AUDIT_ENTRIES.ddl("sqlite"):
        cur.execute(sql(statement))
    columns = list(AUDIT_ENTRIES.columns)
    values = [f"canxie_unhex({c})" if c in DIGESTS else c for c in columns]
    cur.execute(
        f"INSERT INTO audit_entries ({', '.join(columns)}) SELECT {', '.join(values)} FROM {old}"
    )
    cur.execute(f"DROP TABLE {old}")


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
