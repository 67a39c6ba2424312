"""People sign in with a login and a password: one-time passwords, weak passwords, sessions
that time out, end on sign-out, on disabling and on a password reset."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aggregates.errors import (
    BadLogin,
    CurrentPasswordWrong,
    LoginTaken,
    PasswordTooWeak,
    SessionEnded,
    SignInFailed,
)
from service.admin import application as admin
from service.application import operator
from service.application.sign_in import (
    change_password,
    session_principal,
    sign_in,
    sign_out,
)
from service.http.access import Role, principal_of
from service.messages import say
from tests.access.sign_in_clock import Watch
from tests.factories import PASSWORD, person_account
from tests.plugin import MakeRuntime
from workers.runtime import Runtime
from workers.settings import Settings

ADDRESS = "203.0.113.7"
ONE_TIME = "abcd-efgh-jkmn"


@pytest.fixture
def signing_runtime(make_runtime: MakeRuntime, watch: Watch) -> Runtime:
    """An embedded runtime on the test's watch, with an inspector who signs in as ``wang``."""
    runtime = make_runtime(clock=watch)
    person_account(runtime.accounts, "inspector", login="wang", name="王督查")
    return runtime


def test_a_one_time_password_must_be_changed_before_anything_else(
    signing_runtime: Runtime,
) -> None:
    runtime = signing_runtime
    user = _inspector_with_a_one_time_password(runtime)
    first = sign_in(runtime, "li.qiang", ONE_TIME, ADDRESS)
    assert first.must_change_password and first.login == "li.qiang"
    assert first.user_id == user

    second = change_password(runtime, first.id, ONE_TIME, "我的新密码-2026")
    assert not second.must_change_password and second.id != first.id
    assert session_principal(runtime, first.id) is None  # the one-time session ended
    principal, session = session_principal(runtime, second.id) or (None, None)
    assert principal is not None and principal.actor == user
    assert session is not None and not session.must_change_password

    with pytest.raises(SignInFailed):
        sign_in(runtime, "li.qiang", ONE_TIME, ADDRESS)
    assert not sign_in(runtime, "LI.QIANG ", "我的新密码-2026", ADDRESS).must_change_password


def _inspector_with_a_one_time_password(runtime: Runtime) -> str:
    """A city-wide inspector added as ``canxie users add`` adds one; returns the user id."""
    user, _ = admin.add_user(
        operator(runtime),
        role=Role.INSPECTOR,
        valid_days=1,
        login="Li.Qiang",
        one_time_password=ONE_TIME,
        name="李强",
        organisation="",
    )
    assert user.login == "li.qiang"
    return user.id


@pytest.mark.parametrize(
    "weak",
    ["short-1", "abababababab", PASSWORD],
    ids=["too short", "two letters", "the current one"],
)
def test_a_weak_password_is_refused(signing_runtime: Runtime, weak: str) -> None:
    session = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    with pytest.raises(PasswordTooWeak) as refused:
        change_password(signing_runtime, session.id, PASSWORD, weak)
    assert refused.value.facts == {"minimum_length": 10}
    assert "10" in say(refused.value) and "密码" in say(refused.value)
    assert "10 characters" in say(refused.value, "en")
    # Refused, nothing changed: the session and the old password still work.
    assert session_principal(signing_runtime, session.id) is not None
    assert sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)


def test_the_login_itself_is_refused_as_a_password(signing_runtime: Runtime) -> None:
    person_account(signing_runtime.accounts, "inspector", login="zhang.minghui")
    session = sign_in(signing_runtime, "zhang.minghui", PASSWORD, ADDRESS)
    with pytest.raises(PasswordTooWeak):
        change_password(signing_runtime, session.id, PASSWORD, "Zhang.Minghui")


def test_changing_the_password_needs_the_current_one(signing_runtime: Runtime) -> None:
    session = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    with pytest.raises(CurrentPasswordWrong) as refused:
        change_password(signing_runtime, session.id, "not the password", "另一个足够长的新密码2026")
    assert say(refused.value) == "当前密码错误"
    sign_out(signing_runtime, session.id)
    with pytest.raises(SessionEnded):
        change_password(signing_runtime, session.id, PASSWORD, "另一个足够长的新密码2026")


def test_changing_the_password_ends_the_other_sessions(signing_runtime: Runtime) -> None:
    phone = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    desk = sign_in(signing_runtime, "wang", PASSWORD, "198.51.100.9")
    kept = change_password(signing_runtime, desk.id, PASSWORD, "另一个足够长的新密码2026")
    assert session_principal(signing_runtime, phone.id) is None
    assert session_principal(signing_runtime, desk.id) is None
    assert session_principal(signing_runtime, kept.id) is not None


def test_a_session_ends_after_the_idle_timeout(signing_runtime: Runtime, watch: Watch) -> None:
    session = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    for _ in range(4):  # used every 29 minutes: two hours on, still signed in
        watch.wait(minutes=29)
        found = session_principal(signing_runtime, session.id)
        assert found is not None
        assert found[1].last_seen_at == watch.now()
    watch.wait(minutes=30, seconds=1)
    assert session_principal(signing_runtime, session.id) is None
    watch.wait(seconds=-2)  # ended for good: going back does not revive it
    assert session_principal(signing_runtime, session.id) is None


def test_a_session_ends_after_its_lifetime_however_busy(
    signing_runtime: Runtime, watch: Watch
) -> None:
    session = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    for _ in range(12 * 3):  # every 20 minutes for 12 hours
        assert session_principal(signing_runtime, session.id) is not None
        watch.wait(minutes=20)
    watch.wait(seconds=1)
    assert session_principal(signing_runtime, session.id) is None


