"""Erasure at rest: a person erased through the API, then every stored byte searched for them.

Shared by the embedded test (every file of the data folder) and the hosted one (a dump of
the event store).  A secret is looked for in each form it may be written in: as text, as the
escapes JSON and Python write, and for a key also as base64 and hex.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask

from projections.platform.database import SqliteDatabase
from projections.platform.key_ring import (
    KEYRING_FOLDER,
    PERSON_KEYS,
    WRAPPING_KEY_FILE,
    keyring_schema,
)
from projections.platform.tenancy import Tenancy
from tests.plugin import ADMIN
from tests.roster.samples import person_body

AUTH = ADMIN
D = "410102"
VILLAGE = "410102001001"
#: A name and a sequence found nowhere else in the product, its tests or its samples.
NAME = "澹台望舒"
SEQUENCE = 417


def forms(secret: bytes | str) -> list[bytes]:
    """The byte strings a secret may be stored as."""
    if isinstance(secret, str):
        text = secret.encode()
        escaped = secret.encode("unicode_escape")
        return sorted({text, escaped, escaped.upper().replace(b"\\U", b"\\u")})
    encoded = [
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
        secret.hex().encode(),
        secret.hex().upper().encode(),
    ]
    return [*fragments(secret, 12), *(f for e in encoded for f in fragments(e))]


def fragments(stored: bytes, size: int = 16) -> list[bytes]:
    """Every run of ``size`` bytes of a stored key: a part left in a free block is a leak too."""
    return sorted({stored[i : i + size] for i in range(max(len(stored) - size, 0) + 1)})


def found(blob: bytes, secrets: dict[str, list[bytes]]) -> list[str]:
    """The labels of the secrets the blob holds in any form."""
    return [label for label, variants in secrets.items() if any(v in blob for v in variants)]


def files_holding(root: Path, secrets: dict[str, list[bytes]]) -> dict[str, list[str]]:
    """Every file under ``root`` that holds a secret, with the secrets it holds."""
    hits = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        labels = found(path.read_bytes(), secrets)
        if labels:
            hits[str(path.relative_to(root))] = labels
    return hits


@dataclass
class Erased:
    """The person erased, and what of them must be found nowhere afterwards."""

    person_id: str
    kept_id: str
    secrets: dict[str, list[bytes]]
    #: The kept person's key: it must not sit beside the events either.
    kept_key: dict[str, list[bytes]]


def stored_key_forms(db: Any, subject: str) -> list[bytes]:
    """The key as stored in the key ring (wrapped or not), wherever the ring keeps it."""
    values: list[str] = []
    if hasattr(db, "data_dir"):
        for path in Path(db.data_dir).rglob("*.sqlite3"):
            with sqlite3.connect(path) as conn:
                tables = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'person_keys'"
                ).fetchall()
                if tables:
                    row = conn.execute(
                        "SELECT wrapped_key FROM person_keys WHERE subject = ?", (subject,)
                    ).fetchone()
                    values += [row[0]] if row and row[0] else []
            conn.close()
    else:
        with db.pool.connection() as conn:
            schemas = conn.execute(
                "SELECT table_schema FROM information_schema.tables "
                "WHERE table_name = 'person_keys'"
            ).fetchall()
            for row in schemas:
                stored = conn.execute(
                    f'SELECT wrapped_key FROM "{row["table_schema"]}".person_keys '
                    "WHERE subject = %s",
                    (subject,),
                ).fetchone()
                values += [stored["wrapped_key"]] if stored and stored["wrapped_key"] else []
    assert values, "the person's key is stored somewhere before the erasure"
    return [f for v in values for f in fragments(v.encode())]


def key_of(app: Flask, subject: str) -> bytes:
    """The person's data key, as the district's key ring hands it out."""
    ring = app.extensions["canxie"].runtime.tenancy.records(D).sealer
    key = ring._key(subject, create=False)
    assert key, "the person has a key"
    return bytes(key)


def register_and_read(app: Flask) -> Erased:
    """A district, a person to erase and one to keep, both read unmasked as a clerk would."""
    client = app.test_client()
    runtime = app.extensions["canxie"].runtime
    created = client.post("/api/v1/districts", json={"code": D, "name": "中原区"}, headers=AUTH)
    assert created.status_code == 201, created.get_json()
    body = person_body(VILLAGE, SEQUENCE, name=NAME, phone="13987654321")
    person_id = register(app, body)
    kept_id = register(app, person_body(VILLAGE, SEQUENCE + 1, name="李雷"))
    runtime.catch_up(D)
    read_person(app, person_id, NAME)
    secrets = {
        "name": forms(NAME),
        "resident ID": forms(body["resident_id"]),
        "phone": forms(body["phone"]),
        "address": forms(body["address"]),
        "key": forms(key_of(app, person_id)),
        "stored key": stored_key_forms(runtime.db, person_id),
    }
    kept_key = {
        "kept key": forms(key_of(app, kept_id)),
        "kept stored key": stored_key_forms(runtime.db, kept_id),
    }
    return Erased(person_id=person_id, kept_id=kept_id, secrets=secrets, kept_key=kept_key)


def erase(app: Flask, person: Erased) -> None:
    """Erase the person through the API and let the read models catch up."""
    erased = app.test_client().post(
        f"/api/v1/districts/{D}/persons/{person.person_id}/erasure",
        headers=AUTH,
        json={"reason": "本人依法申请删除 (lawful request)"},
    )
    assert erased.status_code == 200, erased.get_json()
    app.extensions["canxie"].runtime.catch_up(D)
    assert read_person(app, person.person_id, None)["erased"] is True
    assert read_person(app, person.kept_id, "李雷")["erased"] is False


def register(app: Flask, body: dict[str, Any]) -> str:
    response = app.test_client().post(f"/api/v1/districts/{D}/persons", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def read_person(app: Flask, person_id: str, name: str | None) -> dict[str, Any]:
    """Read one person unmasked (an audited read) and the list, as a clerk would."""
    client = app.test_client()
    query = {"unmask": ["resident_id", "address"], "reason": "核对身份 check"}
    one = client.get(f"/api/v1/districts/{D}/persons/{person_id}", headers=AUTH, query_string=query)
    assert one.status_code == 200, one.get_json()
    listed = client.get(f"/api/v1/districts/{D}/persons", headers=AUTH, query_string=query)
    assert listed.status_code == 200, listed.get_json()
    assert one.get_json()["name"] == name
    return dict(one.get_json())


def to_old_layout(tenancy: Tenancy, code: str) -> list[bytes]:
    """Turn a district's store back into an older release's: every person's key kept
    unwrapped (``raw:``) in a ``person_keys`` table of the district's own store, no key ring
    beside it.  Returns the keys, to look for after the move."""
    ring = tenancy.key_ring(code)
    with ring._cursor() as cur:
        cur.execute(ring._sql("SELECT * FROM {s}person_keys"))
        rows = [dict(row) for row in cur.fetchall()]
    keys = [ring._key(row["subject"], create=False) for row in rows]
    for row, key in zip(rows, keys, strict=True):
        row["wrapped_key"] = "raw:" + base64.b64encode(key).decode() if key else None
    sql = partial(tenancy.db.sql, code)
    with tenancy.db.transaction(code, write=True) as cur:
        for statement in PERSON_KEYS.ddl(tenancy.db.kind):
            cur.execute(sql(statement))
        columns = list(PERSON_KEYS.columns)
        cur.executemany(
            sql(f"INSERT INTO {{s}}person_keys ({', '.join(columns)}) VALUES ")
            + sql(f"({', '.join('%s' for _ in columns)})"),
            [[row[c] for c in columns] for row in rows],
        )
    ring.close()
    if isinstance(tenancy.db, SqliteDatabase):
        shutil.rmtree(tenancy.db.data_dir / KEYRING_FOLDER)
        (tenancy.db.data_dir / WRAPPING_KEY_FILE).unlink()
    else:
        with tenancy.db.pool.connection() as conn:
            conn.execute(f'DROP SCHEMA "{keyring_schema(code)}" CASCADE')
    return [key for key in keys if key]
