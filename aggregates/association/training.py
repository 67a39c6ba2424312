"""Training sessions for association officers (S3.7: chairs, vice-chairs, full-time and core
members trained online and offline).

A session belongs to the district (organised by the district federation) or to one of its
townships; who attended is recorded on each attendee's association, so that an association's
record holds its own officers' training.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aggregates.clock import check_day
from aggregates.errors import OutOfRange, OutsideDistrict
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance

#: Longest session a single record may claim (a week of full days).
MAXIMUM_HOURS = 7 * 24


class TrainingMode(StrEnum):
    """How a session was held."""

    ONLINE = "online"  # 线上
    OFFLINE = "offline"  # 线下


class TrainingSession(Aggregate):
    """One training session: topic, date, hours, mode and organiser."""

    @event("Held")
    def __init__(
        self,
        district_code: str,
        township_code: str | None,
        topic: str,
        mode: str,
        hours: float,
        held_on: date,
        organiser: str,
        by: Provenance,
    ) -> None:
        """A session took place."""
        self.district_code = district_code
        self.township_code = township_code
        self.topic = topic
        self.mode = TrainingMode(mode)
        self.hours = hours
        self.held_on = held_on
        self.organiser = organiser

    @classmethod
    def hold(
        cls,
        *,
        district_code: str,
        township_code: str | None,
        topic: str,
        mode: TrainingMode,
        hours: float,
        held_on: date,
        organiser: str,
        today: date,
        by: Provenance,
    ) -> TrainingSession:
        """Record a session held in the district (or one of its townships)."""
        if township_code is not None and not township_code.startswith(district_code):
            raise OutsideDistrict(code=township_code, district=district_code, field="township_code")
        if not 0 < hours <= MAXIMUM_HOURS:
            raise OutOfRange(minimum=0, maximum=MAXIMUM_HOURS, field="hours")
        check_day(held_on, today, "held_on")
        return cls(
            district_code=district_code,
            township_code=township_code,
            topic=topic,
            mode=mode.value,
            hours=hours,
            held_on=held_on,
            organiser=organiser,
            by=by,
        )
