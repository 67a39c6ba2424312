"""The roster of disabled persons (S3.3, S3.5): registration, changes, lists, totals, imports.

Every answer masks resident ID, certificate number, phone and address unless a permitted role
asks for them with a reason, and each such read is recorded.  A township officer sees and
changes the persons of their township's villages, an association worker those of their
association's village; anything else answers 404 as if it did not exist.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.district import today_in_china
from aggregates.errors import DomainError, NoSuchPerson, NotFound
from aggregates.person import PersonDetails
from aggregates.roster_commands import finish_transfer
from projections.roster import (
    PersonFilter,
    count_persons,
    find_person,
    list_persons,
    pending_transfers,
)
from projections.visits import overdue_households
from service.access import Action, Principal, Target, rule
from service.api.blueprint import ApiBlueprint
from service.auth import current_principal
from service.context import await_position, known_district, provenance, services
from service.masking import mask_fields
from service.problems import ProblemError
from service.roster_import import ImportFileError, import_roster
from service.roster_schemas import (
    PersonCertificateCancelIn,
    PersonCertificateChangeIn,
    PersonCertificateIn,
    PersonCorrectionIn,
    PersonCounts,
    PersonCountsQuery,
    PersonCreated,
    PersonDeathIn,
    PersonDepartureIn,
    PersonDetail,
    PersonErasureIn,
    PersonIn,
    PersonList,
    PersonListQuery,
    PersonRelocationIn,
    PersonReturnIn,
    PersonTransferOut,
    PersonTransferOutIn,
    PersonTransferSweep,
    PersonUnmaskQuery,
    RosterImportIn,
    RosterImportReport,
)
from service.schemas import Accepted, ProblemSchema
from service.unmasking import record_unmasked_read, unmasked_fields

log = logging.getLogger(__name__)

blp = ApiBlueprint(
    "roster",
    __name__,
    url_prefix="/api/v1/districts/<code>/persons",
    description="The roster of disabled persons (残疾人名册)",
)

FILTERS = (
    "township_code",
    "village_code",
    "category",
    "grade",
    "certified",
    "special_hardship",
    "status",
    "household_id",
    "open_need",
)


# -- scope --------------------------------------------------------------------------------


def association_village(code: str, association_id: str) -> str | None:
    """The village of an association: from the read model, else from its events."""
    runtime = services().runtime
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


def _scope(principal: Principal, code: str) -> dict[str, Any]:
    """The PersonFilter fields that narrow a list to the caller's scope."""
    if principal.association_id:
        village = association_village(code, principal.association_id)
        return {"scope_villages": (village,) if village else ()}
    if principal.township:
        return {"scope_township": principal.township}
    return {}


def _covers(principal: Principal, code: str, village_code: str) -> bool:
    """Whether a person living in ``village_code`` of district ``code`` is in scope."""
    if principal.association_id:
        return association_village(code, principal.association_id) == village_code
    return principal.township is None or village_code.startswith(principal.township)


def _check_person(code: str, person_id: UUID) -> Any:
    """The person aggregate for a command; 404 when absent or out of scope."""
    records = services().runtime.tenancy.records(code)
    person = records.person(person_id)
    if not _covers(current_principal(), code, person.village_code):
        raise NoSuchPerson(id=person_id, field="person_id")
    return records


def _committed(*districts: str) -> None:
    for district in districts:
        services().wakeups.district_changed(district)


def _mask(person: dict[str, Any], unmasked: frozenset[str]) -> None:
    mask_fields(person, unmasked)
    for entry in person.get("history", []):
        mask_fields(entry["details"], unmasked)


def _filter(query: dict[str, Any], code: str) -> PersonFilter:
    overdue: dict[str, Any] = {}
    if query.get("overdue_visit") is not None:
        households = overdue_households(services().runtime.db, code, today_in_china())
        overdue = {
            "households": tuple(sorted(households)),
            "exclude_households": not query["overdue_visit"],
        }
    return PersonFilter(
        **{name: query.get(name) for name in FILTERS},
        **overdue,
        **_scope(current_principal(), code),
    )


