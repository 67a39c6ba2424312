"""PostgreSQL's planner statistics hold samples of column values: a person's personal columns
are never sampled (an erasure must leave no copy of a name in ``pg_statistic``), while the
columns the reads filter on are, after the ANALYZE that follows a rebuild or a bulk catch-up."""

from __future__ import annotations

import psycopg
import pytest

from projections.platform.database import schema_name
from projections.roster.roster import PERSONS
from tests import factories
from workers.runtime import Runtime

pytestmark = pytest.mark.hosted

D = "410102"


def sampled(pg_url: str, table: str) -> set[str]:
    """The columns of the district's ``table`` that have statistics."""
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            "SELECT attname FROM pg_stats WHERE schemaname = %s AND tablename = %s",
            (schema_name(D), table),
        ).fetchall()
    return {row[0] for row in rows}


def test_personal_columns_are_never_sampled_into_the_statistics(
    hosted_runtime: Runtime, pg_url: str
) -> None:
    factories.district(hosted_runtime.tenancy, D)
    for sequence in range(1, 6):
        factories.person(hosted_runtime.tenancy, f"{D}001001", sequence)
    hosted_runtime.catch_up(D)
    hosted_runtime.db.analyze(D)
    for table in ("persons", "persons__recorded", "persons__effective"):
        columns = sampled(pg_url, table)
        assert {"village_code", "status", "registered_on"} <= columns, (table, columns)
        assert not columns & set(PERSONS.personal), (table, columns)
    assert "details" not in sampled(pg_url, "person_history")
