"""Read model of disabled persons' groups and their membership intervals (S3.3).

``group_memberships`` keeps one row per stay in a group (joined on, left on), so "who was in
a group on date D" is ``joined_on <= D AND (left_on IS NULL OR left_on > D)``: the rule that
every rostered person belongs to a group can be checked on any date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from aggregates.care.group import Group
from projections.engine.projection import Projection, handled
from projections.engine.unit_of_work import UnitOfWork
from projections.platform.database import Database
from projections.platform.scope import Scope, row_by, tracked_position, where_clause
from projections.platform.tables import Table, columns, copied

GROUPS = Table(
    name="care_groups",
    columns=columns(
        "id text, association_id text, name text, basis text, category text, area text, "
        "formed_on date, leader_person_id text, leader_since date, disbanded_on date, "
        "disband_reason text, version int, position int, formed_by text"
    ),
    key=("id",),
    indexes=(("association_id",),),
)

MEMBERSHIPS = Table(
    name="group_memberships",
    columns=columns(
        "membership_id text, group_id text, association_id text, person_id text, joined_on date, "
        "left_on date, leave_reason text, joined_position int, left_position int, joined_by text, "
        "left_by text"
    ),
    key=("membership_id",),
    indexes=(("group_id",), ("association_id", "person_id")),
)


def _touch(event: Any, position: int, uow: UnitOfWork, **values: Any) -> None:
    uow.patch(
        GROUPS,
        (str(event.originator_id),),
        values={"version": event.originator_version, "position": position, **values},
    )


def _formed(event: Group.Formed, position: int, uow: UnitOfWork) -> None:
    uow.upsert(
        GROUPS,
        {
            "id": str(event.originator_id),
            "association_id": str(event.association_id),
            **copied(event, "name basis category area"),
            "formed_on": event.formed_on.isoformat(),
            "leader_person_id": None,
            "leader_since": None,
            "disbanded_on": None,
            "disband_reason": None,
            "version": event.originator_version,
            "position": position,
            "formed_by": event.by.actor,
        },
    )


def _joined(event: Group.MemberJoined, position: int, uow: UnitOfWork) -> None:
    _touch(event, position, uow)
    uow.upsert(
        MEMBERSHIPS,
        {
            "membership_id": str(event.membership_id),
            "group_id": str(event.originator_id),
            "association_id": str(event.association_id),
            "person_id": str(event.person_id),
            "joined_on": event.joined_on.isoformat(),
            "left_on": None,
            "leave_reason": None,
            "joined_position": position,
            "left_position": None,
            "joined_by": event.by.actor,
            "left_by": None,
        },
    )


def _left(event: Group.MemberLeft, position: int, uow: UnitOfWork) -> None:
    # A leaving leader leaves the lead: the queries show a leader only while a member.
    _touch(event, position, uow)
    uow.patch(
        MEMBERSHIPS,
        (str(event.membership_id),),
        values={
            "left_on": event.left_on.isoformat(),
            "leave_reason": event.reason,
            "left_position": position,
            "left_by": event.by.actor,
        },
    )


def _leader(event: Group.LeaderAppointed, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        leader_person_id=str(event.person_id),
        leader_since=event.appointed_on.isoformat(),
    )


def _disbanded(event: Group.Disbanded, position: int, uow: UnitOfWork) -> None:
    _touch(
        event,
        position,
        uow,
        disbanded_on=event.disbanded_on.isoformat(),
        disband_reason=event.reason,
    )


GROUPS_PROJECTION = Projection(
    name="groups",
    tables=(GROUPS, MEMBERSHIPS),
    handlers=handled(_formed, _joined, _left, _leader, _disbanded),
)


# -- queries --------------------------------------------------------------------------------


def _member_on(on: date, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    day = on.isoformat()
    return [
        r for r in rows if r["joined_on"] <= day and (r["left_on"] is None or r["left_on"] > day)
    ]


def _group(row: Any, memberships: list[dict[str, Any]], on: date) -> dict[str, Any]:
    group = dict(row)
    members = _member_on(on, memberships)
    member_ids = {m["person_id"] for m in members}
    if group["leader_person_id"] not in member_ids:
        group["leader_person_id"] = group["leader_since"] = None
    group["on"] = on.isoformat()
    group["members"] = [{"person_id": m["person_id"], "joined_on": m["joined_on"]} for m in members]
    group["memberships"] = memberships
    return group


def list_groups(
    db: Database, district: str, scope: Scope, *, on: date, include_disbanded: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Groups in scope with their members on ``on``, and the read model's position."""
    sql = partial(db.sql, district)
    conditions, params = scope.where()
    if not include_disbanded:
        conditions.append("(disbanded_on IS NULL OR disbanded_on > %s)")
        params.append(on.isoformat())
    conditions.append("formed_on <= %s")
    params.append(on.isoformat())
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, GROUPS_PROJECTION.name)
        cur.execute(
            sql(
                f"SELECT * FROM {{s}}care_groups {where_clause(conditions)} "
                "ORDER BY association_id, formed_on, name, id"
            ),
            params,
        )
        groups = [dict(r) for r in cur.fetchall()]
        memberships = _memberships(cur, sql, [g["id"] for g in groups])
    return [_group(g, memberships.get(g["id"], []), on) for g in groups], position


def find_group(db: Database, district: str, group_id: str, *, on: date) -> dict[str, Any] | None:
    """One group with every membership interval and its members on ``on``."""
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        position = tracked_position(cur, sql, GROUPS_PROJECTION.name)
        row = row_by(cur, sql, "care_groups", "id", group_id)
        if row is None:
            return None
        memberships = _memberships(cur, sql, [group_id]).get(group_id, [])
    group = _group(row, memberships, on)
    group["position"] = position
    return group


def _memberships(cur: Any, sql: Any, group_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(group_ids), 500):
        chunk = group_ids[start : start + 500]
        cur.execute(
            sql(
                f"SELECT membership_id, group_id, person_id, joined_on, left_on, leave_reason "
                f"FROM {{s}}group_memberships WHERE group_id IN ({', '.join(['%s'] * len(chunk))}) "
                "ORDER BY joined_position"
            ),
            chunk,
        )
        for r in cur.fetchall():
            found.setdefault(r["group_id"], []).append(dict(r))
    return found


def persons_in_a_group(
    db: Database, district: str, on: date, *, association_id: str | None = None
) -> dict[str, set[str]]:
    """Association id -> the persons in at least one of its groups on ``on`` (S3.3 rule)."""
    day = on.isoformat()
    conditions = ["joined_on <= %s", "(left_on IS NULL OR left_on > %s)"]
    params: list[Any] = [day, day]
    if association_id:
        conditions.append("association_id = %s")
        params.append(association_id)
    sql = partial(db.sql, district)
    with db.transaction(district, write=False) as cur:
        cur.execute(
            sql(
                f"SELECT DISTINCT association_id, person_id FROM {{s}}group_memberships "
                f"{where_clause(conditions)}"
            ),
            params,
        )
        grouped: dict[str, set[str]] = {}
        for r in cur.fetchall():
            grouped.setdefault(r["association_id"], set()).add(r["person_id"])
    return grouped
