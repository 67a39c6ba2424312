"""How far behind its events a district's read models are: in events and in seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from eventsourcing.persistence import Mapper

from projections.engine import tracking
from projections.engine.read_models import PROJECTIONS, events_after_sql, stored_event
from projections.platform.database import Database


@dataclass(frozen=True)
class Lag:
    """One district's projection state at one moment."""

    district: str
    head: int  # position of the newest event (0: none)
    positions: dict[str, int]  # each live projection's position
    oldest_unprojected_at: datetime | None  # when the first event not yet projected was made

    @property
    def projected(self) -> int:
        """The position every live projection has reached."""
        return min(self.positions.values(), default=0)

    @property
    def events_behind(self) -> int:
        """Events in the log that some projection has not applied yet."""
        return max(self.head - self.projected, 0)

    def seconds_behind(self, now: datetime | None = None) -> float:
        """Age of the oldest event not yet projected (0 when caught up)."""
        if self.oldest_unprojected_at is None or not self.events_behind:
            return 0.0
        now = now or datetime.now(UTC)
        return max((now - self.oldest_unprojected_at).total_seconds(), 0.0)


def district_lag(db: Database, district: str, mapper: Mapper[Any] | None) -> Lag:
    """Read the head, the tracking positions and the oldest unprojected event's time.

    The event's time is the one it carries (set when the command made it); without a
    ``mapper`` (or when it cannot be decoded) the time is left unknown.
    """
    sql = partial(db.sql, district)
    id_column = db.notification_id_column
    with db.transaction(district, write=False) as cur:
        known = tracking.positions(cur, sql)
        positions = {p.name: known.get(p.name, 0) for p in PROJECTIONS}
        cur.execute(sql(f"SELECT max({id_column}) AS head FROM {{s}}{db.events_table}"))
        row = cur.fetchone()
        head = int(row["head"] or 0) if row else 0
        oldest = None
        projected = min(positions.values(), default=0)
        if head > projected and mapper is not None:
            cur.execute(sql(events_after_sql(db)), (projected, 1))
            first = cur.fetchone()
            if first is not None:
                oldest = _event_time(mapper, first)
    return Lag(district=district, head=head, positions=positions, oldest_unprojected_at=oldest)


def _event_time(mapper: Mapper[Any], row: Any) -> datetime | None:
    try:
        stamp = getattr(mapper.to_domain_event(stored_event(row)), "timestamp", None)
    except Exception:  # undecodable (e.g. a key problem): the count still stands
        return None
    if not isinstance(stamp, datetime):
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
