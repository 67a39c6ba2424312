"""The audit API: proofs checked by an independent routine, filters, problems."""

from __future__ import annotations

import base64
import hashlib
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask.testing import FlaskClient

from projections.engine.catchup import catch_up
from tests.audit.conftest import DISTRICT
from tests.client import BOOTSTRAP_TOKEN
from tests.factories import district_through_api
from tests.plugin import MakeApp

BASE = f"/api/v1/districts/{DISTRICT}/audit"


# -- an independent verifier (RFC 6962 / RFC 9162), written apart from projections/ --------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_of(record: dict[str, Any]) -> bytes:
    """Leaf hash of a stored record, from the encoding documented in ledger_records."""
    ident = str(uuid.UUID(record["originator_id"])).encode()
    topic = record["topic"].encode()
    state = base64.b64decode(record["state"])
    encoded = (
        b"canxie-record-v1\n"
        + struct.pack(">Q", record["position"])
        + struct.pack(">I", len(ident))
        + ident
        + struct.pack(">Q", record["originator_version"])
        + struct.pack(">I", len(topic))
        + topic
        + struct.pack(">Q", len(state))
        + state
    )
    return sha(b"\x00" + encoded)


def node(left: bytes, right: bytes) -> bytes:
    return sha(b"\x01" + left + right)


def root_of(leaves: list[bytes]) -> bytes:
    """MTH by the RFC's recursive definition."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(root_of(leaves[:k]), root_of(leaves[k:]))


def inclusion_root(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """Root implied by an audit path: recursion over the RFC's PATH definition."""
    if size == 1:
        assert not path
        return leaf
    k = 1
    while k * 2 < size:
        k *= 2
    *rest, sibling = path
    if index < k:
        return node(inclusion_root(leaf, index, k, rest), sibling)
    return node(sibling, inclusion_root(leaf, index - k, size - k, rest))


def consistency_roots(m: int, n: int, proof: list[bytes], old_root: bytes) -> tuple[bytes, bytes]:
    """(old root, new root) implied by a consistency proof, by the RFC's SUBPROOF recursion."""

    def sub(m: int, n: int, proof: list[bytes], complete: bool) -> tuple[bytes, bytes]:
        if m == n:
            if complete:
                return old_root, old_root
            (only,) = proof
            return only, only
        k = 1
        while k * 2 < n:
            k *= 2
        *rest, last = proof
        if m <= k:
            old, new = sub(m, k, rest, complete)
            return old, node(new, last)
        old, new = sub(m - k, n - k, rest, False)
        return node(last, old), node(last, new)

    return sub(m, n, proof, True)


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def ledger_client(
    make_app: MakeApp, hosted_settings: dict[str, Any], seed: str
) -> Iterator[FlaskClient]:
    """The app on PostgreSQL; wake-ups go to a queue no worker reads, so the test projects."""
    app = make_app(signing_key=seed, provision=True, **hosted_settings)
    with app.test_client() as test_client:
        test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {BOOTSTRAP_TOKEN}"
        yield test_client


def project(ledger_client: FlaskClient, batches: int | None = None, batch_size: int = 1000) -> None:
    runtime = ledger_client.application.extensions["canxie"].runtime
    catch_up(
        runtime.db,
        DISTRICT,
        runtime.tenancy.records(DISTRICT).mapper,
        batch_size=batch_size,
        max_batches=batches,
    )


def sign(ledger_client: FlaskClient) -> dict[str, Any]:
    answer = ledger_client.post(f"{BASE}/ledger/heads", json={})
    assert answer.status_code in (200, 201), answer.json
    return answer.json


