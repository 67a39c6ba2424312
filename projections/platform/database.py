"""Where a district's events and read models live: PostgreSQL schemas or SQLite files.

Both back ends offer the same small surface: a transaction on one district's store, a
transaction on the catalog, SQL written once with ``%s`` placeholders and ``{s}`` as the
district's table prefix, and the environment for the district's event-store application.

PostgreSQL (hosted): one schema per district (``district_410102``) holding its events,
tracking and read models, and a ``canxie_catalog`` schema.  Every district of a process
shares one connection pool, because the library would otherwise open one pool per
application and about 17 districts would exhaust a default server's 100 connections.

SQLite (embedded): one file per district under ``<data dir>/districts/`` and a
``catalog.sqlite3`` beside them, written with ``secure_delete`` so that a row overwritten
or deleted (an erased person's) is zeroed in its page instead of lingering in free space.

Each district's key ring lives apart from both (projections/platform/key_ring.py).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import psycopg
from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.postgres import (
    ConnectionPool,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier

log = logging.getLogger(__name__)

# [0-9], not \d: a district code names a file or schema, and \d takes any Unicode digit.
DISTRICT_CODE = re.compile(r"[0-9]{6}")
CATALOG_SCHEMA = "canxie_catalog"


class Cursor(Protocol):
    """The part of a DB-API cursor the projections use; rows support ``row["column"]``."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]], /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    @property
    def rowcount(self) -> int: ...


#: The snapshot (:meth:`Database.snapshot`) this thread reads in: the database, the district,
#: and its open transaction.
_SNAPSHOT: ContextVar[tuple[Database, str, Any] | None] = ContextVar("snapshot", default=None)


class Database(ABC):
    """A back end for every district's store and for the catalog."""

    kind: str
    #: The library's table of a district's events, and the column numbering them.
    events_table: str
    notification_id_column: str

    @abstractmethod
    def district_env(self, code: str) -> dict[str, str]:
        """Settings for the district's event-store application."""

    @abstractmethod
    def create_district_store(self, code: str) -> None:
        """Make the place a district's tables will live in (schema or file)."""

    @abstractmethod
    def district_store_exists(self, code: str) -> bool:
        """Whether the district's schema or file is there."""

    @contextmanager
    def transaction(self, code: str, *, write: bool) -> Iterator[Cursor]:
        """One transaction on a district's store; a write transaction is exclusive per district.

        PostgreSQL takes a transaction-scoped advisory lock on the district, SQLite a
        ``BEGIN IMMEDIATE``: two projection runs of one district never overlap, so a batch
        can never be applied twice (DESIGN decision 1).  Inside :meth:`snapshot` a read is
        made in the snapshot's transaction, and a write is refused.
        """
        held = self._snapshot_of(code)
        if held is None:
            with self._begin(code, write) as cur:
                yield cur
        elif write:
            raise RuntimeError(f"a write to district {code} inside a snapshot of it")
        else:
            with self._cursor_in(held) as cur:
                yield cur

    @contextmanager
    def snapshot(self, code: str) -> Iterator[None]:
        """Make every read of the district's store in this thread, until the block ends, in
        one read-only transaction.

        A page that reads several read models (the task list: households, needs, problems)
        then shows one state of them, not a visit counted in one list and missing from the
        next, and pays for one transaction instead of one per read.  Nested, it is the outer
        one.  Wait for a position before it (as ``Caller.reading`` does), not in it: the
        snapshot does not see what is committed after it began.
        """
        if self._snapshot_of(code) is not None:
            yield
            return
        with self._begin_snapshot(code) as handle:
            token = _SNAPSHOT.set((self, code, handle))
            try:
                yield
            finally:
                _SNAPSHOT.reset(token)

    def _snapshot_of(self, code: str) -> Any:
        held = _SNAPSHOT.get()
        if held is None or held[0] is not self or held[1] != code:
            return None
        return held[2]

    @abstractmethod
    def _begin(self, code: str, write: bool) -> AbstractContextManager[Cursor]:
        """A new transaction on the district's store (see :meth:`transaction`)."""

    @abstractmethod
    def _begin_snapshot(self, code: str) -> AbstractContextManager[Any]:
        """A new read-only transaction of one state of the district's store; yields what
        :meth:`_cursor_in` takes."""

    @abstractmethod
    def _cursor_in(self, held: Any) -> AbstractContextManager[Cursor]:
        """A cursor in the transaction :meth:`_begin_snapshot` opened."""

    @abstractmethod
    @contextmanager
    def catalog(self, *, write: bool) -> Iterator[Cursor]:
        """One transaction on the catalog."""

    @abstractmethod
    def sql(self, code: str | None, template: str) -> str:
        """Turn ``%s`` placeholders and the ``{s}`` table prefix into this dialect."""

    @abstractmethod
    def scrub(self, code: str) -> None:
        """Leave no old copy of rewritten rows in the district's files (after an erasure)."""

    @abstractmethod
    def analyze(self, code: str) -> None:
        """Refresh the planner's statistics of the district's tables after a bulk load.

        Without them the planner guesses, and after a rebuild or a long catch-up on a server
        whose autovacuum is off or behind it read every visit through the wrong index (a task
        list 20 ms instead of 0.3 ms, docs/PERFORMANCE.md).
        """

    @abstractmethod
    def ping(self) -> None:
        """Raise if the database does not answer."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


# -- PostgreSQL -----------------------------------------------------------------------------

#: Pools shared by every district application of this process, by database URL.
_SHARED_POOLS: dict[str, ConnectionPool[Any]] = {}
_SHARED_POOLS_LOCK = threading.Lock()


def schema_name(code: str) -> str:
    """The PostgreSQL schema of a district."""
    if not DISTRICT_CODE.fullmatch(code):
        raise ValueError(f"not a district code: {code!r}")
    return f"district_{code}"


class SharedPoolDatastore(PostgresDatastore):
    """The library's datastore bound to a schema, borrowing the process-wide pool."""

    def __init__(self, pool: ConnectionPool[Any], schema: str) -> None:
        super().__init__(dbname="", host="", port=0, user="", password="", schema=schema)
        self.pool = pool  # the library's own (never opened) pool is dropped here

    def close(self) -> None:
        """The pool belongs to the process, not to one district."""


