"""Districts: the tenants, each with its own store."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.admin import application as admin
from service.http.access import Action, Target, rule
from service.http.blueprint import ApiBlueprint
from service.http.context import caller
from service.http.schemas import DistrictIn, DistrictList, DistrictOut

blp = ApiBlueprint("districts", __name__, url_prefix="/api/v1/districts")


@blp.route("")
class Districts(MethodView):
    """The districts of the deployment."""

    @rule(Action.READ, Target.NONE)
    @blp.response(200, DistrictList)
    def get(self) -> dict[str, Any]:
        """List the districts in the caller's scope."""
        items = admin.districts(caller())
        return {"items": items, "total": len(items)}

    @blp.writes(Target.CITY, DistrictIn, DistrictOut, action=Action.CREATE_DISTRICT, status=201)
    @blp.problems({409: "The district exists already"})
    def post(self, data: dict[str, Any]) -> Any:
        """Create a district with its own event store and read models."""
        return admin.create_district(caller(), data["code"], data["name"])