def sign_a_head_after_each_of_nine_events(ledger_client: FlaskClient) -> list[dict[str, Any]]:
    """Nine events, a head signed after each is projected: sizes 1..9, then no tenth head."""
    association = district_through_api(ledger_client, DISTRICT, "金水区")
    for n in range(7):
        answer = ledger_client.post(
            f"/api/v1/districts/{DISTRICT}/associations/{association}/officers",
            json={"name": f"委员{n}", "role": "committee_member", "appointed_on": "2021-02-01"}
            if n < 5
            else {"name": f"副主席{n}", "role": "vice_chair", "appointed_on": "2021-02-01"},
        )
        assert answer.status_code == 201, answer.json
    # 9 events; sign a head after each one is projected: sizes 1..9 (1, powers of 2, others).
    heads = []
    for size in range(1, 10):
        project(ledger_client, batches=1, batch_size=1)
        signed = sign(ledger_client)
        assert signed["signed"] is True
        head = signed["head"]
        assert head["tree_size"] == size
        heads.append(head)
    assert sign(ledger_client)["signed"] is False  # nothing new: no new head
    return heads


def verify_heads_and_inclusion(
    ledger_client: FlaskClient, heads: list[dict[str, Any]]
) -> list[bytes]:
    """Every head's signature and every leaf's inclusion in it; returns the nine leaf hashes."""
    public = ledger_client.get("/api/v1/ledger/public-key").json
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public["public_key"]))
    leaves = []
    entries = ledger_client.get(f"{BASE}/entries").json["items"]
    for size, head in enumerate(heads, start=1):
        message = (
            f"canxie-tree-head-v1\ndistrict:{DISTRICT}\nsize:{size}\n"
            f"root:{head['root_hash']}\ntime:{head['timestamp']}\n"
        ).encode()
        key.verify(base64.b64decode(head["signature"]), message)
        for index in range(size):
            proof = ledger_client.get(
                f"{BASE}/ledger/inclusion",
                query_string={
                    "position": entries[index]["position"],
                    "tree_size": size,
                    "record": "true",
                },
            ).json
            leaf = leaf_of(proof["record"])
            assert leaf.hex() == proof["leaf_hash"] == entries[index]["leaf_hash"]
            path = [bytes.fromhex(p) for p in proof["audit_path"]]
            assert inclusion_root(leaf, index, size, path).hex() == head["root_hash"]
            if size == 9:
                leaves.append(leaf)
    return leaves


def verify_consistency(ledger_client: FlaskClient, heads: list[dict[str, Any]]) -> None:
    """Every pair of heads is consistent: the older tree is a prefix of the newer."""
    for first in range(1, 10):
        for second in range(first, 10):
            answer = ledger_client.get(
                f"{BASE}/ledger/consistency", query_string={"first": first, "second": second}
            ).json
            proof = [bytes.fromhex(p) for p in answer["proof"]]
            if first == second:
                assert proof == []
                continue
            old_root = bytes.fromhex(heads[first - 1]["root_hash"])
            old, new = consistency_roots(first, second, proof, old_root)
            assert old.hex() == heads[first - 1]["root_hash"]
            assert new.hex() == heads[second - 1]["root_hash"]


def test_proofs_verify_independently_for_every_size_and_leaf(ledger_client: FlaskClient) -> None:
    heads = sign_a_head_after_each_of_nine_events(ledger_client)
    leaves = verify_heads_and_inclusion(ledger_client, heads)
    assert root_of(leaves[:3]) == node(node(leaves[0], leaves[1]), leaves[2])  # by hand
    assert heads[2]["root_hash"] == node(node(leaves[0], leaves[1]), leaves[2]).hex()
    assert heads[0]["root_hash"] == leaves[0].hex()  # a tree of one leaf is its leaf
    verify_consistency(ledger_client, heads)

    latest = ledger_client.get(f"{BASE}/ledger/head").json
    assert latest["tree_size"] == 9 and latest["signing"] == "enabled"
    assert ledger_client.get(f"{BASE}/ledger/heads").json["total"] == 9


