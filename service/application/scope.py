"""Who may see and change what: the one home of the scope rules.

A principal covers the whole city, one district, one township of it, or one association.
Targets outside the scope answer 404, as if they did not exist, so that guessing codes or
ids reveals nothing; a narrow caller asking to act beyond its part is refused with 403.
Every check of "may this principal see or change this district, township, association
or person" is made here, for the API, the CLI and the web UI alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from aggregates.errors import NoSuchAssociation, NoSuchDistrict, NotFound
from projections.association.associations import find_association, find_association_township
from projections.platform.scope import Scope
from service.http.access import Principal, Role, Target
from service.http.problems import ProblemError

if TYPE_CHECKING:
    from projections.platform.users import User
    from workers.runtime import Runtime

#: A value that matches no row: asked for something outside the caller's scope.
NOTHING = "-"


def narrow(principal: Principal) -> bool:
    """Whether the caller sees only a township or one association of a district."""
    return bool(principal.township or principal.association_id)


# -- where an association is ----------------------------------------------------------------


def association_township(runtime: Runtime, code: str, association_id: str) -> str | None:
    """The township of an association: from the read model, else from its events."""
    township = find_association_township(runtime.db, code, association_id)
    if township is not None:
        return township
    try:
        return runtime.tenancy.records(code).association(UUID(association_id)).township_code
    except (NotFound, ValueError):
        return None


def association_village(runtime: Runtime, code: str, association_id: str) -> str | None:
    """The village of an association: from the read model, else from its events."""
    db = runtime.db
    with db.transaction(code, write=False) as cur:
        cur.execute(
            db.sql(code, "SELECT division_code FROM {s}associations WHERE id = %s"),
            (association_id,),
        )
        row = cur.fetchone()
    if row is not None:
        return str(row["division_code"])
    try:
        return runtime.tenancy.records(code).association(UUID(association_id)).division_code
    except (NotFound, ValueError):
        return None


# -- targets of a request ---------------------------------------------------------------------


def check_target(
    runtime: Runtime, principal: Principal, target: Target, code: str, association_id: str
) -> None:
    """404 when the district or association targeted is outside the caller's scope."""
    if target is Target.CITY and not principal.city_wide:
        raise ProblemError(403, "forbidden", "this needs a city-wide role")
    if target not in (Target.DISTRICT, Target.ASSOCIATION):
        return
    if not principal.covers_district(code):
        raise NoSuchDistrict(id=code, field="code")
    if target is Target.ASSOCIATION and narrow(principal):
        require_association(runtime, principal, code, association_id, "association_id")


def reaches_association(
    runtime: Runtime, principal: Principal, code: str, association_id: str
) -> bool:
    """Whether an association of a district the caller covers is in its part."""
    if not narrow(principal):
        return True
    township = association_township(runtime, code, association_id)
    return township is not None and principal.covers_association(association_id, township)


def require_association(
    runtime: Runtime, principal: Principal, code: str, association_id: str, field: str
) -> None:
    """404 (naming ``field``) unless the association is in the caller's part."""
    if not reaches_association(runtime, principal, code, association_id):
        raise NoSuchAssociation(id=association_id, field=field)


def require_whole_district(principal: Principal, code: str, refusal: str) -> None:
    """District policy (settings, schemes, evaluations, the register) is the federation's."""
    if not principal.covers_whole_district(code):
        raise ProblemError(403, "forbidden", refusal)


def require_village(principal: Principal, division_code: str, field: str) -> None:
    """403 unless the caller covers the village (any of its associations)."""
    if not principal.covers_village(division_code):
        raise ProblemError(
            403, "forbidden", "the village is outside your scope", extra={"field": field}
        )


def require_federation(principal: Principal, township_code: str | None) -> None:
    """Training sessions are recorded by the district or a township federation (its own)."""
    if principal.association_id:
        raise ProblemError(403, "forbidden", "sessions are recorded by the federations")
    if principal.township and township_code != principal.township:
        raise ProblemError(
            403,
            "forbidden",
            "record sessions of your own township",
            extra={"field": "township_code"},
        )


# -- narrowing reads --------------------------------------------------------------------------


