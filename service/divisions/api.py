"""A district's townships and villages (区划): entered one by one or from CSV, renamed,
merged, split.

Reads are narrowed to the caller's scope (a township officer sees their township and its
villages); changes to the register need the whole district in scope.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView

from aggregates.errors import DivisionImportRefused, DomainError
from aggregates.store.district import DistrictRecords
from service.association.schemas import (
    DivisionDetail,
    DivisionImported,
    DivisionImportIn,
    DivisionIn,
    DivisionList,
    DivisionListQuery,
    MergeIn,
    RenameIn,
    SplitIn,
)
from service.divisions import application
from service.http.access import Action, Target
from service.http.blueprint import DISTRICT, ApiBlueprint, accepted, page
from service.http.commands import Command, register
from service.http.context import caller
from service.http.problems import ProblemError, request_locale
from service.http.schemas import Accepted, ReadQuery
from service.messages import say

blp = ApiBlueprint("divisions", __name__, url_prefix=f"{DISTRICT}/divisions")


@blp.route("")
class Divisions(MethodView):
    """The district's register."""

    @blp.reads(Target.DISTRICT, DivisionListQuery, DivisionList)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """List townships and villages (active ones unless ``include_ended``)."""
        items, total = application.divisions(caller(), code, query)
        return page(items, total, query)

    @blp.writes(Target.DISTRICT, DivisionIn, Accepted, status=201)
    @blp.problems({409: "The code is registered", 422: "Code outside the district"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Enter a township (9 digits) or a village/community (12 digits)."""
        return accepted(application.change(caller(), code, DistrictRecords.record_division, **data))


@blp.route("/import")
class DivisionImport(MethodView):
    """A CSV upload."""

    @blp.writes(Target.DISTRICT, DivisionImportIn, DivisionImported)
    @blp.problems({422: "Rows with errors; none imported"})
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Import townships and villages from CSV text: all rows, or none and every error."""
        try:
            imported = application.import_csv(caller(), code, data["csv"], data["effective_on"])
        except DivisionImportRefused as refused:
            raise ProblemError(
                422,
                "invalid-value",
                say(refused, request_locale()),
                extra={
                    "field": "csv",
                    "errors": [
                        {
                            "field": "csv",
                            "line": r["line"],
                            "column": r["field"],
                            "message": _row_message(r),
                        }
                        for r in refused.rows
                    ],
                },
            ) from None
        return asdict(imported)


@blp.route("/<division_code>")
class DivisionResource(MethodView):
    """One division."""

    @blp.reads(Target.DISTRICT, ReadQuery, DivisionDetail)
    @blp.problems({404: "Unknown division"})
    def get(self, query: dict[str, Any], code: str, division_code: str) -> dict[str, Any]:
        """A division with its history (renamings, merges, splits) and its association."""
        return application.division(caller(), code, division_code, query.get("min_position"))


def _row_message(row: dict[str, Any]) -> str:
    """A refused row's message: a domain refusal in the request's language, else as parsed."""
    error = row.get("error")
    return say(error, request_locale()) if isinstance(error, DomainError) else str(row["message"])


#: Changes to the division register: each one command run through the divisions application
#: (:mod:`service.http.commands`).
COMMANDS = [
    Command(
        "VillageMerger",
        "/merger",
        DistrictRecords.merge_villages,
        MergeIn,
        Accepted,
        "Merge villages into one of them or a new one; the association follows.",
        {409: "Two active associations", 422: "Not active villages"},
    ),
    Command(
        "DivisionRenaming",
        "/<division_code>/renaming",
        DistrictRecords.rename_division,
        RenameIn,
        Accepted,
        "Rename a township or village from a date.",
        {404: "Unknown division"},
    ),
    Command(
        "DivisionSplit",
        "/<division_code>/split",
        DistrictRecords.split_village,
        SplitIn,
        Accepted,
        "Split a village into parts; its association follows the part named.",
        {404: "No register", 422: "Not an active village"},
    ),
]
register(blp, Action.WRITE, Target.DISTRICT, COMMANDS, run=application.change)