class ArrayInsertRecorder(PostgresApplicationRecorder):
    """The library's recorder, inserting events from four arrays instead of a composite type.

    The library passes events as an array of a composite type that exists once per schema
    under one name (``stored_event_uuid``); psycopg keys composite dumpers by that name, so on
    a connection shared by districts the dumper of one schema replaces another's and inserts
    fail with "cannot cast type district_a.stored_event_uuid[] to district_b...".  Plain
    arrays need no per-schema type at all.
    """

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_events_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[]) "
            "RETURNING notification_id"
        ).format(schema=Identifier(datastore.schema), table=Identifier(events_table_name))

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            self.insert_events_statement,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
        )


class SharedPoolFactory(PostgresFactory):
    """Persistence factory for a district: its schema, the shared pool."""

    application_recorder_class = ArrayInsertRecorder

    def __init__(self, env: Any) -> None:
        InfrastructureFactory.__init__(self, env)
        pool = _SHARED_POOLS[self.env.get("CANXIE_POOL_KEY") or ""]
        self.datastore = SharedPoolDatastore(pool, schema=self.env.get("POSTGRES_SCHEMA") or "")

    def close(self) -> None:
        """Nothing to release: see :class:`SharedPoolDatastore`."""


#: Reads are planned for the values they ask about, never with a generic plan.  psycopg
#: prepares a query run five times on a connection, and after five more runs the server may
#: keep one plan for any value: for the task list's visits of one association up to a day
#: (``visited_on <= %s``) that plan combined the association's index with the one of every
#: visit's date, reading all 115,294 visits of the district: 3.5 ms instead of 0.2 ms on
#: each request of a long-lived server process (docs/PERFORMANCE.md).  A read's statements
#: are short, so planning each one costs some 0.1 ms; writes keep their generic plans.
_CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"


