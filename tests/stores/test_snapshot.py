"""A snapshot of a district's store (``Database.snapshot``): every read in it sees one state,
a write in it is refused, and on PostgreSQL every read is planned for its own values."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.platform.database import Database, open_database

D = "410102"


@pytest.fixture
def db(store_url: str | None, tmp_path: Path) -> Iterator[Database]:
    """The district's store on each back end, with one table of numbers."""
    database = open_database(store_url, tmp_path)
    database.create_district_store(D)
    with database.transaction(D, write=True) as cur:
        cur.execute(database.sql(D, "CREATE TABLE {s}numbers (n int)"))
        cur.execute(database.sql(D, "INSERT INTO {s}numbers VALUES (1)"))
    yield database
    database.close()


def count(db: Database) -> int:
    """How many numbers a read transaction sees."""
    with db.transaction(D, write=False) as cur:
        cur.execute(db.sql(D, "SELECT count(*) AS n FROM {s}numbers"))
        return int(cur.fetchone()["n"])


def add_from_another_thread(db: Database) -> None:
    """Commit one more number from another thread (its own connection)."""

    def add() -> None:
        with db.transaction(D, write=True) as cur:
            cur.execute(db.sql(D, "INSERT INTO {s}numbers VALUES (2)"))

    thread = threading.Thread(target=add)
    thread.start()
    thread.join(30)


def test_reads_in_a_snapshot_see_the_state_of_its_first_read(db: Database) -> None:
    with db.snapshot(D):
        assert count(db) == 1
        add_from_another_thread(db)
        assert count(db) == 1
        with db.snapshot(D):
            assert count(db) == 1
    assert count(db) == 2


def test_reads_outside_a_snapshot_see_each_commit(db: Database) -> None:
    assert count(db) == 1
    add_from_another_thread(db)
    assert count(db) == 2


def test_a_write_in_a_snapshot_is_refused_and_the_snapshot_still_reads(db: Database) -> None:
    with db.snapshot(D):
        with pytest.raises(RuntimeError, match="inside a snapshot"), db.transaction(D, write=True):
            pass
        assert count(db) == 1


def test_reads_nested_in_a_snapshot_have_cursors_of_their_own(db: Database) -> None:
    with db.snapshot(D), db.transaction(D, write=False) as outer:
        outer.execute(db.sql(D, "SELECT n FROM {s}numbers"))
        assert count(db) == 1
        assert [row["n"] for row in outer.fetchall()] == [1]


@pytest.mark.hosted
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_postgresql_plans_reads_for_their_values_and_writes_once(db: Database) -> None:
    """A generic plan read every visit of the district for one association's task list."""

    def mode(*, write: bool) -> str:
        with db.transaction(D, write=write) as cur:
            cur.execute("SHOW plan_cache_mode")
            return str(cur.fetchone()["plan_cache_mode"])

    assert mode(write=False) == "force_custom_plan"
    with db.snapshot(D):
        assert mode(write=False) == "force_custom_plan"
    assert mode(write=True) == "auto"
