"""Accounts and tokens: city administrators manage everyone, district administrators
their own district's people."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.admin import application as admin
from service.http.access import Action, Role, Target, rule
from service.http.blueprint import ApiBlueprint
from service.http.context import caller
from service.http.schemas import (
    Me,
    PersonalReadList,
    PersonalReadQuery,
    ProblemSchema,
    TokenIn,
    TokenOut,
    UserCreated,
    UserIn,
    UserList,
    UserOut,
)

blp = ApiBlueprint("users", __name__, url_prefix="/api/v1")


@blp.route("/users")
class Users(MethodView):
    """Accounts."""

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.response(200, UserList)
    def get(self) -> dict[str, Any]:
        """The accounts the caller manages."""
        items = admin.users(caller())
        return {"items": items, "total": len(items)}

    @blp.writes(Target.NONE, UserIn, UserCreated, action=Action.MANAGE_USERS, status=201)
    @blp.problems({403: "Outside the caller's scope"})
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create an account and its first token (shown once)."""
        role = Role(data.pop("role"))
        user, token = admin.add_user(caller(), role=role, **data)
        return {"user": user, "token": token}


@blp.route("/users/<user_id>/tokens")
class UserTokens(MethodView):
    """A user's tokens."""

    @blp.writes(Target.NONE, TokenIn, TokenOut, action=Action.MANAGE_USERS, status=201)
    @blp.problems({404: "No such user in scope"})
    def post(self, data: dict[str, Any], user_id: str) -> Any:
        """Issue another token."""
        return admin.issue_token(caller(), user_id, data["valid_days"])


@blp.route("/users/<user_id>/disable")
class UserDisable(MethodView):
    """Switching an account off."""

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.response(200, UserOut)
    @blp.alt_response(404, schema=ProblemSchema, description="No such user in scope")
    @blp.alt_response(409, schema=ProblemSchema, description="The last active city administrator")
    def post(self, user_id: str) -> Any:
        """Disable the account and revoke all its tokens."""
        return admin.disable_user(caller(), user_id)


@blp.route("/tokens/<token_id>/revocation")
class TokenRevocation(MethodView):
    """Revoking one token."""

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.response(204)
    @blp.alt_response(404, schema=ProblemSchema, description="No such token in scope")
    @blp.alt_response(
        409, schema=ProblemSchema, description="The last token of the last city administrator"
    )
    def post(self, token_id: str) -> None:
        """Revoke a token at once."""
        admin.revoke_token(caller(), token_id)


@blp.route("/me")
class MeResource(MethodView):
    """The caller."""

    @rule(Action.READ, Target.NONE)
    @blp.response(200, Me)
    def get(self) -> Any:
        """Who the token belongs to, with role and scope."""
        return caller().principal


@blp.route("/personal-data-reads")
class PersonalDataReads(MethodView):
    """The record of unmasked reads of personal data."""

    @blp.operation(Action.AUDIT, Target.NONE, PersonalReadQuery, PersonalReadList, location="query")
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Who saw whose personal data unmasked, when and why (newest first)."""
        reads = admin.unmasked_reads(
            caller(), query.get("district"), query["limit"], query["offset"]
        )
        return {"items": reads}
