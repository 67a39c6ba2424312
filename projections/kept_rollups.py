"""District roll-ups kept by day and clock in the district's store, so that the city's answer
or a dashboard's series asked again reads them instead of checking every rule again.

A roll-up (:func:`projections.compliance.summarize_stored`) is a function of three things:
the events that count on its clock by its day, the day itself (the plan in force, the visits
falling due) and the rules' code.  The events are named by the history log's count of them
and the last one's position (:func:`projections.engine.history.known_by`): events are only
ever appended, so a new event that counts on that day (a visit recorded today, or a
correction recorded today about February) changes the count, and the kept answer is simply
not used again.  Events that count only after the day (on the effective clock, anything in
force later) leave it valid.  The code is named by a digest of the modules the answer comes
from, so a release that changes a rule never reads an old answer.  Nothing here is per
process: every process of a deployment reads and writes the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from projections.engine.history import Basis, known_by
from projections.platform.database import Cursor, Database
from projections.platform.tables import Table, columns

KEPT_ROLLUPS = Table(
    name="kept_rollups",
    columns=columns("day date, basis text, events int, last_position int, rules text, body text"),
    key=("day", "basis"),
)

#: What the live tables answer today is kept under its own name beside the two clocks.
LIVE = "live"

#: The modules a roll-up's figures come from (rules, facts, plan, roll-up arithmetic), below
#: the folder holding the packages.
_SOURCES = ("aggregates/plan.py", "projections/compliance.py", "projections/rules")
_PACKAGES = Path(__file__).resolve().parent.parent


def rules_digest(root: Path = _PACKAGES) -> str:
    """A digest of the code that computes a roll-up (its modules' bytes, in name order)."""
    digest = hashlib.sha256()
    for source in _SOURCES:
        path = root / source
        for module in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(module.relative_to(root).as_posix().encode())
            digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


RULES = rules_digest()

Rollup = dict[str, Any]


def kept(
    db: Database, district: str, day: date, basis: Basis | None, compute: Callable[[], Rollup]
) -> Rollup:
    """The district's roll-up on ``day`` (on ``basis``; None: the live tables), read when kept
    for the same events and code, else computed by ``compute`` and kept."""
    sql = partial(db.sql, district)
    clock, name = (Basis.RECORDED, LIVE) if basis is None else (basis, basis.value)
    with db.transaction(district, write=False) as cur:
        events = known_by(cur, sql, clock, day)
        found = _read(cur, sql, day, name, events)
    if found is not None:
        return found
    rollup = compute()
    with db.transaction(district, write=True) as cur:
        # Kept only when no event that counts arrived meanwhile: the answer is then the one
        # those events give (else the next reader computes it again).
        if known_by(cur, sql, clock, day) == events:
            _write(cur, sql, day, name, events, rollup)
    return rollup


def _read(
    cur: Cursor, sql: Callable[[str], str], day: date, name: str, events: tuple[int, int | None]
) -> Rollup | None:
    cur.execute(
        sql(
            "SELECT events, last_position, rules, body FROM {s}kept_rollups "
            "WHERE day = %s AND basis = %s"
        ),
        (day.isoformat(), name),
    )
    row = cur.fetchone()
    if row is None or row["rules"] != RULES:
        return None
    if (int(row["events"]), row["last_position"]) != events:
        return None
    found: Rollup = json.loads(row["body"])
    return found


def _write(
    cur: Cursor,
    sql: Callable[[str], str],
    day: date,
    name: str,
    events: tuple[int, int | None],
    rollup: Rollup,
) -> None:
    values = [events[0], events[1], RULES, json.dumps(rollup, default=str)]
    cur.execute(
        sql(
            "INSERT INTO {s}kept_rollups (day, basis, events, last_position, rules, body) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (day, basis) DO UPDATE SET "
            "events = excluded.events, last_position = excluded.last_position, "
            "rules = excluded.rules, body = excluded.body"
        ),
        [day.isoformat(), name, *values],
    )
