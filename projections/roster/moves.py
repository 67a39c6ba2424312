"""Moves of persons between villages of a district (S3.5: the roster follows the person), read
from the roster's ``person_history``: each ``Relocated`` row with the village the person
lived in before it (the last earlier row naming a village)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from projections.platform.database import Database

#: The history event of a move inside the district.
RELOCATED = "Relocated"


@dataclass(frozen=True)
class Move:
    """One person's move from one village to another, effective on a day."""

    person_id: str
    name: str
    from_village: str | None
    to_village: str
    effective_on: str
    position: int


def _details(value: Any) -> dict[str, Any]:
    found = json.loads(value or "{}") if isinstance(value, str) else dict(value or {})
    return found if isinstance(found, dict) else {}


def moves(
    db: Database, district: str, *, township_code: str | None, limit: int, offset: int
) -> tuple[list[Move], int]:
    """Moves into, out of or inside ``township_code`` (every township when None), newest
    recorded first, one page of them and their total."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(
            sql(
                "SELECT h.person_id, h.version, h.position, h.event, h.effective_on, h.details, "
                "p.name FROM {s}person_history h JOIN {s}persons p ON p.id = h.person_id "
                "WHERE h.person_id IN (SELECT person_id FROM {s}person_history WHERE event = %s) "
                "ORDER BY h.person_id, h.version"
            ),
            (RELOCATED,),
        )
        rows = [dict(row) for row in cur.fetchall()]
    found: list[Move] = []
    village: dict[str, str | None] = {}
    for row in rows:
        person = str(row["person_id"])
        details = _details(row["details"])
        before = village.get(person)
        if details.get("village_code"):
            village[person] = str(details["village_code"])
        if row["event"] != RELOCATED:
            continue
        to = str(details.get("village_code") or "")
        if township_code is None or township_code in (to[:9], (before or "")[:9]):
            found.append(
                Move(
                    person, str(row["name"]), before, to, str(row["effective_on"]), row["position"]
                )
            )
    found.sort(key=lambda m: -m.position)
    return found[offset : offset + limit], len(found)
