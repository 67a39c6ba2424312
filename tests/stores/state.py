"""What an old store holds, in a canonical form that can be committed and compared.

Shared by ``make_old_store`` (which writes ``expected_tables.json``) and ``test_old_store``
(which rebuilds the committed store with today's code and compares): one definition of the
state, so the two can only disagree about the store, never about how it is read.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from projections.engine.read_models import PROJECTIONS
from projections.engine.rebuild import rebuild
from projections.ledger import ledger
from projections.ledger.merkle import MerkleLog
from projections.ledger.tree_heads import load_public_key
from projections.ledger.verify import verify_ledger
from workers.runtime import Runtime


def canonical_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with columns by name, sorted by their JSON text (read models have no row order);
    bytes (the audit trail's digests) in hex, as the API shows them and older stores kept them."""
    ordered = [
        {k: v.hex() if isinstance(v, bytes) else v for k, v in sorted(row.items())} for row in rows
    ]
    return sorted(ordered, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))


def read_models(runtime: Runtime, district: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every read-model table of the district, canonical.

    Every column is kept: each derives from the stored events alone (the read models'
    timestamps are the events' recorded timestamps, never the wall clock of the rebuild).
    """
    db = runtime.db
    tables: dict[str, list[dict[str, Any]]] = {}
    with db.transaction(district, write=False) as cur:
        for projection in PROJECTIONS:
            for table in projection.tables:
                cur.execute(db.sql(district, f"SELECT * FROM {{s}}{table.name}"))
                tables[table.name] = canonical_rows([dict(row) for row in cur.fetchall()])
    return tables


def topic_counts(runtime: Runtime, district: str) -> dict[str, int]:
    """How many stored events the district holds of each topic."""
    db = runtime.db
    with db.transaction(district, write=False) as cur:
        cur.execute(
            db.sql(
                district,
                f"SELECT topic, count(*) AS n FROM {{s}}{db.events_table} GROUP BY topic",
            )
        )
        return {row["topic"]: int(row["n"]) for row in sorted(cur.fetchall(), key=lambda r: r[0])}


def ledger_state(runtime: Runtime, district: str, public_key: str) -> dict[str, Any]:
    """The Merkle log of the audit trail, its signed heads and the verification's verdict."""
    snap = ledger.snapshot(runtime.db, district)
    merkle = MerkleLog()
    for _, leaf in snap.recorded_leaves:
        merkle.append(bytes.fromhex(leaf))
    report = verify_ledger(
        district,
        snap.records,
        snap.recorded_leaves,
        [h.to_dict() for h in snap.heads],
        [load_public_key(public_key)],
    )
    return {
        "size": merkle.size,
        "root": merkle.root().hex() if merkle.size else None,
        "heads": [
            {"tree_size": h.tree_size, "root": h.root.hex(), "key_id": h.key_id} for h in snap.heads
        ],
        "verified": report.ok,
        "problems": report.kinds(),
        "covered_leaves": report.covered_leaves,
    }


def rebuilt_state(runtime: Runtime, district: str, public_key: str) -> dict[str, Any]:
    """Rebuild every read model of the district from its events, then read everything."""
    rebuild(runtime.db, district, runtime.tenancy.records(district).mapper)
    return {
        "topics": topic_counts(runtime, district),
        "ledger": ledger_state(runtime, district, public_key),
        "tables": read_models(runtime, district),
    }


def originator_ids(runtime: Runtime, district: str) -> list[str]:
    """Every aggregate id that has stored events in the district."""
    db = runtime.db
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(sql(f"SELECT DISTINCT originator_id FROM {{s}}{db.events_table}"))
        return sorted(str(row["originator_id"]) for row in cur.fetchall())
