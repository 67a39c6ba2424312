"""The district's event-store application: one instance per district (tenant).

Commands load an aggregate, call a method that enforces the plan's rules, and save the new
events in one transaction of the district's own store.  What comes back is the new event's
*position* in the district's notification log, so a client can ask a read model to have
caught up at least that far.

A command's first try may use the process's cached copies without asking the store for
newer events (``TrustingRepository``): the store's version check catches a stale copy of what
is saved.  That try counts only if it saved every aggregate it read that way and met no
refusal; otherwise the command runs again on fresh copies, so a refusal is never based on a
stale copy.  A concurrent save of the same aggregate makes the store refuse ours; trying again
re-reads it, so the rules are checked against what the other request saved: two concurrent
chair appointments end in one success and one 409.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from copy import deepcopy
from datetime import date
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, Recording, Transcoding

from aggregates.association.association import (
    Association,
    Background,
    DivisionClaim,
    OfficerRole,
)
from aggregates.association.commands import LifecycleCommands
from aggregates.campaign.commands import InspectionCommands
from aggregates.care.commands import CareCommands
from aggregates.clock import SYSTEM_CLOCK, Clock, on_its_clock
from aggregates.errors import (
    AssociationExists,
    ChangedConcurrently,
    DivisionNotInDistrict,
    LostRace,
    NoSuchAssociation,
    NotFound,
)
from aggregates.provenance import Provenance
from aggregates.records import RETRIES, Attempt, Saved
from aggregates.roster.person import RosterCommands
from aggregates.store.personal_data import Sealer, SealingMapper
from aggregates.store.topics import register_old_topics

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

register_old_topics()  # stored events keep the topics their classes had before a move


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


def saved_from(result: object, position: int) -> Saved:
    """A command's result as :class:`Saved`: a new id, ``(id, more ids)`` or nothing."""
    if isinstance(result, tuple):
        first, rest = result
        return Saved(first, position, tuple(rest))
    return Saved(result if isinstance(result, UUID) else None, position)


