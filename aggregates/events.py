"""Each event written once: on the aggregate method that applies it (the library's ``@event``).

``@event("Released", effective="released_on")`` on a method is the library's declarative
decorator: the event class (``KeySupervision.Released``, same module and qualified name as a
nested class would have, so stored topics resolve) is made from the method's parameters, and
the method's body is its ``apply``, run when the event is triggered and again on every replay.
A public command validates first, then calls the decorated method (named with a leading
underscore); on ``__init__`` it declares the "created" event.

The two keyword arguments set the class attributes that readers of stored events look up:
``effective`` is ``EFFECTIVE_FIELD``, the date on which the fact took effect
(projections/replay.py); ``personal`` is ``PERSONAL``, the paths sealed with the person's own
key (aggregates/store/personal_data.py).  :class:`Aggregate` (or :class:`Index`) sets them,
and the parameters' defaults, once the library has made the classes, so every aggregate of
ours derives from one of the two.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.domain import Aggregate as LibraryAggregate
from eventsourcing.domain import CommandMethodDecorator
from eventsourcing.domain import event as library_event

from aggregates.clock import event_timestamp
from aggregates.provenance import Provenance

Method = TypeVar("Method", bound=Callable[..., None])

#: Attribute of a decorated method holding the class attributes of its event.
_ATTRIBUTES = "_event_class_attributes"


def event(
    name: str, *, effective: str | None = None, personal: tuple[str, ...] = ()
) -> Callable[[Method], Method]:
    """The library's ``@event(name)``, with ``EFFECTIVE_FIELD`` and ``PERSONAL`` for its class."""
    attributes: dict[str, Any] = {}
    if effective:
        attributes["EFFECTIVE_FIELD"] = effective
    if personal:
        attributes["PERSONAL"] = personal

    def decorate(method: Method) -> Method:
        parameters = inspect.signature(method).parameters
        named = [effective] if effective else []
        named += [path.split(".")[0] for path in personal]
        for field in named:
            if field not in parameters:
                raise TypeError(f"{method.__qualname__} has no parameter {field!r}")
        decorated = library_event(name)(method)
        setattr(decorated, _ATTRIBUTES, attributes)
        return decorated

    return decorate


class Aggregate(LibraryAggregate):
    """The library's aggregate, whose events made by :func:`event` are completed, and each
    carries its provenance as ``by``."""

    class Event(LibraryAggregate.Event):
        """Base of every aggregate's events: each carries its provenance as ``by``."""

        create_timestamp = staticmethod(event_timestamp)

        by: Provenance

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _complete_events(cls)


class Index(LibraryAggregate):
    """An index aggregate (a claim, a receipt): its id derives from what it indexes, so a
    second claim collides at the event store; its created event carries no provenance."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _complete_events(cls)


def _complete_events(cls: type) -> None:
    """Complete the event classes the library made for ``cls`` from its decorated methods."""
    for member in list(vars(cls).values()):
        if isinstance(member, CommandMethodDecorator) and member.event_cls_name:
            event_class = getattr(cls, member.event_cls_name)
            _complete(event_class, member.decorated_func, getattr(member, _ATTRIBUTES, {}))


def _complete(event_class: type, method: Callable[..., None], attributes: dict[str, Any]) -> None:
    """Set what the library leaves out of the class it makes from ``method``.

    A parameter's default becomes the class attribute that a stored event written before the
    field existed reads (the library restores an event's ``__dict__`` as stored); the library
    itself only copies the parameters' annotations.
    """
    for name, parameter in inspect.signature(method).parameters.items():
        if parameter.default is not parameter.empty and name not in vars(event_class):
            setattr(event_class, name, parameter.default)
    for key, value in attributes.items():
        setattr(event_class, key, value)
    # Stamped by the clock of the command that triggers it (aggregates/clock.py), like every
    # event class of ours.
    event_class.create_timestamp = staticmethod(event_timestamp)  # type: ignore[attr-defined]
