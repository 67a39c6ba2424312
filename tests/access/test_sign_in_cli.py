"""The operator gives people their logins: ``canxie users add`` prints a login and a one-time
password once, ``users reset-password`` a new one, ``users set-login`` one for an account made
before logins existed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aggregates.errors import SignInFailed
from service.application.sign_in import session_principal, sign_in
from service.cli.main import main
from tests import factories
from tests.plugin import MakeRuntime
from workers.runtime import Runtime


def _cli(data: Path, *args: str) -> Result:
    env = {"CANXIE_DATA_DIR": str(data), "CANXIE_DATABASE_URL": "", "CANXIE_BROKER_URL": ""}
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def _one_time(output: str) -> str:
    found = re.search(r"one-time password \(changed at the (?:first|next) sign-in\): (\S+)", output)
    assert found, output
    return found.group(1)


@pytest.fixture
def operator_store(make_runtime: MakeRuntime, tmp_path: Path) -> tuple[Path, Runtime]:
    """An embedded store the command line and the test's runtime share."""
    return tmp_path, make_runtime()


def test_users_add_prints_the_login_and_a_one_time_password(
    operator_store: tuple[Path, Runtime],
) -> None:
    data, runtime = operator_store
    added = _cli(data, "users", "add", "督查 王", "--role", "inspector", "--login", "Wang.Li")
    assert "login wang.li," in added.output
    assert "token (store it now" in added.output  # the API token, as before
    session = sign_in(runtime, "wang.li", _one_time(added.output), "-")
    assert session.must_change_password

    default = _cli(data, "users", "add", "督查 赵", "--role", "inspector")
    assert "login inspector-1," in default.output
    listed = _cli(data, "users", "list").output
    assert "\twang.li\t督查 王\t" in listed and "\tinspector-1\t" in listed


def test_a_password_reset_prints_a_new_one_time_password_and_signs_out(
    operator_store: tuple[Path, Runtime],
) -> None:
    data, runtime = operator_store
    added = _cli(data, "users", "add", "王", "--role", "inspector", "--login", "wang")
    first = _one_time(added.output)
    session = sign_in(runtime, "wang", first, "-")
    reset = _cli(data, "users", "reset-password", "wang")
    assert "signed out everywhere" in reset.output
    assert session_principal(runtime, session.id) is None
    with pytest.raises(SignInFailed):
        sign_in(runtime, "wang", first, "-")
    assert sign_in(runtime, "wang", _one_time(reset.output), "-").must_change_password

    unknown = CliRunner().invoke(
        main, ["users", "reset-password", "nobody"], env={"CANXIE_DATA_DIR": str(data)}
    )
    assert unknown.exit_code == 1 and "no account signs in as nobody" in unknown.output


def test_an_account_without_a_login_gets_one(operator_store: tuple[Path, Runtime]) -> None:
    data, runtime = operator_store
    user = factories.user(
        runtime.accounts, "inspector", name="老账户", created_by="an older canxie"
    )
    given = _cli(data, "users", "set-login", user.id, "lao")
    assert f"user {user.id} signs in as lao" in given.output
    assert sign_in(runtime, "lao", _one_time(given.output), "-").user_id == user.id
