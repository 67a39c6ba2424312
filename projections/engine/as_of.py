"""Every read, as of any day on either clock, from the temporal tables (issue 15).

A read model's queries name its live tables (``{s}persons``).  :class:`AsOfDatabase` is the
district's database seen on a past day: it answers the same queries with each temporal table
replaced by the versions of its rows that held at the end of that day on the chosen clock
(a common table expression of the same name over ``persons__recorded`` or
``persons__effective``).  So a read written once for today serves any day, and no read replays
events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, cast

from projections.engine.history import SUFFIX, Basis
from projections.engine.memory import MemoryTables
from projections.engine.projection import Projection
from projections.engine.read_models import TEMPORAL_TABLES
from projections.platform.database import Database


@dataclass(frozen=True)
class AsOf:
    """A day and a clock to read on."""

    day: date
    basis: Basis


_NAMES = re.compile(r"\{s\}([a-z_][a-z0-9_]*)\b")
_WITH = re.compile(r"^\s*WITH\s+(RECURSIVE\s+)?", re.IGNORECASE)


#: Where the day goes: written in after the store qualified the query, so that the store's
#: cache of qualified queries holds one entry per query and clock, not one per day.
DAY_MARK = "__as_of_day__"


@cache
def at_day(template: str, basis: Basis, dialect: str) -> str:
    """``template`` with each temporal table it names read as of :data:`DAY_MARK` on ``basis``."""
    known = TEMPORAL_TABLES
    named = [n for n in dict.fromkeys(_NAMES.findall(template)) if n in known]
    if not named:
        return template
    day = DAY_MARK
    hint = " NOT MATERIALIZED" if dialect == "postgresql" else ""
    views = ", ".join(
        f"{name} AS{hint} (SELECT {', '.join(known[name].columns)} "
        f"FROM {{s}}{name}{SUFFIX[basis]} WHERE v_present AND v_since <= '{day}' "
        f"AND (v_until IS NULL OR v_until > '{day}'))"
        for name in named
    )
    body = _NAMES.sub(lambda m: m.group(1) if m.group(1) in named else m.group(0), template)
    opening = _WITH.match(body)
    if opening is None:
        return f"WITH {views} {body}"
    return f"{opening.group(0)}{views}, {body[opening.end() :]}"


class AsOfDatabase:
    """The same store, its read models read as of a day (every other call goes through)."""

    def __init__(self, db: Database, as_of: AsOf) -> None:
        self._db = db
        self.as_of = as_of

    def sql(self, code: str | None, template: str) -> str:
        """The query on the temporal tables, qualified as the store qualifies it."""
        if code is None:
            return self._db.sql(code, template)
        text = self._db.sql(code, at_day(template, self.as_of.basis, self._db.kind))
        return text.replace(DAY_MARK, self.as_of.day.isoformat())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def reading(db: Database, as_of: date | None, basis: Basis | str = Basis.RECORDED) -> Database:
    """The store to read from: live when ``as_of`` is None, else as of that day."""
    if as_of is None:
        return db
    # A Database to every read: it answers the same calls.
    return cast(Database, AsOfDatabase(db, AsOf(as_of, Basis(basis))))


def load_as_of(
    db: Database,
    district: str,
    as_of: AsOf,
    projections: Sequence[Projection] | None = None,
    only: frozenset[str] | None = None,
) -> MemoryTables:
    """The read models of a district as of a day, in memory (rules and checks read these);
    ``only`` these tables when given."""
    from projections.engine.replay import load_live, replayable

    chosen = replayable() if projections is None else tuple(projections)
    return load_live(reading(db, as_of.day, as_of.basis), district, chosen, only)