def record_associations_and_a_removal(ledger_client: FlaskClient) -> tuple[list[str], int]:
    """Three associations (request ids req-0..2), a chair appointed and removed in the first.

    Returns the association ids and the removal's position.
    """
    ledger_client.post("/api/v1/districts", json={"code": DISTRICT, "name": "金水区"})
    ids = []
    for n in range(3):
        answer = ledger_client.post(
            f"/api/v1/districts/{DISTRICT}/associations",
            json={
                "division_code": f"{DISTRICT}00100{n}",
                "name": "残协",
                "township_code": f"{DISTRICT}001",
                "established_on": "2021-01-01",
            },
            headers={"X-Request-ID": f"req-{n}"},
        )
        ids.append(answer.json["id"])
    officer = ledger_client.post(
        f"/api/v1/districts/{DISTRICT}/associations/{ids[0]}/officers",
        json={"name": "张三", "role": "chair", "appointed_on": "2021-02-01"},
    ).json["officer_id"]
    removed = ledger_client.post(
        f"/api/v1/districts/{DISTRICT}/associations/{ids[0]}/officers/{officer}/removal",
        json={"removed_on": "2021-03-01", "reason": "换届"},
    ).json["position"]
    return ids, removed


def assert_entries_filter_and_history(ledger_client: FlaskClient, ids: list[str]) -> None:
    """Entries carry provenance and filter by type, aggregate, actor and time; one history."""
    everything = ledger_client.get(f"{BASE}/entries", query_string={"limit": 2}).json
    assert everything["total"] == 8 and len(everything["items"]) == 2  # 3 x 2 + 2
    first = everything["items"][0]
    assert first["actor"] == "bootstrap" and first["role"] == "city_admin"
    assert first["request_id"] == "req-0"
    assert first["effective_on"] == "2021-01-01" and first["leaf_index"] == 0
    assert len(first["record_digest"]) == 64
    typed = ledger_client.get(f"{BASE}/entries", query_string={"event_type": "Established"}).json
    assert typed["total"] == 3
    assert typed["items"][0]["event_type"] == "Association.Established"
    claims = ledger_client.get(
        f"{BASE}/entries", query_string={"event_type": "DivisionClaim.Claimed"}
    )
    assert claims.json["total"] == 3
    assert claims.json["items"][0]["actor"] is None  # claims carry no provenance
    mine = ledger_client.get(f"{BASE}/entries", query_string={"aggregate_id": ids[0]}).json
    assert [e["aggregate_version"] for e in mine["items"]] == [1, 2, 3]
    assert ledger_client.get(f"{BASE}/entries", query_string={"actor": "nobody"}).json["total"] == 0
    when = first["recorded_at"]
    since = ledger_client.get(f"{BASE}/entries", query_string={"from": when}).json["total"]
    until = ledger_client.get(f"{BASE}/entries", query_string={"to": when}).json["total"]
    assert since == 8 and until >= 1
    history = ledger_client.get(f"{BASE}/aggregates/{ids[0]}").json
    assert [e["event_type"] for e in history["items"]] == [
        "Association.Established",
        "Association.OfficerAppointed",
        "Association.OfficerRemoved",
    ]
    assert history["items"][2]["effective_on"] == "2021-03-01"


