"""A district's verifiable ledger: the Merkle log of its audit trail and its signed tree heads.

The leaves are the ``leaf_hash`` column of ``audit_entries`` in position order, indexed
0..n-1 (``leaf_index``; positions have gaps in PostgreSQL).  A signed tree head binds the
district, a tree size, the root of the first ``size`` leaves and a time (see
:mod:`projections.ledger.tree_heads`); heads are signed only when the tree grew, and only after
checking that the new tree extends the newest signed one, so a rewritten trail is refused
rather than signed.  Inclusion and consistency proofs are computed against signed heads.

Everything here runs inside the district's exclusive write transaction when it writes (the
same lock as projection catch-up), so signing never races a catch-up batch (which numbers the
leaves it writes).
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.engine.read_models import events_after_sql
from projections.ledger.audit_trail import AUDIT_ENTRIES
from projections.ledger.merkle import MerkleLog
from projections.ledger.records import Record, originator_text
from projections.ledger.tree_heads import (
    SignedTreeHead,
    TreeHead,
    format_timestamp,
    load_public_key,
    parse_timestamp,
    public_key_base64,
    sign_tree_head,
)
from projections.ledger.verify import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    RECORD_ENCODING,
    key_fingerprint,
)
from projections.platform.database import Cursor, Database
from projections.platform.tables import Table

log = logging.getLogger(__name__)


TREE_HEADS = Table(
    name="tree_heads",
    columns={
        "tree_size": "int",
        "district": "text",
        "root_hash": "text",
        "signed_at": "timestamp",
        "signature": "text",
        "key_id": "text",
        "public_key": "text",
    },
    key=("tree_size",),
)

Sql = Callable[[str], str]


class LedgerError(RuntimeError):
    """The ledger cannot do what was asked; the message says why."""


class LedgerInconsistent(LedgerError):
    """The audit trail no longer reproduces a signed head: it was rewritten.  Never signed."""


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The fingerprint of a public key: SHA-256 of its raw 32 bytes, in hex."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return key_fingerprint(public)


@dataclass(frozen=True)
class StoredHead:
    """A signed tree head as kept in ``tree_heads``, with the key that signed it."""

    signed: SignedTreeHead
    key_id: str
    public_key: str

    @property
    def tree_size(self) -> int:
        """Leaves covered."""
        return self.signed.head.tree_size

    @property
    def root(self) -> bytes:
        """The root hash, raw."""
        return self.signed.head.root_hash_bytes

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the signed head's fields plus the key id and public key."""
        return {**self.signed.to_dict(), "key_id": self.key_id, "public_key": self.public_key}

    @classmethod
    def from_row(cls, row: Any) -> StoredHead:
        """Read a ``tree_heads`` row."""
        signed = SignedTreeHead.from_dict(
            {
                "district_code": row["district"],
                "tree_size": int(row["tree_size"]),
                "root_hash": row["root_hash"],
                "timestamp": row["signed_at"],
                "signature": row["signature"],
            }
        )
        return cls(signed=signed, key_id=row["key_id"], public_key=row["public_key"])


# -- tables and leaves -----------------------------------------------------------------------

_ensured: set[tuple[str, str]] = set()
_ensured_lock = threading.Lock()


def _token(db: Database, district: str) -> tuple[str, str]:
    """Which store a district lives in, stable across Database objects of one store."""
    where = getattr(db, "url", None) or str(getattr(db, "data_dir", id(db)))
    return (f"{db.kind}:{where}", district)


def ensure_tables(db: Database, district: str) -> None:
    """Create ``tree_heads`` if missing (it is no projection table: a rebuild keeps it)."""
    token = _token(db, district)
    if token in _ensured:
        return
    sql = partial(db.sql, district)
    with db.transaction(district, write=True) as cur:
        for table in (AUDIT_ENTRIES, TREE_HEADS):
            for statement in table.ddl(db.kind):
                cur.execute(sql(statement))
    with _ensured_lock:
        _ensured.add(token)


