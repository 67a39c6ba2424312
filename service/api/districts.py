"""Districts: the tenants, each with its own store."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.context import provenance, services
from service.schemas import DistrictIn, DistrictList, DistrictOut, ProblemSchema

blp = Blueprint("districts", __name__, url_prefix="/api/v1/districts", description="Districts")


@blp.route("")
class Districts(MethodView):
    """The districts of the deployment."""

    @blp.response(200, DistrictList)
    def get(self) -> dict[str, Any]:
        """List every district."""
        items = services().runtime.tenancy.districts()
        return {"items": items, "total": len(items)}

    @blp.arguments(DistrictIn)
    @blp.response(201, DistrictOut)
    @blp.alt_response(409, schema=ProblemSchema, description="The district exists already")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a district with its own event store and read models."""
        return services().runtime.tenancy.create_district(data["code"], data["name"], provenance())
