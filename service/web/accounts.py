"""Accounts (city and district administrators, each within their scope): the list, a new
account with its role and scope, disabling, a password reset, API tokens issued and revoked.

Scope, validation and the secrets come from service/admin/application.py; a one-time password
or a token is shown on the page answering the form, once (service/web/one_time.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, request, url_for
from flask_babel import LazyString, gettext, lazy_gettext
from marshmallow import ValidationError

from projections.platform.users import User
from service.admin import application as admin
from service.application import inspecting as reads
from service.application.sign_in import new_one_time_password
from service.http.access import Action, Role, Target, rule
from service.http.context import caller
from service.http.schemas import TokenIn, UserIn
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import Form
from service.web.one_time import shown_once
from service.web.submitting import posted

ROLES: dict[str, LazyString] = {
    Role.CITY_ADMIN: lazy_gettext("City administrator"),
    Role.BUREAU_AUDITOR: lazy_gettext("Civil affairs bureau auditor"),
    Role.DISTRICT_ADMIN: lazy_gettext("District administrator"),
    Role.TOWNSHIP_OFFICER: lazy_gettext("Township officer"),
    Role.ASSOCIATION_WORKER: lazy_gettext("Village association worker"),
    Role.INSPECTOR: lazy_gettext("Inspector"),
}
#: The new account's fields as the API's schema names them (``login`` is the page's own).
ACCOUNT_FIELDS = ("name", "role", "district", "township", "association_id")
#: Fields left out when empty (the schema's default applies).
OPTIONAL_FIELDS = ("organisation", "valid_days")


def _account_page(user_id: str, **shown: Any) -> str:
    return url_for("pages.account", user_id=user_id, **shown)


@pages.route("/admin/accounts")
@rule(Action.MANAGE_USERS, Target.NONE)
def accounts() -> Response:
    """The accounts the caller manages, newest last, with their role, scope and state."""
    return render_page("admin/accounts.html", users=admin.users(caller()), roles=ROLES)


def _association_groups(district: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The district's associations the caller may give an account, grouped by township
    ("测试街道 (410102001)") and named with their village's code, for the picker."""
    found = admin.assignable_associations(caller(), district) if district else []
    if not found:
        return []
    names = {t["code"]: t["name"] for t in reads.townships(caller(), district)}
    groups: dict[str, list[tuple[str, str]]] = {}
    for association in found:
        township = str(association["township_code"] or "")
        group = f"{names.get(township, township)} ({township})"
        name, village = str(association["name"]), str(association["division_code"])
        named = name if village in name else f"{name} ({village})"
        groups.setdefault(group, []).append((str(association["id"]), named))
    return sorted(groups.items())


def _new_account_page(form: Form, status: int = 200) -> Response:
    districts = admin.districts(caller())
    return render_page(
        "admin/account_new.html",
        status,
        form=form,
        roles=ROLES,
        districts=districts,
        associations=_association_groups(str(form.values.get("district") or "")),
        choosing_district=len(districts) > 1 or not caller().principal.district,
    )


def _unknown_association(form: Form, data: dict[str, Any]) -> bool:
    """A village worker's association must be one the picker offers: an id typed or kept
    from another district is refused beside the field."""
    chosen = data.get("association_id")
    if data["role"] != Role.ASSOCIATION_WORKER or chosen is None:
        return False
    offered = admin.assignable_associations(caller(), str(data.get("district") or ""))
    if any(a["id"] == str(chosen) for a in offered):
        return False
    form.refused("association_id", gettext("Choose one of the district's associations."))
    return True


def _account_data(form: Form) -> dict[str, Any] | None:
    """The form's values parsed by the API's schema (refusals beside the fields)."""
    payload: dict[str, Any] = {name: form.values.get(name) or None for name in ACCOUNT_FIELDS}
    payload.update({name: form.values[name] for name in OPTIONAL_FIELDS if form.values.get(name)})
    try:
        data: dict[str, Any] = UserIn().load(payload)
    except ValidationError as error:
        form.invalid(error)
        return None
    return data


