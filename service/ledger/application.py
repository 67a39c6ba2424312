"""The audit trail and ledger reads, and signing a head on demand.

Auditors read a whole district's trail (the access rule checks the district is theirs);
the ledger's own errors (a proof not available, a log no longer matching a signed head)
are left to the interface to say.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aggregates.errors import NoTrail
from projections.ledger import ledger
from projections.ledger.audit_trail import AuditPage, aggregate_history, iso_utc, list_entries
from projections.ledger.ledger import StoredHead
from service.application.caller import Caller
from service.http.problems import ProblemError
from workers.runtime import Runtime
from workers.signing import SigningKey, sign_district, signing_key


def key(runtime: Runtime) -> SigningKey:
    """The key that signs every district's tree heads (may be disabled)."""
    return signing_key(runtime.settings)


def entries(caller: Caller, code: str, query: dict[str, Any]) -> AuditPage:
    """Events in log order with who, when, why and their digests, filtered and paged."""
    db = caller.reading(code, query.get("min_position"))
    since, until = query.get("since"), query.get("until")
    aggregate_id = query.get("aggregate_id")
    return list_entries(
        db,
        code,
        since=iso_utc(since) if since else None,
        until=iso_utc(until) if until else None,
        actor=query.get("actor"),
        aggregate_id=str(aggregate_id) if aggregate_id else None,
        event_type=query.get("event_type"),
        limit=query["limit"],
        offset=query["offset"],
    )


def history(caller: Caller, code: str, aggregate_id: UUID, min_position: int | None) -> AuditPage:
    """Every event of one aggregate, by version (404 when it has none)."""
    db = caller.reading(code, min_position)
    page = aggregate_history(db, code, str(aggregate_id))
    if not page.items:
        raise NoTrail(id=aggregate_id, field="aggregate_id")
    return page


def latest_head(caller: Caller, code: str) -> StoredHead | None:
    """The newest signed tree head of a district, if any."""
    return ledger.latest_head(caller.runtime.db, caller.known(code))


def heads(caller: Caller, code: str, limit: int, offset: int) -> tuple[list[StoredHead], int]:
    """Signed heads, smallest first, and how many there are."""
    return ledger.list_heads(caller.runtime.db, caller.known(code), limit=limit, offset=offset)


def sign(caller: Caller, code: str) -> StoredHead | None:
    """Sign a head of everything projected so far; None when the log did not grow."""
    caller.known(code)
    signer = key(caller.runtime)
    if not signer.enabled:
        raise signing_disabled(signer)
    return sign_district(caller.runtime, code)


def signing_disabled(signer: SigningKey) -> ProblemError:
    """503: this deployment signs no heads (the key's source says why)."""
    return ProblemError(503, "signing-disabled", signer.source)


def inclusion(caller: Caller, code: str, position: int, tree_size: int | None) -> dict[str, Any]:
    """The audit path of the event at ``position`` in a signed head (default newest)."""
    return ledger.inclusion(caller.runtime.db, caller.known(code), position, tree_size)


def consistency(caller: Caller, code: str, first: int, second: int) -> dict[str, Any]:
    """Proof that the head of size ``second`` extends the head of size ``first``."""
    return ledger.consistency(caller.runtime.db, caller.known(code), first, second)
