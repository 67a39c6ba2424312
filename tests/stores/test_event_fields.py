"""Every event class keeps the fields it stored, with their types and defaults.

``event_fields.json`` was written from the nested event classes as they were before events were
declared on their methods (``@event``, aggregates/events.py): the library now makes each class
from a method's parameters, so renaming or retyping a parameter would silently change what is
stored. ``by`` is typed ``Provenance`` in memory and stored as the plain object it always was
(``test_provenance_form.py``). Keyed by qualified name (``Person.Erased``), which read models
store, so that moving a module does not touch it.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate

import aggregates

EXPECTED: dict[str, Any] = json.loads((Path(__file__).parent / "event_fields.json").read_text())


def _field(cls: type, field: dataclasses.Field[Any]) -> str:
    """Type and default: the class attribute a stored event without the field reads."""
    default = getattr(cls, field.name, dataclasses.MISSING)
    return field.type + ("" if default is dataclasses.MISSING else f" = {default!r}")


def event_shapes() -> dict[str, Any]:
    """Qualified name -> fields, kind and class attributes of every aggregate's event class."""
    shapes = {}
    for info in pkgutil.walk_packages(aggregates.__path__, "aggregates."):
        module = importlib.import_module(info.name)
        for outer in vars(module).values():
            if not isinstance(outer, type) or not issubclass(outer, BaseAggregate):
                continue
            if outer.__module__ != module.__name__ or module.__name__ == "aggregates.events":
                continue
            for cls in vars(outer).values():
                if isinstance(cls, type) and issubclass(cls, CanMutateAggregate):
                    shapes[cls.__qualname__] = {
                        "fields": {f.name: _field(cls, f) for f in dataclasses.fields(cls)},
                        "created": issubclass(cls, CanInitAggregate),
                        "effective": getattr(cls, "EFFECTIVE_FIELD", None),
                        "personal": list(getattr(cls, "PERSONAL", ())),
                    }
    return shapes


def test_every_event_class_keeps_its_stored_fields() -> None:
    actual = event_shapes()
    differ = {
        name: {"expected": EXPECTED.get(name), "actual": actual.get(name)}
        for name in sorted(set(EXPECTED) | set(actual))
        if EXPECTED.get(name) != actual.get(name)
    }
    assert not differ, json.dumps(differ, indent=1, ensure_ascii=False)
