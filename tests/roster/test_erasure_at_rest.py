"""Erasure really erases on the embedded store: no file of the data folder keeps the person."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from uuid import UUID

from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.leaks import (
    SEQUENCE,
    VILLAGE,
    D,
    erase,
    files_holding,
    forms,
    read_person,
    register,
    register_and_read,
    stored_key_forms,
    to_old_layout,
)
from tests.plugin import MakeApp, app_settings, close_app
from tests.roster.samples import person_body
from tests.seeding import SEEDER


def test_no_file_of_the_data_folder_holds_an_erased_person_or_their_key(
    tmp_path: Path, make_app: MakeApp
) -> None:
    app = make_app()
    person = register_and_read(app)
    erase(app, person)

    # A copy of the folder taken now, while the server runs, holds nothing of them ...
    assert files_holding(tmp_path, person.secrets) == {}
    # ... nor do the files once the server has stopped.
    close_app(app)
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


def test_an_older_store_has_its_keys_moved_out_and_wrapped_and_every_person_still_reads(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = app_settings(tmp_path)
    app = make_app(settings)
    person = register_and_read(app)
    erase(app, person)
    names = {person.kept_id: "李雷"}
    for n in range(1, 6):
        body = person_body(VILLAGE, SEQUENCE + 10 + n, name=f"迁移{n}号")
        names[register(app, body)] = body["name"]
    app.extensions["canxie"].wakeups.close()
    runtime = app.extensions["canxie"].runtime
    runtime.catch_up(D)
    keys = to_old_layout(runtime.tenancy, D)
    runtime.close()
    assert len(keys) == len(names)  # every person's but the erased one's
    old = {f"key {n}": forms(key) for n, key in enumerate(keys)}
    assert files_holding(tmp_path, old)  # the older release kept them in the district's file

    again = make_app(settings)  # its first open moves the keys
    records = again.extensions["canxie"].runtime.tenancy.records(D)
    for person_id, name in names.items():  # unsealed from the log with the moved keys
        assert records.person(UUID(person_id)).name == name
    assert records.person(UUID(person.person_id)).erased is True
    assert read_person(again, person.kept_id, "李雷")["erased"] is False
    close_app(again)

    assert files_holding(tmp_path, {**old, **person.secrets}) == {}
    with sqlite3.connect(tmp_path / "districts" / f"{D}.sqlite3") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "person_keys" not in tables
    with sqlite3.connect(tmp_path / "keyring" / f"{D}.sqlite3") as conn:
        stored = [row[0] for row in conn.execute("SELECT wrapped_key FROM person_keys")]
    assert sorted(s.partition(":")[0] for s in stored if s) == ["aesgcm"] * len(names)


def test_a_key_ring_restored_from_before_an_erasure_loses_the_key_again_at_start(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = app_settings(tmp_path)
    app = make_app(settings)
    person = register_and_read(app)
    backup = tmp_path.parent / f"{tmp_path.name}-keyring-backup"
    shutil.copytree(tmp_path / "keyring", backup)  # yesterday's backup of the key ring
    erase(app, person)
    close_app(app)
    shutil.rmtree(tmp_path / "keyring")
    shutil.copytree(backup, tmp_path / "keyring")  # restored after a disk failure
    assert files_holding(tmp_path, person.secrets)

    again = make_app(settings)  # the log says they were erased: the key goes again
    ring = again.extensions["canxie"].runtime.tenancy.records(D).sealer
    assert ring._key(person.person_id, create=False) is None
    assert ring._key(person.kept_id, create=False) is not None
    close_app(again)
    assert files_holding(tmp_path, person.secrets) == {}
    shutil.rmtree(backup)
