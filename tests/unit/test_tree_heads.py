"""Signed tree heads: canonical bytes, Ed25519 signing and verification, key loading, tampering."""

from __future__ import annotations

import base64
import dataclasses
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.ledger.merkle import MerkleLog, leaf_hash, verify_inclusion
from projections.ledger.tree_heads import (
    InvalidSigningKey,
    InvalidTreeHead,
    SignedTreeHead,
    TreeHead,
    load_private_key,
    load_public_key,
    new_private_key_seed,
    public_key_base64,
    sign_tree_head,
    verify_tree_head,
)

SEED = bytes(range(32))
ROOT = "ab" * 32
MOMENT = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


def make_head(**changes: Any) -> TreeHead:
    fields: dict[str, Any] = {
        "district_code": "410102",
        "tree_size": 42,
        "root_hash": ROOT,
        "timestamp": MOMENT,
    }
    fields.update(changes)
    return TreeHead(**fields)


# --- canonical encoding ---------------------------------------------------------------------------


def test_canonical_bytes_are_the_documented_text() -> None:
    assert make_head().canonical_bytes() == (
        b"canxie-tree-head-v1\n"
        b"district:410102\n"
        b"size:42\n"
        b"root:" + ROOT.encode() + b"\n"
        b"time:2024-05-01T12:30:15.250000Z\n"
    )


def test_timestamp_in_another_zone_is_normalised_to_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    head = make_head(timestamp=datetime(2024, 5, 1, 20, 30, 15, 250000, tzinfo=beijing))
    assert head == make_head()
    assert head.canonical_bytes() == make_head().canonical_bytes()


def test_root_hash_bytes_round_trip() -> None:
    assert make_head().root_hash_bytes == bytes.fromhex(ROOT)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"district_code": "4101"}, "district code '4101' is not 6 digits"),
        ({"district_code": "41010a"}, "is not 6 digits"),
        ({"tree_size": -1}, "tree size -1 is negative"),
        ({"tree_size": True}, "is not an integer"),
        ({"tree_size": "42"}, "is not an integer"),
        ({"root_hash": "AB" * 32}, "64 lowercase hexadecimal digits"),
        ({"root_hash": "ab" * 31}, "64 lowercase hexadecimal digits"),
        ({"timestamp": datetime(2024, 5, 1, 12, 0)}, "has no time zone"),
        ({"timestamp": "2024-05-01T12:00:00Z"}, "is not a datetime"),
    ],
)
def test_malformed_heads_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidTreeHead, match=message):
        make_head(**changes)


# --- signing and verification --------------------------------------------------------------------


def test_signed_head_verifies_under_its_public_key(key: Ed25519PrivateKey) -> None:
    signed = sign_tree_head(make_head(), key)
    assert len(signed.signature) == 64
    assert verify_tree_head(signed, key.public_key()) == make_head()


def test_signature_is_over_the_canonical_bytes(key: Ed25519PrivateKey) -> None:
    signed = sign_tree_head(make_head(), key)
    # Checkable with nothing but the documented encoding and any Ed25519 implementation.
    key.public_key().verify(signed.signature, make_head().canonical_bytes())


@pytest.mark.parametrize(
    "changes",
    [
        {"district_code": "410103"},
        {"tree_size": 43},
        {"root_hash": "ab" * 31 + "ac"},
        {"timestamp": MOMENT + timedelta(microseconds=1)},
    ],
)
def test_any_changed_field_breaks_the_signature(
    key: Ed25519PrivateKey, changes: dict[str, Any]
) -> None:
    signed = sign_tree_head(make_head(), key)
    forged = SignedTreeHead(
        head=dataclasses.replace(signed.head, **changes), signature=signed.signature
    )
    with pytest.raises(InvalidTreeHead, match="signature does not verify"):
        verify_tree_head(forged, key.public_key())


@pytest.mark.parametrize("byte", [0, 31, 63])
def test_flipped_signature_byte_is_rejected(key: Ed25519PrivateKey, byte: int) -> None:
    signed = sign_tree_head(make_head(), key)
    damaged = bytearray(signed.signature)
    damaged[byte] ^= 0x01
    forged = SignedTreeHead(head=signed.head, signature=bytes(damaged))
    with pytest.raises(InvalidTreeHead, match="district 410102, size 42"):
        verify_tree_head(forged, key.public_key())


def test_another_key_does_not_verify(key: Ed25519PrivateKey) -> None:
    signed = sign_tree_head(make_head(), key)
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(
        InvalidTreeHead, match=re.escape(f"under public key {public_key_base64(other)}")
    ):
        verify_tree_head(signed, other)


