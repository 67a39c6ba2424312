"""The district's key ring: one data key per person, wrapped, kept apart from the event store.

A person's personal fields are sealed in events with their own key (see
aggregates/store/personal_data.py: :class:`PersonKeyRing` is the store's ``Sealer``).  The key
is stored wrapped (AES-GCM) under the district's wrapping key: derived from
``CANXIE_ENCRYPTION_KEY`` when it is set, else (embedded) from the data folder's
``keyring.key``; only a hosted deployment without ``CANXIE_ENCRYPTION_KEY`` keeps keys
unwrapped, in its key-ring schema.  Destroying a key is the lawful erasure of that person's
data: every sealed value of theirs becomes unreadable, in the log and in backups of the log,
while the log itself is untouched.

Where the ring is kept (:class:`KeyRingStore`): apart from the district's events, so a backup
of one never carries the other, and so a destroyed key leaves no copy in the ring's files.

Embedded: ``keyring/<code>.sqlite3`` in the data folder, beside ``districts/``, written with
``secure_delete`` (an overwritten key is zeroed in its page) and its write-ahead log
checkpointed and truncated after a key is destroyed, so no old page of it survives.  The keys
in it are wrapped under a key kept in another file (``keyring.key`` in the data folder), so
the ring copied alone opens nothing.

Hosted: the ``keyring_<code>`` schema, which a backup of the event store
(``pg_dump --exclude-schema='keyring_*'``) leaves out; after a key is destroyed its table is
rewritten (``VACUUM FULL``), so the old row leaves the live files at once.

Older stores kept the ring in the district's own store (a ``person_keys`` table there); the
first open moves the keys here and wipes them there (:meth:`KeyRingStore.take_over`).
"""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from projections.platform.database import (
    DISTRICT_CODE,
    Cursor,
    Database,
    PostgresDatabase,
    SqliteDatabase,
    schema_name,
    truncate_wal,
)
from projections.platform.secret_files import secret_file
from projections.platform.tables import Table, columns

log = logging.getLogger(__name__)

PERSON_KEYS = Table(
    name="person_keys",
    columns=columns(
        "subject text, wrapped_key text, created_at timestamp, destroyed_at timestamp, "
        "destroyed_by text, destroy_reason text"
    ),
    key=("subject",),
)
COLUMNS = tuple(PERSON_KEYS.columns)
#: Copies a row into the ring; a row already there (a move run twice) is left as it is.
INSERT = (
    f"INSERT INTO {{s}}person_keys ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join('%s' for _ in COLUMNS)}) ON CONFLICT (subject) DO NOTHING"
)
#: The embedded deployment's folder of key rings and file of its wrapping key, in the data folder.
KEYRING_FOLDER = "keyring"
WRAPPING_KEY_FILE = "keyring.key"

Row = dict[str, Any]


def keyring_schema(code: str) -> str:
    """The PostgreSQL schema of a district's key ring."""
    if not DISTRICT_CODE.match(code):
        raise ValueError(f"not a district code: {code!r}")
    return f"keyring_{code}"


class KeyRingStore(ABC):
    """The table of a district's person keys, in a place of its own."""

    def __init__(self, db: Database, district: str) -> None:
        self.db = db
        self.district = district

    @abstractmethod
    def sql(self, template: str) -> str:
        """``{s}`` and ``%s`` of a statement on the ring, in the store's dialect."""

    @abstractmethod
    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """An autocommitting cursor on the ring, never a projection's."""

    @abstractmethod
    def provision(self) -> None:
        """Create the ring's place and table (idempotent)."""

    @abstractmethod
    def forget(self) -> None:
        """After a key was destroyed: no old copy of it stays in the ring's files."""

    @abstractmethod
    def close(self) -> None:
        """Release what this thread holds open on the ring."""

    @abstractmethod
    def _old_table(self, cur: Cursor) -> bool:
        """Whether the district's own store still has the ring of an older release."""

    @abstractmethod
    def _copy(self, cur: Cursor, rows: Sequence[Row]) -> None:
        """Write the moved rows into the ring, before the district's transaction commits."""

    @abstractmethod
    def _wipe_district(self) -> None:
        """After the move: nothing of the old table left in the district's files."""

    def take_over(self, convert: Callable[[Row], Row]) -> int:
        """Move the keys an older release kept in the district's store here (once).

        Under the district's write lock: read the old rows, store them (``convert`` wraps a
        key kept unwrapped), drop the old table; then wipe the district's files.  A crash
        half-way leaves the old table, and the next open moves it again.
        """
        sql = self.db.sql
        with self.db.transaction(self.district, write=True) as cur:
            if not self._old_table(cur):
                return 0
            cur.execute(sql(self.district, "SELECT * FROM {s}person_keys"))
            rows = [convert(dict(row)) for row in cur.fetchall()]
            self._copy(cur, rows)
            cur.execute(sql(self.district, "DROP TABLE {s}person_keys"))
        self._wipe_district()
        log.info(
            "district %s: %d person keys moved to their own key ring", self.district, len(rows)
        )
        return len(rows)