class PostgresDatabase(Database):
    """Hosted back end: schema per district, one pool per process."""

    kind = "postgresql"
    events_table = "district_events"  # named after the application, "District"
    notification_id_column = "notification_id"

    def __init__(
        self,
        url: str,
        *,
        pool_max: int = 8,
        idle_in_transaction_timeout_s: int = 300,
    ) -> None:
        self.url = url
        timeout_ms = idle_in_transaction_timeout_s * 1000

        def configure(conn: psycopg.Connection[Any]) -> None:
            conn.autocommit = True
            # The library's 5 s default would kill a long projection batch.
            conn.execute(f"SET idle_in_transaction_session_timeout = {int(timeout_ms)}")

        with _SHARED_POOLS_LOCK:
            pool = _SHARED_POOLS.get(url)
            if pool is None or pool.closed:
                pool = ConnectionPool(
                    url,
                    connection_class=psycopg.Connection,
                    kwargs={"row_factory": dict_row},
                    min_size=1,
                    max_size=pool_max,
                    open=False,
                    configure=configure,
                    timeout=30.0,
                    max_idle=60.0,
                )
                pool.open(wait=False)
                _SHARED_POOLS[url] = pool
        self.pool = pool
        self._sql_cache: dict[tuple[str | None, str], str] = {}

    def district_env(self, code: str) -> dict[str, str]:
        """The library reads these to build the district's recorders."""
        return {
            "PERSISTENCE_MODULE": f"{__name__}:SharedPoolFactory",
            "CANXIE_POOL_KEY": self.url,
            "POSTGRES_SCHEMA": schema_name(code),
            # The library builds its own settings from the process environment too; these
            # keep it from reading anything unexpected there.
            "POSTGRES_DBNAME": "unused",
            "POSTGRES_HOST": "unused",
            "POSTGRES_USER": "unused",
            "POSTGRES_PASSWORD": "unused",
        }

    def create_district_store(self, code: str) -> None:
        """The library creates tables but never the schema it is told to use."""
        with self.pool.connection() as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema_name(code)}"')

    def district_store_exists(self, code: str) -> bool:
        """Look the schema up."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 AS found FROM information_schema.schemata WHERE schema_name = %s",
                (schema_name(code),),
            ).fetchone()
        return row is not None

    @contextmanager
    def _begin(self, code: str, write: bool) -> Iterator[Cursor]:
        schema = schema_name(code)
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            if write:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (schema,))
            else:
                cur.execute(f"SET TRANSACTION READ ONLY; {_CUSTOM_PLANS}")
            yield cur

    @contextmanager
    def _begin_snapshot(self, code: str) -> Iterator[psycopg.Connection[Any]]:
        # Repeatable read: every statement sees the state of the first one.
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(
                f"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; {_CUSTOM_PLANS}"
            )
            yield conn

    @contextmanager
    def _cursor_in(self, held: Any) -> Iterator[Cursor]:
        with held.cursor() as cur:
            yield cur

    @contextmanager
    def catalog(self, *, write: bool) -> Iterator[Cursor]:
        """See :meth:`Database.catalog`."""
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            if write:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (CATALOG_SCHEMA,))
            yield cur

    def sql(self, code: str | None, template: str) -> str:
        """Qualify tables with the district's (or the catalog's) schema."""
        key = (code, template)
        text = self._sql_cache.get(key)
        if text is None:
            schema = schema_name(code) if code else CATALOG_SCHEMA
            text = template.replace("{s}", f'"{schema}".')
            self._sql_cache[key] = text
        return text

    def scrub(self, code: str) -> None:
        """Nothing to do: a dump carries live rows only; what the server's write-ahead log
        and dead tuples keep until vacuum is the cluster's (README, "Key ring and backups")."""

    def analyze(self, code: str) -> None:
        """``ANALYZE`` each table of the district's schema (not the whole cluster's)."""
        schema = schema_name(code)
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
            ).fetchall()
            for row in rows:  # the pool's rows are dictionaries
                name = Identifier(row["tablename"])
                conn.execute(SQL("ANALYZE {}.{}").format(Identifier(schema), name))

    def ping(self) -> None:
        """A round trip to the server."""
        with self.pool.connection(timeout=3.0) as conn:
            conn.execute("SELECT 1")

    def close(self) -> None:
        """Close this process's pool for the URL."""
        with _SHARED_POOLS_LOCK:
            if _SHARED_POOLS.get(self.url) is self.pool:
                del _SHARED_POOLS[self.url]
        self.pool.close()


# -- SQLite ------------------------------------------------------------------------------------


# SQLite has no boolean type: columns declared BOOLEAN hold 0/1 and are read back as bools,
# so both back ends answer with the same types.
sqlite3.register_converter("BOOLEAN", lambda raw: raw not in (b"0", b""))

K = TypeVar("K")


class ThreadConnections(Generic[K]):
    """SQLite connections, one per thread and key, every one of them closed by :meth:`close`.

    A thread's own connections alone (a ``threading.local``) would leave those of the other
    threads (the embedded projector, request threads) open after close; and a sqlite3
    connection is in a reference cycle with its statement cache, so dropping it leaves the
    file open until the garbage collector runs (a ``VACUUM`` or a backup's lock fails).
    Connections of threads that have ended are closed when the next one is opened.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._generation = 0

    def get(self, key: K, open_: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
        """This thread's connection for ``key``, opened on first use (and after a close)."""
        mine: dict[K, sqlite3.Connection] | None = getattr(self._local, "connections", None)
        if mine is None or getattr(self._local, "generation", None) != self._generation:
            mine = self._local.connections = {}
            self._local.generation = self._generation
        conn = mine.get(key)
        if conn is None:
            conn = mine[key] = open_()
            with self._lock:
                ended = [c for t, c in self._opened if not t.is_alive()]
                self._opened = [(t, c) for t, c in self._opened if t.is_alive()]
                self._opened.append((threading.current_thread(), conn))
            for old in ended:
                old.close()
        return conn

    def close(self) -> None:
        """Close every connection opened so far, in whichever thread; later use reopens."""
        with self._lock:
            opened, self._opened = self._opened, []
            self._generation += 1
        for _, conn in opened:
            conn.close()


