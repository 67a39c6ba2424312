"""Read model of a district's divisions: townships and villages, and every change to them.

``divisions`` has one row per code ever registered, with the date it began and, once merged
away or split up, the date it ended and its successors; ``division_changes`` keeps each
entry, renaming, merge and split with its effective date, who recorded it and, for merges and
splits, which association went where.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aggregates.divisions.division import DivisionRegister
from aggregates.identifiers import village_kind
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.scope import Selection
from projections.platform.tables import Table, columns, copied

DIVISIONS = Table(
    name="divisions",
    columns=columns(
        "code text, level text, name text, kind text, township_code text, valid_from date, "
        "ended_on date, successors json, position int"
    ),
    key=("code",),
    indexes=(("township_code",),),
)

CHANGES = Table(
    name="division_changes",
    columns=columns(
        "position int, code text, change text, effective_on date, detail json, recorded_by text"
    ),
    key=("position", "code"),
    indexes=(("code",),),
)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _change(
    event: Any, position: int, uow: UnitOfWork, code: str, change: str, detail: dict[str, Any]
) -> None:
    uow.upsert(
        CHANGES,
        {
            "position": position,
            "code": code,
            "change": change,
            "effective_on": _iso(getattr(event, "effective_on", None)),
            "detail": json.dumps(detail, ensure_ascii=False),
            "recorded_by": event.by.actor,
        },
    )


def _division(
    position: int, *, code: str, level: str, name: str, kind: str, valid_from: str | None
) -> dict[str, Any]:
    return {
        "code": code,
        "level": level,
        "name": name,
        "kind": kind,
        "township_code": code[:9] if level == "village" else None,
        "valid_from": valid_from,
        "ended_on": None,
        "successors": "[]",
        "position": position,
    }


def _recorded(
    event: DivisionRegister.TownshipRecorded | DivisionRegister.VillageRecorded,
    position: int,
    uow: UnitOfWork,
) -> None:
    township = isinstance(event, DivisionRegister.TownshipRecorded)
    uow.upsert(
        DIVISIONS,
        _division(
            position,
            code=event.code,
            level="township" if township else "village",
            name=event.name,
            kind=event.kind,
            valid_from=_iso(event.effective_on),
        ),
    )
    _change(event, position, uow, event.code, "recorded", {"name": event.name})


def _renamed(event: DivisionRegister.Renamed, position: int, uow: UnitOfWork) -> None:
    uow.patch(DIVISIONS, (event.code,), values={"name": event.name, "position": position})
    _change(
        event,
        position,
        uow,
        event.code,
        "renamed",
        {"name": event.name, "previous_name": event.previous_name},
    )


def _merged(event: DivisionRegister.VillagesMerged, position: int, uow: UnitOfWork) -> None:
    on = event.effective_on.isoformat()
    detail = copied(event, "sources into_code into_name associations")
    if event.created:
        uow.upsert(
            DIVISIONS,
            _division(
                position,
                code=event.into_code,
                level="village",
                name=event.into_name,
                kind=village_kind(event.into_code).value,
                valid_from=on,
            ),
        )
    for code in event.sources:
        if code != event.into_code:
            uow.patch(
                DIVISIONS,
                (code,),
                values={
                    "ended_on": on,
                    "successors": json.dumps([event.into_code]),
                    "position": position,
                },
            )
        _change(event, position, uow, code, "merged", detail)
    if event.into_code not in event.sources:
        _change(event, position, uow, event.into_code, "merged", detail)


def _split(event: DivisionRegister.VillageSplit, position: int, uow: UnitOfWork) -> None:
    on = event.effective_on.isoformat()
    codes = [p["code"] for p in event.parts]
    detail = {"code": event.code, "parts": event.parts, "associations": event.associations}
    for part in event.parts:
        if part["code"] != event.code:
            uow.upsert(
                DIVISIONS,
                _division(
                    position,
                    code=part["code"],
                    level="village",
                    name=part["name"],
                    kind=village_kind(part["code"]).value,
                    valid_from=on,
                ),
            )
            _change(event, position, uow, part["code"], "split", detail)
    values: dict[str, Any] = {"successors": json.dumps(codes), "position": position}
    if event.code not in codes:
        values["ended_on"] = on
    uow.patch(DIVISIONS, (event.code,), values=values)
    _change(event, position, uow, event.code, "split", detail)


DIVISIONS_PROJECTION = Projection(
    name="divisions",
    tables=(DIVISIONS, CHANGES),
    handlers=handled(_recorded, _renamed, _merged, _split),
)


# -- queries --------------------------------------------------------------------------------


#: The village's association: the active one if there is one, else the latest established
#: (a village can hold several over time: one dissolved, another established or moved there).
VILLAGE_ASSOCIATION = """
SELECT a.id, a.name FROM {s}associations a
LEFT JOIN {s}association_status s ON s.association_id = a.id
WHERE a.division_code = %s
ORDER BY CASE WHEN s.status = 'active' THEN 0 ELSE 1 END, a.established_on DESC
LIMIT 1
"""


def _row(row: Any) -> dict[str, Any]:
    division = dict(row)
    division["successors"] = json.loads(division["successors"] or "[]")
    division["active"] = division["ended_on"] is None
    return division


def _scope(township: str | None, village: str | None) -> tuple[list[str], list[Any]]:
    """A township officer sees their township and its villages; an association worker their
    association's village and its township."""
    if village:
        return ["code IN (%s, %s)"], [village, village[:9]]
    if township:
        return ["(code = %s OR township_code = %s)"], [township, township]
    return [], []


def list_divisions(
    db: Database,
    district: str,
    *,
    level: str | None = None,
    township_code: str | None = None,
    include_ended: bool = False,
    scope_township: str | None = None,
    scope_village: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Divisions by code, filtered, within the caller's scope; and how many match."""
    conditions, params = _scope(scope_township, scope_village)
    selection = Selection("divisions", conditions, params)
    selection.equal(level=level, township_code=township_code)
    if not include_ended:
        selection.conditions.append("ended_on IS NULL")
    with db.transaction(district, write=False) as cur:
        rows, total = selection.page(cur, partial(db.sql, district), "code", limit, offset)
    return [_row(r) for r in rows], total


def find_division(
    db: Database,
    district: str,
    code: str,
    *,
    scope_township: str | None = None,
    scope_village: str | None = None,
) -> dict[str, Any] | None:
    """One division in scope with its history of changes and its association, if any."""
    conditions, params = _scope(scope_township, scope_village)
    where = " AND ".join(["code = %s", *conditions])
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(sql(f"SELECT * FROM {{s}}divisions WHERE {where}"), [code, *params])
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(
            sql("SELECT * FROM {s}division_changes WHERE code = %s ORDER BY position"), (code,)
        )
        history = [dict(r) for r in cur.fetchall()]
        cur.execute(sql(VILLAGE_ASSOCIATION), (code,))
        association = cur.fetchone()
    division = _row(row)
    for change in history:
        change["detail"] = json.loads(change["detail"] or "{}")
    division["history"] = history
    division["association"] = dict(association) if association else None
    return division
