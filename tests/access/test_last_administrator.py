"""The last city administrator cannot lock the city out (over the API or the command line).

Only the command line could restore access afterwards, so disabling the last active
city_admin account, or revoking the last live token of the last one, is a 409 that
changes nothing.  The bootstrap token is configuration, not an account: it does not count.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from service.cli.main import main
from service.http.access import Role
from tests import factories
from tests.access.world import World
from tests.plugin import ADMIN


def _me(world: World, token: str) -> int:
    return world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _admin(world: World) -> tuple[str, str]:
    """The world's only city administrator: (user id, token id of its only token)."""
    accounts = world.app.extensions["canxie"].runtime.accounts
    (user,) = [u for u in accounts.users() if u.role == "city_admin"]
    (token,) = accounts.tokens(user.id)
    return user.id, token["token_id"]


def _assert_last_admin_refused(response: object, field: str) -> None:
    assert response.status_code == 409, response.get_json()  # type: ignore[attr-defined]
    assert response.headers["Content-Type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["type"] == "urn:canxie:problem:conflict"
    assert body["field"] == field
    assert "最后一个有效的市级管理员" in body["detail"]  # Chinese unless English is asked


def _refused_as_the_last_one(world: World, path: str, field: str) -> None:
    response = world.client.post(path, headers=world.headers(Role.CITY_ADMIN))
    _assert_last_admin_refused(response, field)
    assert _me(world, world.tokens[Role.CITY_ADMIN]) == 200  # nothing changed


def test_the_last_city_admin_cannot_disable_itself(world: World) -> None:
    user_id, _ = _admin(world)
    _refused_as_the_last_one(world, f"/api/v1/users/{user_id}/disable", "user_id")
    # The bootstrap token is not an account: it does not make the account dispensable.
    bootstrap = ADMIN
    response = world.client.post(f"/api/v1/users/{user_id}/disable", headers=bootstrap)
    _assert_last_admin_refused(response, "user_id")


def test_the_last_token_of_the_last_city_admin_cannot_be_revoked(world: World) -> None:
    _, token_id = _admin(world)
    _refused_as_the_last_one(world, f"/api/v1/tokens/{token_id}/revocation", "token_id")


def test_another_token_of_the_last_city_admin_can_be_revoked(world: World) -> None:
    user_id, first = _admin(world)
    admin = world.headers(Role.CITY_ADMIN)
    second = world.client.post(f"/api/v1/users/{user_id}/tokens", headers=admin, json={})
    assert second.status_code == 201
    revoked = world.client.post(f"/api/v1/tokens/{first}/revocation", headers=admin)
    assert revoked.status_code == 204
    assert _me(world, world.tokens[Role.CITY_ADMIN]) == 401
    headers = {"Authorization": f"Bearer {second.get_json()['token']}"}
    last = world.client.post(
        f"/api/v1/tokens/{second.get_json()['token_id']}/revocation", headers=headers
    )
    _assert_last_admin_refused(last, "token_id")


def test_a_city_admin_may_go_when_another_one_remains(world: World) -> None:
    user_id, _ = _admin(world)
    admin = world.headers(Role.CITY_ADMIN)
    created = world.client.post(
        "/api/v1/users", headers=admin, json={"name": "第二位管理员", "role": "city_admin"}
    )
    assert created.status_code == 201
    response = world.client.post(f"/api/v1/users/{user_id}/disable", headers=admin)
    assert response.status_code == 200
    assert _me(world, world.tokens[Role.CITY_ADMIN]) == 401
    successor = {"Authorization": f"Bearer {created.get_json()['token']['token']}"}
    assert world.client.get("/api/v1/me", headers=successor).status_code == 200
    # ... and now the successor is the last one.
    response = world.client.post(
        f"/api/v1/users/{created.get_json()['user']['id']}/disable", headers=successor
    )
    _assert_last_admin_refused(response, "user_id")


def test_an_admin_whose_tokens_all_expired_does_not_count(world: World) -> None:
    accounts = world.app.extensions["canxie"].runtime.accounts
    user_id, _ = _admin(world)
    stale = factories.user(accounts, "city_admin", name="过期管理员")
    accounts.issue_token(stale.id, valid_for=timedelta(seconds=-1))
    _refused_as_the_last_one(world, f"/api/v1/users/{user_id}/disable", "user_id")


def _cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _cli_admin(env: dict[str, str], name: str) -> tuple[str, str]:
    added = _cli(env, "users", "add", name, "--role", "city_admin")
    assert added.exit_code == 0, added.output
    user = re.search(r"user (\w+) \(city_admin\) created", added.output)
    token = re.search(r"token id (\w+),", added.output)
    assert user and token, added.output
    return user.group(1), token.group(1)


@pytest.fixture
def cli_env(store_url: str | None, tmp_path: Path) -> dict[str, str]:
    """The command line's environment: the embedded store, or a PostgreSQL catalog."""
    return {
        "CANXIE_DATA_DIR": str(tmp_path),
        "CANXIE_DATABASE_URL": store_url or "",
        "CANXIE_BROKER_URL": "",
    }


def test_the_command_line_refuses_to_remove_the_last_city_admin(cli_env: dict[str, str]) -> None:
    user_id, token_id = _cli_admin(cli_env, "市残联管理员")
    for target in (user_id, token_id):
        refused = _cli(cli_env, "users", "revoke", target)
        assert refused.exit_code == 1, refused.output
        assert "last active city administrator" in refused.output
    listed = _cli(cli_env, "users", "list")
    assert "\tactive" in listed.output and "revoked" not in listed.output
    _cli_admin(cli_env, "第二位管理员")
    done = _cli(cli_env, "users", "revoke", user_id)
    assert done.exit_code == 0, done.output
    assert "disabled" in done.output
