"""A district's townships and villages: entered one by one or from CSV, renamed, merged, split.

Reads are narrowed to the caller's scope (a township officer sees their township and its
villages); changes to the register need the whole district in scope.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from aggregates.division import DivisionPart
from aggregates.errors import DivisionImportRefused, DomainError, NoSuchDivision
from projections.associations import find_association
from projections.divisions import find_division, list_divisions
from service.access import Action, Principal, Target, rule
from service.api.blueprint import ApiBlueprint
from service.auth import current_principal
from service.context import await_position, known_district, provenance, services
from service.division_import import parse_division_csv
from service.lifecycle_schemas import (
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
from service.messages import say
from service.problems import ProblemError, request_locale
from service.schemas import Accepted, ProblemSchema, ReadQuery

blp = ApiBlueprint(
    "divisions",
    __name__,
    url_prefix="/api/v1/districts/<code>/divisions",
    description="Townships/streets and villages/communities (区划)",
)


def _whole_district(code: str) -> None:
    """Changing the register is the district federation's work."""
    if not current_principal().covers_whole_district(code):
        raise ProblemError(403, "forbidden", "changing divisions needs the whole district")


def scope_of(principal: Principal, code: str) -> tuple[str | None, str | None]:
    """(township, village) narrowing the caller's view of the divisions."""
    if principal.association_id:
        association = find_association(services().runtime.db, code, principal.association_id)
        return None, association["division_code"] if association else "-"
    return principal.township, None


def _committed(code: str) -> None:
    services().wakeups.district_changed(code)


@blp.route("")
class Divisions(MethodView):
    """The district's register."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(DivisionListQuery, location="query")
    @blp.response(200, DivisionList)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown district")
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """List townships and villages (active ones unless ``include_ended``)."""
        known_district(code)
        await_position(code, query.get("min_position"))
        township, village = scope_of(current_principal(), code)
        items, total = list_divisions(
            services().runtime.db,
            code,
            level=query.get("level"),
            township_code=query.get("township_code"),
            include_ended=query["include_ended"],
            scope_township=township,
            scope_village=village,
            limit=query["limit"],
            offset=query["offset"],
        )
        return {"items": items, "total": total, "limit": query["limit"], "offset": query["offset"]}

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(DivisionIn)
    @blp.response(201, Accepted)
    @blp.alt_response(409, schema=ProblemSchema, description="The code is registered")
    @blp.alt_response(422, schema=ProblemSchema, description="Code outside the district")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Enter a township (9 digits) or a village/community (12 digits)."""
        records = services().runtime.tenancy.records(known_district(code))
        _whole_district(code)
        saved = records.record_division(by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}


@blp.route("/import")
class DivisionImport(MethodView):
    """A CSV upload."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(DivisionImportIn)
    @blp.response(200, DivisionImported)
    @blp.alt_response(422, schema=ProblemSchema, description="Rows with errors; none imported")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Import townships and villages from CSV text: all rows, or none and every error."""
        records = services().runtime.tenancy.records(known_district(code))
        _whole_district(code)
        try:
            parsed = parse_division_csv(data["csv"], code, data["effective_on"])
            result = records.import_divisions(parsed.rows, by=provenance())
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
        _committed(code)
        return {
            "created": result.created,
            "unchanged": result.unchanged,
            "skipped_other_districts": parsed.skipped,
            "position": result.position or records.head_position(),
        }


@blp.route("/merger")
class VillageMerger(MethodView):
    """Villages merging."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(MergeIn)
    @blp.response(200, Accepted)
    @blp.alt_response(409, schema=ProblemSchema, description="Two active associations")
    @blp.alt_response(422, schema=ProblemSchema, description="Not active villages")
    def post(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """Merge villages into one of them or a new one; the association follows."""
        records = services().runtime.tenancy.records(known_district(code))
        _whole_district(code)
        saved = records.merge_villages(by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}


@blp.route("/<division_code>")
class DivisionResource(MethodView):
    """One division."""

    @rule(Action.READ, Target.DISTRICT)
    @blp.arguments(ReadQuery, location="query")
    @blp.response(200, DivisionDetail)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown division")
    def get(self, query: dict[str, Any], code: str, division_code: str) -> dict[str, Any]:
        """A division with its history (renamings, merges, splits) and its association."""
        known_district(code)
        await_position(code, query.get("min_position"))
        township, village = scope_of(current_principal(), code)
        division = find_division(
            services().runtime.db,
            code,
            division_code,
            scope_township=township,
            scope_village=village,
        )
        if division is None:
            raise NoSuchDivision(id=division_code, field="division_code")
        association = division["association"]
        if association and not current_principal().covers_association(
            association["id"], division["township_code"] or ""
        ):
            division["association"] = None
        return division


@blp.route("/<division_code>/renaming")
class DivisionRenaming(MethodView):
    """A new name."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(RenameIn)
    @blp.response(200, Accepted)
    @blp.alt_response(404, schema=ProblemSchema, description="Unknown division")
    def post(self, data: dict[str, Any], code: str, division_code: str) -> dict[str, Any]:
        """Rename a township or village from a date."""
        records = services().runtime.tenancy.records(known_district(code))
        _whole_district(code)
        saved = records.rename_division(division_code, by=provenance(), **data)
        _committed(code)
        return {"position": saved.position}


@blp.route("/<division_code>/split")
class DivisionSplit(MethodView):
    """A village splitting."""

    @rule(Action.WRITE, Target.DISTRICT)
    @blp.arguments(SplitIn)
    @blp.response(200, Accepted)
    @blp.alt_response(404, schema=ProblemSchema, description="No register")
    @blp.alt_response(422, schema=ProblemSchema, description="Not an active village")
    def post(self, data: dict[str, Any], code: str, division_code: str) -> dict[str, Any]:
        """Split a village into parts; its association follows the part named."""
        records = services().runtime.tenancy.records(known_district(code))
        _whole_district(code)
        saved = records.split_village(
            division_code,
            parts=[DivisionPart(code=p["code"], name=p["name"]) for p in data["parts"]],
            effective_on=data["effective_on"],
            association_to=data["association_to"],
            by=provenance(),
        )
        _committed(code)
        return {"position": saved.position}


def _row_message(row: dict[str, Any]) -> str:
    """A refused row's message: a domain refusal in the request's language, else as parsed."""
    error = row.get("error")
    return say(error, request_locale()) if isinstance(error, DomainError) else str(row["message"])
