"""Export a bundle, verify it offline in another process; one altered byte fails precisely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audit.conftest import DISTRICT, add_events, grow
from tests.processes import REPO, run_canxie
from workers.runtime import Runtime

#: Nothing answers here: a verifier that tried to reach a store or broker would fail.
OFFLINE = {
    "CANXIE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
    "CANXIE_BROKER_URL": "amqp://nobody@127.0.0.1:1//",
    "CANXIE_SIGNING_KEY": "",
}


@pytest.fixture
def bundle(ledger_runtime: Runtime, seed: str, tmp_path: Path) -> Path:
    """A district with 3 signed heads and a few unsigned events, exported by the command."""
    grow(ledger_runtime, associations=6)
    grow(ledger_runtime, associations=1, cycles=0)
    grow(ledger_runtime, associations=9)
    add_events(ledger_runtime, associations=1, cycles=1)
    ledger_runtime.catch_up(DISTRICT)
    env = {
        "CANXIE_DATABASE_URL": getattr(ledger_runtime.db, "url", ""),
        "CANXIE_DATA_DIR": str(ledger_runtime.settings.data_dir),
        "CANXIE_SIGNING_KEY": seed,
        "CANXIE_BROKER_URL": "",
    }
    out = tmp_path / "export" / f"{DISTRICT}.json"
    done = run_canxie("audit", "export", DISTRICT, "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and "3 signed heads" in done.stdout
    return out


def test_an_exported_bundle_verifies_offline(bundle: Path) -> None:
    done = run_canxie("audit", "verify", str(bundle), env=OFFLINE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": OK" in done.stdout
    assert "2 consistency proof(s) between successive heads verified" in done.stdout
    assert "3 event(s) after position" in done.stdout
    alone = subprocess.run(
        [sys.executable, "-m", "projections.ledger.verify", str(bundle)],
        cwd=REPO,
        env={**os.environ, **OFFLINE},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert alone.returncode == 0, alone.stdout


def test_one_altered_byte_of_an_event_fails_naming_it(bundle: Path) -> None:
    lines = bundle.read_text().splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if '"position": 40,' in line)
    event = json.loads(lines[at].lstrip(","))
    state = event["state"]
    middle = len(state) // 2
    flipped = "A" if state[middle] != "A" else "B"
    lines[at] = lines[at].replace(state, state[:middle] + flipped + state[middle + 1 :])
    bundle.write_text("".join(lines))
    done = run_canxie("audit", "verify", str(bundle), env=OFFLINE)
    assert done.returncode == 1
    fails = [line for line in done.stdout.splitlines() if line.startswith("  FAIL")]
    assert len(fails) == 1, done.stdout
    assert fails[0].startswith(
        f"  FAIL modified: position 40 (aggregate {event['originator_id']} "
        f"version {event['originator_version']}"
    ), fails[0]


def test_one_altered_byte_of_a_signature_or_leaf_fails_naming_it(
    bundle: Path, tmp_path: Path
) -> None:
    text = bundle.read_text()
    data = json.loads(text)
    signature = data["heads"][1]["signature"]
    changed = signature[:10] + ("B" if signature[10] != "B" else "C") + signature[11:]
    signature_bundle = tmp_path / "signature.json"
    signature_bundle.write_text(text.replace(signature, changed))
    done = run_canxie("audit", "verify", str(signature_bundle), env=OFFLINE)
    assert done.returncode == 1
    size = data["heads"][1]["tree_size"]
    assert f"FAIL head-signature: head of size {size}: signature does not verify" in done.stdout

    position, leaf = data["leaves"][7]
    leaf_bundle = tmp_path / "leaf.json"
    leaf_bundle.write_text(text.replace(leaf, ("0" if leaf[0] != "0" else "1") + leaf[1:]))
    done = run_canxie("audit", "verify", str(leaf_bundle), env=OFFLINE)
    assert done.returncode == 1
    assert f"FAIL trail-altered: the audit trail's recorded leaf for position {position}" in (
        done.stdout
    )

    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"events": [', '"events": [[', 1))
    done = run_canxie("audit", "verify", str(broken), env=OFFLINE)
    assert done.returncode == 1 and "is not valid JSON at line" in done.stdout


def test_the_verifier_core_imports_no_server_database_or_broker() -> None:
    probe = (
        "import sys, projections.ledger.verify; "
        "bad = [m for m in ('psycopg', 'sqlite3', 'flask', 'celery', 'kombu', 'eventsourcing') "
        "if m in sys.modules]; print(bad)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
