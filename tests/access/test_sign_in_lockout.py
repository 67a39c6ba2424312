"""Repeated failures slow one login down, then lock that account for a while; an address is
only ever slowed, so the colleagues behind one village's NAT still sign in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from aggregates.errors import AccountLocked, SignInFailed, SignInThrottled, SignInTooSoon
from projections.platform.passwords import SignInFailures
from service.application.sign_in import (
    ADDRESS_CEILING,
    login_wait,
    session_principal,
    sign_in,
)
from service.messages import say
from tests.access.sign_in_clock import Watch
from tests.factories import PASSWORD, person_account
from tests.plugin import MakeRuntime
from workers.runtime import Runtime

#: The village committee's one public address.
VILLAGE_NAT = "203.0.113.7"


@pytest.fixture
def colleagues(make_runtime: MakeRuntime, watch: Watch) -> Runtime:
    """Two workers of one village, ``liu`` and ``chen``, on the test's watch."""
    runtime = make_runtime(clock=watch)
    for login in ("liu", "chen"):
        person_account(runtime.accounts, "inspector", login=login)
    return runtime


def _fail_patiently(runtime: Runtime, watch: Watch, login: str, times: int) -> None:
    """``times`` wrong passwords, each after waiting as long as the last refusal asked."""
    for _ in range(times):
        try:
            sign_in(runtime, login, "wrong password", VILLAGE_NAT)
        except SignInFailed:
            pass
        except SignInThrottled as wait:
            watch.wait(seconds=wait.facts["retry_after_seconds"])
            with pytest.raises(SignInFailed):
                sign_in(runtime, login, "wrong password", VILLAGE_NAT)


def test_from_the_third_failure_each_attempt_waits_longer(
    colleagues: Runtime, watch: Watch
) -> None:
    _fail_patiently(colleagues, watch, "liu", 3)
    waits = []
    for _ in range(3):
        with pytest.raises(SignInTooSoon) as refused:  # even with the right password
            sign_in(colleagues, "liu", PASSWORD, VILLAGE_NAT)
        waits.append(refused.value.facts["retry_after_seconds"])
        watch.wait(seconds=waits[-1])
        with pytest.raises(SignInFailed):
            sign_in(colleagues, "liu", "wrong again", VILLAGE_NAT)
    assert waits == [2, 4, 8]
    assert say(refused.value) == "登录失败次数过多，请等待 8 秒后再试"
    watch.wait(seconds=16)
    assert sign_in(colleagues, "liu", PASSWORD, VILLAGE_NAT)  # right: the count starts over
    with pytest.raises(SignInFailed):
        sign_in(colleagues, "liu", "wrong", VILLAGE_NAT)  # a first failure again: no wait


def test_ten_failures_lock_one_account_while_a_colleague_signs_in_from_the_same_address(
    colleagues: Runtime, watch: Watch
) -> None:
    _fail_patiently(colleagues, watch, "liu", 10)
    watch.wait(minutes=5)  # longer than any wait: what is left is the lock
    with pytest.raises(AccountLocked) as locked:
        sign_in(colleagues, "liu", PASSWORD, VILLAGE_NAT)
    assert locked.value.facts == {"retry_after_seconds": 600, "retry_after_minutes": 10}
    assert say(locked.value) == "登录失败次数过多，账户已被锁定，请 10 分钟后再试"

    chen = sign_in(colleagues, "chen", PASSWORD, VILLAGE_NAT)
    assert session_principal(colleagues, chen.id) is not None

    watch.wait(minutes=10)
    assert sign_in(colleagues, "liu", PASSWORD, VILLAGE_NAT).login == "liu"


def test_an_unknown_login_is_refused_and_locked_like_a_known_one(
    colleagues: Runtime, watch: Watch
) -> None:
    """Neither the answer nor the lock tells a stranger which logins exist."""
    refusals = []
    for login in ("liu", "nobody"):
        _fail_patiently(colleagues, watch, login, 10)
        with pytest.raises(SignInThrottled) as refused:
            sign_in(colleagues, login, "wrong password", VILLAGE_NAT)
        refusals.append((type(refused.value), refused.value.facts))
    assert refusals[0] == refusals[1]
    assert refusals[0][0] is AccountLocked


def test_many_failures_from_one_address_only_space_its_attempts_out(
    colleagues: Runtime, watch: Watch
) -> None:
    for n in range(ADDRESS_CEILING):  # a hundred different logins guessed once each
        with pytest.raises(SignInFailed):
            sign_in(colleagues, f"guess{n}", "wrong password", VILLAGE_NAT)
    with pytest.raises(SignInTooSoon) as slowed:
        sign_in(colleagues, "chen", PASSWORD, VILLAGE_NAT)
    assert slowed.value.facts == {"retry_after_seconds": 2}
    assert sign_in(colleagues, "chen", PASSWORD, "198.51.100.20")  # another address: no wait
    watch.wait(seconds=2)
    assert sign_in(colleagues, "chen", PASSWORD, VILLAGE_NAT).login == "chen"
    watch.wait(minutes=15)  # the window has passed: no spacing any more
    with pytest.raises(SignInFailed):
        sign_in(colleagues, "guess0", "wrong password", VILLAGE_NAT)
    assert sign_in(colleagues, "liu", PASSWORD, VILLAGE_NAT)


def test_guesses_sent_at_once_are_all_counted(colleagues: Runtime) -> None:
    """Ten wrong passwords racing each other still lock the account: each failure is read
    and counted in one serialised catalog write."""

    def guess(n: int) -> str:
        try:
            sign_in(colleagues, "liu", f"wrong password {n}", f"198.51.100.{n}")
        except SignInThrottled as refused:
            return type(refused).__name__
        except SignInFailed:
            return "failed"
        return "signed in"

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(guess, range(10)))
    assert "signed in" not in answers
    counted = SignInFailures(colleagues.db).of("login:liu")
    assert counted is not None
    assert counted.failures == answers.count("failed")
    if counted.failures == 10:
        with pytest.raises(AccountLocked):
            sign_in(colleagues, "liu", PASSWORD, VILLAGE_NAT)


def test_the_lock_is_a_setting(make_runtime: MakeRuntime, watch: Watch) -> None:
    runtime = make_runtime(clock=watch, sign_in_lock_failures=4, sign_in_lock_minutes=60)
    person_account(runtime.accounts, "inspector", login="liu")
    _fail_patiently(runtime, watch, "liu", 4)
    with pytest.raises(AccountLocked) as locked:
        sign_in(runtime, "liu", PASSWORD, VILLAGE_NAT)
    assert locked.value.facts["retry_after_minutes"] == 60


def test_the_waits_grow_and_stay_bounded() -> None:
    assert [login_wait(n).total_seconds() for n in range(1, 12)] == [
        0,
        0,
        2,
        4,
        8,
        16,
        32,
        64,
        128,
        256,
        300,
    ]
