"""The ledger of a district (issue 16): the newest signed tree head with its signature and
size, the heads signed so far, an entry's inclusion proof and a consistency proof between two
heads.  The page embeds every byte a check needs (the leaf, the path, the signed head's exact
bytes, the signature, the public key) and ``static/ledger-proofs.js`` recomputes the root
and checks the Ed25519 signature in the auditor's own browser, so the verdict does not rest
on trusting this server; without JavaScript the data is shown and the page says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Response, request
from flask_babel import gettext, lazy_gettext
from marshmallow import Schema, ValidationError

from projections.ledger.ledger import LedgerError, ProofUnavailable, StoredHead
from service.http.access import Action, Target, rule
from service.http.context import caller, services
from service.ledger import application as audit
from service.ledger.schemas import ConsistencyQuery, InclusionQuery
from service.web.audit_trail import audited, china_time, own_or_choice
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of

#: The two proof forms' fields, as the API names them.
INCLUSION_FIELDS = ("position", "tree_size")
CONSISTENCY_FIELDS = ("first", "second")


def head_view(stored: StoredHead) -> dict[str, Any]:
    """A signed head as the page shows it, with the exact bytes its signature covers."""
    return {
        **stored.to_dict(),
        "signed_bytes": stored.signed.head.canonical_bytes().decode("ascii"),
    }


def _proof_message(error: LedgerError) -> tuple[str, str]:
    """(field, message) of a proof that cannot be given; ``form`` when no field is to blame."""
    if not isinstance(error, ProofUnavailable):
        return "form", gettext(
            "The audit trail no longer matches a signed head: it has been rewritten."
        )
    if error.status == 409:
        return error.field, gettext(
            "No signed head covers this entry yet; it will be covered by the next one."
        )
    if error.field == "position":
        return error.field, gettext("There is no entry at this position.")
    return error.field, gettext("No head of this size has been signed.")


def _proof(
    names: tuple[str, ...], schema: Schema, run: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[Form, dict[str, Any] | None]:
    """One proof form as sent, and its proof (None when not asked for or refused)."""
    given = {k: request.args[k].strip() for k in names if request.args.get(k, "").strip()}
    form = Form(values=dict(given))
    if not given:
        return form, None
    try:
        query = schema.load(given)
    except ValidationError as error:
        return form.invalid(error), None
    try:
        return form, run(query)
    except LedgerError as error:
        return form.refused(*_proof_message(error)), None


def inclusion(code: str) -> tuple[Form, dict[str, Any] | None]:
    """The inclusion proof the page was asked for (the newest head unless a size is given)."""
    form, proof = _proof(
        INCLUSION_FIELDS,
        InclusionQuery(),
        lambda q: audit.inclusion(caller(), code, q["position"], q.get("tree_size")),
    )
    if proof is None:
        return form, None
    record = proof["record"] or {}
    try:
        record_id: str | None = str(UUID(str(record.get("originator_id"))))
    except ValueError:
        record_id = None
    return form, {**proof, "head": head_view(proof["head"]), "record_id": record_id}


def consistency(code: str, heads: list[StoredHead]) -> tuple[Form, dict[str, Any] | None]:
    """The consistency proof asked for; the form offers the two newest heads by default."""
    form, proof = _proof(
        CONSISTENCY_FIELDS,
        ConsistencyQuery(),
        lambda q: audit.consistency(caller(), code, q["first"], q["second"]),
    )
    if not form.values and len(heads) >= 2:
        form.values = {"first": str(heads[-2].tree_size), "second": str(heads[-1].tree_size)}
    if proof is None:
        return form, None
    return form, {**proof, "first": head_view(proof["first"]), "second": head_view(proof["second"])}


@pages.route("/ledger")
@rule(Action.AUDIT, Target.NONE)
def ledger_home() -> Response:
    """The ledger of the caller's district, or the choice of a district."""
    return own_or_choice("pages.ledger", lazy_gettext("Ledger"))


@pages.route("/districts/<code>/ledger")
@rule(Action.AUDIT, Target.NONE)
def ledger(code: str) -> Response:
    """The newest signed head, the heads signed so far, and the proofs asked for."""
    name = audited(code)
    latest = audit.latest_head(caller(), code)
    offset = offset_of(request.args)
    heads, total = audit.heads(caller(), code, PAGE_SIZE, offset)
    newest_two, _ = audit.heads(caller(), code, 2, max(total - 2, 0))
    included = inclusion(code)
    consistent = consistency(code, newest_two)
    refused = included[0].errors or consistent[0].errors
    return render_page(
        "audit/ledger.html",
        422 if refused else 200,
        code=code,
        district_name=name,
        head=head_view(latest) if latest else None,
        signing=audit.key(services().runtime),
        heads=Page([head_view(h) for h in heads], total, offset, PAGE_SIZE, {"code": code}),
        inclusion_form=included[0],
        inclusion=included[1],
        consistency_form=consistent[0],
        consistency=consistent[1],
        when=china_time,
    )
