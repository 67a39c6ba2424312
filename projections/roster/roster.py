"""Read model of the roster of disabled persons (S3.3, S3.5): ``persons`` and ``person_history``.

``persons`` holds each person's current details and status, for lists filtered by township,
village, category, grade, special hardship and status.  ``person_history`` holds one row per
event of a person (what changed, when it took effect, who recorded it), for the history of
one person.  Personal fields are stored as recorded and masked by the API when answering.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from aggregates.roster.person import PERSONAL_DETAILS, Person, PersonStatus
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Cursor, Database
from projections.platform.scope import (
    Page,
    Selection,
    row_by,
    rows_by,
    tracked_position,
    where_clause,
)
from projections.platform.tables import Table, columns, copied, json_text

PERSONS = Table(
    name="persons",
    columns=columns(
        "id text, name text, sex text, birth_date date, resident_id text, "
        "certificate_number text, certified bool, category int, grade int, service_needs json, "
        "household_id text, household_relation text, township_code text, village_code text, "
        "address text, phone text, special_hardship bool, hardship_reason text, status text, "
        "status_on date, registered_on date, source text, origin text, transfer_id text, "
        "transfer_to_district text, transferred_as text, died_on date, import_digest text, "
        "erased bool, version int, events_applied int, position int, created_at timestamp, "
        "updated_at timestamp"
    ),
    key=("id",),
    indexes=(
        ("township_code", "village_code"),
        ("village_code",),
        ("status",),
        ("category", "grade"),
        ("resident_id",),
        ("household_id",),
    ),
    # The fields sealed in the events, and the digest an import matched them by.
    personal=(*(p.removeprefix("details.") for p in PERSONAL_DETAILS), "import_digest"),
)

PERSON_HISTORY = Table(
    name="person_history",
    columns=columns(
        "person_id text, version int, position int, event text, effective_on date, details json, "
        "actor text, role text, reason text, recorded_at timestamp"
    ),
    key=("person_id", "version"),
    personal=("details",),
)

#: Columns a list may be sorted by (a leading ``-`` sorts descending).
SORTABLE = (
    "name",
    "birth_date",
    "village_code",
    "registered_on",
    "category",
    "grade",
    "status",
    "updated_at",
)
#: Columns totals may be grouped by.
GROUPABLE = (
    "township_code",
    "village_code",
    "category",
    "grade",
    "special_hardship",
    "status",
    "sex",
    "certified",
)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


DETAIL_COLUMNS = (
    "name",
    "sex",
    "birth_date",
    "resident_id",
    "certificate_number",
    "category",
    "grade",
    "household_id",
    "household_relation",
    "village_code",
    "address",
    "phone",
    "special_hardship",
    "hardship_reason",
)


def _row_of_details(details: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: _plain(details[k]) for k in DETAIL_COLUMNS},
        "certified": details["certificate_number"] is not None,
        "service_needs": json.dumps(_plain(details["service_needs"])),
        "township_code": details["village_code"][:9],
    }


def _touch(
    event: Any,
    position: int,
    uow: UnitOfWork,
    values: dict[str, Any] | None = None,
    effective_on: date | None = None,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Every event moves the person's version and adds its history row."""
    uow.applied(PERSONS, event, position, values)
    _history(event, position, uow, effective_on, details, reason)


def _history(
    event: Any,
    position: int,
    uow: UnitOfWork,
    effective_on: date | None,
    details: dict[str, Any] | None,
    reason: str | None,
) -> None:
    uow.upsert(
        PERSON_HISTORY,
        {
            "person_id": str(event.originator_id),
            "version": event.originator_version,
            "position": position,
            "event": type(event).__name__,
            "effective_on": effective_on.isoformat() if effective_on else None,
            "details": json_text(details or {}),  # dates and ids as text, like _plain
            "actor": event.by.actor,
            "role": event.by.role,
            "reason": reason,
            "recorded_at": event.timestamp.isoformat(),
        },
    )


