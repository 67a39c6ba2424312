"""What the care endpoints share: the caller's part of a district, and who may set policy."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from aggregates.errors import NotFound
from projections.association.associations import find_association_township
from projections.platform.scope import Scope
from service.http.auth import current_principal
from service.http.context import known_district, services, today_in_china
from service.http.problems import ProblemError

#: A value that matches no row: asked for something outside the caller's scope.
NOTHING = "-"


def caller_scope(township_code: str | None = None, association_id: UUID | None = None) -> Scope:
    """The filters asked for, narrowed to the caller's township or association."""
    principal = current_principal()
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


def require_whole_district(code: str, what: str) -> None:
    """District policy (settings, schemes, evaluations) is set by the district federation."""
    if not current_principal().covers_whole_district(code):
        raise ProblemError(403, "forbidden", f"{what} needs a district-wide role")


def known_association(code: str, association_id: UUID) -> str:
    """404 unless the association exists in the district; returns the district code."""
    known_district(code)
    runtime = services().runtime
    if find_association_township(runtime.db, code, str(association_id)) is None:
        runtime.tenancy.records(code).association(association_id)  # NotFound if absent
    return code


def committed(code: str) -> None:
    """Tell the workers the district has new events (never fails the command)."""
    services().wakeups.district_changed(code)


def on_or_today(on: date | None) -> date:
    """The date a question is about: today in China unless given."""
    return on or today_in_china()


__all__ = [
    "NotFound",
    "caller_scope",
    "committed",
    "known_association",
    "on_or_today",
    "require_whole_district",
]
