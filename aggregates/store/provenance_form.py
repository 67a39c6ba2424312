"""Provenance stored as the plain dict it always was, and read back typed.

Events carry their provenance as :class:`~aggregates.provenance.Provenance` in memory; the
event store keeps it as the JSON object every stored event has held since the first
release (``{"actor": ..., "role": ..., ...}``).  Converting here, rather than registering
a transcoding, leaves every stored event, its record digest and the audit trail's hashes
exactly as before, and old and new events read back alike.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from aggregates.provenance import Provenance

FIELD = "by"


def with_plain_provenance(domain_event: Any) -> Any:
    """A copy of the event whose ``by`` is the stored dict (the event itself if it has none)."""
    by = vars(domain_event).get(FIELD)
    if not isinstance(by, Provenance):
        return domain_event
    clone = object.__new__(type(domain_event))
    object.__setattr__(clone, "__dict__", {**vars(domain_event), FIELD: by.as_dict()})
    return clone


class ProvenanceMapper(Mapper[Any]):
    """The library's mapper, with ``by`` stored as a dict and read back as Provenance."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        """Store as the library does, ``by`` as a plain dict."""
        return super().to_stored_event(with_plain_provenance(domain_event))

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """Read as the library does, ``by`` as Provenance."""
        event = super().to_domain_event(stored_event)
        state = event.__dict__
        by = state.get(FIELD)
        if isinstance(by, dict):
            state[FIELD] = Provenance.from_dict(by)
        return event