def narrowed(
    principal: Principal, township_code: str | None = None, association_id: UUID | None = None
) -> Scope:
    """The filters asked for, narrowed to the caller's township or association."""
    township = township_code
    if principal.township and township not in (None, principal.township):
        township = NOTHING
    association = str(association_id) if association_id else None
    if principal.association_id and association not in (None, principal.association_id):
        association = NOTHING
    return Scope(
        township_code=township or principal.township,
        association_id=association or principal.association_id,
    )


def visible(principal: Principal, association_id: str | None, township_code: str | None) -> bool:
    """Whether something about an association (or a township, or the district) is in scope."""
    if principal.association_id:
        return association_id is not None and association_id == principal.association_id
    if principal.township:
        return township_code == principal.township
    return True


def own_township(runtime: Runtime, principal: Principal, code: str) -> str | None:
    """The township a narrow caller belongs to (its association's), None for wide callers."""
    if principal.association_id:
        return association_township(runtime, code, principal.association_id) or NOTHING
    return principal.township


def findings_in_scope(principal: Principal, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the compliance findings of the caller's township or association."""
    if principal.association_id:
        return [f for f in findings if f["association_id"] == principal.association_id]
    if principal.township:
        return [f for f in findings if f["township_code"] == principal.township]
    return findings


def session_scope(runtime: Runtime, principal: Principal, code: str) -> dict[str, str | None]:
    """The township or association a narrow caller sees training sessions (and attendees) of."""
    if principal.association_id:
        township = find_association_township(runtime.db, code, principal.association_id)
        return {"association_id": principal.association_id, "township": township}
    return {"township": principal.township, "association_id": None}


def division_part(runtime: Runtime, principal: Principal, code: str) -> dict[str, str | None]:
    """The township, or the one village, narrowing the caller's view of the divisions."""
    if principal.association_id:
        association = find_association(runtime.db, code, principal.association_id)
        village = association["division_code"] if association else NOTHING
        return {"scope_township": None, "scope_village": village}
    return {"scope_township": principal.township, "scope_village": None}


# -- persons -------------------------------------------------------------------------------------


def person_scope(runtime: Runtime, principal: Principal, code: str) -> dict[str, Any]:
    """The roster filter fields that narrow a list of persons to the caller's scope."""
    if principal.association_id:
        village = association_village(runtime, code, principal.association_id)
        return {"scope_villages": (village,) if village else ()}
    if principal.township:
        return {"scope_township": principal.township}
    return {}


def covers_person(runtime: Runtime, principal: Principal, code: str, village_code: str) -> bool:
    """Whether a person living in ``village_code`` of district ``code`` is in scope."""
    if principal.association_id:
        return association_village(runtime, code, principal.association_id) == village_code
    return principal.township is None or village_code.startswith(principal.township)


def require_person_village(
    runtime: Runtime, principal: Principal, code: str, village_code: str, message: str
) -> None:
    """403 when a person would be put in a village outside the caller's scope."""
    if not covers_person(runtime, principal, code, village_code):
        raise ProblemError(403, "forbidden", message, extra={"field": "village_code"})


# -- accounts ----------------------------------------------------------------------------------

#: Roles only a city administrator may hand out.
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.BUREAU_AUDITOR})


def may_manage(principal: Principal, user: User) -> bool:
    """City administrators manage everyone; district administrators their district."""
    if principal.city_wide:
        return True
    return user.district == principal.district and Role(user.role) not in CITY_ROLES


def require_account_scope(principal: Principal, role: Role, district: str | None) -> None:
    """A district administrator creates accounts of their own district, below the city's."""
    if not principal.city_wide and (role in CITY_ROLES or district != principal.district):
        raise ProblemError(
            403,
            "forbidden",
            "district administrators create accounts of their district",
            extra={"field": "district" if role not in CITY_ROLES else "role"},
        )


def audited_district(principal: Principal, district: str | None) -> str | None:
    """The district whose audit records a caller reads: its own unless city-wide (404)."""
    if principal.city_wide:
        return district
    if district not in (None, principal.district):
        raise NoSuchDistrict(id=district, field="district")
    return principal.district
