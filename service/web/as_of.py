"""The day and the clock a supervision page is read on: ``as_of`` and ``basis`` from the query
string, the same names the API uses, so a page's address can be shared and the API asked
the same question.

A day that is not ``YYYY-MM-DD`` or lies after today, and a clock that is neither
``recorded`` nor ``effective``, are refused with a message shown beside their field; the page
then answers for today on the recorded clock rather than failing.  The picker that sends them
is ``templates/macros/as_of.html``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext

from service.http.context import caller

#: The two clocks (S4 supervision reads): what the records said then, what was true then.
BASES = ("recorded", "effective")
RECORDED = BASES[0]
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(raw: str, today: date) -> tuple[date | None, str | None]:
    """A day of the query string: (the day, None), (None, None) when empty, else the refusal."""
    text = raw.strip()
    if not text:
        return None, None
    try:
        day = date.fromisoformat(text) if ISO_DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        return None, gettext("Enter a day as YYYY-MM-DD, for example %(day)s.", day=today)
    if day > today:
        return None, gettext("Choose today (%(day)s) or a day before it.", day=today)
    return day, None


@dataclass(frozen=True)
class AsOf:
    """The day (None: today, from the live read models) and the clock a page reads on."""

    day: date | None
    basis: str
    today: date
    #: Refusals by field name (``as_of``, ``basis``), shown beside the picker's fields.
    errors: dict[str, str] = field(default_factory=dict)
    #: What was typed, shown again in the picker.
    values: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> date:
        """The day the page's figures are of."""
        return self.day or self.today

    @property
    def valid(self) -> bool:
        """Whether the picker's values were taken (else the page answers for today)."""
        return not self.errors

    @property
    def status(self) -> int:
        """422 when the picker's values were refused, else 200."""
        return 200 if self.valid else 422

    def query(self) -> dict[str, Any]:
        """The application layer's query (``as_of``, ``basis``), as the API's schema gives it."""
        return {"as_of": self.day, "basis": self.basis}

    def args(self) -> dict[str, str]:
        """The query-string arguments that keep this day and clock on a link."""
        kept = {"basis": self.basis} if self.basis != RECORDED else {}
        return {"as_of": self.day.isoformat(), **kept} if self.day else kept


def read_as_of(args: Mapping[str, str], today: date) -> AsOf:
    """``as_of`` and ``basis`` of a request's query string, refused values named by field."""
    raw_day, raw_basis = args.get("as_of", ""), args.get("basis", "") or RECORDED
    errors: dict[str, str] = {}
    day, refusal = parse_day(raw_day, today)
    if refusal:
        errors["as_of"] = refusal
    basis = raw_basis if raw_basis in BASES else RECORDED
    if raw_basis not in BASES:
        errors["basis"] = gettext("Choose one of the two clocks.")
    return AsOf(day, basis, today, errors, {"as_of": raw_day[:10], "basis": basis})


def picked() -> AsOf:
    """This request's day and clock (refused values named by field)."""
    return read_as_of(request.args, caller().today())
