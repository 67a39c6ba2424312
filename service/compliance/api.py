"""Compliance with the plan, live or as of any past day, per district and for the city."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.application import campaign
from service.compliance.schemas import (
    CityOut,
    CityQuery,
    ComplianceOut,
    ComplianceQuery,
    DiffOut,
    DiffQuery,
)
from service.http.access import Target
from service.http.blueprint import ApiBlueprint
from service.http.context import caller

blp = ApiBlueprint("compliance", __name__, url_prefix="/api/v1")


@blp.route("/districts/<code>/compliance")
class DistrictCompliance(MethodView):
    """One district's compliance."""

    @blp.reads(Target.DISTRICT, ComplianceQuery, ComplianceOut)
    @blp.problems({404: "Unknown district"})
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Every rule for every association, with township and district roll-ups."""
        return campaign.compliance(caller(), code, query)


@blp.route("/districts/<code>/compliance/diff")
class ComplianceDiff(MethodView):
    """What changed between two days."""

    @blp.reads(Target.DISTRICT, DiffQuery, DiffOut)
    def get(self, query: dict[str, Any], code: str) -> dict[str, Any]:
        """Findings that started or stopped failing between ``from`` and ``to``."""
        changed = campaign.compliance_diff(caller(), code, query)
        return {
            "district": code,
            "basis": query["basis"],
            "from_": query["from_"],
            "to": query["to"],
            **changed,
        }


@blp.route("/compliance")
class CityCompliance(MethodView):
    """The city roll-up."""

    @blp.reads(Target.NONE, CityQuery, CityOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Each district the caller covers wholly, and their sum."""
        return campaign.city_compliance(caller(), query)