class DateAsISO(Transcoding):
    """Stores ``datetime.date`` as ``YYYY-MM-DD``; the library knows datetimes only."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        """Write the date."""
        return obj.isoformat()

    def decode(self, data: str) -> date:
        """Read the date back."""
        return date.fromisoformat(data)


@on_its_clock
class DistrictRecords(
    CareCommands, RosterCommands, LifecycleCommands, InspectionCommands, Application[UUID]
):
    """The records of one district: its associations and their officers."""

    name = "District"  # table names: district_events, ...

    def __init__(
        self,
        district_code: str,
        env: Mapping[str, str] | None = None,
        clock: Clock = SYSTEM_CLOCK,
        sealer: Sealer | None = None,
    ) -> None:
        self.sealer = sealer  # needed by construct_mapper, which the library calls in __init__
        self.clock = clock  # likewise: each method of ours runs on it (on_its_clock)
        super().__init__(env=dict(env or {}))
        self.district_code = district_code

    def construct_mapper(self) -> Mapper[Any]:
        """The library's mapper, sealing personal fields with each person's own key."""
        return SealingMapper(
            transcoder=self.construct_transcoder(),
            compressor=self.factory.compressor(),
            cipher=self.factory.cipher(),
            sealer=self.sealer,
        )

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, able to lend cached copies to commands that save them."""
        plain = super().construct_repository()
        repository = TrustingRepository(
            event_store=plain.event_store,
            snapshot_store=plain.snapshot_store,
            fastforward=plain.fastforward,
            fastforward_skipping=plain.fastforward_skipping,
            deepcopy_from_cache=plain.deepcopy_from_cache,
        )
        repository.cache = plain.cache
        return repository

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Teach the stored-event encoder about dates."""
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- commands ---------------------------------------------------------------------

    def establish_association(
        self,
        *,
        division_code: str,
        name: str,
        township_code: str,
        established_on: date,
        by: Provenance,
    ) -> Saved:
        """Set up a village's association; a second one for the same village is a conflict."""
        if not division_code.startswith(self.district_code):
            raise DivisionNotInDistrict(
                code=division_code, district=self.district_code, field="division_code"
            )
        self.check_village_registered(division_code)
        association = Association.establish(
            division_code=division_code,
            name=name,
            township_code=township_code,
            established_on=established_on,
            today=self.clock.today(),
            by=by,
        )
        claim = DivisionClaim.claim(division_code, association.id)
        try:
            return self.record(association, claim, created=association.id)
        except ChangedConcurrently:
            raise AssociationExists(code=division_code, field="division_code") from None

    def appoint_officer(
        self,
        association_id: UUID,
        *,
        name: str,
        role: OfficerRole,
        full_time: bool,
        backgrounds: list[Background],
        appointed_on: date,
        by: Provenance,
        phone: str | None = None,
    ) -> Saved:
        """Seat an officer in an association."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.appoint_officer,
                phone=phone,
                name=name,
                role=role,
                full_time=full_time,
                backgrounds=backgrounds,
                appointed_on=appointed_on,
            ),
            by,
        )

    def remove_officer(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        removed_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """Take an officer out of office."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.remove_officer,
                officer_id=officer_id,
                removed_on=removed_on,
                reason=reason,
            ),
            by,
        )

    # -- loading and saving (aggregates/records.py) ---------------------------------------

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate of that id if it is a ``kind``, else None."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def load(self, aggregate_id: UUID, kind: type[A], missing: type[NotFound], field: str) -> A:
        """The aggregate of that id if it is a ``kind``, else ``missing`` naming ``field``."""
        aggregate = self.find(aggregate_id, kind)
        if aggregate is None:
            raise missing(id=aggregate_id, field=field)
        return aggregate

    def association(self, association_id: UUID) -> Association:
        """Load an association, or say it does not exist."""
        return self.load(association_id, Association, NoSuchAssociation, "association_id")

    def head_position(self) -> int:
        """The position of the newest event in this district's log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def record(
        self, *aggregates: Aggregate, created: UUID | None = None, more: tuple[UUID, ...] = ()
    ) -> Saved:
        """Save in one transaction; a version conflict is ``ChangedConcurrently``."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise ChangedConcurrently() from None
        return Saved(created, self._position(recordings), more)

    def change(self, load: Callable[[], A], command: Callable[[A], Any]) -> Saved:
        """Run ``command`` on the aggregate ``load`` gives and save it, retrying a lost race."""

        def attempt() -> tuple[list[A], Any]:
            aggregate = load()
            return [aggregate], command(aggregate)

        result, position = self.retrying(attempt)
        return saved_from(result, position)

    def command_on(
        self, load: Callable[[], A], command: Callable[..., Any], by: Provenance
    ) -> Saved:
        """:meth:`change` with today's date and the provenance passed to ``command``."""
        return self.change(
            load, lambda aggregate: command(aggregate, today=self.clock.today(), by=by)
        )

    def change_association(
        self, association_id: UUID, command: Callable[[Association], Any]
    ) -> Saved:
        """Run ``command`` on the association and save it, retrying a lost race."""
        return self.change(lambda: self.association(association_id), command)

    def retrying(self, attempt: Attempt[R]) -> tuple[R, int]:
        """A first try on cached copies (see the module's docstring), then up to ``RETRIES``
        tries on fresh copies; after the last lost race, a 409 with the current version."""
        repository = self.repository
        assert isinstance(repository, TrustingRepository)
        saved = self._try_on_cached_copies(attempt, repository)
        if saved is not None:
            return saved
        for n in range(RETRIES):
            aggregates, result = attempt()
            try:
                recordings = self.save(*aggregates)
            except IntegrityError:
                if n == RETRIES - 1:
                    current: int = self.repository.get(aggregates[0].id).version
                    raise LostRace(current_version=current) from None
            else:
                repository.remember(aggregates)
                return result, self._position(recordings)
        raise AssertionError("unreachable")

    def forget_person_key(self, person_id: UUID, *, by: str, reason: str) -> None:
        """Destroy the key sealing a person's data (crypto-shredding)."""
        if self.sealer is None:
            raise RuntimeError("erasure needs the district's key ring")
        self.sealer.destroy(str(person_id), by=by, reason=reason)

    def _try_on_cached_copies(
        self, attempt: Attempt[R], repository: TrustingRepository
    ) -> tuple[R, int] | None:
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
            recordings = self.save(*aggregates)
        except IntegrityError:
            return None
        repository.remember(aggregates)
        return result, self._position(recordings)

    def _position(self, recordings: Sequence[Recording[Any]]) -> int:
        """The position the save reached; with nothing saved, the log's head."""
        return max((r.notification.id for r in recordings), default=None) or self.head_position()
