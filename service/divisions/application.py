"""The register of divisions: read in the caller's part, changed by the district federation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from aggregates.errors import NoSuchDivision
from projections.divisions.divisions import find_division, list_divisions
from service.application import scope
from service.application.caller import Caller
from service.divisions.imports import parse_division_csv

T = TypeVar("T")

#: Why a narrow caller may not change the register.
WHOLE_DISTRICT = "changing divisions needs the whole district"


def divisions(caller: Caller, code: str, query: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Townships and villages in the caller's part (active ones unless ``include_ended``)."""
    db = caller.reading(code, query.get("min_position"))
    return list_divisions(
        db,
        code,
        level=query.get("level"),
        township_code=query.get("township_code"),
        include_ended=query["include_ended"],
        **scope.division_part(caller.runtime, caller.principal, code),
        limit=query["limit"],
        offset=query["offset"],
    )


def division(
    caller: Caller, code: str, division_code: str, min_position: int | None
) -> dict[str, Any]:
    """A division with its history; its association only when that is in the caller's part."""
    db = caller.reading(code, min_position)
    found = find_division(
        db, code, division_code, **scope.division_part(caller.runtime, caller.principal, code)
    )
    if found is None:
        raise NoSuchDivision(id=division_code, field="division_code")
    association = found["association"]
    if association and not caller.principal.covers_association(
        association["id"], found["township_code"] or ""
    ):
        found["association"] = None
    return found


def change(caller: Caller, code: str, command: Callable[..., T], /, *args: Any, **kw: Any) -> T:
    """A change to the register, which needs the whole district in scope."""
    caller.known(code)
    scope.require_whole_district(caller.principal, code, WHOLE_DISTRICT)
    return caller.run(code, command, *args, **kw)


@dataclass(frozen=True)
class Imported:
    """What an import of a division file did."""

    created: int
    unchanged: int
    skipped_other_districts: int
    position: int


def import_csv(caller: Caller, code: str, text: str, effective_on: date | None) -> Imported:
    """Import townships and villages from CSV text: all rows, or none (DivisionImportRefused)."""
    records = caller.records(code)
    scope.require_whole_district(caller.principal, code, WHOLE_DISTRICT)
    parsed = parse_division_csv(text, code, effective_on)
    result = records.import_divisions(parsed.rows, by=caller.by)
    caller.committed(code)
    position = result.position or records.head_position()
    return Imported(result.created, result.unchanged, parsed.skipped, position)
