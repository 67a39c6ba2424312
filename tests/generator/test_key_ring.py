"""The key ring reads itself whole once many keys are asked for (replays, rebuilds, catch-up
of a city's persons), and an erased person stays erased on that path too."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.platform import key_ring
from projections.platform.database import open_database
from projections.platform.key_ring import PersonKeyRing
from projections.platform.tenancy import Tenancy
from tests.seeding import SEEDER


def test_many_keys_are_read_in_one_query_and_erasure_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenancy = Tenancy(open_database(None, tmp_path))
    tenancy.provision()
    tenancy.create_district("410106", "上街区", SEEDER)
    writer = PersonKeyRing(tenancy.db, "410106", None)
    subjects = [f"person-{n}" for n in range(300)]
    sealed = {s: writer.seal(s, s.encode()) for s in subjects}
    for erased in ("person-7", "person-200"):  # read singly, and in the bulk read
        writer.destroy(erased, by="test", reason="erasure")
    reader = PersonKeyRing(tenancy.db, "410106", None)
    single, bulk = [], []
    load, load_all = reader._load, reader._load_all
    monkeypatch.setattr(reader, "_load", lambda s: single.append(s) or load(s))
    monkeypatch.setattr(reader, "_load_all", lambda: bulk.append(1) or load_all())
    opened = {s: reader.unseal(s, sealed[s]) for s in subjects}
    assert opened["person-7"] is None and opened["person-200"] is None
    assert all(opened[s] == s.encode() for s in subjects if s not in ("person-7", "person-200"))
    assert len(single) == key_ring.BULK_AFTER_MISSES
    assert bulk == [1]
    tenancy.close()
