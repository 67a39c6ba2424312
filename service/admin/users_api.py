"""Accounts and tokens: city administrators manage everyone, district administrators
their own district's people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from aggregates.errors import NoSuchDistrict, NoSuchToken, NoSuchUser
from projections.platform.accounts import User
from service.http.access import Action, Principal, Role, Target, check_scope_fields, rule
from service.http.auth import current_principal
from service.http.blueprint import ApiBlueprint
from service.http.context import services
from service.http.problems import ProblemError
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

blp = ApiBlueprint("users", __name__, url_prefix="/api/v1", description="Accounts and tokens")

#: Roles only a city administrator may hand out.
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.BUREAU_AUDITOR})


def _may_manage(principal: Principal, user: User) -> bool:
    """City administrators manage everyone; district administrators their district."""
    if principal.city_wide:
        return True
    return user.district == principal.district and Role(user.role) not in CITY_ROLES


def _managed_user(user_id: str) -> User:
    user = services().runtime.accounts.user(user_id)
    if not _may_manage(current_principal(), user):
        raise NoSuchUser(id=user_id, field="user_id")
    return user


@blp.route("/users")
class Users(MethodView):
    """Accounts."""

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.response(200, UserList)
    def get(self) -> dict[str, Any]:
        """The accounts the caller manages."""
        principal = current_principal()
        accounts = services().runtime.accounts
        users = accounts.users(None if principal.city_wide else principal.district)
        items = [u for u in users if _may_manage(principal, u)]
        return {"items": items, "total": len(items)}

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.arguments(UserIn)
    @blp.response(201, UserCreated)
    @blp.alt_response(403, schema=ProblemSchema, description="Outside the caller's scope")
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create an account and its first token (shown once)."""
        principal = current_principal()
        role = Role(data["role"])
        check_scope_fields(role, data)
        if not principal.city_wide and (
            role in CITY_ROLES or data.get("district") != principal.district
        ):
            raise ProblemError(
                403,
                "forbidden",
                "district administrators create accounts of their district",
                extra={"field": "district" if role not in CITY_ROLES else "role"},
            )
        if data.get("district"):
            services().runtime.tenancy.district(data["district"])
        association_id = data.get("association_id")
        accounts = services().runtime.accounts
        user = accounts.add_user(
            name=data["name"],
            role=role.value,
            district=data.get("district"),
            township=data.get("township"),
            association_id=str(association_id) if association_id else None,
            organisation=data["organisation"],
            created_by=principal.actor,
        )
        token = accounts.issue_token(user.id, valid_for=timedelta(days=data["valid_days"]))
        return {"user": user, "token": token}


@blp.route("/users/<user_id>/tokens")
class UserTokens(MethodView):
    """A user's tokens."""

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    @blp.alt_response(404, schema=ProblemSchema, description="No such user in scope")
    def post(self, data: dict[str, Any], user_id: str) -> Any:
        """Issue another token."""
        user = _managed_user(user_id)
        if user.disabled_at:
            raise ProblemError(409, "conflict", "the account is disabled")
        return services().runtime.accounts.issue_token(
            user.id, valid_for=timedelta(days=data["valid_days"])
        )


@blp.route("/users/<user_id>/disable")
class UserDisable(MethodView):
    """Switching an account off."""

    @rule(Action.MANAGE_USERS, Target.NONE)
    @blp.response(200, UserOut)
    @blp.alt_response(404, schema=ProblemSchema, description="No such user in scope")
    @blp.alt_response(409, schema=ProblemSchema, description="The last active city administrator")
    def post(self, user_id: str) -> Any:
        """Disable the account and revoke all its tokens."""
        user = _managed_user(user_id)
        accounts = services().runtime.accounts
        accounts.disable_user(user.id, by=current_principal().actor)
        return accounts.user(user.id)


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
        accounts = services().runtime.accounts
        owner = accounts.token_owner(token_id)
        if owner is None or not _may_manage(current_principal(), owner):
            raise NoSuchToken(id=token_id, field="token_id")
        accounts.revoke_token(token_id, by=current_principal().actor)


@blp.route("/me")
class MeResource(MethodView):
    """The caller."""

    @rule(Action.READ, Target.NONE)
    @blp.response(200, Me)
    def get(self) -> Any:
        """Who the token belongs to, with role and scope."""
        return current_principal()


@blp.route("/personal-data-reads")
class PersonalDataReads(MethodView):
    """The record of unmasked reads of personal data."""

    @rule(Action.AUDIT, Target.NONE)
    @blp.arguments(PersonalReadQuery, location="query")
    @blp.response(200, PersonalReadList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Who saw whose personal data unmasked, when and why (newest first)."""
        principal = current_principal()
        district = query.get("district")
        if not principal.city_wide:
            if district not in (None, principal.district):
                raise NoSuchDistrict(id=district, field="district")
            district = principal.district
        reads = services().runtime.accounts.unmasked_reads(
            district, query["limit"], query["offset"]
        )
        return {"items": reads}
