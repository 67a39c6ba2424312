"""What the capabilities' commands need of a district's store, and what a command returns.

The commands (``aggregates/<capability>/commands.py``; the roster's beside ``Person`` in
``aggregates/roster/person.py``) are written against :class:`Records`, not against the
event-store library: loading, saving in one transaction and trying a lost race again are the
store's business (``aggregates/store/district.py`` implements them), so the domain packages
import ``eventsourcing.domain`` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

if TYPE_CHECKING:  # pragma: no cover
    from aggregates.association.association import Association
    from aggregates.clock import Clock
    from aggregates.errors import NotFound
    from aggregates.provenance import Provenance

#: How often a command is tried on fresh copies when other requests keep winning the race.
RETRIES = 3

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

#: Load and decide: the aggregates to save in one transaction, and the command's result.
Attempt = Callable[[], tuple[Sequence[Any], R]]


@dataclass(frozen=True)
class Saved:
    """What a command returns: the id it created (if any), the log position it reached, and
    the ids of any parts it created with it (a survey's needs, an inspection's problems)."""

    id: UUID | None
    position: int
    more: tuple[UUID, ...] = ()


class Records:
    """A district's store as the commands see it (implemented by ``DistrictRecords``)."""

    district_code: str
    clock: Clock

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate of that id if it is a ``kind``, else None."""
        raise NotImplementedError

    def load(self, aggregate_id: UUID, kind: type[A], missing: type[NotFound], field: str) -> A:
        """The aggregate of that id if it is a ``kind``, else ``missing`` naming ``field``."""
        raise NotImplementedError

    def record(
        self, *aggregates: Aggregate, created: UUID | None = None, more: tuple[UUID, ...] = ()
    ) -> Saved:
        """Save the aggregates' new events in one transaction.

        Another request having saved one of them first is :class:`ChangedConcurrently`; with
        nothing new, the position is the log's head.
        """
        raise NotImplementedError

    def retrying(self, attempt: Attempt[R]) -> tuple[R, int]:
        """Run ``attempt`` and save what it returns, again on fresh copies after a lost race;
        its result and the position reached."""
        raise NotImplementedError

    def change(self, load: Callable[[], A], command: Callable[[A], Any]) -> Saved:
        """Run ``command`` on the aggregate ``load`` gives and save it, retrying a lost race."""
        raise NotImplementedError

    def command_on(
        self, load: Callable[[], A], command: Callable[..., Any], by: Provenance
    ) -> Saved:
        """Run an aggregate's command on the aggregate ``load`` gives, on today's date and with
        the provenance, and save it, retrying a lost race.  ``command`` is the aggregate's
        method with its other arguments bound (``partial(Group.leave, person_id=...)``), so
        that a command of the store names each argument once."""
        raise NotImplementedError

    def change_association(
        self, association_id: UUID, command: Callable[[Association], Any]
    ) -> Saved:
        """:meth:`change` on an association of the district."""
        raise NotImplementedError

    def association(self, association_id: UUID) -> Association:
        """An association of the district, or :class:`NoSuchAssociation`."""
        raise NotImplementedError

    def head_position(self) -> int:
        """The position of the newest event in the district's log (0 when empty)."""
        raise NotImplementedError

    def forget_person_key(self, person_id: UUID, *, by: str, reason: str) -> None:
        """Destroy the key sealing a person's data, for good (erasure)."""
        raise NotImplementedError
