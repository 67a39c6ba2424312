"""The reference for catch-up: the library's own ``ProjectionRunner`` with a projection that
writes the same association and officer rows as canxie's associations read model.

It follows the library's documented idiom: the runner subscribes to the district's application
(PostgreSQL LISTEN/NOTIFY), decodes each event with the application's mapper, and the
projection writes the event's rows and the tracking record in one transaction per event.
"""

from __future__ import annotations

import json
import time
from functools import singledispatchmethod
from typing import Any
from urllib.parse import urlparse

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL

from aggregates.association.association import Association
from aggregates.store.district import DistrictRecords
from projections.platform.database import schema_name

VIEW_TABLES = (
    "CREATE TABLE IF NOT EXISTS {schema}.library_associations (id text PRIMARY KEY, "
    "division_code text, name text, township_code text, established_on text, version int, "
    "events_applied int, position bigint, created_at text, updated_at text)",
    "CREATE TABLE IF NOT EXISTS {schema}.library_officers (officer_id text PRIMARY KEY, "
    "association_id text, name text, role text, full_time boolean, backgrounds text, "
    "appointed_on text, removed_on text, removal_reason text, appointed_position bigint, "
    "removed_position bigint, appointed_by text, removed_by text)",
)


class AssociationsView(PostgresTrackingRecorder):
    """Association and officer rows with the library's tracking table, in one schema."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema = f'"{self.datastore.schema}"'
        self.schema = schema
        self.sql_create_statements.extend(SQL(t.format(schema=schema)) for t in VIEW_TABLES)  # type: ignore[arg-type]

    def write(self, statements: list[tuple[str, tuple[Any, ...]]], tracking: Tracking) -> None:
        """The event's row changes and its tracking record, in one transaction."""
        with self.datastore.transaction(commit=True) as curs:
            for statement, params in statements:
                curs.execute(SQL(statement.format(s=self.schema)), params)  # type: ignore[arg-type]
            self._insert_tracking(curs, tracking)


TOUCH = (
    "UPDATE {s}.library_associations SET version = %s, position = %s, updated_at = %s, "
    "events_applied = events_applied + 1 WHERE id = %s"
)


def touch(event: Any, tracking: Tracking) -> tuple[str, tuple[Any, ...]]:
    """The association row's version, position and count after one more of its events."""
    params = (
        event.originator_version,
        tracking.notification_id,
        event.timestamp.isoformat(),
        str(event.originator_id),
    )
    return TOUCH, params


class AssociationsProjection(Projection[AssociationsView]):
    """The rows of canxie's associations and officers tables, event by event."""

    name = "library_associations"
    topics = ()

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Events this projection does not know move only the tracking record."""
        self.view.write([], tracking)

    @process_event.register
    def _(self, event: Association.Established, tracking: Tracking) -> None:
        recorded = event.timestamp.isoformat()
        self.view.write(
            [
                (
                    "INSERT INTO {s}.library_associations"
                    " VALUES (%s, %s, %s, %s, %s, %s, 1, %s, %s, %s)"
                    " ON CONFLICT (id) DO NOTHING",
                    (
                        str(event.originator_id),
                        event.division_code,
                        event.name,
                        event.township_code,
                        event.established_on.isoformat(),
                        event.originator_version,
                        tracking.notification_id,
                        recorded,
                        recorded,
                    ),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, event: Association.OfficerAppointed, tracking: Tracking) -> None:
        self.view.write(
            [
                touch(event, tracking),
                (
                    "INSERT INTO {s}.library_officers"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s, NULL, %s, NULL)"
                    " ON CONFLICT (officer_id) DO NOTHING",
                    (
                        str(event.officer_id),
                        str(event.originator_id),
                        event.name,
                        event.role,
                        event.full_time,
                        json.dumps(event.backgrounds),
                        event.appointed_on.isoformat(),
                        tracking.notification_id,
                        event.by.actor,
                    ),
                ),
            ],
            tracking,
        )

    @process_event.register
    def _(self, event: Association.OfficerRemoved, tracking: Tracking) -> None:
        self.view.write(
            [
                touch(event, tracking),
                (
                    "UPDATE {s}.library_officers SET removed_on = %s, removal_reason = %s, "
                    "removed_position = %s, removed_by = %s WHERE officer_id = %s",
                    (
                        event.removed_on.isoformat(),
                        event.reason,
                        tracking.notification_id,
                        event.by.actor,
                        str(event.officer_id),
                    ),
                ),
            ],
            tracking,
        )


def library_env(url: str, district: str) -> dict[str, str]:
    """The library's own PostgreSQL settings for the district's schema."""
    parts = urlparse(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "unused",
        "POSTGRES_SCHEMA": schema_name(district),
    }


def run_library_projection(url: str, district: str, events: int, timeout: float = 3600) -> float:
    """Run the runner from the start until its tracking reaches the ``events``-th event (it
    writes one transaction per event, so a prefix of the log is enough); events/s."""

    class Source(DistrictRecords):
        name = DistrictRecords.name  # the same events table, district_events

        def __init__(self, env: Any = None) -> None:
            super().__init__(district, env=env)

    started = time.perf_counter()
    with ProjectionRunner(
        application_class=Source,
        projection_class=AssociationsProjection,
        view_class=AssociationsView,
        env=library_env(url, district),
    ) as runner:
        head = runner.app.recorder.max_notification_id()
        assert head is not None and head >= events, (head, events)
        runner.wait(events, timeout=timeout)
        seconds = time.perf_counter() - started
    return events / seconds
