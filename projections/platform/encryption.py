"""Encryption at rest of event payloads: a key per district, derived from one master key.

The library's ``AESCipher`` (AES-GCM) encrypts every stored event's state.  Each district
gets its own key, derived from ``CANXIE_ENCRYPTION_KEY`` with HKDF, so one district's
ciphertext is useless with another's key.  A short check value of each district's key is
kept in the catalog, so a wrong key is reported as such instead of as corrupt data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"


class WrongEncryptionKey(RuntimeError):
    """The configured key is not the one a district's events were written with."""


def master_key_bytes(master_key: str) -> bytes:
    """Decode the configured master key (base64 of 16, 24 or 32 bytes)."""
    try:
        raw = base64.b64decode(master_key, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("CANXIE_ENCRYPTION_KEY must be base64") from None
    if len(raw) not in (16, 24, 32):
        raise ValueError("CANXIE_ENCRYPTION_KEY must decode to 16, 24 or 32 bytes")
    return raw


def district_key(master_key: str, district: str) -> str:
    """The district's AES key (base64), derived from the master key."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"canxie-district-key-v1",
        info=district.encode(),
    )
    return base64.b64encode(hkdf.derive(master_key_bytes(master_key))).decode()


def key_check(key: str | None) -> str:
    """A check value of a district key ("" when the district is not encrypted)."""
    if key is None:
        return ""
    mac = hmac.new(base64.b64decode(key), b"canxie key check", hashlib.sha256)
    return mac.hexdigest()[:16]


def cipher_env(key: str | None) -> dict[str, str]:
    """The library's settings for encrypting a district's events with ``key``."""
    if key is None:
        return {}
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key}
