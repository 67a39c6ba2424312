"""The canonical encoding of one stored event record: what a ledger leaf hashes.

The audit trail, the signer, the live check and the offline verifier all rebuild a leaf from
these bytes, so this module is the one definition of them.  It is pure (``hashlib``,
``struct``, ``uuid``): an auditor can reimplement it from this docstring alone.

Version 1 encoding of the record at log position ``p``::

    b"canxie-record-v1\\n"
    u64 big-endian   position (the event's notification id in the district's log)
    u32 big-endian   length of the originator id, then the id as UTF-8 (for a UUID: the
                     lowercase hyphenated form, e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427)
    u64 big-endian   originator version
    u32 big-endian   length of the topic, then the topic as UTF-8
    u64 big-endian   length of the state, then the state bytes exactly as stored
                     (compressed and/or encrypted when the store is configured so)

``record_digest`` is SHA-256 of the encoding; the Merkle leaf hash is RFC 6962's
SHA-256(0x00 || encoding).  Because the state is hashed as stored, an encrypted payload is
covered without decrypting it, and destroying a decryption key later (crypto-shredding)
leaves every leaf, root and proof valid.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from projections.ledger.merkle import leaf_hash

RECORD_LABEL = b"canxie-record-v1\n"
RECORD_FORMAT_VERSION = 1


def originator_text(originator_id: Any) -> str:
    """The originator id as text: UUIDs (objects or text) in lowercase hyphenated form."""
    if isinstance(originator_id, UUID):
        return str(originator_id)
    text = str(originator_id)
    try:
        return str(UUID(text))
    except ValueError:
        return text


def canonical_record(
    position: int, originator_id: Any, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The version 1 encoding of a stored record (see the module docstring)."""
    if position < 0 or originator_version < 0:
        raise ValueError("position and version must not be negative")
    originator = originator_text(originator_id).encode("utf-8")
    topic_bytes = topic.encode("utf-8")
    state = bytes(state)
    return b"".join(
        (
            RECORD_LABEL,
            struct.pack(">Q", position),
            struct.pack(">I", len(originator)),
            originator,
            struct.pack(">Q", originator_version),
            struct.pack(">I", len(topic_bytes)),
            topic_bytes,
            struct.pack(">Q", len(state)),
            state,
        )
    )


@dataclass(frozen=True)
class Record:
    """One stored event as the ledger sees it: its position and the stored fields."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    def encoding(self) -> bytes:
        """The canonical bytes of this record."""
        return canonical_record(
            self.position, self.originator_id, self.originator_version, self.topic, self.state
        )

    def at(self, position: int) -> Record:
        """The same record as if it had been stored at another position."""
        return Record(position, self.originator_id, self.originator_version, self.topic, self.state)

    def leaf_hash(self) -> bytes:
        """The RFC 6962 leaf hash of the record."""
        return leaf_hash(self.encoding())

    def digest(self) -> str:
        """SHA-256 of the canonical bytes, in hex."""
        return hashlib.sha256(self.encoding()).hexdigest()

    def describe(self) -> str:
        """A short human description: where and what it is."""
        kind = self.topic.rsplit(".", 1)[-1] if self.topic else "?"
        return (
            f"position {self.position} (aggregate {self.originator_id} "
            f"version {self.originator_version}, {kind})"
        )


def record_leaf_hash(
    position: int, originator_id: Any, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The leaf hash of a stored record."""
    return leaf_hash(canonical_record(position, originator_id, originator_version, topic, state))


def record_digest(
    position: int, originator_id: Any, originator_version: int, topic: str, state: bytes
) -> str:
    """The hex SHA-256 of a stored record's canonical bytes."""
    encoded = canonical_record(position, originator_id, originator_version, topic, state)
    return hashlib.sha256(encoded).hexdigest()