def assert_bad_reads_are_problems(ledger_client: FlaskClient) -> None:
    """Bad reads answer problem+json naming the field, before and after a head is signed."""

    def problem(path: str, status: int, **query: Any) -> dict[str, Any]:
        answer = ledger_client.get(path, query_string=query)
        assert answer.status_code == status, answer.json
        assert answer.mimetype == "application/problem+json"
        return answer.json

    assert problem(f"{BASE}/ledger/head", 404)["type"] == "urn:canxie:problem:no-signed-head"
    assert problem(f"{BASE}/aggregates/{uuid.uuid4()}", 404)["field"] == "aggregate_id"
    assert problem(f"{BASE}/entries", 422, limit=0)["field"] == "limit"
    assert problem(f"{BASE}/entries", 422, **{"from": "yesterday"})["field"] == "from"
    assert problem(f"{BASE}/ledger/consistency", 422, first=3, second=2)["field"] == "second"
    assert problem("/api/v1/districts/999999/audit/entries", 404)["field"] == "code"
    anonymous = ledger_client.get(f"{BASE}/entries", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    sign(ledger_client)
    assert problem(f"{BASE}/ledger/inclusion", 404, position=999)["field"] == "position"
    assert problem(f"{BASE}/ledger/inclusion", 404, position=1, tree_size=3)["field"] == (
        "tree_size"
    )
    problem(f"{BASE}/ledger/consistency", 404, first=1, second=8)
    assert ledger_client.get(f"{BASE}/entries").json["items"][0]["leaf_index"] == 0
    ledger_client.post(
        f"/api/v1/districts/{DISTRICT}/associations",
        json={
            "division_code": f"{DISTRICT}001009",
            "name": "残协",
            "township_code": f"{DISTRICT}001",
            "established_on": "2021-01-01",
        },
    )
    project(ledger_client)
    ledger_client.get(f"{BASE}/entries")  # projected but not yet covered by a head:
    last = ledger_client.get(f"{BASE}/entries", query_string={"offset": 9}).json["items"][0]
    assert problem(f"{BASE}/ledger/inclusion", 409, position=last["position"])["type"] == (
        "urn:canxie:problem:not-covered"
    )


def test_entries_filters_history_and_problems(ledger_client: FlaskClient) -> None:
    ids, removed = record_associations_and_a_removal(ledger_client)
    answer = ledger_client.get(f"{BASE}/entries", query_string={"min_position": removed})
    assert answer.status_code == 503  # nobody projects until the test does
    project(ledger_client)
    assert_entries_filter_and_history(ledger_client, ids)
    assert_bad_reads_are_problems(ledger_client)


def test_hosted_without_a_key_says_signing_is_disabled(
    make_app: MakeApp, hosted_settings: dict[str, Any], tmp_path: Path
) -> None:
    app = make_app(provision=True, **{**hosted_settings, "data_dir": tmp_path / "d"})
    ledger_client = app.test_client()
    anonymous = ledger_client.get("/api/v1/ledger/public-key")
    assert anonymous.status_code == 200  # published: no account needed
    ledger_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {BOOTSTRAP_TOKEN}"
    ledger_client.post("/api/v1/districts", json={"code": DISTRICT, "name": "金水区"})
    head = ledger_client.get(f"{BASE}/ledger/head")
    assert head.status_code == 503
    assert head.json["type"] == "urn:canxie:problem:signing-disabled"
    assert "CANXIE_SIGNING_KEY" in head.json["detail"]
    assert ledger_client.post(f"{BASE}/ledger/heads", json={}).status_code == 503
    key = ledger_client.get("/api/v1/ledger/public-key").json
    assert key["signing"] == "disabled" and key["public_key"] is None
    assert not (tmp_path / "d" / "ledger-signing-key").exists()


def test_every_audit_view_declares_an_access_rule() -> None:
    from service.http.access import Action, Target, rule_of
    from service.ledger import api as audit

    views = [
        getattr(view, method)
        for view in (
            audit.AuditEntries,
            audit.AggregateTrail,
            audit.LedgerHead,
            audit.LedgerHeads,
            audit.Inclusion,
            audit.Consistency,
            audit.PublicKey,
        )
        for method in ("get", "post")
        if hasattr(view, method)
    ]
    rules = {view.__qualname__: rule_of(view) for view in views}
    assert all(rules.values()), rules
    assert rules["PublicKey.get"].action is Action.PUBLIC
    assert rules["PublicKey.get"].target is Target.NONE
    assert rules["LedgerHeads.post"].action is Action.SIGN_HEADS  # operators only
    reads = {"PublicKey.get", "LedgerHeads.post"}
    assert {r.action for name, r in rules.items() if name not in reads} == {Action.AUDIT}