def test_the_timeouts_are_settings(make_runtime: MakeRuntime, watch: Watch) -> None:
    runtime = make_runtime(clock=watch, session_idle_minutes=5, session_lifetime_hours=1)
    person_account(runtime.accounts, "inspector", login="wang")
    idle = sign_in(runtime, "wang", PASSWORD, ADDRESS)
    watch.wait(minutes=5, seconds=1)
    assert session_principal(runtime, idle.id) is None
    busy = sign_in(runtime, "wang", PASSWORD, ADDRESS)
    for _ in range(15):  # an hour, used every 4 minutes
        watch.wait(minutes=4)
        assert session_principal(runtime, busy.id) is not None
    watch.wait(seconds=1)
    assert session_principal(runtime, busy.id) is None


def test_signing_out_ends_the_session_only(signing_runtime: Runtime) -> None:
    phone = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    desk = sign_in(signing_runtime, "wang", PASSWORD, ADDRESS)
    sign_out(signing_runtime, phone.id)
    assert session_principal(signing_runtime, phone.id) is None
    assert session_principal(signing_runtime, desk.id) is not None
    sign_out(signing_runtime, phone.id)  # twice: nothing happens
    sign_out(signing_runtime, "not a session")


def test_disabling_an_account_ends_its_sessions(signing_runtime: Runtime) -> None:
    runtime = signing_runtime
    person_account(runtime.accounts, "city_admin", login="city")  # not the last city admin
    session = sign_in(runtime, "wang", PASSWORD, ADDRESS)
    (user,) = [u for u in runtime.accounts.users() if u.login == "wang"]
    admin.disable_user(operator(runtime), user.id)
    assert session_principal(runtime, session.id) is None
    with pytest.raises(SignInFailed):  # the same answer as a wrong password
        sign_in(runtime, "wang", PASSWORD, ADDRESS)


def test_a_password_reset_ends_the_sessions_and_asks_for_a_new_password(
    signing_runtime: Runtime,
) -> None:
    runtime = signing_runtime
    session = sign_in(runtime, "wang", PASSWORD, ADDRESS)
    user, one_time = admin.reset_password(operator(runtime), "Wang")
    assert user.login == "wang"
    assert session_principal(runtime, session.id) is None
    with pytest.raises(SignInFailed):
        sign_in(runtime, "wang", PASSWORD, ADDRESS)
    assert sign_in(runtime, "wang", one_time, ADDRESS).must_change_password


def test_a_session_gives_the_principal_a_token_of_the_account_gives(
    signing_runtime: Runtime,
) -> None:
    runtime = signing_runtime
    (user,) = [u for u in runtime.accounts.users() if u.login == "wang"]
    token = runtime.accounts.issue_token(user.id, valid_for=timedelta(days=1))
    by_token = runtime.accounts.user_for_token(token.token)
    assert by_token is not None
    found = session_principal(runtime, sign_in(runtime, "wang", PASSWORD, ADDRESS).id)
    assert found is not None
    assert found[0] == principal_of(by_token)
    assert found[0].role is Role.INSPECTOR and found[0].name == "王督查"


def test_a_session_and_its_account_are_one_read_of_the_catalog(
    signing_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page asks for its session: the account comes with it, not in a second read."""
    runtime = signing_runtime
    session_id = sign_in(runtime, "wang", PASSWORD, ADDRESS).id
    reads: list[bool] = []
    catalog = runtime.db.catalog

    def counted(*, write: bool) -> Any:
        reads.append(write)
        return catalog(write=write)

    monkeypatch.setattr(runtime.db, "catalog", counted)
    found = session_principal(runtime, session_id)
    assert found is not None and found[0].name == "王督查"
    assert reads == [False]


def test_unknown_and_malformed_session_ids_name_nobody(signing_runtime: Runtime) -> None:
    for presented in ("", "x", "a" * 5000, sign_in(signing_runtime, "wang", PASSWORD, "-").id[:-1]):
        assert session_principal(signing_runtime, presented) is None


def test_the_session_and_lock_settings_come_from_the_environment() -> None:
    assert (Settings().session_idle_minutes, Settings().session_lifetime_hours) == (30, 12)
    read = Settings.from_environ(
        {
            "CANXIE_SESSION_IDLE_MINUTES": "15",
            "CANXIE_SESSION_LIFETIME_HOURS": "8",
            "CANXIE_SIGN_IN_LOCK_FAILURES": "5",
            "CANXIE_SIGN_IN_LOCK_MINUTES": "30",
        }
    )
    assert (read.session_idle_minutes, read.session_lifetime_hours) == (15, 8)
    assert (read.sign_in_lock_failures, read.sign_in_lock_minutes) == (5, 30)
    for wrong in ("0", "-1", "soon"):
        with pytest.raises(ValueError, match="CANXIE_SESSION_IDLE_MINUTES"):
            Settings.from_environ({"CANXIE_SESSION_IDLE_MINUTES": wrong})


@pytest.mark.parametrize("login", ["王芳", "ab", "-dash-first", "has space", "x" * 41])
def test_a_login_of_the_wrong_shape_is_refused_and_nothing_is_made(
    signing_runtime: Runtime, login: str
) -> None:
    before = len(signing_runtime.accounts.users())
    with pytest.raises(BadLogin) as refused:
        person_account(signing_runtime.accounts, "inspector", login=login)
    assert refused.value.field == "login" and "登录名" in say(refused.value)
    assert len(signing_runtime.accounts.users()) == before


def test_a_taken_login_is_refused_and_nothing_is_made(signing_runtime: Runtime) -> None:
    before = len(signing_runtime.accounts.users())
    with pytest.raises(LoginTaken) as refused:
        person_account(signing_runtime.accounts, "inspector", login=" WANG")
    assert say(refused.value) == "登录名 wang 已被使用"
    assert len(signing_runtime.accounts.users()) == before