def check_leaves(cur: Cursor, sql: Sql) -> int:
    """The number of leaves, after checking they are numbered 0..n-1 (one scan of the trail).

    Raises LedgerInconsistent when an entry has no leaf index (entries are numbered as they are
    written, and opening an older store numbers what it left) or numbered entries are missing.
    """
    cur.execute(
        sql(
            "SELECT count(*) AS n, count(leaf_index) AS numbered, max(leaf_index) AS last "
            "FROM {s}audit_entries"
        )
    )
    row = cur.fetchone()
    total, numbered = int(row["n"]), int(row["numbered"])
    if numbered != total:
        raise LedgerInconsistent(f"{total - numbered} audit entries have no leaf index")
    if total and int(row["last"]) != total - 1:
        raise LedgerInconsistent(
            f"audit_entries holds {total} leaves but the last index is {row['last']}: "
            "entries were deleted from the audit trail"
        )
    return total


@dataclass
class _CachedLog:
    """A district's Merkle log and the position of its last leaf (-1 while empty)."""

    merkle: MerkleLog
    position: int = -1


_LOGS: OrderedDict[tuple[str, str], _CachedLog] = OrderedDict()
_LOGS_LOCK = threading.Lock()
#: How many districts' Merkle logs a process keeps in memory (about 64 bytes per leaf).
CACHED_LOGS = 8


def _cached_log(cur: Cursor, sql: Sql, cached: _CachedLog | None) -> _CachedLog:
    """The cached log if the trail still holds its last leaf where it was, else a new one."""
    if cached is not None and cached.merkle.size:
        cur.execute(
            sql("SELECT leaf_index, leaf_hash FROM {s}audit_entries WHERE position = %s"),
            (cached.position,),
        )
        row = cur.fetchone()
        last = cached.merkle.size - 1
        if (
            row is not None
            and row["leaf_index"] == last
            and bytes(row["leaf_hash"]) == cached.merkle.leaf_hash(last)
        ):
            return cached
        return _CachedLog(MerkleLog())
    return cached or _CachedLog(MerkleLog())


def _merkle_log(db: Database, district: str, cur: Cursor, sql: Sql) -> MerkleLog:
    """The Merkle log of every leaf, extended from a per-process cache.

    The leaves are read in position order by the primary key (leaf indices follow positions),
    from after the cached log's last leaf; the cache is dropped when the trail no longer holds
    that leaf where it was (a rebuild).  Extending only appends, so a log handed out earlier
    stays valid for the sizes it had.
    """
    token = _token(db, district)
    with _LOGS_LOCK:
        cached = _cached_log(cur, sql, _LOGS.get(token))
        merkle = cached.merkle
        cur.execute(
            sql(
                "SELECT position, leaf_index, leaf_hash FROM {s}audit_entries "
                "WHERE position > %s ORDER BY position"
            ),
            (cached.position,),
        )
        for row in cur.fetchall():
            if row["leaf_index"] is None or int(row["leaf_index"]) != merkle.size:
                _LOGS.pop(token, None)
                raise LedgerInconsistent(
                    f"leaf index {merkle.size} is missing from the audit trail"
                )
            merkle.append(bytes(row["leaf_hash"]))
            cached.position = int(row["position"])
        _LOGS[token] = cached
        _LOGS.move_to_end(token)
        while len(_LOGS) > CACHED_LOGS:
            _LOGS.popitem(last=False)
    return merkle


def forget_cache() -> None:
    """Drop every cached Merkle log of this process."""
    with _LOGS_LOCK:
        _LOGS.clear()


# -- heads -----------------------------------------------------------------------------------


def _latest(cur: Cursor, sql: Sql) -> StoredHead | None:
    cur.execute(sql("SELECT * FROM {s}tree_heads ORDER BY tree_size DESC LIMIT 1"))
    row = cur.fetchone()
    return StoredHead.from_row(row) if row else None


