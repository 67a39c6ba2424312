"""The mypy plugin (tests/quality/mypy_events.py) shows mypy the event classes ``@event`` makes.

Without it every ``Person.Relocated`` of the read models is an unknown name to ``mypy
--strict``; with it, the class exists, its fields have the types of the method's parameters,
and a wrong field or a wrong type is still an error.
"""

from __future__ import annotations

import os
from pathlib import Path

from mypy import api

from tests.quality.tracked import REPO

SNIPPET = """
from __future__ import annotations

from datetime import date
from uuid import UUID

from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


class Thing(Aggregate):
    class Event(Aggregate.Event):
        by: Provenance

    @event("Opened", effective="opened_on")
    def __init__(self, name: str, opened_on: date, by: Provenance) -> None:
        self.name = name

    @event("Renamed")
    def _rename(self, name: str, by: Provenance) -> None:
        self.name = name


def renamed(event: Thing.Renamed) -> str:
    return event.name


def opened(event: Thing.Opened) -> tuple[date, UUID, str, Provenance]:
    return event.opened_on, event.originator_id, event.originator_topic, event.by


HANDLERS = {Thing.Renamed: renamed, Thing.Opened: opened}
thing = Thing(name="x", opened_on=date(2024, 1, 1), by=Provenance())
thing._rename(name="y", by=Provenance())


def wrong_type(event: Thing.Renamed) -> int:
    return event.name


def wrong_field(event: Thing.Renamed) -> object:
    return event.opened_on


thing._rename(name=3, by=Provenance())
"""


def _mypy(tmp_path: Path) -> list[str]:
    (tmp_path / "thing.py").write_text(SNIPPET)
    config = tmp_path / "mypy.ini"
    plugin = REPO / "tests" / "quality" / "mypy_events.py"
    config.write_text(f"[mypy]\nstrict = True\nplugins = {plugin}\n")
    cwd = Path.cwd()
    os.chdir(REPO)  # mypy finds ``aggregates`` from the working directory
    try:
        out, err, _ = api.run(
            [
                "--config-file",
                str(config),
                "--cache-dir",
                str(tmp_path / "cache"),
                str(tmp_path / "thing.py"),
            ]
        )
    finally:
        os.chdir(cwd)
    assert not err, err
    return [line.split(": ", 1)[1] for line in out.splitlines() if ": error:" in line]


def test_declared_events_are_classes_with_typed_fields(tmp_path: Path) -> None:
    errors = _mypy(tmp_path)
    assert errors == [
        'error: Incompatible return value type (got "str", expected "int")  [return-value]',
        'error: "Renamed" has no attribute "opened_on"  [attr-defined]',
        'error: Argument "name" to "_rename" of "Thing" has incompatible type "int"; '
        'expected "str"  [arg-type]',
    ], errors