# -- the roster ---------------------------------------------------------------------------


@blp.route("")
class Persons(MethodView):
    """A district's roster."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(PersonListQuery, location="query")
    @blp.response(200, PersonList)
    @blp.alt_response(403, schema=ProblemSchema, description="The role may not unmask")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """List persons in scope: filtered, sorted, paged, with the total."""
        known_district(code)
        await_position(code, query.get("min_position"))
        unmasked = unmasked_fields(query)
        page = list_persons(
            services().runtime.db,
            code,
            _filter(query, code),
            sort=query["sort"],
            limit=query["limit"],
            offset=query["offset"],
        )
        for person in page.items:
            _mask(person, unmasked)
        if unmasked and page.items:
            record_unmasked_read(
                code,
                "person_list",
                ",".join(p["id"] for p in page.items),
                unmasked,
                query["reason"],
            )
        return {
            "items": page.items,
            "total": page.total,
            "limit": query["limit"],
            "offset": query["offset"],
            "position": page.position,
        }

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(PersonIn)
    @blp.response(201, PersonCreated)
    @blp.alt_response(403, schema=ProblemSchema, description="The village is outside your scope")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(409, schema=ProblemSchema, description="The resident ID is on the roster")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Put a person on the roster."""
        records = services().runtime.tenancy.records(known_district(code))
        if not _covers(current_principal(), code, data["village_code"]):
            raise ProblemError(
                403,
                "forbidden",
                "the village is outside your scope",
                extra={"field": "village_code"},
            )
        registered_on = data.pop("registered_on")
        moved_in_from = data.pop("moved_in_from")
        saved = records.register_person(
            PersonDetails(**data),
            registered_on=registered_on,
            by=provenance(),
            source="moved_in" if moved_in_from else "registered",
            origin=moved_in_from,
        )
        _committed(code)
        return {"id": str(saved.id), "position": saved.position}


@blp.route("/totals")
class PersonTotals(MethodView):
    """Counts of the roster."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(PersonCountsQuery, location="query")
    @blp.response(200, PersonCounts)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Persons in scope counted by township, village, category, grade, hardship or status."""
        known_district(code)
        await_position(code, query.get("min_position"))
        groups, total, position = count_persons(
            services().runtime.db, code, _filter(query, code), query["by"]
        )
        return {"by": query["by"], "groups": groups, "total": total, "position": position}


@blp.route("/<uuid:person_id>")
class PersonResource(MethodView):
    """One person."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(PersonUnmaskQuery, location="query")
    @blp.response(200, PersonDetail)
    @blp.alt_response(403, schema=ProblemSchema, description="The role may not unmask")
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or person")
    @blp.alt_response(503, schema=ProblemSchema, description="Read model behind min_position")
    def get(self, query: dict[str, Any], code: str, person_id: UUID) -> dict[str, Any]:
        """The person with the history of their changes."""
        known_district(code)
        await_position(code, query.get("min_position"))
        unmasked = unmasked_fields(query)
        person = find_person(services().runtime.db, code, str(person_id))
        if person is None or not _covers(current_principal(), code, person["village_code"]):
            raise NoSuchPerson(id=person_id, field="person_id")
        _mask(person, unmasked)
        if unmasked:
            record_unmasked_read(code, "person", str(person_id), unmasked, query["reason"])
        return person


def _change_route(path: str, schema: type, summary: str, action: Action = Action.WRITE) -> Any:
    """Register a POST of a change to one person."""

    def decorate(run: Any) -> Any:
        class Change(MethodView):
            @rule(action, Target.DISTRICT)
            @blp.arguments(schema)
            @blp.response(200, Accepted)
            @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or person")
            @blp.alt_response(
                409, schema=ProblemSchema, description="The person's status does not allow it"
            )
            def post(self, data: dict[str, Any], code: str, person_id: UUID) -> dict[str, Any]:
                records = _check_person(known_district(code), person_id)
                saved = run(records, person_id, data)
                _committed(code)
                return {"position": saved.position}

        Change.post.__doc__ = summary
        Change.__name__ = run.__name__
        blp.route(f"/<uuid:person_id>/{path}", endpoint=run.__name__)(Change)
        return run

    return decorate


@_change_route(
    "relocation", PersonRelocationIn, "Moved to another village or township of the district."
)
def relocation(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Relocation inside the district."""
    if not _covers(current_principal(), records.district_code, data["village_code"]):
        raise ProblemError(
            403,
            "forbidden",
            "the new village is outside your scope",
            extra={"field": "village_code"},
        )
    return records.relocate_person(person_id, by=provenance(), **data)


