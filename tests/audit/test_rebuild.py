"""The audit trail built live, batch by batch, equals a rebuild from scratch row for row."""

from __future__ import annotations

from functools import partial
from typing import Any

from projections.engine import tracking
from projections.engine.catchup import catch_up
from projections.engine.read_models import PROJECTIONS
from projections.ledger import ledger
from projections.ledger.audit_trail import AUDIT_TRAIL_PROJECTION
from tests.audit.conftest import DISTRICT, add_events, grow
from workers.runtime import Runtime


def rows(rt: Runtime) -> list[dict[str, Any]]:
    with rt.db.transaction(DISTRICT, write=False) as cur:
        cur.execute(rt.db.sql(DISTRICT, "SELECT * FROM {s}audit_entries ORDER BY position"))
        return [dict(r) for r in cur.fetchall()]


def test_the_audit_projection_equals_a_rebuild(ledger_runtime: Runtime) -> None:
    mapper = ledger_runtime.tenancy.records(DISTRICT).mapper
    for round_ in range(4):  # live: small batches interleaved with writes and signing
        add_events(ledger_runtime, associations=3 + round_, cycles=round_)
        catch_up(ledger_runtime.db, DISTRICT, mapper, batch_size=7)
        if round_ % 2:
            grow(ledger_runtime, associations=1)
    live = rows(ledger_runtime)
    assert len(live) == ledger_runtime.tenancy.records(DISTRICT).head_position()
    assert live[-1]["leaf_index"] == len(live) - 1
    assert {r["event_type"] for r in live} == {
        "Association.Established",
        "Association.OfficerAppointed",
        "Association.OfficerRemoved",
    }

    sql = partial(ledger_runtime.db.sql, DISTRICT)
    with ledger_runtime.db.transaction(DISTRICT, write=True) as cur:
        cur.execute(sql("DELETE FROM {s}audit_entries"))
        tracking.reset(cur, sql, AUDIT_TRAIL_PROJECTION.name)
    ledger.forget_cache()
    catch_up(ledger_runtime.db, DISTRICT, mapper, projections=PROJECTIONS, batch_size=1000)
    assert rows(ledger_runtime) == live  # numbered as written, live and rebuilt alike
    # The signed heads still hold for the rebuilt trail, and signing goes on from them.
    add_events(ledger_runtime, associations=1)
    ledger_runtime.catch_up(DISTRICT)
    from tests.audit.test_tamper import check

    grow(ledger_runtime, associations=1)
    assert check(ledger_runtime).ok
