"""Provenance is typed in memory and stored as the plain JSON object it always was.

Events carry ``by`` as :class:`Provenance`; the district's mapper stores it as the dict
every stored event has held since the first release, so a new event's stored state (and so
its record digest in the audit trail) has the form the old ones have, and both read back
typed (``tests/stores/test_old_store.py`` reads the committed old store through the same
mapper).
"""

from __future__ import annotations

import json
from datetime import date

from aggregates.clock import SetClock
from aggregates.provenance import Provenance
from aggregates.store.district import DistrictRecords

BY = Provenance(actor="worker-1", role="association_worker", organisation="410102001001")
PLAIN = {
    "actor": "worker-1",
    "role": "association_worker",
    "organisation": "410102001001",
    "request_id": "",
    "reason": None,
}


def _records() -> DistrictRecords:
    records = DistrictRecords("410102", clock=SetClock(date(2021, 3, 1)))
    records.record_division(code="410102001", name="林山寨街道", effective_on=None, by=BY)
    return records


def test_provenance_is_stored_as_a_plain_object() -> None:
    records = _records()
    [_, entry] = records.notification_log.select(start=1, limit=10)
    stored = json.loads(entry.state)
    assert stored["by"] == PLAIN


def test_provenance_reads_back_typed() -> None:
    records = _records()
    events = [records.mapper.to_domain_event(n) for n in records.notification_log.select(1, 10)]
    assert [event.by for event in events] == [BY, BY]


def test_a_stored_object_with_a_key_this_version_lacks_still_reads() -> None:
    written_later = {**PLAIN, "device": "phone"}
    assert Provenance.from_dict(written_later) == BY