def _registered(event: Person.Registered, position: int, uow: UnitOfWork) -> None:
    recorded = event.timestamp.isoformat()
    uow.upsert(
        PERSONS,
        {
            "id": str(event.originator_id),
            **_row_of_details(event.details),
            "status": PersonStatus.ACTIVE.value,
            "status_on": event.registered_on.isoformat(),
            "registered_on": event.registered_on.isoformat(),
            **copied(event, "source origin"),
            "transfer_id": None,
            "transfer_to_district": None,
            "transferred_as": None,
            "died_on": None,
            "import_digest": event.import_digest,
            "erased": bool(getattr(event, "erased", False)),
            "version": event.originator_version,
            "events_applied": 1,
            "position": position,
            "created_at": recorded,
            "updated_at": recorded,
        },
    )
    _history(
        event,
        position,
        uow,
        event.registered_on,
        {"source": event.source, "origin": event.origin, **event.details},
        None,
    )


def _relocated(event: Person.Relocated, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {
            "village_code": event.village_code,
            "township_code": event.village_code[:9],
            "address": event.address,
        },
        event.effective_on,
        {"village_code": event.village_code, "address": event.address},
    )


def _moved_away(event: Person.MovedAway, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {"status": PersonStatus.MOVED_AWAY.value, "status_on": event.effective_on.isoformat()},
        event.effective_on,
        {"destination": event.destination},
    )


def _moved_in(event: Person.MovedIn, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {
            "status": PersonStatus.ACTIVE.value,
            "status_on": event.effective_on.isoformat(),
            "village_code": event.village_code,
            "township_code": event.village_code[:9],
            "address": event.address,
        },
        event.effective_on,
        {"village_code": event.village_code, "address": event.address, "origin": event.origin},
    )


def _certificate(
    event: Person.CertificateIssued | Person.CertificateChanged, position: int, uow: UnitOfWork
) -> None:
    _touch(
        event,
        position,
        uow,
        {
            "certificate_number": event.certificate_number,
            "certified": True,
            **copied(event, "category grade"),
        },
        event.effective_on,
        copied(event, "certificate_number category grade"),
        getattr(event, "reason", None),
    )


def _certificate_cancelled(
    event: Person.CertificateCancelled, position: int, uow: UnitOfWork
) -> None:
    _touch(
        event,
        position,
        uow,
        {
            "certificate_number": None,
            "certified": False,
            "grade": None,
            "service_needs": json.dumps(event.service_needs),
        },
        event.effective_on,
        {"service_needs": event.service_needs},
        event.reason,
    )


def _died(event: Person.Died, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {
            "status": PersonStatus.DECEASED.value,
            "status_on": event.died_on.isoformat(),
            "died_on": event.died_on.isoformat(),
        },
        event.died_on,
    )


def _corrected(event: Person.DetailsCorrected, position: int, uow: UnitOfWork) -> None:
    changes = _plain(event.changes)
    values = {k: v for k, v in changes.items() if k != "service_needs"}
    if "service_needs" in changes:
        values["service_needs"] = json.dumps(changes["service_needs"])
    _touch(event, position, uow, values, event.effective_on, changes, event.reason)


def _transfer_started(event: Person.TransferOutStarted, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {
            "status": PersonStatus.TRANSFERRING_OUT.value,
            "status_on": event.effective_on.isoformat(),
            "transfer_id": str(event.transfer_id),
            "transfer_to_district": event.to_district,
        },
        event.effective_on,
        copied(event, "transfer_id to_district village_code address"),
    )


def _transfer_completed(event: Person.TransferOutCompleted, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {"status": PersonStatus.TRANSFERRED_OUT.value, "transferred_as": str(event.received_as)},
        None,
        copied(event, "transfer_id to_district received_as"),
    )


def _transfer_cancelled(event: Person.TransferOutCancelled, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {"status": PersonStatus.ACTIVE.value, "transfer_id": None, "transfer_to_district": None},
        None,
        {"transfer_id": event.transfer_id},
        event.reason,
    )


