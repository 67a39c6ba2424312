"""Personal data in answers: masked unless a permitted role asks with a reason, and recorded.

Every answer masks personal fields (service/masking.py).  A role that needs the full value
asks for it with ``?unmask=<field>&reason=...``; the read is then recorded with who, whose
data, when and why, for the civil affairs bureau's auditors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from service.application.caller import Caller
from service.http.access import UNMASK_ROLES
from service.http.masking import mask_fields
from service.http.problems import ProblemError


@dataclass(frozen=True)
class Unmasking:
    """The personal fields a caller asked to see in full, and why."""

    fields: frozenset[str] = frozenset()
    reason: str | None = None

    @classmethod
    def asked(cls, query: dict[str, Any]) -> Unmasking:
        """What a read's query asks to unmask (``unmask`` and ``reason``)."""
        return cls(frozenset(query.get("unmask") or []), query.get("reason"))


@dataclass(frozen=True)
class Disclosure:
    """The fields one read may show in full: masks the rest and records what it showed."""

    caller: Caller
    fields: frozenset[str]
    reason: str

    def mask(
        self, district: str, kind: str, subject: str, records: Iterable[dict[str, Any]]
    ) -> None:
        """Mask each record in place; record the read when any field was shown in full.

        ``subject`` names whose data it was (an id, or ids joined); an empty subject
        (nothing was read) is not recorded.
        """
        for record in records:
            mask_fields(record, self.fields)
        if self.fields and subject:
            record_unmasked_read(self.caller, district, kind, subject, self.fields, self.reason)


def disclosure(caller: Caller, asked: Unmasking) -> Disclosure:
    """Check what the caller asks to see in full (403 for its role, 422 without a reason)."""
    if not asked.fields:
        return Disclosure(caller, asked.fields, "")
    principal = caller.principal
    if principal.role not in UNMASK_ROLES:
        raise ProblemError(
            403,
            "forbidden",
            f"the role {principal.role.value} may not unmask",
            extra={"field": "unmask"},
        )
    if not asked.reason or len(asked.reason) < 4:
        raise ProblemError.invalid(
            "reason", "say why the personal data must be seen unmasked", "at least 4 characters"
        )
    return Disclosure(caller, asked.fields, asked.reason)


def record_unmasked_read(
    caller: Caller, district: str, kind: str, subject: str, fields: frozenset[str], reason: str
) -> None:
    """Every unmasked read is itself recorded, readable by the bureau's auditors."""
    caller.runtime.accounts.record_unmasked_read(
        actor=caller.principal.actor,
        role=caller.principal.role.value,
        organisation=caller.principal.organisation,
        district=district,
        subject_kind=kind,
        subject_id=subject,
        fields=sorted(fields),
        reason=reason,
        request_id=caller.by.request_id,
    )
