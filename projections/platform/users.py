"""An account as the catalog holds it: its row of ``users`` with its login, read by the
accounts (:mod:`projections.platform.accounts`) and, with a browser's session, by the web
sessions (:mod:`projections.platform.web_sessions`) in the same query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The columns :func:`user_of` reads, from ``users u`` joined with ``passwords p``.
USER_COLUMNS = "u.*, p.login"


@dataclass(frozen=True)
class User:
    """An account: a role and the part of the organisational tree it covers."""

    id: str
    name: str
    role: str
    district: str | None
    township: str | None
    association_id: str | None
    organisation: str
    created_at: str
    disabled_at: str | None
    login: str | None = None


def user_of(row: Any) -> User:
    """The account of a row holding :data:`USER_COLUMNS`."""
    return User(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        district=row["district"],
        township=row["township"],
        association_id=row["association_id"],
        organisation=row["organisation"] or "",
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
        login=row["login"],
    )
