"""Erasure really erases on PostgreSQL: a dump of the event store holds no key and, once a
person is erased, nothing of them; the key ring is a separate backup of its own."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from tests.leaks import D, erase, forms, found, register_and_read, to_old_layout
from tests.plugin import MakeApp, app_settings

pytestmark = pytest.mark.hosted

#: What an operator backs up as the event store: every schema but the key ring's.
EVENT_STORE_DUMP = ("pg_dump", "--no-owner", "--exclude-schema=keyring_*")


def dump(pg_url: str) -> bytes:
    """The event store's backup, as the README tells an operator to take it."""
    return subprocess.run(
        [*EVENT_STORE_DUMP, "--dbname", pg_url], check=True, capture_output=True, timeout=120
    ).stdout


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
def test_a_dump_of_the_event_store_holds_no_key_and_nothing_of_an_erased_person(
    pg_url: str, make_app: MakeApp, encrypted: bool
) -> None:
    key = base64.b64encode(os.urandom(32)).decode() if encrypted else None
    app = make_app(database_url=pg_url, encryption_key=key)
    person = register_and_read(app)
    before = dump(pg_url)
    assert b"CREATE TABLE" in before and b"district_410102" in before
    keys = {k: v for k, v in {**person.kept_key, **person.secrets}.items() if "key" in k}
    # Yesterday's backup of the events holds no key to unlock them with ...
    assert found(before, keys) == []
    erase(app, person)
    # ... and today's nothing of the erased person at all.
    assert found(dump(pg_url), {**person.kept_key, **person.secrets}) == []


def test_an_older_hosted_store_has_its_keys_moved_to_the_key_ring_schema(
    pg_url: str, tmp_path: Path, make_app: MakeApp
) -> None:
    settings = app_settings(tmp_path, database_url=pg_url)
    app = make_app(settings)
    person = register_and_read(app)
    erase(app, person)
    app.extensions["canxie"].wakeups.close()
    runtime = app.extensions["canxie"].runtime
    keys = to_old_layout(runtime.tenancy, D)
    runtime.close()
    old = {f"key {n}": forms(key) for n, key in enumerate(keys)}
    assert found(dump(pg_url), old)  # the older release kept them beside the events

    again = make_app(settings)
    records = again.extensions["canxie"].runtime.tenancy.records(D)
    assert records.person(UUID(person.kept_id)).name == "李雷"  # unsealed from the log
    assert records.person(UUID(person.person_id)).erased is True
    assert found(dump(pg_url), {**old, **person.secrets}) == []
    with psycopg.connect(pg_url) as conn:
        gone = conn.execute("SELECT to_regclass('district_410102.person_keys')").fetchone()
    assert gone == (None,)
