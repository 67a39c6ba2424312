"""The days a command records: come already, and not before the day they follow.

Every dated command checks its day the same way (the officer removed after being appointed,
the follow-up concluded after the referral, neither in the future); one function says it.
"""

from __future__ import annotations

from datetime import date

from aggregates.errors import DateInFuture, DateTooEarly, DomainError


def check_day(
    day: date,
    today: date,
    field: str,
    earliest: date | None = None,
    too_early: type[DomainError] = DateTooEarly,
) -> None:
    """Refuse ``day`` (the argument ``field``) before ``earliest``, with ``too_early`` naming
    what it would precede, or after ``today``."""
    if earliest is not None and day < earliest:
        raise too_early(day=day, earliest=earliest, field=field)
    if day > today:
        raise DateInFuture(day=day, field=field)