def test_signature_of_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidTreeHead, match="is 63 bytes, expected 64"):
        SignedTreeHead(head=make_head(), signature=b"x" * 63)


def test_head_signs_a_real_merkle_root(key: Ed25519PrivateKey) -> None:
    log = MerkleLog(leaf_hash(f"event {i}".encode()) for i in range(11))
    head = make_head(tree_size=log.size, root_hash=log.root().hex())
    trusted = verify_tree_head(sign_tree_head(head, key), key.public_key())
    proof = log.inclusion_proof(7, trusted.tree_size)
    verify_inclusion(log.leaf_hash(7), 7, trusted.tree_size, proof, trusted.root_hash_bytes)


# --- plain form -----------------------------------------------------------------------------------


def test_dict_form_round_trips_and_still_verifies(key: Ed25519PrivateKey) -> None:
    signed = sign_tree_head(make_head(), key)
    data = signed.to_dict()
    assert data["timestamp"] == "2024-05-01T12:30:15.250000Z"
    assert base64.b64decode(data["signature"]) == signed.signature
    again = SignedTreeHead.from_dict(data)
    assert again == signed
    verify_tree_head(again, key.public_key())


def test_dict_with_edited_size_fails_verification(key: Ed25519PrivateKey) -> None:
    data = sign_tree_head(make_head(), key).to_dict()
    data["tree_size"] = 41
    with pytest.raises(InvalidTreeHead, match="size 41"):
        verify_tree_head(SignedTreeHead.from_dict(data), key.public_key())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signature": "not base64!"}, "is not valid base64"),
        ({"timestamp": "yesterday"}, "is not an ISO-8601 date and time"),
        ({"timestamp": "2024-05-01T12:30:15"}, "has no time zone"),
        ({"timestamp": 1714566615}, "is not a string"),
        ({"root_hash": None}, "root hash None"),
    ],
)
def test_malformed_dicts_are_refused(
    key: Ed25519PrivateKey, changes: dict[str, Any], message: str
) -> None:
    data = sign_tree_head(make_head(), key).to_dict()
    data.update(changes)
    with pytest.raises(InvalidTreeHead, match=message):
        SignedTreeHead.from_dict(data)


def test_dict_missing_fields_names_them() -> None:
    with pytest.raises(InvalidTreeHead, match="lacks field\\(s\\): root_hash, signature"):
        SignedTreeHead.from_dict({"district_code": "410102", "tree_size": 1, "timestamp": "x"})


# --- keys ----------------------------------------------------------------------------------------


def test_seed_loads_from_base64_and_hex_alike(key: Ed25519PrivateKey) -> None:
    from_b64 = load_private_key(base64.b64encode(SEED).decode())
    from_hex = load_private_key(SEED.hex())
    from_upper_hex = load_private_key("  " + SEED.hex().upper() + "\n")
    expected = public_key_base64(key)
    assert public_key_base64(from_b64) == public_key_base64(from_hex) == expected
    assert public_key_base64(from_upper_hex) == expected


def test_public_key_export_is_raw_32_bytes_in_base64(key: Ed25519PrivateKey) -> None:
    exported = public_key_base64(key)
    assert len(base64.b64decode(exported)) == 32
    assert exported == public_key_base64(key.public_key())
    loaded = load_public_key(exported)
    verify_tree_head(sign_tree_head(make_head(), key), loaded)
    assert public_key_base64(load_public_key(base64.b64decode(exported).hex())) == exported


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (base64.b64encode(bytes(31)).decode(), "decodes to 31 bytes, expected 32"),
        ("00" * 33, "is 66 hexadecimal digits, expected 64"),
        ("12" * 22, "is 44 hexadecimal digits"),
        (base64.b64encode(b"\xff" * 33).decode(), "decodes to 33 bytes"),
        ("this is not a key", "neither 64 hexadecimal digits nor valid base64"),
        ("", "decodes to 0 bytes"),
    ],
)
def test_bad_seeds_are_refused_without_echoing_them(text: str, message: str) -> None:
    with pytest.raises(InvalidSigningKey, match=message) as caught:
        load_private_key(text)
    if text:
        assert text not in str(caught.value)


def test_new_seed_is_a_loadable_32_byte_base64_seed() -> None:
    seed = new_private_key_seed()
    assert len(base64.b64decode(seed)) == 32
    assert seed != new_private_key_seed()
    key = load_private_key(seed)
    verify_tree_head(sign_tree_head(make_head(), key), load_public_key(public_key_base64(key)))