class SqliteDatabase(Database):
    """Embedded back end: a file per district under the data folder."""

    kind = "sqlite"
    events_table = "stored_events"  # the library's SQLite recorder has one fixed name
    notification_id_column = "rowid"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        (self.data_dir / "districts").mkdir(parents=True, exist_ok=True)
        self._connections: ThreadConnections[str | None] = ThreadConnections()
        self._sql_cache: dict[str, str] = {}

    def path(self, code: str | None) -> Path:
        """The file of a district, or of the catalog."""
        if code is None:
            return self.data_dir / "catalog.sqlite3"
        if not DISTRICT_CODE.fullmatch(code):
            raise ValueError(f"not a district code: {code!r}")
        return self.data_dir / "districts" / f"{code}.sqlite3"

    def district_env(self, code: str) -> dict[str, str]:
        """The library's SQLite recorder on the district's file."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.path(code)),
            "SQLITE_LOCK_TIMEOUT": "30",
        }

    def create_district_store(self, code: str) -> None:
        """Creating the first connection creates the file."""
        self._connection(code)

    def district_store_exists(self, code: str) -> bool:
        """Look for the file."""
        return self.path(code).exists()

    def _connection(self, code: str | None) -> sqlite3.Connection:
        """One connection per thread and file: sqlite3 connections are not shared."""
        return self._connections.get(code, partial(self._open, code))

    def _open(self, code: str | None) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path(code),
            isolation_level=None,
            timeout=30.0,
            check_same_thread=False,
            detect_types=sqlite3.PARSE_DECLTYPES,
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete=ON")
        return conn

    @contextmanager
    def _transaction(self, code: str | None, write: bool) -> Iterator[Cursor]:
        conn = self._connection(code)
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield cur
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()
        finally:
            cur.close()

    def _begin(self, code: str, write: bool) -> AbstractContextManager[Cursor]:
        return self._transaction(code, write)

    @contextmanager
    def _begin_snapshot(self, code: str) -> Iterator[sqlite3.Connection]:
        # A read transaction of a WAL file sees the state of its first read to the end.
        with self._transaction(code, False):
            yield self._connection(code)

    @contextmanager
    def _cursor_in(self, held: Any) -> Iterator[Cursor]:
        cur = held.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def catalog(self, *, write: bool) -> Iterator[Cursor]:
        """See :meth:`Database.catalog`."""
        with self._transaction(None, write) as cur:
            yield cur

    def scrub(self, code: str) -> None:
        """Checkpoint the write-ahead log into the file and truncate it to nothing.

        Rows are zeroed where they were rewritten (``secure_delete``), but the log still
        holds the pages as they were before; a checkpoint copies the new pages over the old
        and the truncation drops the log's copies.
        """
        truncate_wal(self._connection(code), self.path(code))

    def vacuum(self, code: str) -> None:
        """Rewrite the district's file without its free pages, then drop the log's copies."""
        self._connection(code).execute("VACUUM")
        self.scrub(code)

    def sql(self, code: str | None, template: str) -> str:
        """Tables are unqualified (one file per district); placeholders are ``?``."""
        text = self._sql_cache.get(template)
        if text is None:
            text = template.replace("{s}", "").replace("%s", "?")
            self._sql_cache[template] = text
        return text

    def analyze(self, code: str) -> None:
        """``ANALYZE`` the district's file."""
        self._connection(code).execute("ANALYZE")

    def ping(self) -> None:
        """Open the catalog."""
        self._connection(None).execute("SELECT 1")

    def close(self) -> None:
        """Close every connection opened, in every thread (see :class:`ThreadConnections`)."""
        self._connections.close()


def truncate_wal(conn: sqlite3.Connection, what: Path, attempts: int = 50) -> None:
    """Checkpoint a SQLite file's write-ahead log and truncate it; retried while readers
    of older snapshots hold it (they finish within a request)."""
    for _ in range(attempts):
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy:
            return
        time.sleep(0.05)
    log.warning("the write-ahead log of %s stays busy; truncated at its next checkpoint", what)


def open_database(database_url: str | None, data_dir: Path, *, pool_max: int = 8) -> Database:
    """The PostgreSQL back end for a ``postgresql://`` URL, else the embedded SQLite one."""
    if database_url:
        if not database_url.startswith(("postgresql://", "postgres://")):
            raise ValueError("CANXIE_DATABASE_URL must be a postgresql:// URL")
        return PostgresDatabase(database_url, pool_max=pool_max)
    return SqliteDatabase(data_dir)
