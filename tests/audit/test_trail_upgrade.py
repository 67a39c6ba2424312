"""A PostgreSQL trail in the shape an earlier release wrote (hex text digests, the entries
after the newest head unnumbered) is migrated when the store is opened again: the same rows,
digests as bytes, and the ledger signs on from its heads.  (SQLite: the committed old store,
``tests/stores/test_old_trail.py``.)"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from projections.ledger import ledger
from projections.ledger.trail_upgrade import digest_type
from projections.ledger.tree_heads import load_private_key
from projections.platform.database import schema_name
from tests.audit.conftest import DISTRICT, add_events, grow
from tests.audit.test_rebuild import rows
from tests.audit.test_tamper import check, execute
from workers.runtime import Runtime


def kind_of_digests(rt: Runtime) -> str:
    with rt.db.transaction(DISTRICT, write=False) as cur:
        return digest_type(cur, partial(rt.db.sql, DISTRICT), rt.db.kind)


def indexes(rt: Runtime) -> set[str]:
    with rt.db.transaction(DISTRICT, write=False) as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_entries' "
            "AND schemaname = %s",
            (schema_name(DISTRICT),),
        )
        return {row["indexname"] for row in cur.fetchall()}


def as_an_earlier_release_left_it(rt: Runtime, signed_size: int) -> None:
    execute(rt, "CREATE INDEX audit_entries_leaf_index_idx ON {s}audit_entries (leaf_index)")
    execute(
        rt,
        "ALTER TABLE {s}audit_entries "
        "ALTER COLUMN record_digest TYPE TEXT USING encode(record_digest, 'hex'), "
        "ALTER COLUMN leaf_hash TYPE TEXT USING encode(leaf_hash, 'hex')",
    )
    execute(
        rt, "UPDATE {s}audit_entries SET leaf_index = NULL WHERE leaf_index >= %s", (signed_size,)
    )


def test_an_old_postgresql_trail_is_migrated_on_opening(ledger_runtime: Runtime) -> None:
    rt = ledger_runtime
    if rt.db.kind != "postgresql":
        pytest.skip("SQLite stores of an earlier release: tests/stores/test_old_trail.py")
    grow(rt, associations=4)
    add_events(rt, associations=2)
    rt.catch_up(DISTRICT)
    current: list[dict[str, Any]] = rows(rt)
    signed = ledger.latest_head(rt.db, DISTRICT)
    assert signed is not None and signed.tree_size < len(current)
    as_an_earlier_release_left_it(rt, signed.tree_size)
    assert kind_of_digests(rt) == "text"
    assert "audit_entries_leaf_index_idx" in indexes(rt)

    rt.tenancy.provision()  # what every process start does

    assert kind_of_digests(rt) == "bytea"
    assert "audit_entries_leaf_index_idx" not in indexes(rt)
    assert rows(rt) == current
    ledger.forget_cache()
    add_events(rt, associations=1)
    rt.catch_up(DISTRICT)  # new entries are numbered after the migrated ones
    assert [r["leaf_index"] for r in rows(rt)] == list(range(len(rows(rt))))
    head = ledger.sign_head(rt.db, DISTRICT, load_private_key(rt.settings.signing_key or ""))
    assert head is not None and head.tree_size == len(rows(rt))
    assert check(rt).ok
