"""The roster of disabled persons (残疾人名册, S3.3, S3.5): registration, changes, lists,
totals, imports.

Every answer masks resident ID, certificate number, phone and address unless a permitted role
asks for them with a reason, and each such read is recorded.  A township officer sees and
changes the persons of their township's villages, an association worker those of their
association's village; anything else answers 404 as if it did not exist.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask.views import MethodView

from aggregates.store.district import DistrictRecords
from service.application.caller import Caller
from service.http.access import Action, Target, rule
from service.http.blueprint import BEHIND, DISTRICT, ApiBlueprint, accepted, created, page
from service.http.commands import Command, register
from service.http.context import caller, caller_on
from service.http.problems import ProblemError
from service.http.schemas import Accepted, ProblemSchema
from service.roster import application
from service.roster.imports import ImportFileError
from service.roster.schemas import (
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

blp = ApiBlueprint("roster", __name__, url_prefix=f"{DISTRICT}/persons")


@blp.route("")
class Persons(MethodView):
    """A district's roster."""

    @blp.reads(Target.DISTRICT, PersonListQuery, PersonList)
    @blp.problems({403: "The role may not unmask", 404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """List persons in scope: filtered, sorted, paged, with the total; as of a day."""
        found = application.persons(caller_on(query), code, query)
        return page(found.items, found.total, query, position=found.position)

    @blp.writes(Target.DISTRICT, PersonIn, PersonCreated)
    @blp.problems(
        {
            403: "The village is outside your scope",
            404: "Unknown district",
            409: "The resident ID is on the roster",
        }
    )
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Put a person on the roster."""
        return created(application.register(caller(), code, data))


@blp.route("/totals")
class PersonTotals(MethodView):
    """Counts of the roster."""

    @blp.reads(Target.DISTRICT, PersonCountsQuery, PersonCounts)
    @blp.problems({404: "Unknown district", **BEHIND})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Persons in scope counted by township, village, category, grade, hardship or status."""
        groups, total, position = application.totals(caller_on(query), code, query)
        return {"by": query["by"], "groups": groups, "total": total, "position": position}


@blp.route("/<uuid:person_id>")
class PersonResource(MethodView):
    """One person."""

    @blp.reads(Target.DISTRICT, PersonUnmaskQuery, PersonDetail)
    @blp.problems({403: "The role may not unmask", 404: "Unknown district or person", **BEHIND})
    def get(self, query: dict[str, Any], code: str, person_id: UUID) -> dict[str, Any]:
        """The person with the history of their changes, as of a day."""
        return application.person(caller_on(query), code, person_id, query)


#: What a change to one person may answer instead.
CHANGE_PROBLEMS = {
    404: "Unknown district or person",
    409: "The person's status does not allow it",
}


def _on_person(
    caller: Caller, code: str, command: Callable[..., Any], person_id: UUID, /, **data: Any
) -> Any:
    """:func:`service.roster.application.run`, called as :mod:`service.http.commands` calls a
    runner: the command first, then the person's id."""
    return application.run(caller, code, person_id, command, **data)


def _change_route(path: str, schema: type, summary: str, action: Action = Action.WRITE) -> Any:
    """Register a POST of a change to one person."""

    def decorate(run: Any) -> Any:
        class Change(MethodView):
            @blp.writes(Target.DISTRICT, schema, Accepted, action=action)
            @blp.problems(CHANGE_PROBLEMS)
            def post(self, data: dict[str, Any], code: str, person_id: UUID) -> dict[str, Any]:
                return accepted(run(code, person_id, data))

        Change.post.__doc__ = summary
        Change.__name__ = run.__name__
        blp.route(f"/<uuid:person_id>/{path}", endpoint=run.__name__)(Change)
        return run

    return decorate


@_change_route(
    "relocation", PersonRelocationIn, "Moved to another village or township of the district."
)
def relocation(code: str, person_id: UUID, data: dict[str, Any]) -> Any:
    """Relocation inside the district."""
    return application.relocate(caller(), code, person_id, **data)


@_change_route(
    "corrections", PersonCorrectionIn, "Corrected details (only the fields given change)."
)
def corrections(code: str, person_id: UUID, data: dict[str, Any]) -> Any:
    """Corrections."""
    return application.correct(caller(), code, person_id, **data)


@_change_route(
    "erasure",
    PersonErasureIn,
    "Erase the person's personal data for good (crypto-shredding): recorded with "
    "who and why; counts and non-personal history remain.",
    action=Action.ERASE,
)
def erasure(code: str, person_id: UUID, data: dict[str, Any]) -> Any:
    """Erasure of personal data."""
    return application.erase(caller(), code, person_id, data["reason"])


#: Changes to one person that are one command of the records each (:mod:`service.http.commands`;
#: the endpoints keep the names they had as functions).
COMMANDS = [
    Command(
        "departure",
        "/<uuid:person_id>/departure",
        DistrictRecords.record_departure,
        PersonDepartureIn,
        Accepted,
        "Moved out of the city's districts (迁出).",
        CHANGE_PROBLEMS,
    ),
    Command(
        "return_",
        "/<uuid:person_id>/return",
        DistrictRecords.record_return,
        PersonReturnIn,
        Accepted,
        "Moved in again after having left (迁入).",
        CHANGE_PROBLEMS,
    ),
    Command(
        "certificate_issued",
        "/<uuid:person_id>/certificate",
        DistrictRecords.issue_certificate,
        PersonCertificateIn,
        Accepted,
        "A disability certificate was issued.",
        CHANGE_PROBLEMS,
    ),
    Command(
        "certificate_changed",
        "/<uuid:person_id>/certificate/change",
        DistrictRecords.change_certificate,
        PersonCertificateChangeIn,
        Accepted,
        "The certificate was re-issued.",
        CHANGE_PROBLEMS,
    ),
    Command(
        "certificate_cancelled",
        "/<uuid:person_id>/certificate/cancellation",
        DistrictRecords.cancel_certificate,
        PersonCertificateCancelIn,
        Accepted,
        "The certificate was cancelled; the person stays for their service needs.",
        CHANGE_PROBLEMS,
    ),
    Command(
        "death",
        "/<uuid:person_id>/death",
        DistrictRecords.record_death,
        PersonDeathIn,
        Accepted,
        "The person died.",
        CHANGE_PROBLEMS,
    ),
]
register(blp, Action.WRITE, Target.DISTRICT, COMMANDS, run=_on_person)


# -- moves between districts -----------------------------------------------------------------


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
        started, handover = application.transfer_out(caller(), code, person_id, **data)
        if handover.state == "cancelled":
            raise ProblemError(
                409,
                "conflict",
                f"the receiving district refused: {handover.reason}",
                extra={"field": "to_district", "transfer_id": str(started.id)},
            )
        return handover.as_dict(), 202 if handover.state == "pending" else 200


@blp.route("/transfers/resume")
class TransferSweepResource(MethodView):
    """Finishing hand-overs a crash or an outage left half-done."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.response(200, PersonTransferSweep)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def post(self, code: str) -> dict[str, Any]:
        """Finish every pending transfer-out of the district in the caller's scope."""
        return {"items": [h.as_dict() for h in application.resume_transfers(caller(), code)]}


# -- import --------------------------------------------------------------------------------


@blp.route("/imports")
class Imports(MethodView):
    """The roster from a CSV or .xlsx file (small files; large ones: ``canxie roster import``)."""

    @blp.writes(Target.DISTRICT, RosterImportIn, RosterImportReport)
    @blp.problems({404: "Unknown district", 422: "Rows with errors: nothing stored"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Validate every row; import unless a row failed (or only the valid rows if asked)."""
        call = caller()
        call.known(code)  # an unknown district is 404 before the body is looked at
        try:
            content = base64.b64decode(data["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ProblemError.invalid(
                "content_base64", "content_base64 is not base64", "not base64"
            ) from None
        try:
            report = application.import_file(
                call,
                code,
                lambda: io.BytesIO(content),
                data["filename"],
                valid_rows_only=data["valid_rows_only"],
                dry_run=data["dry_run"],
            )
        except ImportFileError as error:
            column = {"column": error.column} if error.column else {}
            raise ProblemError.invalid(
                "content_base64", str(error), str(error), error=column
            ) from None
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
