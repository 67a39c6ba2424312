"""What the inspection and acceptance pages read besides the campaign's records (S4, S5.3):
the districts a supervisor may open, a district's townships, the associations of one township
to sample (chosen township by township, a page at a time), and the problem list an inspection
would start with, from the compliance rules as of its day, for the inspector to edit.

Scope is decided here, as the API's access rules decide it: a district outside the caller's
part is not found (404).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from aggregates.campaign.commands import findings_used
from aggregates.campaign.inspection import InspectionKind
from aggregates.errors import DateInFuture
from projections.association.associations import list_associations
from projections.divisions.divisions import list_divisions
from service.application import scope
from service.application.caller import Caller
from service.campaign.queries import rule_findings
from service.http.access import Target


def district(caller: Caller, code: str) -> str:
    """The district, if the caller covers it (else not found)."""
    known = caller.known(code)
    scope.check_target(caller.runtime, caller.principal, Target.DISTRICT, known, "")
    return known


def require_city(caller: Caller) -> None:
    """The joint acceptance's decisions are the city's (403 for anyone else)."""
    scope.check_target(caller.runtime, caller.principal, Target.CITY, "", "")


def districts(caller: Caller) -> list[dict[str, str]]:
    """The districts the caller covers: code and name."""
    return [
        {"code": d.code, "name": d.name}
        for d in caller.runtime.tenancy.districts()
        if caller.principal.covers_district(d.code)
    ]


def own_district(caller: Caller) -> str | None:
    """The one district a district-scoped caller works in (None for city-wide roles)."""
    return caller.principal.district


def district_name(caller: Caller, code: str) -> str:
    """The district's name."""
    return str(caller.runtime.tenancy.district(district(caller, code)).name)


def townships(caller: Caller, code: str) -> list[dict[str, Any]]:
    """The district's townships in the division register (a few dozen at most)."""
    rows, _ = list_divisions(
        caller.runtime.db,
        district(caller, code),
        level="township",
        scope_township=caller.principal.township,
        limit=200,
    )
    return rows


def associations_of(
    caller: Caller, code: str, township_code: str, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of a township's associations to sample, and how many there are."""
    found = list_associations(
        caller.runtime.db,
        district(caller, code),
        township_code=township_code,
        limit=limit,
        offset=offset,
    )
    items = [
        a
        for a in found.items
        if scope.visible(caller.principal, str(a["id"]), str(a["township_code"]))
    ]
    return items, found.total


def chosen(caller: Caller, code: str, ids: list[UUID]) -> list[dict[str, Any]]:
    """The associations already chosen (by id), as the list shows them."""
    out = []
    for association_id in ids:
        found = list_associations(
            caller.runtime.db, district(caller, code), association_id=str(association_id), limit=1
        )
        out += found.items
    return out


def prefilled_problems(
    caller: Caller,
    code: str,
    *,
    kind: InspectionKind,
    inspected_on: date,
    township_code: str | None,
    association_ids: list[UUID],
) -> list[dict[str, Any]]:
    """The failing rule findings the inspection would list, as of its day on the rules' clock
    (the same findings the command records): the list the inspector keeps, edits or removes."""
    if inspected_on > caller.today():
        raise DateInFuture(day=inspected_on, field="inspected_on")
    known = district(caller, code)
    findings = rule_findings(caller.runtime, known, inspected_on)
    ids = {str(a) for a in association_ids}
    used = findings_used(findings, ids, kind, township_code or known)
    return [f for f in used if not f["passed"]]
