"""Encryption at rest: stored payloads are unreadable without the district's key."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import psycopg
import pytest

from projections.platform.database import open_database
from projections.platform.encryption import WrongEncryptionKey
from projections.platform.tenancy import Tenancy
from tests.client import BOOTSTRAP_TOKEN, Client
from tests.processes import ProcessFactory

pytestmark = pytest.mark.hosted

KEY = base64.b64encode(os.urandom(32)).decode()
OTHER_KEY = base64.b64encode(os.urandom(32)).decode()


def test_events_are_encrypted_and_a_wrong_key_is_a_clear_error(
    processes: ProcessFactory, hosted_env: dict[str, str], pg_url: str, tmp_path: Path
) -> None:
    env = {**hosted_env, "CANXIE_ENCRYPTION_KEY": KEY}
    server = processes.server(env, workers=1)
    processes.worker(env)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    assert api.create_district("410102", "中原区").status_code == 201
    association = api.create_association("410102", "410102001001").json()
    officer = api.appoint("410102", association["id"], "chair", "保密姓名", phone="13912345678")
    assert officer.status_code == 201
    read = api.get(
        f"/districts/410102/associations/{association['id']}",
        min_position=officer.json()["position"],
    )
    assert read.json()["officers"][0]["name"] == "保密姓名"  # the right key reads everything

    with psycopg.connect(pg_url) as conn:
        states = [
            bytes(r[0])
            for r in conn.execute('SELECT state FROM "district_410102".district_events').fetchall()
        ]
    assert states
    for secret in ("保密姓名", "13912345678", "410102001001"):
        for form in (secret.encode(), secret.encode("unicode_escape")):
            assert not any(form in state for state in states), f"{secret} stored in clear"

    wrong = Tenancy(open_database(pg_url, tmp_path), encryption_key=OTHER_KEY)
    with pytest.raises(WrongEncryptionKey, match="different CANXIE_ENCRYPTION_KEY"):
        wrong.records("410102")
    wrong.close()
    missing = Tenancy(open_database(pg_url, tmp_path))
    with pytest.raises(WrongEncryptionKey, match="encrypted, but CANXIE_ENCRYPTION_KEY is not set"):
        missing.records("410102")
    missing.close()

    server.stop()
    wrong_server = processes.server({**env, "CANXIE_ENCRYPTION_KEY": OTHER_KEY}, workers=1)
    answer = Client(wrong_server.url or "", BOOTSTRAP_TOKEN).appoint(
        "410102", association["id"], "vice_chair"
    )
    assert answer.status_code == 503
    assert answer.json()["type"] == "urn:canxie:problem:wrong-encryption-key"
