"""The district's key ring: one data key per person, wrapped, kept outside the event store.

A person's personal fields are sealed in events with their own key (see
aggregates/store/personal_data.py).  The key is stored wrapped (AES-GCM) under the district's
wrapping key: derived from ``CANXIE_ENCRYPTION_KEY`` when it is set, else (embedded) from the
data folder's ``keyring.key``; only a hosted deployment without ``CANXIE_ENCRYPTION_KEY``
keeps keys unwrapped, in its key-ring schema.  Destroying a key is the lawful erasure of
that person's data: every sealed value of theirs becomes unreadable, in the log and in
backups of the log, while the log itself is untouched.  Where the ring lives, and how a
destroyed key leaves its files, is projections/platform/key_ring_store.py.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from projections.platform.database import Cursor, Database
from projections.platform.key_ring_store import PERSON_KEYS, Row, key_ring_store

__all__ = ["BULK_AFTER_MISSES", "CACHE_SECONDS", "PERSON_KEYS", "KeyDestroyed", "PersonKeyRing"]

log = logging.getLogger(__name__)

#: How long a key read from the table is trusted before it is read again.
CACHE_SECONDS = 30.0
#: Keys read one by one before the whole ring is read in one query (a replay, a rebuild or a
#: catch-up reads thousands of persons' events; a command reads a few).
BULK_AFTER_MISSES = 64


class KeyDestroyed(RuntimeError):
    """The subject's key was destroyed: their data cannot be written again."""


