"""Where sign-in keeps its data: no password nor session id in a stored byte or a log line,
the same behaviour on PostgreSQL, and a catalog from before logins upgrading on open."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregates.errors import AccountLocked, LoginTaken, SignInFailed
from projections.platform.accounts import token_digest
from service.admin import application as admin
from service.application import operator
from service.application.sign_in import change_password, session_principal, sign_in, sign_out
from tests.access.sign_in_clock import Watch
from tests.factories import PASSWORD, person_account
from tests.leaks import files_holding, forms
from tests.plugin import MakeRuntime
from workers.runtime import Runtime

OLD_STORE = Path(__file__).parents[1] / "stores" / "v0" / "data"
NEW_PASSWORD = "新的密码-second one"


def test_no_password_nor_session_id_is_stored_or_logged(
    make_runtime: MakeRuntime, watch: Watch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = make_runtime(clock=watch)
    person_account(runtime.accounts, "inspector", login="wang", one_time=True)
    with caplog.at_level(logging.DEBUG):
        first = sign_in(runtime, "wang", PASSWORD, "203.0.113.7")
        second = change_password(runtime, first.id, PASSWORD, NEW_PASSWORD)
        with pytest.raises(SignInFailed):
            sign_in(runtime, "wang", "a wrong guess 123", "203.0.113.7")
        assert session_principal(runtime, second.id) is not None
        sign_out(runtime, second.id)
    secrets = {
        "one-time password": forms(PASSWORD),
        "password": forms(NEW_PASSWORD),
        "wrong guess": forms("a wrong guess 123"),
        "first session": forms(first.id),
        "second session": forms(second.id),
    }
    logged = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert not [label for label, variants in secrets.items() if any(v in logged for v in variants)]
    assert files_holding(tmp_path, secrets) == {}
    assert files_holding(tmp_path, {"login": forms("wang")})  # the search does read the store
    assert first.id not in repr(first) and second.id not in str(second)
    with runtime.db.catalog(write=False) as cur:
        cur.execute("SELECT password_hash FROM passwords")
        (stored,) = [row["password_hash"] for row in cur.fetchall()]
    assert stored.startswith("$argon2id$")


@pytest.mark.hosted
def test_signing_in_on_postgresql(make_runtime: MakeRuntime, watch: Watch, pg_url: str) -> None:
    runtime = make_runtime(clock=watch, database_url=pg_url)
    person_account(runtime.accounts, "inspector", login="wang", one_time=True)
    person_account(runtime.accounts, "inspector", login="zhao")
    session = sign_in(runtime, "WANG", PASSWORD, "203.0.113.7")
    assert session.must_change_password
    kept = change_password(runtime, session.id, PASSWORD, NEW_PASSWORD)
    watch.wait(minutes=29)
    assert session_principal(runtime, kept.id) is not None
    watch.wait(minutes=31)
    assert session_principal(runtime, kept.id) is None  # idle
    for _ in range(10):
        watch.wait(minutes=5)
        with pytest.raises(SignInFailed):
            sign_in(runtime, "wang", "wrong password", "203.0.113.7")
    with pytest.raises(AccountLocked):
        sign_in(runtime, "wang", NEW_PASSWORD, "203.0.113.7")
    other = sign_in(runtime, "zhao", PASSWORD, "203.0.113.7")  # same address, not locked
    (zhao,) = [u for u in runtime.accounts.users() if u.login == "zhao"]
    person_account(runtime.accounts, "city_admin", login="city")
    admin.disable_user(operator(runtime), zhao.id)
    assert session_principal(runtime, other.id) is None


def _an_account_from_before_logins(catalog: Path) -> tuple[str, str]:
    """An account and its token written straight into the old catalog, as the release
    before logins wrote them; returns (user id, token)."""
    user_id, token = "0123456789abcdef0123456789abcdef", "cx_an-old-token-from-before-logins"
    now = datetime.now(UTC)
    with sqlite3.connect(catalog) as conn:
        conn.execute(
            "INSERT INTO users (id, name, role, district, township, association_id, "
            "organisation, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, "老管理员", "city_admin", None, None, None, "", now.isoformat(), "serve"),
        )
        conn.execute(
            "INSERT INTO tokens (token_hash, token_id, user_id, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                token_digest(token),
                "0a1b2c3d4e5f",
                user_id,
                now.isoformat(),
                (now + timedelta(days=30)).isoformat(),
            ),
        )
    conn.close()
    return user_id, token


def test_a_catalog_from_before_logins_upgrades_on_open(
    make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(OLD_STORE, data)
    with sqlite3.connect(data / "catalog.sqlite3") as conn:
        before = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "passwords" not in before and "web_sessions" not in before
    user_id, token = _an_account_from_before_logins(data / "catalog.sqlite3")

    runtime: Runtime = make_runtime(data_dir=data)  # opened as ``canxie serve`` opens it
    (old,) = runtime.accounts.users()
    assert old.id == user_id and old.login is None
    assert runtime.accounts.user_for_token(token) == old  # its token works as before
    with pytest.raises(SignInFailed):
        sign_in(runtime, "admin", "", "-")

    user, one_time = admin.set_login(operator(runtime), user_id, "admin")
    assert user.login == "admin"
    session = sign_in(runtime, "admin", one_time, "-")
    assert session.must_change_password
    person_account(runtime.accounts, "inspector", login="wang")
    with pytest.raises(LoginTaken):
        admin.set_login(operator(runtime), user_id, "Wang")
    assert runtime.accounts.user_for_token(token) is not None
