"""The day and clock of a supervision page's query string: taken as given when valid, refused
by field (never an error of the server) when not a day, a future day or an unknown clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aggregates.clock import SystemClock
from service.web.as_of import parse_day, read_as_of

TODAY = SystemClock().today()


def test_an_empty_query_is_today_on_the_recorded_clock() -> None:
    asof = read_as_of({}, TODAY)
    assert (asof.day, asof.basis, asof.errors, asof.shown) == (None, "recorded", {}, TODAY)
    assert asof.query() == {"as_of": None, "basis": "recorded"} and asof.args() == {}


def test_a_past_day_on_the_effective_clock_is_kept_on_links() -> None:
    day = TODAY - timedelta(days=40)
    asof = read_as_of({"as_of": day.isoformat(), "basis": "effective"}, TODAY)
    assert asof.query() == {"as_of": day, "basis": "effective"}
    assert asof.args() == {"as_of": day.isoformat(), "basis": "effective"}


@pytest.mark.parametrize(
    "raw",
    ["2026-02-30", "2026/01/01", "20260101", "昨天", "1-1-1", "２０２６-０１-０１", "x" * 5000],
)
def test_what_is_not_a_day_is_refused_beside_the_field(raw: str) -> None:
    asof = read_as_of({"as_of": raw}, TODAY)
    assert asof.day is None and set(asof.errors) == {"as_of"}
    assert "YYYY-MM-DD" in asof.errors["as_of"]


def test_a_day_after_today_is_refused() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    asof = read_as_of({"as_of": tomorrow}, TODAY)
    assert asof.day is None and TODAY.isoformat() in asof.errors["as_of"]
    assert parse_day(TODAY.isoformat(), TODAY) == (TODAY, None)


def test_an_unknown_clock_is_refused_and_the_recorded_one_used() -> None:
    asof = read_as_of({"basis": "wall"}, TODAY)
    assert asof.basis == "recorded" and set(asof.errors) == {"basis"}


def test_a_day_is_parsed_without_the_clock_of_the_machine() -> None:
    assert parse_day(" 2021-06-30 ", date(2022, 1, 1)) == (date(2021, 6, 30), None)
    assert parse_day("", date(2022, 1, 1)) == (None, None)
