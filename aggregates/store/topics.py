"""Old topics of moved classes: stored events keep the topic they were written with.

An event is stored with the topic of its class (``module:QualName``), and a created event
carries its aggregate's topic in its state.  Stored events are never rewritten, so when a
module moves, the topics it had must still resolve: each aggregate class of a moved module,
and each event class nested in it, is registered under its old module's name too
(``aggregates.person:Person.Erased`` -> :class:`aggregates.roster.person.Person.Erased`).

Classes are registered one by one, never a whole old module: an old module's name that is
now a package's (``aggregates.association``) would otherwise shadow the package, and new
topics under it (``aggregates.association.association:...``) would no longer resolve.

Called when :mod:`aggregates.store.district` is imported, so every process that opens a
district's store reads old events.  Class names never change in a move: read models keep them
(``audit_entries.event_type``, ``person_history.event``).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

#: Module an aggregate was defined in -> the module that defines it now.
MOVED: dict[str, str] = {
    "aggregates.association": "aggregates.association.association",
    "aggregates.training": "aggregates.association.training",
    "aggregates.division": "aggregates.divisions.division",
    "aggregates.person": "aggregates.roster.person",
    "aggregates.group": "aggregates.care.group",
    "aggregates.needs": "aggregates.care.needs",
    "aggregates.visit": "aggregates.care.visit",
    "aggregates.evaluation": "aggregates.care.evaluation",
    "aggregates.district_settings": "aggregates.care.district_settings",
    "aggregates.campaign": "aggregates.campaign.campaign",
    "aggregates.inspection": "aggregates.campaign.inspection",
    "aggregates.cultivation": "aggregates.campaign.cultivation",
    "aggregates.supervision": "aggregates.campaign.supervision",
}


def _nested(cls: type) -> Iterator[type]:
    """The class and every class defined inside it, at any depth."""
    yield cls
    for value in vars(cls).values():
        if isinstance(value, type) and value.__qualname__.startswith(f"{cls.__qualname__}."):
            yield from _nested(value)


def old_topics() -> dict[str, type]:
    """Old topic -> class, for every aggregate of a moved module and its event classes."""
    found: dict[str, type] = {}
    for old, new in MOVED.items():
        module = import_module(new)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Aggregate) and value.__module__ == new:
                for cls in _nested(value):
                    found[f"{old}:{cls.__qualname__}"] = cls
    return found


def register_old_topics() -> None:
    """Make every old topic resolve to the class that now defines it."""
    for topic, cls in old_topics().items():
        register_topic(topic, cls)
