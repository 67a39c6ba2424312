"""A district with a signed ledger, on SQLite (a file under tmp_path) and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregates.provenance import Provenance
from projections.ledger import ledger
from projections.ledger.tree_heads import load_private_key, new_private_key_seed
from tests import factories
from tests.plugin import MakeRuntime
from tests.seeding import seed_district
from workers.runtime import Runtime

DISTRICT = "410102"


@pytest.fixture
def seed() -> str:
    """A signing-key seed of this test."""
    return new_private_key_seed()


@pytest.fixture
def ledger_runtime(
    store_url: str | None, make_runtime: MakeRuntime, tmp_path: Path, seed: str
) -> Iterator[Runtime]:
    """A runtime on each back end in turn, signing with ``seed``, one empty district."""
    rt = make_runtime(database_url=store_url, data_dir=tmp_path / "data", signing_key=seed)
    factories.district(rt.tenancy, DISTRICT, "金水区", by=Provenance(actor="test"))
    ledger.forget_cache()
    yield rt
    ledger.forget_cache()


def add_events(rt: Runtime, *, associations: int, cycles: int = 2) -> None:
    """New associations, each with 1 + 2 * cycles events, numbered after those already there."""
    first = rt.tenancy.records(DISTRICT).head_position() + 1
    seed_district(
        rt.tenancy, DISTRICT, associations=associations, cycles=cycles, first_village=first
    )


def grow(rt: Runtime, *, associations: int, cycles: int = 2) -> None:
    """Append events, project them and sign a head of them."""
    add_events(rt, associations=associations, cycles=cycles)
    rt.catch_up(DISTRICT)
    key = load_private_key(rt.settings.signing_key or "")
    assert ledger.sign_head(rt.db, DISTRICT, key) is not None


def cli_env(rt: Runtime, seed: str) -> dict[str, str]:
    """The environment a `canxie` command needs to open the runtime of this test."""
    return {
        "CANXIE_DATABASE_URL": getattr(rt.db, "url", ""),
        "CANXIE_DATA_DIR": str(rt.settings.data_dir),
        "CANXIE_SIGNING_KEY": seed,
        "CANXIE_BROKER_URL": "",
    }