class SqliteKeyRing(KeyRingStore):
    """The ring in a file of its own beside the district's."""

    db: SqliteDatabase

    def __init__(self, db: SqliteDatabase, district: str) -> None:
        super().__init__(db, district)
        self.path = db.data_dir / KEYRING_FOLDER / db.path(district).name
        self._local = threading.local()

    def sql(self, template: str) -> str:
        """Unqualified tables, ``?`` placeholders."""
        return template.replace("{s}", "").replace("%s", "?")

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            # A key must be on disk before the event it seals: the two are in different files.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """See :meth:`KeyRingStore.cursor`."""
        cur = self._connection().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def provision(self) -> None:
        """Create the file and its table."""
        with self.cursor() as cur:
            for statement in PERSON_KEYS.ddl("sqlite"):
                cur.execute(self.sql(statement))

    def forget(self) -> None:
        """The destroyed key's page was zeroed; drop the log's copy of it as it was."""
        truncate_wal(self._connection(), self.path)

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _old_table(self, cur: Cursor) -> bool:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'person_keys'")
        return cur.fetchone() is not None

    def _copy(self, cur: Cursor, rows: Sequence[Row]) -> None:
        self.provision()
        conn = self._connection()
        with conn:  # one transaction of the ring's file, committed before the old is dropped
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(self.sql(INSERT), [[r[c] for c in COLUMNS] for r in rows])

    def _wipe_district(self) -> None:
        """Rewrite the district's file without the old table's free pages, then its log."""
        self.db.vacuum(self.district)


class PostgresKeyRing(KeyRingStore):
    """The ring in a schema of its own, left out of the event store's backups."""

    db: PostgresDatabase

    def __init__(self, db: PostgresDatabase, district: str) -> None:
        super().__init__(db, district)
        self.schema = keyring_schema(district)

    def sql(self, template: str) -> str:
        """Tables in the ring's schema."""
        return template.replace("{s}", f'"{self.schema}".')

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """See :meth:`KeyRingStore.cursor`."""
        with self.db.pool.connection() as conn, conn.cursor() as cur:
            yield cur

    def _create(self, cur: Cursor) -> None:
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        for statement in PERSON_KEYS.ddl("postgresql"):
            cur.execute(self.sql(statement))

    def provision(self) -> None:
        """Create the schema and its table."""
        with self.cursor() as cur:
            self._create(cur)

    def forget(self) -> None:
        """Rewrite the table, so the destroyed key's old row leaves its files now."""
        with self.cursor() as cur:
            cur.execute(self.sql("VACUUM FULL {s}person_keys"))

    def close(self) -> None:
        """Nothing to release: the pool is the process's."""

    def _old_table(self, cur: Cursor) -> bool:
        cur.execute(
            "SELECT to_regclass(%s) AS old", (f'"{schema_name(self.district)}".person_keys',)
        )
        return cur.fetchone()["old"] is not None

    def _copy(self, cur: Cursor, rows: Sequence[Row]) -> None:
        """In the district's own transaction: the move and the drop commit together."""
        self._create(cur)
        if rows:
            cur.executemany(self.sql(INSERT), [[r[c] for c in COLUMNS] for r in rows])

    def _wipe_district(self) -> None:
        """A dropped table's files are gone with the commit."""


def key_ring_store(db: Database, district: str) -> KeyRingStore:
    """The ring of a district on this back end."""
    if isinstance(db, SqliteDatabase):
        return SqliteKeyRing(db, district)
    if isinstance(db, PostgresDatabase):
        return PostgresKeyRing(db, district)
    raise TypeError(f"no key ring for {type(db).__name__}")


def local_wrapping_key(data_dir: Path) -> str:
    """The embedded deployment's wrapping key (base64), made (0600) on first use.

    It stays outside every key ring's file, so a copy of a ring alone opens nothing.
    """
    path = data_dir / WRAPPING_KEY_FILE
    key, made = secret_file(path, lambda: base64.b64encode(os.urandom(32)).decode())
    if made:
        log.warning("generated the key ring's wrapping key in %s; back it up apart", path)
    return key


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
