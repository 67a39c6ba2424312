"""One clock: the application given a clock takes "today" from it and stamps its events by it,
so tests set the day through the clock instead of patching the library's timestamps."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, date, datetime, time
from typing import Any

from eventsourcing.domain import Aggregate, DomainEvent

import aggregates
from aggregates.clock import CHINA, SYSTEM_CLOCK, SetClock, event_timestamp
from aggregates.divisions.division import DivisionRegister
from aggregates.errors import InvalidValue
from aggregates.provenance import Provenance
from aggregates.store.district import DistrictRecords

BY = Provenance(actor="clock-test", role="city_admin", request_id="clock")
D, T = "410102", "410102001"


def _event_classes() -> list[type[DomainEvent]]:
    """Every event an aggregate of ours triggers (not the ``Event`` and ``Created`` bases,
    which the library makes for an aggregate that names none and nothing triggers)."""
    found = []
    for info in pkgutil.walk_packages(aggregates.__path__, "aggregates."):
        module = importlib.import_module(info.name)
        for outer in vars(module).values():
            if (
                isinstance(outer, type)
                and issubclass(outer, Aggregate)
                and outer is not Aggregate
                and outer.__module__ == module.__name__
            ):
                found += [
                    inner
                    for inner in vars(outer).values()
                    if isinstance(inner, type)
                    and issubclass(inner, DomainEvent)
                    and inner.__name__ not in ("Event", "Created")
                ]
    return found


def _stamps(records: DistrictRecords) -> list[datetime]:
    notifications = records.notification_log.select(start=1, limit=10)
    return [records.mapper.to_domain_event(n).timestamp for n in notifications]


def test_every_event_class_takes_its_timestamp_from_the_clock() -> None:
    classes = _event_classes()
    assert len(classes) >= 70  # every event class the committed old store holds
    assert [c for c in classes if c.create_timestamp is not event_timestamp] == []


def test_a_command_takes_today_and_its_timestamps_from_the_application_s_clock() -> None:
    clock = SetClock(date(2021, 3, 1))
    records = DistrictRecords(D, clock=clock)
    records.record_division(code=T, name="林山寨街道", effective_on=date(2021, 1, 1), by=BY)
    clock.day = date(2021, 3, 8)
    records.record_division(code=f"{T}001", name="友谊社区", effective_on=None, by=BY)
    stamps = [stamp.astimezone(CHINA) for stamp in _stamps(records)]
    # The register's opening and first entry, then the second entry a week later.
    assert [s.date() for s in stamps] == [date(2021, 3, 1), date(2021, 3, 1), date(2021, 3, 8)]
    assert {s.time() for s in stamps} == {time(10)}


def test_today_is_the_clock_s_day_for_the_plan_s_checks() -> None:
    records = DistrictRecords(D, clock=SetClock(date(2021, 3, 1)))
    try:
        records.record_division(code=T, name="林山寨街道", effective_on=date(2021, 3, 2), by=BY)
    except InvalidValue as error:
        assert "future" in str(error)
    else:
        raise AssertionError("a division effective after the clock's day was accepted")
    records.record_division(code=T, name="林山寨街道", effective_on=date(2021, 3, 1), by=BY)


def test_two_applications_on_two_clocks_stamp_their_own_events() -> None:
    first = DistrictRecords(D, clock=SetClock(date(2021, 3, 1)))
    second = DistrictRecords(D, clock=SetClock(date(2022, 5, 5), hour=9))
    first.record_division(code=T, name="林山寨街道", effective_on=None, by=BY)
    second.record_division(code=T, name="林山寨街道", effective_on=None, by=BY)
    assert {s.astimezone(CHINA).date() for s in _stamps(first)} == {date(2021, 3, 1)}
    assert {s.astimezone(CHINA).date() for s in _stamps(second)} == {date(2022, 5, 5)}


def test_outside_a_command_events_are_stamped_by_the_system_clock() -> None:
    before = SYSTEM_CLOCK.now()
    register: Any = DivisionRegister.open(D, BY)
    [opened] = register.collect_events()
    assert before <= opened.timestamp <= datetime.now(UTC)
