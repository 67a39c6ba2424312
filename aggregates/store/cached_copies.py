"""Commands on cached aggregates without asking the store for newer events first.

The library's aggregate cache asks the store, on every load, for events newer than the cached
copy (fast-forward), because another process may have saved the aggregate meanwhile: one
round trip to the database per command.  For an aggregate the command is about to *save*
that question is redundant: a stale copy's new events carry versions the store already holds,
so the store refuses the save (a version conflict) and the command is run again on a fresh
copy.  ``save_retrying`` therefore runs a command's first attempt with the cache trusted, and
only for aggregates that attempt then saves; anything else it read, and any refusal it met,
sends the command round again on fresh copies (see aggregates/store/retries.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository


class TrustingRepository(Repository[UUID]):
    """The library's repository, able to hand out cached copies without a fast-forward."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._trusting = threading.local()

    @contextmanager
    def trusting_cache(self) -> Iterator[set[UUID]]:
        """Within the block (this thread only), cache hits skip the fast-forward.

        Yields the ids handed out that way, so the caller can check that it saves them all.
        """
        trusted: set[UUID] = set()
        self._trusting.ids = trusted
        try:
            yield trusted
        finally:
            self._trusting.ids = None

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        """A cached copy when trusting (and cached), otherwise the library's answer."""
        trusted: set[UUID] | None = getattr(self._trusting, "ids", None)
        if trusted is not None and version is None and not kwargs and self.cache is not None:
            copy = self._cached_copy(aggregate_id)
            if copy is not None:
                trusted.add(aggregate_id)
                return copy
        return super().get(aggregate_id, version=version, **kwargs)

    def remember(self, aggregates: Iterable[Any]) -> None:
        """Cache what a command just saved, unless the cache already holds something newer.

        The library leaves the cache alone after a save when it fast-forwards (the next load
        would catch up); without this, the next command's cached copy would always be stale.
        """
        if self.cache is None:
            return
        for aggregate in aggregates:
            aggregate_id = getattr(aggregate, "id", None)
            if not isinstance(aggregate_id, UUID):
                continue
            with self._cached(aggregate_id) as cached:
                if cached is None or cached.version < aggregate.version:
                    self.cache.put(aggregate_id, aggregate)

    def _cached_copy(self, aggregate_id: UUID) -> Any | None:
        """A deep copy of the cached aggregate, or None if it is not cached."""
        with self._cached(aggregate_id) as cached:
            return deepcopy(cached) if cached is not None else None

    @contextmanager
    def _cached(self, aggregate_id: UUID) -> Iterator[Any | None]:
        """The cached aggregate (or None), held under the library's per-aggregate lock.

        The library fast-forwards cached aggregates in place under that lock, so what is read
        or replaced within the block never has half an event applied.
        """
        assert self.cache is not None
        lock = self._use_fastforward_lock(aggregate_id)
        try:
            with lock:
                try:
                    cached = self.cache.get(aggregate_id)
                except KeyError:
                    cached = None
                yield cached
        finally:
            self._disuse_fastforward_lock(aggregate_id)