def _grew_since(merkle: MerkleLog, latest: StoredHead | None, district: str) -> bool:
    """Whether the log has leaves the newest head does not cover yet.

    False (with a warning) when the trail is shorter than the newest head, as during a
    rebuild; raises LedgerInconsistent when the trail no longer reproduces that head.
    """
    if latest is None:
        return merkle.size > 0
    if merkle.size < latest.tree_size:
        log.warning(
            "district %s: the audit trail has %d leaves, fewer than the newest head's "
            "%d (rebuild under way?); nothing signed",
            district,
            merkle.size,
            latest.tree_size,
        )
        return False
    root = merkle.root(latest.tree_size)
    if root != latest.root:
        forget_cache()
        raise LedgerInconsistent(
            f"district {district}: the audit trail's first {latest.tree_size} leaves "
            f"have root {root.hex()}, not the signed {latest.root.hex()}; refusing to "
            "sign (run `canxie audit check` to locate the change)"
        )
    return merkle.size > latest.tree_size


def _insert_head(cur: Cursor, sql: Sql, district: str, stored: StoredHead) -> None:
    """Store a signed head in the district's tree_heads table."""
    head = stored.signed.head
    data = stored.signed.to_dict()
    cur.execute(
        sql(
            "INSERT INTO {s}tree_heads (tree_size, district, root_hash, signed_at, "
            "signature, key_id, public_key) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        ),
        (
            head.tree_size,
            district,
            head.root_hash,
            data["timestamp"],
            data["signature"],
            stored.key_id,
            stored.public_key,
        ),
    )


def sign_head(
    db: Database,
    district: str,
    private_key: Ed25519PrivateKey,
    *,
    now: datetime | None = None,
) -> StoredHead | None:
    """Sign a head of the district's log if it grew since the newest head; None otherwise.

    Raises LedgerInconsistent, and signs nothing, when the trail no longer reproduces the
    newest signed head.
    """
    ensure_tables(db, district)
    sql = partial(db.sql, district)
    with db.transaction(district, write=True) as cur:
        check_leaves(cur, sql)
        merkle = _merkle_log(db, district, cur, sql)
        latest = _latest(cur, sql)
        if not _grew_since(merkle, latest, district):
            return None
        moment = now or datetime.now(UTC)
        if latest is not None and moment < latest.signed.head.timestamp:
            moment = latest.signed.head.timestamp
        head = TreeHead(district, merkle.size, merkle.root().hex(), moment)
        signed = sign_tree_head(head, private_key)
        stored = StoredHead(signed, key_id(private_key), public_key_base64(private_key))
        _insert_head(cur, sql, district, stored)
    log.info("district %s: signed tree head of size %d", district, head.tree_size)
    return stored


def latest_head(db: Database, district: str) -> StoredHead | None:
    """The newest signed head of the district, if any."""
    ensure_tables(db, district)
    with db.transaction(district, write=False) as cur:
        return _latest(cur, partial(db.sql, district))


def list_heads(
    db: Database, district: str, *, limit: int | None = None, offset: int = 0
) -> tuple[list[StoredHead], int]:
    """Signed heads by size (a page of them), and how many there are."""
    ensure_tables(db, district)
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(sql("SELECT count(*) AS n FROM {s}tree_heads"))
        total = int(cur.fetchone()["n"])
        if limit is None:
            cur.execute(sql("SELECT * FROM {s}tree_heads ORDER BY tree_size"))
        else:
            cur.execute(
                sql("SELECT * FROM {s}tree_heads ORDER BY tree_size LIMIT %s OFFSET %s"),
                (limit, offset),
            )
        return [StoredHead.from_row(row) for row in cur.fetchall()], total


def _head_of_size(cur: Cursor, sql: Sql, size: int) -> StoredHead | None:
    cur.execute(sql("SELECT * FROM {s}tree_heads WHERE tree_size = %s"), (size,))
    row = cur.fetchone()
    return StoredHead.from_row(row) if row else None


# -- proofs ----------------------------------------------------------------------------------


class ProofUnavailable(LedgerError):
    """The proof asked for cannot exist (no such head, event not covered, ...)."""

    def __init__(self, detail: str, *, field: str, status: int = 404) -> None:
        super().__init__(detail)
        self.field = field
        self.status = status


def _stored_record(db: Database, cur: Cursor, sql: Sql, position: int) -> Record | None:
    id_column = db.notification_id_column
    cur.execute(
        sql(
            f"SELECT {id_column} AS notification_id, originator_id, originator_version, topic, "
            f"state FROM {{s}}{db.events_table} WHERE {id_column} = %s"
        ),
        (position,),
    )
    row = cur.fetchone()
    return _record(row) if row else None


def _record(row: Any) -> Record:
    return Record(
        position=int(row["notification_id"]),
        originator_id=originator_text(row["originator_id"]),
        originator_version=int(row["originator_version"]),
        topic=row["topic"],
        state=bytes(row["state"]),
    )


def record_to_dict(record: Record) -> dict[str, Any]:
    """A stored record as JSON: the state in standard base64, exactly as stored."""
    return {
        "position": record.position,
        "originator_id": record.originator_id,
        "originator_version": record.originator_version,
        "topic": record.topic,
        "state": base64.b64encode(record.state).decode("ascii"),
    }


def inclusion(
    db: Database, district: str, position: int, tree_size: int | None = None
) -> dict[str, Any]:
    """The audit path of the event at ``position`` in a signed head (default: the newest).

    Returns the head, the leaf index and hash, the stored record (so the leaf can be
    recomputed from it) and the path, siblings from the leaf up, in hex.
    """
    ensure_tables(db, district)
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        head = _latest(cur, sql) if tree_size is None else _head_of_size(cur, sql, tree_size)
        if head is None:
            if tree_size is None:
                raise ProofUnavailable("no tree head has been signed yet", field="tree_size")
            raise ProofUnavailable(f"no signed tree head of size {tree_size}", field="tree_size")
        cur.execute(
            sql("SELECT leaf_index, leaf_hash FROM {s}audit_entries WHERE position = %s"),
            (position,),
        )
        entry = cur.fetchone()
        if entry is None:
            raise ProofUnavailable(
                f"no event at position {position} in the audit trail", field="position"
            )
        index = entry["leaf_index"]
        if index is None or int(index) >= head.tree_size:
            raise ProofUnavailable(
                f"the event at position {position} is not covered by the head of size "
                f"{head.tree_size}; wait for the next signed head",
                field="position",
                status=409,
            )
        record = _stored_record(db, cur, sql, position)
        merkle = _merkle_log(db, district, cur, sql)
    if merkle.size < head.tree_size:
        raise LedgerError(
            f"the audit trail has fewer leaves than the head of size {head.tree_size}"
        )
    path = merkle.inclusion_proof(int(index), head.tree_size)
    return {
        "head": head,
        "position": position,
        "leaf_index": int(index),
        "leaf_hash": merkle.leaf_hash(int(index)).hex(),
        "record": record_to_dict(record) if record is not None else None,
        "audit_path": [node.hex() for node in path],
    }


def consistency(db: Database, district: str, first: int, second: int) -> dict[str, Any]:
    """The consistency proof between two signed heads, in hex."""
    if first > second:
        raise ProofUnavailable(
            f"first ({first}) must not exceed second ({second})", field="first", status=422
        )
    ensure_tables(db, district)
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        heads = {}
        for name, size in (("first", first), ("second", second)):
            head = _head_of_size(cur, sql, size)
            if head is None:
                raise ProofUnavailable(f"no signed tree head of size {size}", field=name)
            heads[name] = head
        merkle = _merkle_log(db, district, cur, sql)
    if merkle.size < second:
        raise LedgerError(f"the audit trail has fewer leaves than the head of size {second}")
    proof = merkle.consistency_proof(first, second)
    return {
        "first": heads["first"],
        "second": heads["second"],
        "proof": [node.hex() for node in proof],
    }


# -- the whole ledger, for export and checks ------------------------------------------------


@dataclass
class LedgerSnapshot:
    """Everything a verification needs, read in one transaction."""

    district: str
    records: list[Record]
    #: (position, leaf hash hex) by position, which is the leaves' order
    recorded_leaves: list[tuple[int, str]]
    heads: list[StoredHead]


def iter_records(db: Database, district: str, cur: Cursor, batch: int = 10000) -> Iterator[Record]:
    """Every stored event of the district in position order, as stored."""
    select = db.sql(district, events_after_sql(db))
    position = -1
    while True:
        cur.execute(select, (position, batch))
        rows = cur.fetchall()
        if not rows:
            return
        for row in rows:
            yield _record(row)
        position = int(rows[-1]["notification_id"])


def snapshot(db: Database, district: str) -> LedgerSnapshot:
    """The district's stored events, the trail's leaves and the signed heads, consistently."""
    ensure_tables(db, district)
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        records = list(iter_records(db, district, cur))
        cur.execute(sql("SELECT position, leaf_hash FROM {s}audit_entries ORDER BY position"))
        leaves = [(int(r["position"]), bytes(r["leaf_hash"]).hex()) for r in cur.fetchall()]
        cur.execute(sql("SELECT * FROM {s}tree_heads ORDER BY tree_size"))
        heads = [StoredHead.from_row(r) for r in cur.fetchall()]
    return LedgerSnapshot(district=district, records=records, recorded_leaves=leaves, heads=heads)


def uncovered_entries(
    db: Database, district: str, after_position: int
) -> tuple[int, datetime | None]:
    """How many trail entries lie after a position, and when the oldest of them was recorded."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(
            sql(
                "SELECT count(*) AS n, min(recorded_at) AS oldest FROM {s}audit_entries "
                "WHERE position > %s"
            ),
            (after_position,),
        )
        row = cur.fetchone()
    oldest = row["oldest"]
    return int(row["n"]), parse_timestamp(oldest) if oldest else None


def write_bundle(
    db: Database,
    district: str,
    out: Path,
    *,
    public_key: Ed25519PublicKey | None = None,
) -> dict[str, int]:
    """Write the district's export bundle (JSON, gzip when ``out`` ends in ``.gz``).

    The bundle holds the events as stored (state in base64), the leaves the audit trail
    recorded (position and leaf hash, by leaf index), every signed head, consistency proofs
    between successive heads, and the public key.  One item per line, so a parse error points
    at the item.
    """
    snap = snapshot(db, district)
    merkle = MerkleLog(bytes.fromhex(h) for _, h in snap.recorded_leaves)
    proofs = []
    for older, newer in zip(snap.heads, snap.heads[1:], strict=False):
        if newer.tree_size <= merkle.size:
            proof = merkle.consistency_proof(older.tree_size, newer.tree_size)
            proofs.append(
                {
                    "first": older.tree_size,
                    "second": newer.tree_size,
                    "proof": [p.hex() for p in proof],
                }
            )
    if public_key is None and snap.heads:
        public_key = load_public_key(snap.heads[-1].public_key)
    header = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "record_encoding": RECORD_ENCODING,
        "district": district,
        "exported_at": format_timestamp(datetime.now(UTC)),
        "public_key": public_key_base64(public_key) if public_key else None,
        "key_id": key_id(public_key) if public_key else None,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    opener: Callable[..., IO[str]] = gzip.open if out.name.endswith(".gz") else open
    with opener(out, "wt", encoding="utf-8") as f:
        f.write("{\n")
        for name, value in header.items():
            f.write(f"{json.dumps(name)}: {json.dumps(value)},\n")
        f.write('"heads": [\n')
        f.write(",\n".join(json.dumps(h.to_dict()) for h in snap.heads))
        f.write('\n],\n"consistency": [\n')
        f.write(",\n".join(json.dumps(p) for p in proofs))
        f.write('\n],\n"leaves": [\n')
        f.write(",\n".join(json.dumps([p, h]) for p, h in snap.recorded_leaves))
        f.write('\n],\n"events": [\n')
        for n, record in enumerate(snap.records):
            line = json.dumps(record_to_dict(record), ensure_ascii=False)
            f.write(("," if n else "") + line + "\n")
        f.write("]\n}\n")
    return {"events": len(snap.records), "heads": len(snap.heads)}