@pages.route("/admin/accounts/new", methods=["GET", "POST"])
@rule(Action.MANAGE_USERS, Target.NONE)
def new_account() -> Response:
    """A new account; its login's one-time password and first token are shown once."""
    principal = caller().principal
    if request.method == "GET":
        return _new_account_page(Form(values={"district": principal.district or ""}))
    form = posted()
    if form.values.get("show") == "associations":  # list the chosen district's: no account yet
        return _new_account_page(form)
    data = _account_data(form)
    if data is None or _unknown_association(form, data):
        return _new_account_page(form, 422)
    role = Role(data.pop("role"))
    login = str(form.values.get("login") or "").strip()

    def act() -> tuple[str, Mapping[str, Any]]:
        password = new_one_time_password()
        user, token = admin.add_user(
            caller(),
            role=role,
            login=login or admin.free_login(caller().runtime, role.value),
            one_time_password=password,
            **data,
        )
        return _account_page(user.id), {"user": user, "password": password, "token": token}

    return shown_once(
        form,
        act,
        lambda status: _new_account_page(form, status),
        lambda shown: render_page("admin/account_created.html", roles=ROLES, **shown),
        names={"code": "district"},  # an unknown district
    )


def _account(user: User, form: Form | None = None, status: int = 200) -> Response:
    """An account's page: its details, tokens and what may be done to it."""
    return render_page(
        "admin/account.html",
        status,
        user=user,
        tokens=admin.user_tokens(caller(), user.id),
        roles=ROLES,
        form=form or Form(values={"valid_days": "90"}),
        changed=request.args.get("changed"),
    )


@pages.route("/admin/accounts/<user_id>")
@rule(Action.MANAGE_USERS, Target.NONE)
def account(user_id: str) -> Response:
    """One account the caller manages (404 otherwise)."""
    return _account(admin.managed_user(caller(), user_id))


def _on_account(
    user: User,
    form: Form,
    act: Callable[[], Mapping[str, Any]],
    changed: str | None = None,
) -> Response:
    """Run ``act`` on the account once: what it hands out shown once, or back to the
    account's page saying what ``changed``."""
    location = _account_page(user.id, **({"changed": changed} if changed else {}))

    def show(shown: Mapping[str, Any]) -> Response:
        if not shown:
            return go_to(location)
        return render_page("admin/account_created.html", roles=ROLES, **shown)

    return shown_once(form, lambda: (location, act()), lambda s: _account(user, form, s), show)


@pages.route("/admin/accounts/<user_id>/disable", methods=["POST"])
@rule(Action.MANAGE_USERS, Target.NONE)
def disable_account(user_id: str) -> Response:
    """Disable the account: its tokens are revoked and its sessions end."""
    user = admin.managed_user(caller(), user_id)

    def act() -> Mapping[str, Any]:
        admin.disable_user(caller(), user.id)
        return {}

    return _on_account(user, posted(), act, "disabled")


@pages.route("/admin/accounts/<user_id>/password", methods=["POST"])
@rule(Action.MANAGE_USERS, Target.NONE)
def reset_account_password(user_id: str) -> Response:
    """A new one-time password (shown once), or a first login for an account without one."""
    user = admin.managed_user(caller(), user_id)
    form = posted()
    login = str(form.values.get("login") or "").strip()

    def act() -> Mapping[str, Any]:
        if user.login:
            done, password = admin.reset_password(caller(), user.login)
        else:
            done, password = admin.set_login(caller(), user.id, login)
        return {"user": done, "password": password}

    return _on_account(user, form, act)


@pages.route("/admin/accounts/<user_id>/tokens", methods=["POST"])
@rule(Action.MANAGE_USERS, Target.NONE)
def issue_account_token(user_id: str) -> Response:
    """Another API token for the account (shown once)."""
    user = admin.managed_user(caller(), user_id)
    form = posted()
    try:
        given = form.values.get("valid_days")
        valid = TokenIn().load({"valid_days": given} if given else {})
    except ValidationError as error:
        form.invalid(error)
        return _account(user, form, 422)
    return _on_account(
        user,
        form,
        lambda: {"user": user, "token": admin.issue_token(caller(), user.id, valid["valid_days"])},
    )


@pages.route("/admin/accounts/<user_id>/tokens/<token_id>/revoke", methods=["POST"])
@rule(Action.MANAGE_USERS, Target.NONE)
def revoke_account_token(user_id: str, token_id: str) -> Response:
    """Revoke one token at once."""
    user = admin.managed_user(caller(), user_id)

    def act() -> Mapping[str, Any]:
        admin.revoke_token(caller(), token_id)
        return {}

    return _on_account(user, posted(), act, "revoked")
