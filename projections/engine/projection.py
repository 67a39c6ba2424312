"""What a projection is: a name (its tracking row), its tables, and event handlers.

Handlers are deterministic functions of an event and its log position that describe row
changes to a :class:`UnitOfWork`; the same code serves the live read models, a rebuild from
scratch and an as-of replay (DESIGN decision 3).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import StoredEvent

from projections.engine.unit_of_work import UnitOfWork
from projections.platform.tables import Table

Handler = Callable[[Any, int, UnitOfWork], None]
#: Sees every stored record as it is stored (bytes and all), e.g. for the audit trail.
RecordHandler = Callable[[StoredEvent, Any, int, UnitOfWork], None]


def handled(*handlers: Handler) -> dict[type, Handler]:
    """Each handler under the event class its first parameter is annotated with (each class of
    a union), as ``functools.singledispatch`` registers: each pairing is written once."""
    table: dict[type, Handler] = {}
    for handler in handlers:
        first = next(iter(inspect.signature(handler).parameters))
        hint = typing.get_type_hints(handler)[first]
        for kind in typing.get_args(hint) or (hint,):
            if not isinstance(kind, type) or kind in table:
                raise TypeError(f"{handler.__qualname__}: {kind!r} is no event class of its own")
            table[kind] = handler
    return table


@dataclass(frozen=True)
class Projection:
    """A read model built from a district's events."""

    name: str
    tables: tuple[Table, ...]
    handlers: dict[type, Handler]
    every_record: RecordHandler | None = None

    def apply(self, stored: StoredEvent, event: Any, position: int, uow: UnitOfWork) -> None:
        """Describe the row changes of one event; events it does not know change nothing."""
        if self.every_record is not None:
            self.every_record(stored, event, position, uow)
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(event, position, uow)


class Router:
    """For each event type, the projections that do anything with it, worked out once.

    Most read models ignore most events; asking all twelve about every event of a catch-up or
    a rebuild costs more than the few that answer.
    """

    def __init__(self, projections: Sequence[Projection]) -> None:
        self._projections = tuple(projections)
        self._by_type: dict[type, tuple[Projection, ...]] = {}

    def __call__(self, event: Any) -> tuple[Projection, ...]:
        """The projections, in their order, that record or handle ``event``."""
        kind = type(event)
        found = self._by_type.get(kind)
        if found is None:
            found = tuple(
                p for p in self._projections if p.every_record is not None or kind in p.handlers
            )
            self._by_type[kind] = found
        return found
