"""`canxie audit check` notices signed heads that are missing or were taken away.

A store with events and no signed head newer than the signing interval allows fails with the
missing-signature exit code; a head that an earlier check verified and that is gone (or that
the current heads no longer extend) fails with its own code, whether the check remembered it
in its state file or was handed it with ``--last-head``.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner

from projections.ledger import ledger
from projections.ledger.merkle import leaf_hash
from projections.ledger.records import canonical_record
from projections.ledger.tree_heads import load_private_key
from service.cli.main import main
from tests.audit.conftest import DISTRICT, cli_env, grow
from tests.audit.test_tamper import execute, stored
from tests.processes import run_canxie
from workers.runtime import Runtime

EXIT_OK, EXIT_UNSIGNED, EXIT_HEAD_GONE = 0, 3, 4


def check(
    rt: Runtime, seed: str, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `canxie audit check` on the test's district in its own process, as an operator would."""
    return run_canxie(
        "audit", "check", DISTRICT, *options, env={**cli_env(rt, seed), **(env or {})}
    )


def backdate_trail(rt: Runtime) -> None:
    """Make every event look recorded long ago (a district in use for years)."""
    execute(
        rt, "UPDATE {s}audit_entries SET recorded_at = %s", ("2020-01-01T00:00:00.000000+00:00",)
    )


def test_deleting_every_signed_head_is_a_missing_signature(
    ledger_runtime: Runtime, seed: str
) -> None:
    grow(ledger_runtime, associations=4)
    grow(ledger_runtime, associations=2)
    backdate_trail(ledger_runtime)
    assert check(ledger_runtime, seed).returncode == EXIT_OK
    execute(ledger_runtime, "DELETE FROM {s}tree_heads")
    result = check(
        ledger_runtime, seed, "--state", str(ledger_runtime.settings.data_dir / "fresh.json")
    )
    assert result.returncode == EXIT_UNSIGNED, result.stdout
    assert "FAIL unsigned: 30 event(s)" in result.stdout
    assert "there is no signed head" in result.stdout


def test_events_newer_than_the_signing_interval_may_wait(
    ledger_runtime: Runtime, seed: str
) -> None:
    grow(ledger_runtime, associations=2)
    execute(ledger_runtime, "DELETE FROM {s}tree_heads")
    # Recorded a moment ago: the next signing round has not come yet.
    assert check(ledger_runtime, seed).returncode == EXIT_OK
    # With no allowance at all they are overdue.
    result = check(ledger_runtime, seed, "--grace", "0", env={"CANXIE_SIGN_SECONDS": "0"})
    assert result.returncode == EXIT_UNSIGNED, result.stdout


def test_a_fresh_district_with_no_events_is_ok(ledger_runtime: Runtime, seed: str) -> None:
    result = check(ledger_runtime, seed, "--grace", "0", env={"CANXIE_SIGN_SECONDS": "0"})
    assert result.returncode == EXIT_OK, result.stdout
    assert "0 events, 0 signed heads" in result.stdout


def test_the_normal_path_stays_ok_and_remembers_the_newest_head(
    ledger_runtime: Runtime, seed: str
) -> None:
    state = ledger_runtime.settings.data_dir / "monitor.json"
    grow(ledger_runtime, associations=2)
    assert check(ledger_runtime, seed, "--state", str(state)).returncode == EXIT_OK
    grow(ledger_runtime, associations=3)
    result = check(ledger_runtime, seed, "--state", str(state))
    assert result.returncode == EXIT_OK, result.stdout
    remembered = json.loads(state.read_text())["districts"][DISTRICT]
    assert (
        remembered["tree_size"] == ledger.latest_head(ledger_runtime.db, DISTRICT).tree_size == 25
    )


def test_a_head_a_previous_check_saw_and_that_was_deleted_is_detected(
    ledger_runtime: Runtime, seed: str
) -> None:
    grow(ledger_runtime, associations=2)
    grow(ledger_runtime, associations=2)
    first = check(ledger_runtime, seed)  # remembers the head of size 20 under the data dir
    assert first.returncode == EXIT_OK, first.stdout
    execute(ledger_runtime, "DELETE FROM {s}tree_heads WHERE tree_size = %s", (20,))
    result = check(ledger_runtime, seed)
    assert result.returncode == EXIT_HEAD_GONE, result.stdout
    assert "FAIL head-gone: the signed head of size 20" in result.stdout
    # The failure persists: the state still holds the head that disappeared.
    assert check(ledger_runtime, seed).returncode == EXIT_HEAD_GONE


def test_a_last_head_handed_to_the_check_must_still_be_there(
    ledger_runtime: Runtime, seed: str, tmp_path: Path
) -> None:
    grow(ledger_runtime, associations=2)
    kept = ledger.latest_head(ledger_runtime.db, DISTRICT)
    assert kept is not None
    grow(ledger_runtime, associations=1)
    state = str(tmp_path / "state.json")
    given = json.dumps(kept.to_dict())
    assert check(ledger_runtime, seed, "--state", state, "--last-head", given).returncode == EXIT_OK
    execute(ledger_runtime, "DELETE FROM {s}tree_heads WHERE tree_size = %s", (kept.tree_size,))
    path = tmp_path / "head.json"
    path.write_text(given)
    result = check(ledger_runtime, seed, "--state", state, "--last-head", str(path))
    assert result.returncode == EXIT_HEAD_GONE, result.stdout


def test_a_history_rewritten_and_signed_again_is_detected(
    ledger_runtime: Runtime, seed: str
) -> None:
    """Whoever holds the store and the key rewrites an event, its leaf and every head."""
    grow(ledger_runtime, associations=2)
    assert check(ledger_runtime, seed).returncode == EXIT_OK
    row = stored(ledger_runtime, 3)
    state = bytes(row["state"]).replace(b"test-seeder", b"test-seedeR")
    execute(ledger_runtime, "UPDATE EVENTS SET state = %s WHERE POSITION = %s", (state, 3))
    record = canonical_record(
        3, row["originator_id"], row["originator_version"], row["topic"], state
    )
    execute(
        ledger_runtime,
        "UPDATE {s}audit_entries SET leaf_hash = %s WHERE position = %s",
        (leaf_hash(record), 3),
    )
    execute(ledger_runtime, "DELETE FROM {s}tree_heads")
    ledger.forget_cache()
    key = load_private_key(seed)
    assert ledger.sign_head(ledger_runtime.db, DISTRICT, key) is not None
    result = check(ledger_runtime, seed)
    assert result.returncode == EXIT_HEAD_GONE, result.stdout
    assert "no longer in the store" in result.stdout


def test_a_last_head_that_is_not_one_means_the_check_cannot_run(
    ledger_runtime: Runtime, seed: str
) -> None:
    grow(ledger_runtime, associations=1)
    forged = {**ledger.latest_head(ledger_runtime.db, DISTRICT).to_dict(), "root_hash": "ab" * 32}
    for given in ("{not json", json.dumps(forged)):
        result = check(ledger_runtime, seed, "--last-head", given)
        assert result.returncode == 5, result.stdout + result.stderr
    assert "does not verify under any trusted key" in result.stderr


def test_the_exit_codes_are_documented() -> None:
    result = CliRunner().invoke(main, ["audit", "check", "--help"])
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for code in (EXIT_OK, 1, EXIT_UNSIGNED, EXIT_HEAD_GONE, 5):
        assert re.search(rf"^  {code}  \S", result.output, re.MULTILINE), result.output
        assert re.search(rf"^ *\| `{code}` \|", readme, re.MULTILINE), (
            f"README lacks exit code {code}"
        )
