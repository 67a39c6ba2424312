"""Erasure really erases on the embedded store: no file of the data folder keeps the person."""

from __future__ import annotations

from pathlib import Path

from projections.database import open_database
from projections.tenancy import Tenancy
from service.app import create_app
from tests.leaks import (
    TOKEN,
    D,
    erase,
    files_holding,
    forms,
    register_and_read,
    stored_key_forms,
)
from tests.seeding import SEEDER
from workers.settings import Settings


def test_no_file_of_the_data_folder_holds_an_erased_person_or_their_key(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, bootstrap_token=TOKEN, sweep_seconds=3600))
    person = register_and_read(app)
    erase(app, person)

    # A copy of the folder taken now, while the server runs, holds nothing of them ...
    assert files_holding(tmp_path, person.secrets) == {}
    # ... nor do the files once the server has stopped.
    app.extensions["canxie"].wakeups.close()
    app.extensions["canxie"].runtime.close()
    assert files_holding(tmp_path, person.secrets) == {}


def test_a_destroyed_key_leaves_no_copy_in_the_key_ring_file(tmp_path: Path) -> None:
    tenancy = Tenancy(open_database(None, tmp_path))
    tenancy.provision()
    tenancy.create_district(D, "中原区", SEEDER)
    ring = tenancy.key_ring(D)
    subjects = [f"person-{n:03d}" for n in range(200)]
    for subject in subjects:
        ring.seal(subject, b"x")
    victim = "person-100"
    secrets = {"key": forms(ring._key(victim, create=False) or b"?")}
    secrets["stored key"] = stored_key_forms(tenancy.db, victim)
    ring.destroy(victim, by="test", reason="x")

    assert files_holding(tmp_path, secrets) == {}
    assert ring.unseal(victim, ring.seal("person-001", b"y")) is None
    tenancy.close()
