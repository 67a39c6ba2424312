"""Saving a command's changes when another request may have saved the same aggregate first.

Every command loads a copy, changes it and saves; a concurrent save of the same aggregate
makes the store refuse ours (a version conflict).  Trying again re-reads the aggregate, so
the rules are checked against what the other request saved: two concurrent chair
appointments end in one success and one 409.

The first try may use the process's cached copies without asking the store for newer events
(aggregates/store/cached_copies.py): the store's version check catches a stale copy of what is
saved.  That try counts only if it saved every aggregate it read that way and met no refusal;
otherwise the command runs again on fresh copies, so a refusal is never based on a stale copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError, Recording

from aggregates.errors import LostRace
from aggregates.store.cached_copies import TrustingRepository

#: How often a command is tried on fresh copies when other requests keep winning the race.
RETRIES = 3

R = TypeVar("R")

Attempt = Callable[[], tuple[Sequence[Any], R]]


def save_retrying(
    save: Callable[..., list[Recording[Any]]],
    attempt: Attempt[R],
    current_version: Callable[[], int],
    what: str,
    *,
    repository: object = None,
) -> tuple[R, list[Recording[Any]]]:
    """Run ``attempt`` (load + command: aggregates to save, result) and save them.

    With a ``TrustingRepository``, a first try on cached copies; then up to ``RETRIES`` tries
    on fresh copies.  After the last lost race, a 409 naming ``what`` and its current version.
    """
    trusting = repository if isinstance(repository, TrustingRepository) else None
    if trusting is not None:
        saved = _try_on_cached_copies(save, attempt, trusting)
        if saved is not None:
            return saved
    for n in range(RETRIES):
        aggregates, result = attempt()
        try:
            recordings = save(*aggregates)
        except IntegrityError:
            if n == RETRIES - 1:
                raise LostRace(current_version=current_version()) from None
        else:
            if trusting is not None:
                trusting.remember(aggregates)
            return result, recordings
    raise AssertionError("unreachable")


def _try_on_cached_copies(
    save: Callable[..., list[Recording[Any]]],
    attempt: Attempt[R],
    repository: TrustingRepository,
) -> tuple[R, list[Recording[Any]]] | None:
    """The saved result, or None when the try does not count (see the module's docstring)."""
    with repository.trusting_cache() as trusted:
        try:
            aggregates, result = attempt()
        except Exception:
            if trusted:
                return None  # perhaps refused because a copy was stale: ask again, fresh
            raise
    if not trusted <= {getattr(a, "id", None) for a in aggregates}:
        return None  # it read a cached copy it does not save: nothing would catch staleness
    try:
        recordings = save(*aggregates)
    except IntegrityError:
        return None
    repository.remember(aggregates)
    return result, recordings
