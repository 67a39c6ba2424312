"""Tampering with the stored events in SQL is detected and located; a clean store verifies."""

from __future__ import annotations

import re
import uuid
from functools import partial
from typing import Any

import pytest
from click.testing import CliRunner

from projections.engine.unit_of_work import COPY_FROM_ROWS
from projections.ledger import ledger
from projections.ledger.tree_heads import load_private_key, load_public_key, public_key_base64
from projections.ledger.verify import Report, verify_ledger
from service.cli.main import main
from tests.audit.conftest import DISTRICT, add_events, cli_env, grow
from workers.runtime import Runtime


def check(rt: Runtime) -> Report:
    """What `canxie audit check` computes: the live store against the signed heads."""
    snap = ledger.snapshot(rt.db, DISTRICT)
    key = load_public_key(public_key_base64(load_private_key(rt.settings.signing_key or "")))
    heads = [h.to_dict() for h in snap.heads]
    return verify_ledger(DISTRICT, snap.records, snap.recorded_leaves, heads, [key])


def execute(rt: Runtime, statement: str, params: tuple[Any, ...] = ()) -> None:
    """Run SQL on the district's store, as someone with database access would."""
    db = rt.db
    template = statement.replace("EVENTS", f"{{s}}{db.events_table}").replace(
        "POSITION", db.notification_id_column
    )
    with db.transaction(DISTRICT, write=True) as cur:
        cur.execute(db.sql(DISTRICT, template), params)


def stored(rt: Runtime, position: int) -> dict[str, Any]:
    db = rt.db
    sql = partial(db.sql, DISTRICT)
    with db.transaction(DISTRICT, write=False) as cur:
        cur.execute(
            sql(
                f"SELECT originator_id, originator_version, topic, state "
                f"FROM {{s}}{db.events_table} WHERE {db.notification_id_column} = %s"
            ),
            (position,),
        )
        return dict(cur.fetchone())


@pytest.fixture
def signed(ledger_runtime: Runtime) -> Runtime:
    """50 events under a first head, 25 more under a second, 5 more not yet signed."""
    grow(ledger_runtime, associations=10)
    grow(ledger_runtime, associations=5)
    add_events(ledger_runtime, associations=1, cycles=2)
    ledger_runtime.catch_up(DISTRICT)
    return ledger_runtime


def test_a_clean_store_verifies(signed: Runtime) -> None:
    report = check(signed)
    assert report.ok, report.text()
    assert report.heads == 2
    assert report.covered_leaves == 75
    assert "5 event(s) after position" in report.text()


def test_entries_written_in_one_large_batch_verify(ledger_runtime: Runtime) -> None:
    # 3 x (1 + 2 x 40) = 243 events in one batch: on PostgreSQL the trail's rows go in by COPY.
    grow(ledger_runtime, associations=3, cycles=40)
    assert COPY_FROM_ROWS < 243
    report = check(ledger_runtime)
    assert report.ok, report.text()
    assert report.covered_leaves == 243


def test_one_changed_byte_of_a_payload_is_located(signed: Runtime) -> None:
    row = stored(signed, 17)
    state = bytearray(row["state"])
    state[len(state) // 2] ^= 0x01
    execute(signed, "UPDATE EVENTS SET state = %s WHERE POSITION = %s", (bytes(state), 17))
    report = check(signed)
    assert [(p.kind, p.position) for p in report.problems] == [("modified", 17)], report.text()
    aggregate = uuid.UUID(str(row["originator_id"]))
    assert f"aggregate {aggregate} version {row['originator_version']}" in report.text()


def test_a_deleted_row_is_located(signed: Runtime) -> None:
    execute(signed, "DELETE FROM EVENTS WHERE POSITION = %s", (33,))
    report = check(signed)
    assert [(p.kind, p.position) for p in report.problems] == [("deleted", 33)], report.text()
    assert "leaf 32" in report.text()


def test_a_forged_row_is_located(signed: Runtime) -> None:
    forged = uuid.uuid4()
    template = stored(signed, 10)
    position = 0  # before the first event: inside the range the heads cover
    columns = "POSITION, originator_id, originator_version, topic, state"
    execute(
        signed,
        f"INSERT INTO EVENTS ({columns}) VALUES (%s, %s, %s, %s, %s)",
        (position, str(forged), 1, template["topic"], template["state"]),
    )
    report = check(signed)
    assert [(p.kind, p.position) for p in report.problems] == [("inserted", 0)], report.text()
    assert str(forged) in report.text()


def test_two_swapped_positions_are_located(signed: Runtime) -> None:
    execute(signed, "UPDATE EVENTS SET POSITION = -1 WHERE POSITION = %s", (20,))
    execute(signed, "UPDATE EVENTS SET POSITION = 20 WHERE POSITION = %s", (40,))
    execute(signed, "UPDATE EVENTS SET POSITION = 40 WHERE POSITION = -1")
    report = check(signed)
    assert [(p.kind, p.position) for p in report.problems] == [("moved", 20), ("moved", 40)], (
        report.text()
    )
    assert "signed at position 40" in report.problems[0].message
    assert "signed at position 20" in report.problems[1].message


def test_a_change_to_the_audit_trail_itself_is_told_apart(signed: Runtime) -> None:
    execute(
        signed,
        "UPDATE {s}audit_entries SET leaf_hash = %s WHERE position = %s",
        (bytes(32), 12),
    )
    report = check(signed)
    assert [(p.kind, p.position) for p in report.problems] == [("trail-altered", 12)], report.text()
    # ... and the signer refuses to sign over a rewritten trail.
    ledger.forget_cache()
    add_events(signed, associations=1, cycles=0)
    signed.catch_up(DISTRICT)
    with pytest.raises(ledger.LedgerInconsistent, match="refusing to sign"):
        ledger.sign_head(signed.db, DISTRICT, load_private_key(signed.settings.signing_key or ""))


def test_both_events_and_trail_changed_still_locate_the_event(signed: Runtime) -> None:
    row = stored(signed, 5)
    state = bytes(row["state"]).replace(b"test-seeder", b"test-seedeR")
    execute(signed, "UPDATE EVENTS SET state = %s WHERE POSITION = %s", (state, 5))
    execute(
        signed, "UPDATE {s}audit_entries SET leaf_hash = %s WHERE position = %s", (b"\x11" * 32, 5)
    )
    report = check(signed)
    assert "unauthenticated" in report.kinds()
    assert ("modified", 5) in [(p.kind, p.position) for p in report.problems], report.text()


def test_the_check_command_names_the_event(signed: Runtime, seed: str) -> None:
    execute(signed, "DELETE FROM EVENTS WHERE POSITION = %s", (3,))
    result = CliRunner().invoke(main, ["audit", "check", DISTRICT], env=cli_env(signed, seed))
    assert result.exit_code == 1, result.output
    assert re.search(r"FAIL deleted: the event signed at position 3 \(leaf 2", result.output)