class PersonKeyRing:
    """Seals and unseals a district's personal data, one key per subject."""

    def __init__(self, db: Database, district: str, wrapping_key: str | None) -> None:
        self.district = district
        self.store = key_ring_store(db, district)
        self._wrap = AESGCM(base64.b64decode(wrapping_key)) if wrapping_key else None
        self._cache: dict[str, tuple[bytes | None, float]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._misses = 0

    # -- Sealer ----------------------------------------------------------------------------

    def seal(self, subject: str, plaintext: bytes) -> str:
        """Encrypt with the subject's key, making the key on first use."""
        key = self._key(subject, create=True)
        if key is None:
            raise KeyDestroyed(f"the personal data of {subject} was erased")
        nonce = os.urandom(12)
        sealed = nonce + AESGCM(key).encrypt(nonce, plaintext, subject.encode())
        return base64.b64encode(sealed).decode()

    def unseal(self, subject: str, sealed: str) -> bytes | None:
        """Decrypt, or None when the key was destroyed."""
        key = self._key(subject, create=False)
        if key is None:
            return None
        raw = base64.b64decode(sealed)
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], subject.encode())
        except InvalidTag:
            return None

    # -- opening ---------------------------------------------------------------------------

    def open(self) -> PersonKeyRing:
        """Make the ring's place, and move an older release's keys into it (once)."""
        self.store.provision()
        self.store.take_over(self._moved)
        return self

    def _moved(self, row: Row) -> Row:
        """An older release's row, its key wrapped if it was kept unwrapped."""
        kind, _, body = (row["wrapped_key"] or "").partition(":")
        if kind == "raw" and self._wrap is not None:
            key = base64.b64decode(body)
            return {**row, "wrapped_key": self._wrapped(row["subject"], key)}
        return row

    def destroy_erased(self, subjects: Iterable[str], *, by: str) -> list[str]:
        """Destroy the keys of persons whose erasure the event log records (idempotent).

        A key ring restored from a backup older than an erasure holds the erased person's
        key again; the log still says they were erased, so their key goes again.
        """
        wanted = set(subjects)
        if not wanted:
            return []
        with self._cursor() as cur:
            cur.execute(
                self._sql("SELECT subject FROM {s}person_keys WHERE wrapped_key IS NOT NULL")
            )
            alive = [row["subject"] for row in cur.fetchall() if row["subject"] in wanted]
        for subject in alive:
            self.destroy(subject, by=by, reason="erased in the event log; key ring restored")
        if alive:
            log.warning(
                "district %s: %d erased persons' keys destroyed again", self.district, len(alive)
            )
        return alive

    # -- erasure ---------------------------------------------------------------------------

    def destroy(self, subject: str, *, by: str, reason: str) -> None:
        """Destroy the subject's key for good (idempotent), leaving no copy in the ring's files."""
        now = datetime.now(UTC).isoformat()
        with self._cursor() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}person_keys (subject, wrapped_key, created_at, destroyed_at, "
                    "destroyed_by, destroy_reason) VALUES (%s, NULL, %s, %s, %s, %s) "
                    "ON CONFLICT (subject) DO UPDATE SET wrapped_key = NULL, "
                    "destroyed_at = COALESCE({s}person_keys.destroyed_at, excluded.destroyed_at), "
                    "destroyed_by = COALESCE({s}person_keys.destroyed_by, excluded.destroyed_by), "
                    "destroy_reason = COALESCE({s}person_keys.destroy_reason, "
                    "excluded.destroy_reason)"
                ),
                (subject, now, now, by, reason),
            )
        with self._lock:
            self._cache[subject] = (None, time.monotonic())
        self.store.forget()

    def destroyed(self, subject: str) -> bool:
        """Whether the subject's key is gone."""
        with self._cursor() as cur:
            cur.execute(
                self._sql("SELECT destroyed_at FROM {s}person_keys WHERE subject = %s"), (subject,)
            )
            row = cur.fetchone()
        return bool(row and row["destroyed_at"])

    # -- keys --------------------------------------------------------------------------------

    def _key(self, subject: str, *, create: bool) -> bytes | None:
        with self._lock:
            cached = self._cache.get(subject)
        if cached and time.monotonic() - cached[1] < CACHE_SECONDS:
            return cached[0]
        with self._lock:
            self._misses += 1
            bulk = self._misses > BULK_AFTER_MISSES
            if bulk:
                self._misses = 0
        if bulk:
            self._load_all()
            with self._lock:
                cached = self._cache.get(subject)
            if cached and time.monotonic() - cached[1] < CACHE_SECONDS:
                return cached[0]
        key = self._load(subject)
        if key is None and create and not self.destroyed(subject):
            key = self._create(subject)
        with self._lock:
            self._cache[subject] = (key, time.monotonic())
        return key

    def _load(self, subject: str) -> bytes | None:
        with self._cursor() as cur:
            cur.execute(
                self._sql("SELECT wrapped_key FROM {s}person_keys WHERE subject = %s"), (subject,)
            )
            row = cur.fetchone()
        if row is None or row["wrapped_key"] is None:
            return None
        return self._unwrap(subject, row["wrapped_key"])

    def _load_all(self) -> None:
        """Every key of the ring into the cache, in one query (destroyed ones as None)."""
        with self._cursor() as cur:
            cur.execute(self._sql("SELECT subject, wrapped_key FROM {s}person_keys"))
            rows = cur.fetchall()
        now = time.monotonic()
        keys = {
            row["subject"]: (
                None
                if row["wrapped_key"] is None
                else self._unwrap(row["subject"], row["wrapped_key"]),
                now,
            )
            for row in rows
        }
        with self._lock:
            self._cache.update(keys)

    def _create(self, subject: str) -> bytes:
        key = AESGCM.generate_key(bit_length=256)
        with self._cursor() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}person_keys (subject, wrapped_key, created_at) "
                    "VALUES (%s, %s, %s) ON CONFLICT (subject) DO NOTHING"
                ),
                (subject, self._wrapped(subject, key), datetime.now(UTC).isoformat()),
            )
        stored = self._load(subject)  # another process may have won the race
        if stored is None:
            raise KeyDestroyed(f"the personal data of {subject} was erased")
        return stored

    def _wrapped(self, subject: str, key: bytes) -> str:
        if self._wrap is None:
            return "raw:" + base64.b64encode(key).decode()
        nonce = os.urandom(12)
        return (
            "aesgcm:"
            + base64.b64encode(nonce + self._wrap.encrypt(nonce, key, subject.encode())).decode()
        )

    def _unwrap(self, subject: str, wrapped: str) -> bytes:
        kind, _, body = wrapped.partition(":")
        raw = base64.b64decode(body)
        if kind == "raw":
            return raw
        if self._wrap is None:
            raise RuntimeError("person keys are wrapped; CANXIE_ENCRYPTION_KEY is needed")
        return self._wrap.decrypt(raw[:12], raw[12:], subject.encode())

    def close(self) -> None:
        """Release the ring's connection of this thread."""
        self.store.close()

    # -- storage -----------------------------------------------------------------------------

    def _sql(self, template: str) -> str:
        return self.store.sql(template)

    @contextmanager
    def _cursor(self) -> Iterator[Cursor]:
        """An autocommitting cursor of the key ring's own, never a projection's."""
        with self.store.cursor() as cur:
            yield cur