def _transferred_in(event: Person.TransferredIn, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        {
            **_row_of_details(event.details),
            "status": PersonStatus.ACTIVE.value,
            "status_on": event.effective_on.isoformat(),
            "source": "transferred_in",
            "origin": event.from_district,
            "transfer_id": None,
            "transfer_to_district": None,
            "transferred_as": None,
        },
        event.effective_on,
        {"from_district": event.from_district, "transfer_id": event.transfer_id, **event.details},
    )


#: What an erased person's row keeps of their personal data: nothing.
ERASED_VALUES: dict[str, Any] = {**dict.fromkeys(PERSONS.personal), "erased": True}


def _erased(event: Person.Erased, position: int, uow: UnitOfWork) -> None:
    """Crypto-shredding: the row and every earlier history entry lose their personal data."""
    person = str(event.originator_id)
    uow.erased(person)
    _touch(event, position, uow, ERASED_VALUES, None, {}, event.reason)
    gone = {"details": json.dumps({"erased": True})}
    for version in range(1, event.originator_version):
        uow.patch(PERSON_HISTORY, (person, version), values=gone)


ROSTER_PROJECTION = Projection(
    name="roster",
    tables=(PERSONS, PERSON_HISTORY),
    handlers=handled(
        _registered,
        _relocated,
        _moved_away,
        _moved_in,
        _certificate,
        _certificate_cancelled,
        _died,
        _corrected,
        _erased,
        _transfer_started,
        _transfer_completed,
        _transfer_cancelled,
        _transferred_in,
    ),
)