@_change_route("departure", PersonDepartureIn, "Moved out of the city's districts (迁出).")
def departure(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Departure."""
    return records.record_departure(person_id, by=provenance(), **data)


@_change_route("return", PersonReturnIn, "Moved in again after having left (迁入).")
def return_(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Return."""
    return records.record_return(person_id, by=provenance(), **data)


@_change_route("certificate", PersonCertificateIn, "A disability certificate was issued.")
def certificate_issued(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Certificate issued."""
    return records.issue_certificate(person_id, by=provenance(), **data)


@_change_route("certificate/change", PersonCertificateChangeIn, "The certificate was re-issued.")
def certificate_changed(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Certificate changed."""
    return records.change_certificate(person_id, by=provenance(), **data)


@_change_route(
    "certificate/cancellation",
    PersonCertificateCancelIn,
    "The certificate was cancelled; the person stays for their service needs.",
)
def certificate_cancelled(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Certificate cancelled."""
    return records.cancel_certificate(person_id, by=provenance(), **data)


@_change_route("death", PersonDeathIn, "The person died.")
def death(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Death."""
    return records.record_death(person_id, by=provenance(), **data)


@_change_route(
    "corrections", PersonCorrectionIn, "Corrected details (only the fields given change)."
)
def corrections(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Corrections."""
    reason, effective_on = data.pop("reason"), data.pop("effective_on")
    if not data:
        raise ProblemError(
            422,
            "validation",
            "name at least one field to correct",
            extra={
                "field": "body",
                "errors": [{"field": "body", "message": "no field to correct"}],
            },
        )
    return records.correct_person(
        person_id, changes=data, reason=reason, effective_on=effective_on, by=provenance(reason)
    )


@_change_route(
    "erasure",
    PersonErasureIn,
    "Erase the person's personal data for good (crypto-shredding): recorded with "
    "who and why; counts and non-personal history remain.",
    action=Action.ERASE,
)
def erasure(records: Any, person_id: UUID, data: dict[str, Any]) -> Any:
    """Erasure of personal data."""
    return records.erase_person(person_id, reason=data["reason"], by=provenance(data["reason"]))


# -- moves between districts -----------------------------------------------------------------


def _finish(code: str, person_id: UUID, to_district: str) -> dict[str, Any]:
    """Steps 2 and 3 of a hand-over; a failure other than a refusal leaves it pending."""
    tenancy = services().runtime.tenancy
    sender, receiver = tenancy.records(code), tenancy.records(to_district)
    try:
        outcome = finish_transfer(sender, receiver, person_id, by=provenance())
    except DomainError:
        raise
    except Exception as error:  # the receiving store is down: a sweep finishes it later
        log.warning(
            "transfer of a person from %s to %s left pending: %s",
            code,
            to_district,
            type(error).__name__,
        )
        pending = sender.person(person_id).pending_transfer
        return {
            "transfer_id": str(pending.transfer_id) if pending else "",
            "state": "pending",
            "to_district": to_district,
            "received_as": None,
            "position": sender.head_position(),
            "reason": None,
        }
    _committed(code, to_district)
    return {
        "transfer_id": str(outcome.transfer_id or ""),
        "state": outcome.state,
        "to_district": to_district,
        "received_as": str(outcome.received_as) if outcome.received_as else None,
        "position": outcome.position,
        "reason": outcome.reason,
    }


@blp.route("/<uuid:person_id>/transfer-out")
class TransferOutResource(MethodView):
    """A move to another district: a hand-over between two districts' stores."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(PersonTransferOutIn)
    @blp.response(200, PersonTransferOut)
    @blp.alt_response(
        202, schema=PersonTransferOut, description="Pending: finished by a later sweep"
    )
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district or person")
    @blp.alt_response(409, schema=ProblemSchema, description="The person's status forbids it")
    def post(self, data: dict[str, Any], code: str, person_id: UUID) -> Any:
        """Transfer the person out to another district (转出), which records the transfer-in."""
        records = _check_person(known_district(code), person_id)
        try:
            services().runtime.tenancy.district(data["to_district"])
        except NotFound:
            raise ProblemError(
                422,
                "validation",
                "no such district in this deployment",
                extra={
                    "field": "to_district",
                    "errors": [{"field": "to_district", "message": "unknown district"}],
                },
            ) from None
        started = records.start_transfer_out(person_id, by=provenance(), **data)
        _committed(code)
        result = _finish(code, person_id, data["to_district"])
        if result["state"] == "cancelled":
            raise ProblemError(
                409,
                "conflict",
                f"the receiving district refused: {result['reason']}",
                extra={"field": "to_district", "transfer_id": str(started.id)},
            )
        return result, 202 if result["state"] == "pending" else 200


@blp.route("/transfers/resume")
class TransferSweepResource(MethodView):
    """Finishing hand-overs a crash or an outage left half-done."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.response(200, PersonTransferSweep)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def post(self, code: str) -> dict[str, Any]:
        """Finish every pending transfer-out of the district in the caller's scope."""
        known_district(code)
        principal = current_principal()
        items = []
        for person_id, village, to_district in pending_transfers(services().runtime.db, code):
            if _covers(principal, code, village):
                items.append(_finish(code, UUID(person_id), to_district))
        return {"items": items}


# -- import --------------------------------------------------------------------------------


@blp.route("/imports")
class Imports(MethodView):
    """The roster from a CSV or .xlsx file (small files; large ones: ``canxie roster import``)."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(RosterImportIn)
    @blp.response(200, RosterImportReport)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    @blp.alt_response(422, schema=ProblemSchema, description="Rows with errors: nothing stored")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Validate every row; import unless a row failed (or only the valid rows if asked)."""
        records = services().runtime.tenancy.records(known_district(code))
        try:
            content = base64.b64decode(data["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ProblemError(
                422,
                "validation",
                "content_base64 is not base64",
                extra={
                    "field": "content_base64",
                    "errors": [{"field": "content_base64", "message": "not base64"}],
                },
            ) from None
        principal = current_principal()
        try:
            report = import_roster(
                records,
                services().runtime.db,
                lambda: io.BytesIO(content),
                data["filename"],
                by=provenance(f"import {data['filename']}"),
                in_scope=lambda village: _covers(principal, code, village),
                valid_rows_only=data["valid_rows_only"],
                dry_run=data["dry_run"],
            )
        except ImportFileError as error:
            raise ProblemError(
                422,
                "validation",
                str(error),
                extra={
                    "field": "content_base64",
                    "errors": [
                        {
                            "field": "content_base64",
                            "message": str(error),
                            **({"column": error.column} if error.column else {}),
                        }
                    ],
                },
            ) from None
        if report.imported:
            _committed(code)
        if report.errors and not report.valid_rows_only:
            errors = [
                {
                    "field": f"rows[{e.row}].{e.field}",
                    "row": e.row,
                    "column": e.column,
                    "message": e.message,
                }
                for e in report.errors
            ]
            raise ProblemError(
                422,
                "validation",
                f"{report.invalid} of {report.rows} rows have errors; nothing was imported",
                extra={
                    "field": errors[0]["field"],
                    "errors": errors,
                    "report": {**report.as_dict(), "errors": []},
                },
            )
        return report.as_dict()
