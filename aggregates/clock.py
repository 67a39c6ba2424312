"""One clock for the domain: "today" where the associations are, and the timestamp of each event.

The plan's dates are Chinese calendar dates, so "today" is today in Zhengzhou; events are stamped
by the library's ``create_timestamp``, which every event class of ours takes from
:func:`event_timestamp`, that is from the clock of the application running the command
(:func:`on_its_clock`).  The clock is passed in where the application is built
(``DistrictRecords``, ``Tenancy``, ``Runtime`` through ``Settings.clock``); tests pass a
:class:`SetClock` to choose the day instead of patching the library.  :func:`check_day` refuses
a day a command records that has not come yet, or lies before the day it follows.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from types import FunctionType
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from eventsourcing.domain import datetime_now_with_tzinfo

from aggregates.errors import DateInFuture, DateTooEarly, DomainError

#: Dates in the plan are Chinese calendar dates: "today" is today in Zhengzhou.
CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Where "today" and the events' timestamps come from."""

    def today(self) -> date:
        """The date where the associations are (China)."""
        ...

    def now(self) -> datetime:
        """The timestamp of the next event (timezone-aware)."""
        ...


class SystemClock:
    """The real clock: today in China, events stamped as the library would (UTC now)."""

    def today(self) -> date:
        """The current date in China."""
        return datetime.now(CHINA).date()

    def now(self) -> datetime:
        """The library's own timestamp, so that a deployment stores what it always stored."""
        return datetime_now_with_tzinfo()


SYSTEM_CLOCK = SystemClock()


class SetClock:
    """A clock the caller sets (tests, demos): today is ``day``, and events are stamped at
    ``hour`` o'clock of that day in China."""

    def __init__(self, day: date, hour: int = 10) -> None:
        self.day = day
        self.hour = hour

    def today(self) -> date:
        """The day set."""
        return self.day

    def now(self) -> datetime:
        """``hour`` o'clock of the day set, in UTC as the library stores it."""
        return datetime.combine(self.day, time(self.hour), CHINA).astimezone(UTC)


_running: ContextVar[Clock] = ContextVar("canxie_event_clock", default=SYSTEM_CLOCK)


def event_timestamp() -> datetime:
    """The timestamp of an event being triggered: from the clock of the command that runs it
    (the system clock outside any command, e.g. an aggregate built in a test)."""
    return _running.get().now()


@contextmanager
def stamping(clock: Clock) -> Iterator[None]:
    """Events triggered inside are stamped by ``clock``."""
    token = _running.set(clock)
    try:
        yield
    finally:
        _running.reset(token)


class HasClock(Protocol):
    """An application holding the clock its commands run on."""

    clock: Clock


C = TypeVar("C", bound=type[HasClock])


def on_its_clock(cls: C) -> C:
    """Run each method the application's own modules define inside its clock, so that every
    command stamps its events by the clock the application was given (one place, rather than
    a ``with`` in each of its commands)."""
    for name in dir(cls):
        member = inspect.getattr_static(cls, name)
        if (
            isinstance(member, FunctionType)
            and not name.startswith("__")
            and member.__module__.startswith("aggregates.")
        ):
            setattr(cls, name, _inside_clock(member))
    return cls


def _inside_clock(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: HasClock, *args: Any, **kwargs: Any) -> Any:
        with stamping(self.clock):
            return method(self, *args, **kwargs)

    return run


# -- the days commands record ------------------------------------------------------------------
# Every dated command checks its day the same way (the officer removed after being appointed,
# the follow-up concluded after the referral, neither in the future): one function says it.


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
