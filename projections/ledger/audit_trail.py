"""The audit trail read model: every event of a district with who, when, why and its digest.

One row per stored event, keyed by log position: the aggregate and version, the event's type
and topic, the provenance carried in its ``by`` (actor, role, organisation, request id,
reason; null for events without one), its time, its effective date when it has one, and two
hashes of the stored record's canonical bytes (:mod:`projections.ledger.records`): a SHA-256
digest and the RFC 6962 leaf hash that the district's Merkle log is built from.  The two are
stored as raw bytes (32 each, half the hex text) and shown in hex (:func:`entry`).

``leaf_index`` (the entry's index among the leaves, 0..n-1 in position order; positions have
gaps in PostgreSQL) is not a function of one event, but the trail is append-only and written in
position order under the district's lock, so the unit of work numbers each batch's entries
after the last stored one as it writes them (``Table.numbered``): every row is written once.
A store written before that may hold unnumbered entries; opening it numbers them
(:mod:`projections.ledger.trail_upgrade`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from eventsourcing.persistence import StoredEvent

from aggregates.provenance import Provenance
from projections.engine.projection import Projection
from projections.engine.unit_of_work import UnitOfWork
from projections.ledger.merkle import leaf_hash
from projections.ledger.records import canonical_record, originator_text
from projections.platform.database import Cursor, Database
from projections.platform.scope import Selection, tracked_position
from projections.platform.tables import Table

AUDIT_ENTRIES = Table(
    name="audit_entries",
    columns={
        "position": "int",
        "leaf_index": "int",
        "aggregate_id": "text",
        "aggregate_version": "int",
        "event_type": "text",
        "topic": "text",
        "actor": "text",
        "role": "text",
        "organisation": "text",
        "request_id": "text",
        "reason": "text",
        "recorded_at": "timestamp",
        "effective_on": "date",
        "record_digest": "bytes",
        "leaf_hash": "bytes",
    },
    key=("position",),
    numbered="leaf_index",
    # Every index is written once per event; each is kept for a read that uses it.  The key
    # (position) serves the reads by position: a proof's entry, the Merkle log's leaves in
    # order (leaf indices follow positions, so ``leaf_index`` needs no index of its own), the
    # last entry the next batch numbers after, the pages in log order, the entries a head
    # does not cover yet.
    indexes=(
        # aggregate_history: WHERE aggregate_id = ? ORDER BY aggregate_version (and the
        # list's aggregate filter)
        ("aggregate_id", "aggregate_version"),
        # list_entries from/to: WHERE recorded_at >= ? AND recorded_at <= ?
        ("recorded_at",),
        # list_entries actor: WHERE actor = ?
        ("actor",),
        # tenancy.erased_persons, at every provisioning: WHERE event_type = 'Person.Erased'
        ("event_type",),
    ),
)
#: Indexes earlier releases made that no read uses any more (dropped when a store is opened).
RETIRED_INDEXES = ("audit_entries_leaf_index_idx",)

#: Fields that carry the date an event takes effect, preferred in this order; any other
#: ``*_on`` date field of an event counts too.
EFFECTIVE_DATE_FIELDS = ("established_on", "appointed_on", "removed_on")
PROVENANCE_FIELDS = ("actor", "role", "organisation", "request_id", "reason")


def effective_date(event: Any) -> str | None:
    """The date the event takes effect, if it has one."""
    fields = getattr(event, "__dict__", {})
    for name in EFFECTIVE_DATE_FIELDS:
        value = fields.get(name)
        if isinstance(value, date):
            return value.isoformat()
    for name in sorted(fields):
        value = fields[name]
        if name.endswith("_on") and isinstance(value, date):
            return value.isoformat()
    return None


def iso_utc(moment: datetime) -> str:
    """A time as the trail stores it: UTC ISO 8601 with microseconds (sorts as text)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def audit_row(stored: StoredEvent, event: Any, position: int) -> dict[str, Any]:
    """The audit entry of one stored event (``leaf_index`` is numbered when it is written)."""
    encoded = canonical_record(
        position, stored.originator_id, stored.originator_version, stored.topic, stored.state
    )
    by = getattr(event, "by", None)
    by = by.as_dict() if isinstance(by, Provenance) else {}
    timestamp = getattr(event, "timestamp", None)
    row: dict[str, Any] = {
        "position": position,
        "leaf_index": None,
        "aggregate_id": originator_text(stored.originator_id),
        "aggregate_version": stored.originator_version,
        "event_type": type(event).__qualname__,
        "topic": stored.topic,
        "recorded_at": iso_utc(timestamp) if timestamp is not None else None,
        "effective_on": effective_date(event),
        "record_digest": hashlib.sha256(encoded).digest(),
        "leaf_hash": leaf_hash(encoded),
    }
    for name in PROVENANCE_FIELDS:
        value = by.get(name)
        row[name] = None if value is None else str(value)
    return row


def _every_record(stored: StoredEvent, event: Any, position: int, uow: UnitOfWork) -> None:
    uow.upsert(AUDIT_ENTRIES, audit_row(stored, event, position))


AUDIT_TRAIL_PROJECTION = Projection(
    name="audit_trail",
    tables=(AUDIT_ENTRIES,),
    handlers={},
    every_record=_every_record,
)


# -- queries --------------------------------------------------------------------------------


DIGESTS = ("record_digest", "leaf_hash")


def entry(row: Any) -> dict[str, Any]:
    """An audit entry as the API shows it: the digests in lowercase hex."""
    item = dict(row)
    for name in DIGESTS:
        item[name] = bytes(item[name]).hex()
    return item


@dataclass(frozen=True)
class AuditPage:
    """A page of audit entries, the total matching, and the position the trail is at."""

    items: list[dict[str, Any]]
    total: int
    position: int


def list_entries(
    db: Database,
    district: str,
    *,
    since: str | None = None,
    until: str | None = None,
    actor: str | None = None,
    aggregate_id: str | None = None,
    event_type: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Entries in log order, filtered by time range (ISO, inclusive), actor, aggregate, type.

    ``event_type`` matches the qualified class name (``Association.Established``) or its last
    part (``Established``).
    """
    sql = partial(db.sql, district)
    selection = Selection("audit_entries").equal(actor=actor, aggregate_id=aggregate_id)
    for condition, value in (("recorded_at >= %s", since), ("recorded_at <= %s", until)):
        if value:
            selection.conditions.append(condition)
            selection.params.append(value)
    if event_type:
        selection.conditions.append("(event_type = %s OR event_type LIKE %s)")
        selection.params += [event_type, f"%.{event_type}"]
    with db.transaction(district, write=False) as cur:
        position = trail_position(cur, sql)
        rows, total = selection.page(cur, sql, "position", limit, offset)
        items = [entry(row) for row in rows]
    return AuditPage(items=items, total=total, position=position)


def aggregate_history(db: Database, district: str, aggregate_id: str) -> AuditPage:
    """Every entry of one aggregate, by version."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = trail_position(cur, sql)
        cur.execute(
            sql(
                "SELECT * FROM {s}audit_entries WHERE aggregate_id = %s ORDER BY aggregate_version"
            ),
            (aggregate_id,),
        )
        items = [entry(row) for row in cur.fetchall()]
    return AuditPage(items=items, total=len(items), position=position)


def trail_position(cur: Cursor, sql: Callable[[str], str]) -> int:
    """How far the audit trail has been projected."""
    return tracked_position(cur, sql, AUDIT_TRAIL_PROJECTION.name)
