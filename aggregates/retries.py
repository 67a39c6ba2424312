"""Saving a command's changes when another request may have saved the same aggregate first.

Every command loads a fresh copy, changes it and saves; a concurrent save of the same
aggregate makes the store refuse ours (a version conflict).  Trying again re-reads the
aggregate, so the rules are checked against what the other request saved: two concurrent
chair appointments end in one success and one 409.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError, Recording

from aggregates.errors import Conflict

#: How often a command is tried when other requests keep winning the race.
RETRIES = 3

R = TypeVar("R")


def save_retrying(
    save: Callable[..., list[Recording[Any]]],
    attempt: Callable[[], tuple[Sequence[Any], R]],
    current_version: Callable[[], int],
    what: str,
) -> tuple[R, list[Recording[Any]]]:
    """Run ``attempt`` (fresh load + command: aggregates to save, result) and save them.

    After the last lost race, a 409 naming ``what`` and its current version.
    """
    for n in range(RETRIES):
        aggregates, result = attempt()
        try:
            return result, save(*aggregates)
        except IntegrityError:
            if n == RETRIES - 1:
                raise Conflict(
                    f"{what} was changed by another request; try again",
                    current_version=current_version(),
                ) from None
    raise AssertionError("unreachable")
