"""A clock for the sign-in tests: the tests' Calendar, with minutes and seconds passing."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.plugin import Calendar


class Watch(Calendar):
    """The Calendar's day at 10:00 in Zhengzhou, plus whatever time the test let pass."""

    def __init__(self) -> None:
        super().__init__()
        self.passed = timedelta(0)

    def now(self) -> datetime:
        """The day's 10:00 plus the time passed."""
        return super().now() + self.passed

    def wait(self, **duration: float) -> None:
        """Let ``timedelta(**duration)`` pass."""
        self.passed += timedelta(**duration)
