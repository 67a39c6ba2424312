"""Signed tree heads: a district's Merkle log size and root, dated and signed with Ed25519.

An auditor who keeps a signed head can later demand proofs against it; the signature binds the
district, the size, the root and the time, so a head cannot be moved to another district or
back-dated.

Canonical encoding (what is signed), version 1: ASCII text, five lines each ending in a line feed::

    canxie-tree-head-v1
    district:<6-digit district code>
    size:<tree size, decimal without leading zeros>
    root:<SHA-256 root hash, 64 lowercase hex digits>
    time:<UTC timestamp, YYYY-MM-DDTHH:MM:SS.ffffffZ>

Every field is validated to a fixed alphabet without line feeds, so the encoding is unambiguous
and can be rebuilt by hand (e.g. with printf) to check a signature with any Ed25519 tool.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ENCODING_LABEL = "canxie-tree-head-v1"
SIGNATURE_SIZE = 64
KEY_SIZE = 32
_DISTRICT = re.compile(r"[0-9]{6}")
_ROOT = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class InvalidTreeHead(ValueError):
    """A tree head is malformed or its signature does not verify; the message says what is wrong."""


class InvalidSigningKey(ValueError):
    """A configured key cannot be read; the message never repeats the key material."""


def format_timestamp(moment: datetime) -> str:
    """Render an aware datetime in the canonical UTC form used inside signed heads."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTreeHead(
            f"timestamp {moment.isoformat()} has no time zone; a UTC time is needed"
        )
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_timestamp(text: str) -> datetime:
    """Read an ISO-8601 timestamp with a time zone (e.g. ending in Z) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError) as error:
        raise InvalidTreeHead(f"timestamp {text!r} is not an ISO-8601 date and time") from error
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTreeHead(f"timestamp {text!r} has no time zone; a UTC time is needed")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class TreeHead:
    """The size and root of one district's Merkle log at one moment (not yet signed)."""

    district_code: str
    tree_size: int
    root_hash: str
    timestamp: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.district_code, str) or not _DISTRICT.fullmatch(self.district_code):
            raise InvalidTreeHead(f"district code {self.district_code!r} is not 6 digits")
        if isinstance(self.tree_size, bool) or not isinstance(self.tree_size, int):
            raise InvalidTreeHead(f"tree size {self.tree_size!r} is not an integer")
        if self.tree_size < 0:
            raise InvalidTreeHead(f"tree size {self.tree_size} is negative")
        if not isinstance(self.root_hash, str) or not _ROOT.fullmatch(self.root_hash):
            raise InvalidTreeHead(
                f"root hash {self.root_hash!r} is not 64 lowercase hexadecimal digits"
            )
        if not isinstance(self.timestamp, datetime):
            raise InvalidTreeHead(f"timestamp {self.timestamp!r} is not a datetime")
        # Normalise to UTC so equal moments give equal heads and equal signed bytes.
        object.__setattr__(self, "timestamp", parse_timestamp(format_timestamp(self.timestamp)))

    @property
    def root_hash_bytes(self) -> bytes:
        """The root hash as 32 raw bytes, as the Merkle verification functions take it."""
        return bytes.fromhex(self.root_hash)

    def canonical_bytes(self) -> bytes:
        """The exact bytes that are signed (the version 1 encoding of the module docstring)."""
        return (
            f"{ENCODING_LABEL}\n"
            f"district:{self.district_code}\n"
            f"size:{self.tree_size}\n"
            f"root:{self.root_hash}\n"
            f"time:{format_timestamp(self.timestamp)}\n"
        ).encode("ascii")


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head with its Ed25519 signature, as handed to auditors and put in export bundles."""

    head: TreeHead
    signature: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.signature, bytes) or len(self.signature) != SIGNATURE_SIZE:
            size = len(self.signature) if isinstance(self.signature, bytes) else "no"
            raise InvalidTreeHead(
                f"signature of the head of size {self.head.tree_size} for district "
                f"{self.head.district_code} is {size} bytes, expected {SIGNATURE_SIZE}"
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form: the head's fields plus the signature in standard base64."""
        return {
            "district_code": self.head.district_code,
            "tree_size": self.head.tree_size,
            "root_hash": self.head.root_hash,
            "timestamp": format_timestamp(self.head.timestamp),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedTreeHead:
        """Rebuild a signed head from `to_dict` output; raise InvalidTreeHead if anything is off."""
        if not isinstance(data, dict):
            raise InvalidTreeHead(
                f"a signed tree head must be an object, not {type(data).__name__}"
            )
        expected = {"district_code", "tree_size", "root_hash", "timestamp", "signature"}
        missing = sorted(expected - data.keys())
        if missing:
            raise InvalidTreeHead(f"signed tree head lacks field(s): {', '.join(missing)}")
        timestamp = data["timestamp"]
        if not isinstance(timestamp, str):
            raise InvalidTreeHead(f"timestamp {timestamp!r} is not a string")
        head = TreeHead(
            district_code=data["district_code"],
            tree_size=data["tree_size"],
            root_hash=data["root_hash"],
            timestamp=parse_timestamp(timestamp),
        )
        signature_text = data["signature"]
        try:
            signature = base64.b64decode(signature_text, validate=True)
        except (TypeError, ValueError, binascii.Error) as error:
            raise InvalidTreeHead(
                f"signature of the head of size {head.tree_size} is not valid base64"
            ) from error
        return cls(head=head, signature=signature)


def sign_tree_head(head: TreeHead, private_key: Ed25519PrivateKey) -> SignedTreeHead:
    """Sign the head's canonical bytes with the district's (or the deployment's) Ed25519 key."""
    return SignedTreeHead(head=head, signature=private_key.sign(head.canonical_bytes()))


def verify_tree_head(signed: SignedTreeHead, public_key: Ed25519PublicKey) -> TreeHead:
    """Return the head if its signature verifies under `public_key`, else raise InvalidTreeHead."""
    try:
        public_key.verify(signed.signature, signed.head.canonical_bytes())
    except InvalidSignature as error:
        head = signed.head
        raise InvalidTreeHead(
            f"signature does not verify for the head of district {head.district_code}, "
            f"size {head.tree_size}, root {head.root_hash}, "
            f"time {format_timestamp(head.timestamp)} "
            f"under public key {public_key_base64(public_key)}"
        ) from error
    return signed.head


def _decode_key_bytes(text: str, what: str) -> bytes:
    if not isinstance(text, str):
        raise InvalidSigningKey(f"{what} must be text (base64 or hex), not {type(text).__name__}")
    text = text.strip()
    # Standard base64 of 32 bytes always ends in "=", so text made only of hex digits is hex.
    if _HEX.fullmatch(text):
        if len(text) != 2 * KEY_SIZE:
            raise InvalidSigningKey(
                f"{what} is {len(text)} hexadecimal digits, expected {2 * KEY_SIZE}"
            )
        return bytes.fromhex(text)
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as error:
        raise InvalidSigningKey(
            f"{what} is neither 64 hexadecimal digits nor valid base64"
        ) from error
    if len(raw) != KEY_SIZE:
        raise InvalidSigningKey(f"{what} decodes to {len(raw)} bytes, expected {KEY_SIZE}")
    return raw


def load_private_key(seed_text: str) -> Ed25519PrivateKey:
    """Load an Ed25519 signing key from its raw 32-byte seed written in base64 or hex."""
    return Ed25519PrivateKey.from_private_bytes(_decode_key_bytes(seed_text, "private key seed"))


def load_public_key(text: str) -> Ed25519PublicKey:
    """Load an Ed25519 public key from its raw 32 bytes written in base64 or hex."""
    try:
        return Ed25519PublicKey.from_public_bytes(_decode_key_bytes(text, "public key"))
    except ValueError as error:
        if isinstance(error, InvalidSigningKey):
            raise
        raise InvalidSigningKey(f"public key is not a valid Ed25519 point: {error}") from error


def public_key_base64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key in standard base64, as published at the public-key endpoint."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def new_private_key_seed() -> str:
    """A fresh random signing-key seed in base64, for an operator to put into configuration."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")