# -- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFilter:
    """What a list of persons is narrowed to: the caller's scope and the query's filters."""

    township_code: str | None = None
    village_code: str | None = None
    category: int | None = None
    grade: int | None = None
    certified: bool | None = None
    special_hardship: bool | None = None
    status: str | None = None
    household_id: str | None = None
    #: With (True) or without (False) a need still open.
    open_need: bool | None = None
    #: Only (or, with ``exclude_households``, none of) these households, e.g. overdue ones.
    households: tuple[str, ...] | None = None
    exclude_households: bool = False
    #: Persons whose name contains this text (a search box).
    name_contains: str | None = None
    #: In (True) or in no (False) group of their association on ``grouped_on`` (S3.3).
    grouped: bool | None = None
    grouped_on: str | None = None
    #: Scope: only these villages (an association worker's), or only this township.
    scope_villages: tuple[str, ...] | None = None
    scope_township: str | None = None

    def conditions(self) -> tuple[list[str], list[Any]]:
        """The SQL conditions (with ``{s}`` for the schema) and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        for column in (
            "township_code",
            "village_code",
            "category",
            "grade",
            "status",
            "household_id",
        ):
            value = getattr(self, column)
            if value is not None:
                conditions.append(f"{column} = %s")
                params.append(value)
        for column in ("certified", "special_hardship"):
            value = getattr(self, column)
            if value is not None:
                conditions.append(f"{column} = %s")
                params.append(value)
        if self.open_need is not None:
            negation = "" if self.open_need else "NOT "
            conditions.append(
                f"id {negation}IN (SELECT person_id FROM {{s}}needs WHERE status = 'open')"
            )
        if self.households is not None:
            negation = "NOT " if self.exclude_households else ""
            if self.households:
                marks = ", ".join(["%s"] * len(self.households))
                conditions.append(f"household_id {negation}IN ({marks})")
                params.extend(self.households)
            elif not self.exclude_households:
                conditions.append("1 = 0")
        if self.grouped is not None:
            negation = "" if self.grouped else "NOT "
            conditions.append(
                f"id {negation}IN (SELECT person_id FROM {{s}}group_memberships "
                "WHERE joined_on <= %s AND (left_on IS NULL OR left_on > %s))"
            )
            params.extend([self.grouped_on, self.grouped_on])
        if self.name_contains:
            escaped = re.sub(r"([\\%_])", r"\\\1", self.name_contains)
            conditions.append("name LIKE %s ESCAPE '\\'")
            params.append(f"%{escaped}%")
        if self.scope_township is not None:
            conditions.append("township_code = %s")
            params.append(self.scope_township)
        if self.scope_villages is not None:
            if not self.scope_villages:
                conditions.append("1 = 0")
            else:
                marks = ", ".join(["%s"] * len(self.scope_villages))
                conditions.append(f"village_code IN ({marks})")
                params.extend(self.scope_villages)
        return conditions, params


#: A page of persons.
PersonPage = Page


def _person(row: Any) -> dict[str, Any]:
    person = dict(row)
    for name in ("certified", "special_hardship"):
        person[name] = bool(person[name])
    person["service_needs"] = json.loads(person["service_needs"] or "[]")
    return person


def _order(sort: str) -> str:
    column = sort.lstrip("-")
    if column not in SORTABLE:
        raise ValueError(f"cannot sort by {column}")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"{column} {direction}, id ASC"


def list_persons(
    db: Database,
    district: str,
    where: PersonFilter,
    *,
    sort: str = "village_code",
    limit: int = 100,
    offset: int = 0,
) -> PersonPage:
    """Persons of a district matching ``where``, sorted, one page, with the total."""
    sql = partial(db.sql, district)
    conditions, params = where.conditions()
    with db.transaction(district, write=False) as cur:
        position = _position(cur, sql)
        rows, total = Selection("persons", conditions, params).page(
            cur, sql, _order(sort), limit, offset
        )
    return PersonPage(items=[_person(row) for row in rows], total=total, position=position)


def count_persons(
    db: Database, district: str, where: PersonFilter, by: str
) -> tuple[list[dict[str, Any]], int, int]:
    """Counts of matching persons grouped by one column: (groups, total, position)."""
    if by not in GROUPABLE:
        raise ValueError(f"cannot group by {by}")
    sql = partial(db.sql, district)
    conditions, params = where.conditions()
    clause = where_clause(conditions)
    with db.transaction(district, write=False) as cur:
        position = _position(cur, sql)
        cur.execute(
            sql(
                f"SELECT {by} AS value, count(*) AS n FROM {{s}}persons {clause} "
                f"GROUP BY {by} ORDER BY {by}"
            ),
            params,
        )
        groups = []
        for row in cur.fetchall():
            value = row["value"]
            if by in ("special_hardship", "certified") and value is not None:
                value = bool(value)
            groups.append({"value": value, "count": int(row["n"])})
    return groups, sum(g["count"] for g in groups), position


def find_person(db: Database, district: str, person_id: str) -> dict[str, Any] | None:
    """One person with their history, or None."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = _position(cur, sql)
        row = row_by(cur, sql, "persons", "id", person_id)
        if row is None:
            return None
        entries = rows_by(cur, sql, "person_history", "person_id", [person_id], "version")
    history = []
    for entry in entries.get(person_id, []):
        item = dict(entry)
        item["details"] = json.loads(item["details"] or "{}")
        history.append(item)
    person = _person(row)
    person["history"] = history
    person["position"] = position
    return person


def find_person_village(db: Database, district: str, person_id: str) -> str | None:
    """The village a person lives in, if the read model has them."""
    with db.transaction(district, write=False) as cur:
        cur.execute(
            db.sql(district, "SELECT village_code FROM {s}persons WHERE id = %s"), (person_id,)
        )
        row = cur.fetchone()
    return str(row["village_code"]) if row else None


def pending_transfers(db: Database, district: str) -> list[tuple[str, str, str]]:
    """(person id, village, receiving district) of every hand-over still pending."""
    with db.transaction(district, write=False) as cur:
        cur.execute(
            db.sql(
                district,
                "SELECT id, village_code, transfer_to_district FROM {s}persons "
                "WHERE status = %s ORDER BY id",
            ),
            (PersonStatus.TRANSFERRING_OUT.value,),
        )
        return [(r["id"], r["village_code"], r["transfer_to_district"]) for r in cur.fetchall()]


def _position(cur: Cursor, sql: Callable[[str], str]) -> int:
    return tracked_position(cur, sql, ROSTER_PROJECTION.name)
