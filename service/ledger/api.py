"""The audit trail and the verifiable ledger of a district, and the public signing key.

- ``GET  /api/v1/districts/<code>/audit/entries``: the trail, filtered and paged
- ``GET  /api/v1/districts/<code>/audit/aggregates/<id>``: one record's whole history
- ``GET  /api/v1/districts/<code>/audit/ledger/head``: the newest signed tree head
- ``GET  /api/v1/districts/<code>/audit/ledger/heads``: every signed head, by size
- ``POST /api/v1/districts/<code>/audit/ledger/heads``: sign a head now (city administrators)
- ``GET  /api/v1/districts/<code>/audit/ledger/inclusion?position=&tree_size=``
- ``GET  /api/v1/districts/<code>/audit/ledger/consistency?first=&second=``
- ``GET  /api/v1/ledger/public-key``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from flask.views import MethodView
from marshmallow import Schema

from projections.ledger.ledger import LedgerError, LedgerInconsistent, ProofUnavailable, StoredHead
from service.http.access import Action, Target, rule
from service.http.blueprint import ApiBlueprint, page
from service.http.context import caller, services
from service.http.problems import TITLES, ProblemError
from service.http.schemas import ReadQuery
from service.ledger import application as audit
from service.ledger.schemas import (
    AggregateHistory,
    AuditEntriesQuery,
    AuditEntryList,
    ConsistencyOut,
    ConsistencyQuery,
    HeadList,
    HeadListQuery,
    InclusionOut,
    InclusionQuery,
    LedgerHeadOut,
    PublicKeyOut,
    SignHeadIn,
    SignHeadOut,
)

TITLES.setdefault("signing-disabled", "Tree-head signing is not configured")
TITLES.setdefault("no-signed-head", "No tree head has been signed yet")
TITLES.setdefault(
    "ledger-inconsistent",
    "The audit trail no longer matches a signed head",
)
TITLES.setdefault("not-covered", "The event is not covered by that signed head")

blp = ApiBlueprint(
    "audit",
    __name__,
    url_prefix="/api/v1",
    description="Audit trail and verifiable ledger (Merkle log, signed tree heads)",
)

PREFIX = "/districts/<code>/audit"

F = TypeVar("F", bound=Callable[..., Any])


def audits(query: type[Schema], answer: type[Schema]) -> Callable[[F], F]:
    """An auditor's read of a district: ``query`` from the query string, ``answer`` with 200."""
    return blp.operation(Action.AUDIT, Target.DISTRICT, query, answer, status=200, location="query")


def _proof_problem(error: ProofUnavailable) -> ProblemError:
    code = {404: "not-found", 409: "not-covered"}.get(error.status, "validation")
    return ProblemError(
        error.status,
        code,
        str(error),
        extra={"field": error.field, "errors": [{"field": error.field, "message": str(error)}]},
    )


def _ledger_problem(error: LedgerError) -> ProblemError:
    if isinstance(error, ProofUnavailable):
        return _proof_problem(error)
    return ProblemError(409, "ledger-inconsistent", str(error))


