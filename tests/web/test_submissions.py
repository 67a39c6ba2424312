"""A form's submission key makes its act run once per account (projections/platform/
submissions.py), on the embedded store and on PostgreSQL alike."""

from __future__ import annotations

import pytest

from projections.platform import submissions as module
from projections.platform.submissions import StillRunning, Submissions
from workers.runtime import Runtime


def _check_once(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = Submissions(runtime.db)
    acts: list[str] = []

    def act() -> str:
        acts.append("ran")
        return "/tasks?recorded=1"

    assert taken.once("u1", "key-1", act) == ("/tasks?recorded=1", True)
    assert taken.once("u1", "key-1", act) == ("/tasks?recorded=1", False)
    assert taken.once("u2", "key-1", act) == ("/tasks?recorded=1", True)  # per account
    assert acts == ["ran", "ran"]

    def refused() -> str:
        raise ValueError("refused")

    with pytest.raises(ValueError):
        taken.once("u1", "key-2", refused)
    assert taken.once("u1", "key-2", act) == ("/tasks?recorded=1", True)  # may be sent again

    monkeypatch.setattr(module, "WAIT_SECONDS", 0.2)
    assert taken._claim("u1", "key-3")  # a first submission still running (or dead)
    with pytest.raises(StillRunning):
        taken.once("u1", "key-3", act)
    assert len(acts) == 3


def test_a_submission_runs_once_per_account_and_key(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_once(runtime, monkeypatch)


@pytest.mark.hosted
def test_a_submission_runs_once_on_postgresql(
    hosted_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_once(hosted_runtime, monkeypatch)
