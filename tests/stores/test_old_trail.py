"""The old store's audit trail (hex digests, leaves numbered only when a head was signed) is
migrated when the store is opened: the same entries, digests as bytes, every leaf numbered, and
the ledger verifies and signs on without a rebuild.

The committed files are copied first (``tests/stores/test_old_store.py`` says why); to stand
for entries an earlier release had not numbered yet, the copy loses its newest head and the
leaf indices that head numbered, as that release left them before signing it.
"""

from __future__ import annotations

import shutil
import sqlite3
from functools import partial
from pathlib import Path

import pytest

from projections.ledger import ledger
from projections.ledger.audit_trail import AUDIT_ENTRIES
from projections.ledger.trail_upgrade import digest_type
from tests.plugin import MakeRuntime
from tests.stores.state import canonical_rows, ledger_state
from tests.stores.test_old_store import DISTRICTS, EXPECTED, STORE
from workers.runtime import Runtime
from workers.signing import signing_key


def open_copy(make_runtime: MakeRuntime, tmp_path: Path, *, unsign_last: bool) -> Runtime:
    data = tmp_path / "data"
    shutil.copytree(STORE / "data", data)
    if unsign_last:
        for district in DISTRICTS:
            with sqlite3.connect(data / "districts" / f"{district}.sqlite3") as conn:
                (last, before) = conn.execute(
                    "SELECT max(tree_size), (SELECT max(tree_size) FROM tree_heads "
                    "WHERE tree_size < (SELECT max(tree_size) FROM tree_heads)) FROM tree_heads"
                ).fetchone()
                conn.execute("DELETE FROM tree_heads WHERE tree_size = ?", (last,))
                conn.execute(
                    "UPDATE audit_entries SET leaf_index = NULL WHERE leaf_index >= ?", (before,)
                )
            conn.close()
    return make_runtime(data_dir=data)


def trail(rt: Runtime, district: str) -> list[dict[str, object]]:
    with rt.db.transaction(district, write=False) as cur:
        cur.execute(rt.db.sql(district, "SELECT * FROM {s}audit_entries"))
        return canonical_rows([dict(row) for row in cur.fetchall()])


@pytest.mark.parametrize("district", DISTRICTS)
def test_the_opened_trail_holds_the_same_entries_as_bytes(
    make_runtime: MakeRuntime, tmp_path: Path, district: str
) -> None:
    rt = open_copy(make_runtime, tmp_path, unsign_last=False)
    with rt.db.transaction(district, write=False) as cur:
        assert digest_type(cur, partial(rt.db.sql, district), rt.db.kind) == "blob"
    assert trail(rt, district) == EXPECTED["districts"][district]["tables"]["audit_entries"]
    with rt.db.transaction(district, write=False) as cur:
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_entries' "
            "AND sql IS NOT NULL"
        )
        indexes = sorted(row["name"] for row in cur.fetchall())
    assert indexes == sorted(
        f"audit_entries_{'_'.join(columns)}_idx" for columns in AUDIT_ENTRIES.indexes
    )  # the leaf_index index the old store has is gone


@pytest.mark.parametrize("district", DISTRICTS)
def test_leaves_left_unnumbered_are_numbered_and_signed_as_before(
    make_runtime: MakeRuntime, tmp_path: Path, district: str
) -> None:
    rt = open_copy(make_runtime, tmp_path, unsign_last=True)
    expected = EXPECTED["districts"][district]
    assert trail(rt, district) == expected["tables"]["audit_entries"]
    key = signing_key(rt.settings)
    assert key.private_key is not None and key.public_key is not None
    ledger.forget_cache()
    signed = ledger.sign_head(rt.db, district, key.private_key)
    assert signed is not None
    assert (signed.tree_size, signed.root.hex()) == (
        expected["ledger"]["size"],
        expected["ledger"]["root"],
    )
    state = ledger_state(rt, district, key.public_key)
    assert state["verified"] and state["covered_leaves"] == state["size"]
    assert [h["root"] for h in state["heads"]] == [h["root"] for h in expected["ledger"]["heads"]]
