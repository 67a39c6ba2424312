"""Crypto-shredding: a person's personal data erased for good, the ledger untouched (issue 5)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from projections.engine.rebuild import rebuild
from projections.ledger.ledger import snapshot
from projections.ledger.tree_heads import load_public_key
from projections.ledger.verify import verify_ledger
from tests import factories
from tests.plugin import ADMIN
from tests.roster.samples import person_body
from workers.signing import sign_district, signing_key

AUTH = ADMIN
D = "410102"
VILLAGE = "410102001001"
NAME = "韩梅梅"


@pytest.fixture(autouse=True)
def district_over_the_api(client: FlaskClient) -> None:
    """Every test here starts from district D, created through the API."""
    created = client.post("/api/v1/districts", json={"code": D, "name": "中原区"}, headers=AUTH)
    assert created.status_code == 201


def register(client: FlaskClient, sequence: int, name: str) -> str:
    body = person_body(VILLAGE, sequence, name=name, phone="13912345678")
    response = client.post(f"/api/v1/districts/{D}/persons", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def person(client: FlaskClient, person_id: str, **query: Any) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/districts/{D}/persons/{person_id}",
        headers=AUTH,
        query_string={"min_position": "1", **query},
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def raw_states(app: Any) -> list[bytes]:
    runtime = app.extensions["canxie"].runtime
    with runtime.db.transaction(D, write=False) as cur:
        cur.execute("SELECT state FROM stored_events")
        return [bytes(r["state"]) for r in cur.fetchall()]


def test_personal_fields_are_sealed_in_the_log_even_before_erasure(app: Any) -> None:
    client = app.test_client()
    register(client, 1, NAME)
    states = raw_states(app)
    for secret in (NAME, "13912345678"):
        for form in (secret.encode(), secret.encode("unicode_escape")):
            assert not any(form in s for s in states), f"{secret} stored in clear"


def register_relocated_and_signed(client: Any, runtime: Any) -> tuple[str, str, dict[str, Any]]:
    """Two people, one relocated, the log signed: the erased-to-be id, the kept id, her record."""
    erased_id = register(client, 1, NAME)
    kept_id = register(client, 2, "李雷")
    moved = client.post(
        f"/api/v1/districts/{D}/persons/{erased_id}/relocation",
        headers=AUTH,
        json={
            "village_code": "410102001002",
            "address": "新地址 8 号",
            "effective_on": "2023-05-01",
        },
    )
    assert moved.status_code == 200, moved.get_json()
    runtime.catch_up(D)
    head = sign_district(runtime, D)
    assert head is not None
    before = person(client, erased_id, unmask=["resident_id", "address"], reason="核对身份 check")
    assert before["name"] == NAME
    return erased_id, kept_id, before


def assert_no_personal_data_is_left(
    client: Any, erased_id: str, kept_id: str, before: dict[str, Any]
) -> None:
    """Her record keeps only what is not personal; the listing and the other person are intact."""
    after = person(client, erased_id, unmask=["resident_id", "address"], reason="核对身份 check")
    assert after["erased"] is True
    for field in ("name", "resident_id", "birth_date", "address", "phone", "certificate_number"):
        assert after[field] is None, field
    assert after["village_code"] == "410102001002"  # where they lived is not personal
    assert after["category"] == before["category"]  # counts by category keep them
    events = [h["event"] for h in after["history"]]
    assert events[-1] == "Erased" and "Relocated" in events  # what happened, not to whom
    assert NAME not in str(after) and "新地址" not in str(after)
    listing = client.get(f"/api/v1/districts/{D}/persons", headers=AUTH).get_json()
    assert listing["total"] == 2
    assert NAME not in str(listing)
    assert person(client, kept_id)["name"] == "李雷"


def assert_the_signed_log_still_verifies(runtime: Any) -> None:
    """The log was not touched: every signed head still verifies against the stored events."""
    sign_district(runtime, D)
    snap = snapshot(runtime.db, D)
    key = load_public_key(signing_key(runtime.settings).public_key or "")
    report = verify_ledger(
        D, snap.records, snap.recorded_leaves, [h.to_dict() for h in snap.heads], [key]
    )
    assert report.ok, report.text()
    assert len(snap.heads) >= 2


def test_erasure_removes_personal_data_everywhere_and_the_proofs_still_verify(app: Any) -> None:
    client = app.test_client()
    runtime = app.extensions["canxie"].runtime
    erased_id, kept_id, before = register_relocated_and_signed(client, runtime)

    erased = client.post(
        f"/api/v1/districts/{D}/persons/{erased_id}/erasure",
        headers=AUTH,
        json={"reason": "本人依法申请删除 (lawful request)"},
    )
    assert erased.status_code == 200, erased.get_json()
    runtime.catch_up(D)
    assert_no_personal_data_is_left(client, erased_id, kept_id, before)

    # Nothing more can be recorded about them, and a rebuild from the log stays erased.
    refused = client.post(
        f"/api/v1/districts/{D}/persons/{erased_id}/death",
        headers=AUTH,
        json={"died_on": "2024-01-01"},
    )
    assert refused.status_code == 409
    records = runtime.tenancy.records(D)
    rebuild(runtime.db, D, records.mapper)
    rebuilt = person(client, erased_id)
    assert rebuilt["erased"] is True and rebuilt["name"] is None
    assert_the_signed_log_still_verifies(runtime)


def test_only_district_and_city_administrators_may_erase(app: Any) -> None:
    client = app.test_client()
    person_id = register(client, 3, "王小明")
    runtime = app.extensions["canxie"].runtime
    from datetime import timedelta

    for role, scope in (
        ("township_officer", {"district": D, "township": VILLAGE[:9]}),
        ("bureau_auditor", {}),
    ):
        user = factories.user(runtime.accounts, role, **scope)
        token = runtime.accounts.issue_token(user.id, valid_for=timedelta(days=1)).token
        response = client.post(
            f"/api/v1/districts/{D}/persons/{person_id}/erasure",
            headers={"Authorization": f"Bearer {token}"},
            json={"reason": "试图删除"},
        )
        assert response.status_code == 403, role
    assert person(client, person_id)["erased"] is False
