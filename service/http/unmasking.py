"""Seeing personal data unmasked: who may, with what reason, and the record of each such read.

Every answer masks personal fields (service/http/masking.py).  A role that needs the full value
asks for it with ``?unmask=<field>&reason=...``; the read is then recorded with who, whose
data, when and why, for the civil affairs bureau's auditors.
"""

from __future__ import annotations

from typing import Any

from flask import g

from service.http.access import UNMASK_ROLES
from service.http.auth import current_principal
from service.http.context import services
from service.http.problems import ProblemError


def unmasked_fields(query: dict[str, Any]) -> frozenset[str]:
    """The personal fields the caller may and wants to see in full (403/422 otherwise)."""
    wanted = frozenset(query.get("unmask") or [])
    if not wanted:
        return wanted
    principal = current_principal()
    if principal.role not in UNMASK_ROLES:
        raise ProblemError(
            403,
            "forbidden",
            f"the role {principal.role.value} may not unmask",
            extra={"field": "unmask"},
        )
    if not query.get("reason") or len(query["reason"]) < 4:
        raise ProblemError(
            422,
            "validation",
            "say why the personal data must be seen unmasked",
            extra={
                "field": "reason",
                "errors": [{"field": "reason", "message": "at least 4 characters"}],
            },
        )
    return wanted


def record_unmasked_read(
    district: str, kind: str, subject: str, fields: frozenset[str], reason: str
) -> None:
    """Every unmasked read is itself recorded, readable by the bureau's auditors."""
    principal = current_principal()
    services().runtime.accounts.record_unmasked_read(
        actor=principal.actor,
        role=principal.role.value,
        organisation=principal.organisation,
        district=district,
        subject_kind=kind,
        subject_id=subject,
        fields=sorted(fields),
        reason=reason,
        request_id=g.request_id,
    )
