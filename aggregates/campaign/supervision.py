"""Key supervision (重点督办, S4.3): a district or an association put under it until rectified.

Each spell of supervision is one aggregate: started with the reason (often the problems of an
inspection), released when the work is done.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from aggregates.clock import check_day
from aggregates.errors import (
    BeforeStart,
    ReasonRequired,
    SupervisionReleased,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


class SupervisedKind(StrEnum):
    """What is under supervision."""

    DISTRICT = "district"
    ASSOCIATION = "association"


class KeySupervision(Aggregate):
    """One spell of key supervision of a district or one of its associations."""

    @event("Started", effective="started_on")
    def __init__(
        self,
        district_code: str,
        subject: str,
        association_id: UUID | None,
        association_name: str | None,
        division_code: str,
        township_code: str | None,
        reason: str,
        started_on: date,
        inspection_id: UUID | None,
        by: Provenance,
    ) -> None:
        """Put under key supervision."""
        self.district_code = district_code
        self.subject = SupervisedKind(subject)
        self.association_id = association_id
        self.started_on = started_on
        self.released_on: date | None = None

    @classmethod
    def start(
        cls,
        *,
        district_code: str,
        association_id: UUID | None,
        association_name: str | None,
        division_code: str | None,
        township_code: str | None,
        reason: str,
        started_on: date,
        inspection_id: UUID | None,
        today: date,
        by: Provenance,
    ) -> KeySupervision:
        """Put the district (no association) or an association under key supervision."""
        check_day(started_on, today, "started_on")
        if not reason.strip():
            raise ReasonRequired(field="reason")
        subject = SupervisedKind.ASSOCIATION if association_id else SupervisedKind.DISTRICT
        return cls(
            district_code=district_code,
            subject=subject.value,
            association_id=association_id,
            association_name=association_name,
            division_code=division_code or district_code,
            township_code=township_code,
            reason=reason,
            started_on=started_on,
            inspection_id=inspection_id,
            by=by,
        )

    def release(self, *, released_on: date, reason: str, today: date, by: Provenance) -> None:
        """End the supervision, on or after its start."""
        if self.released_on is not None:
            raise SupervisionReleased(released_on=self.released_on, field="supervision_id")
        check_day(released_on, today, "released_on", self.started_on, BeforeStart)
        self._release(released_on=released_on, reason=reason, by=by)

    @event("Released", effective="released_on")
    def _release(self, released_on: date, reason: str, by: Provenance) -> None:
        """Released from key supervision: the spell ends."""
        self.released_on = released_on
