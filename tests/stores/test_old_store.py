"""A store written by an earlier canxie still opens, reads, rebuilds and verifies the same.

``tests/stores/v0`` holds an embedded data dir written by ``make_old_store`` (see its
README): every event class of ``aggregates/`` is in it under the topic it had then.  Stored
events are never rewritten, so when classes move, their old topics must still resolve
(``eventsourcing.utils.register_topic``), every aggregate must still load, and every read
model rebuilt from those events must equal, row for row, what was rebuilt when it was written.

The committed files are never opened in place: each test works on a copy in ``tmp_path``,
opened the way a deployment opens its data dir (so any migration at open runs on it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.plugin import MakeRuntime
from tests.stores.state import ledger_state, originator_ids, rebuilt_state
from workers.runtime import Runtime
from workers.signing import signing_key

STORE = Path(__file__).parent / "v0"
EXPECTED: dict[str, Any] = json.loads((STORE / "expected_tables.json").read_text())
DISTRICTS = sorted(EXPECTED["districts"])


@pytest.fixture
def old_runtime(make_runtime: MakeRuntime, tmp_path: Path) -> Runtime:
    """A copy of the old data dir, opened as ``canxie serve`` opens one."""
    data = tmp_path / "data"
    shutil.copytree(STORE / "data", data)
    return make_runtime(data_dir=data)


def test_the_copy_lists_the_districts_it_was_written_with(old_runtime: Runtime) -> None:
    assert [d.code for d in old_runtime.tenancy.districts()] == DISTRICTS


@pytest.mark.parametrize("district", DISTRICTS)
def test_every_aggregate_of_the_old_store_loads(old_runtime: Runtime, district: str) -> None:
    records = old_runtime.tenancy.records(district)
    failures = []
    ids = originator_ids(old_runtime, district)
    for originator in ids:
        try:
            records.repository.get(UUID(originator))
        except Exception as error:  # every failure is listed, not just the first
            failures.append(f"{originator}: {type(error).__name__}: {error}")
    assert not failures, f"{len(failures)} of {len(ids)} aggregates do not load:\n" + "\n".join(
        failures
    )


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def table_diff(name: str, expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> str:
    """The rows only one side has (at most five each), or "" when the tables are equal."""
    if expected == actual:
        return ""
    want, got = {_key(r) for r in expected}, {_key(r) for r in actual}
    missing, extra = sorted(want - got), sorted(got - want)
    lines = [f"table {name}: expected {len(expected)} rows, rebuilt {len(actual)}"]
    lines += [f"  - {r}" for r in missing[:5]] + [f"  + {r}" for r in extra[:5]]
    if not missing and not extra:
        lines.append("  (same rows, different multiplicity)")
    return "\n".join(lines)


@pytest.mark.parametrize("district", DISTRICTS)
def test_every_read_model_rebuilds_row_for_row(old_runtime: Runtime, district: str) -> None:
    expected = EXPECTED["districts"][district]
    rebuilt = rebuilt_state(old_runtime, district, EXPECTED["public_key"])
    assert rebuilt["topics"] == expected["topics"]  # the stored events are as written
    assert sorted(rebuilt["tables"]) == sorted(expected["tables"])
    diffs = [
        table_diff(name, expected["tables"][name], rebuilt["tables"][name])
        for name in sorted(expected["tables"])
    ]
    assert not any(diffs), "\n".join(d for d in diffs if d)


@pytest.mark.parametrize("district", DISTRICTS)
def test_the_ledger_verifies_against_its_signed_heads(old_runtime: Runtime, district: str) -> None:
    key = signing_key(old_runtime.settings)  # the data dir's own key, as `canxie audit check` uses
    assert key.public_key == EXPECTED["public_key"]
    state = ledger_state(old_runtime, district, key.public_key)
    assert state == EXPECTED["districts"][district]["ledger"]
    assert state["verified"] and state["covered_leaves"] == state["size"] > 0