@blp.route(f"{PREFIX}/entries")
class AuditEntries(MethodView):
    """The district's audit trail."""

    @audits(AuditEntriesQuery, AuditEntryList)
    @blp.problems({404: "Unknown district", 503: "Trail behind min_position"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Events in log order with who, when, why and their digests; filter and page them."""
        found = audit.entries(caller(), code, query)
        return page(found.items, found.total, query, position=found.position)


@blp.route(f"{PREFIX}/aggregates/<uuid:aggregate_id>")
class AggregateTrail(MethodView):
    """One record's whole history."""

    @audits(ReadQuery, AggregateHistory)
    @blp.problems({404: "Unknown district or record"})
    def get(self, query: dict[str, Any], code: str, aggregate_id: UUID) -> dict[str, Any]:
        """Every event of one aggregate (association, ...), by version."""
        page = audit.history(caller(), code, aggregate_id, query.get("min_position"))
        return {
            "aggregate_id": str(aggregate_id),
            "items": page.items,
            "total": page.total,
            "position": page.position,
        }


@blp.route(f"{PREFIX}/ledger/head")
class LedgerHead(MethodView):
    """The newest signed tree head."""

    @rule(Action.AUDIT, Target.DISTRICT)
    @blp.response(200, LedgerHeadOut)
    @blp.problems({404: "No head signed yet", 503: "Signing is not configured"})
    def get(self, code: str) -> dict[str, Any]:
        """Size, root, time, signature and key of the newest head."""
        head = audit.latest_head(caller(), code)
        key = audit.key(services().runtime)
        if head is None:
            if not key.enabled:
                raise audit.signing_disabled(key)
            raise ProblemError(
                404,
                "no-signed-head",
                f"district {code} has no signed tree head yet; a city administrator can POST "
                "ledger/heads to sign one",
            )
        body: dict[str, Any] = {
            **head.to_dict(),
            "signing": "enabled" if key.enabled else "disabled",
        }
        if not key.enabled:
            body["message"] = key.source
        return body


@blp.route(f"{PREFIX}/ledger/heads")
class LedgerHeads(MethodView):
    """Every signed head; signing one on demand."""

    @audits(HeadListQuery, HeadList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Signed heads, smallest first."""
        heads, total = audit.heads(caller(), code, query["limit"], query["offset"])
        return page([h.to_dict() for h in heads], total, query)

    @rule(Action.SIGN_HEADS, Target.DISTRICT)
    @blp.arguments(SignHeadIn, required=False)
    @blp.response(201, SignHeadOut)
    @blp.alt_response(200, schema=SignHeadOut, description="The log has not grown")
    @blp.problems(
        {
            404: "Unknown district, empty log",
            409: "The trail contradicts a head",
            503: "Signing is not configured",
        }
    )
    def post(self, data: dict[str, Any], code: str) -> tuple[dict[str, Any], int]:
        """Sign a head of everything projected so far (only when the log grew).

        City administrators only: signing is the operators' act, auditors check heads.
        """
        call = caller()
        try:
            head = audit.sign(call, code)
        except LedgerInconsistent as error:
            raise _ledger_problem(error) from None
        if head is not None:
            return {"signed": True, "head": head.to_dict()}, 201
        latest = audit.latest_head(call, code)
        if latest is None:
            raise ProblemError(404, "no-signed-head", f"district {code} has no events to sign yet")
        return {"signed": False, "head": latest.to_dict()}, 200


def _head(head: StoredHead) -> dict[str, Any]:
    return head.to_dict()


@blp.route(f"{PREFIX}/ledger/inclusion")
class Inclusion(MethodView):
    """Inclusion proofs."""

    @audits(InclusionQuery, InclusionOut)
    @blp.problems({404: "No such event or head", 409: "Event not covered by the head"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """The audit path of the event at ``position`` in a signed head (default newest).

        With ``record=true`` the stored record comes too (state in base64, as stored), so
        the leaf can be recomputed from the event itself.
        """
        try:
            proof = audit.inclusion(caller(), code, query["position"], query.get("tree_size"))
        except LedgerError as error:
            raise _ledger_problem(error) from None
        if not query["record"]:
            proof["record"] = None
        return {**proof, "head": _head(proof["head"])}


@blp.route(f"{PREFIX}/ledger/consistency")
class Consistency(MethodView):
    """Consistency proofs."""

    @audits(ConsistencyQuery, ConsistencyOut)
    @blp.problems({404: "No signed head of a size"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Proof that the head of size ``second`` extends the head of size ``first``."""
        try:
            proof = audit.consistency(caller(), code, query["first"], query["second"])
        except LedgerError as error:
            raise _ledger_problem(error) from None
        return {**proof, "first": _head(proof["first"]), "second": _head(proof["second"])}


@blp.route("/ledger/public-key")
class PublicKey(MethodView):
    """The published signing key."""

    @rule(Action.PUBLIC, Target.NONE)
    @blp.doc(security=[])
    @blp.response(200, PublicKeyOut)
    def get(self) -> dict[str, Any]:
        """The Ed25519 public key that signs every district's tree heads."""
        key = audit.key(services().runtime)
        body: dict[str, Any] = {
            "algorithm": "Ed25519",
            "public_key": key.public_key,
            "key_id": key.key_id,
            "signing": "enabled" if key.enabled else "disabled",
        }
        if not key.enabled:
            body["message"] = key.source
        return body
