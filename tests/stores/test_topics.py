"""Every topic the old store holds resolves to the class of the same name that defines it now.

Topics are read from the committed files (read-only): each stored event's topic and each
created event's ``originator_topic`` (the aggregate's class).  The registrations are the ones
a process gets by importing the district application, as every process that opens a store does.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic, resolve_topic

import aggregates.store.district  # noqa: F401  (registers the old topics, as a deployment does)

DISTRICTS = sorted((Path(__file__).parent / "v0" / "data" / "districts").glob("*.sqlite3"))


def stored_topics(path: Path) -> set[str]:
    """Event topics and aggregate topics of one district file, opened read-only."""
    found: set[str] = set()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        for topic, state in connection.execute("SELECT topic, state FROM stored_events"):
            found.add(topic)
            originator = json.loads(state).get("originator_topic")
            if originator:
                found.add(originator)
    return found


TOPICS = sorted(set().union(*(stored_topics(path) for path in DISTRICTS)))


def test_the_old_store_holds_event_and_aggregate_topics() -> None:
    assert len(DISTRICTS) == 2
    assert "aggregates.person:Person.Erased" in TOPICS
    assert "aggregates.person:Person" in TOPICS


@pytest.mark.parametrize("topic", TOPICS)
def test_a_stored_topic_resolves_to_the_class_of_that_name(topic: str) -> None:
    cls = resolve_topic(topic)
    assert cls.__qualname__ == topic.partition(":")[2]
    assert get_topic(cls).startswith("aggregates.")
    assert resolve_topic(get_topic(cls)) is cls
