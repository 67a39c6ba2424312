"""Closing a runtime closes every SQLite connection it opened, in every thread.

A connection left to the garbage collector keeps the district's file open after ``close()``
(a ``VACUUM``, a backup tool's exclusive lock or a Windows delete fails until gc runs).
"""

from __future__ import annotations

import gc
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from aggregates.provenance import Provenance
from projections.association.associations import list_associations
from tests.roster.samples import details
from workers.runtime import Runtime
from workers.settings import Settings

BY = Provenance(actor="test", role="city_admin", request_id="close")
CODE = "410102"
VILLAGE = f"{CODE}001001"


@pytest.fixture
def no_gc() -> Iterator[None]:
    """Only reference counting frees objects meanwhile: nothing closes by luck."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def use(runtime: Runtime) -> None:
    """Commands (a person's key sealed in the key ring), reads and a catch-up."""
    runtime.tenancy.provision()
    runtime.tenancy.create_district(CODE, "中原区", BY)
    records = runtime.tenancy.records(CODE)
    for code, name in ((VILLAGE[:9], "建设路街道"), (VILLAGE, "友谊社区")):
        records.record_division(code=code, name=name, effective_on=date(2020, 1, 1), by=BY)
    records.establish_association(
        division_code=VILLAGE,
        name="友谊社区残协",
        township_code=VILLAGE[:9],
        established_on=date(2021, 3, 1),
        by=BY,
    )
    records.register_person(details(VILLAGE, 1), registered_on=date(2022, 3, 1), by=BY)
    runtime.catch_up(CODE)
    assert list_associations(runtime.db, CODE).total == 1


def in_another_thread(runtime: Runtime) -> threading.Event:
    """What the embedded projector and request threads do; the thread is still alive at close.

    Returns the event that lets it end.
    """
    done, release = threading.Event(), threading.Event()

    def work() -> None:
        runtime.catch_up(CODE)
        list_associations(runtime.db, CODE)
        done.set()
        release.wait(10)

    threading.Thread(target=work, daemon=True).start()
    assert done.wait(10)
    return release


def open_files(folder: Path) -> list[str]:
    """Files under ``folder`` this process holds open (Linux)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return sorted(found)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_after_close_no_file_of_the_store_is_held_open(tmp_path: Path, no_gc: None) -> None:
    runtime = Runtime.open(Settings(data_dir=tmp_path))
    use(runtime)
    release = in_another_thread(runtime)
    runtime.close()
    try:
        assert open_files(tmp_path) == []
        for path in sorted(tmp_path.rglob("*.sqlite3")):
            with closing(sqlite3.connect(path, timeout=0.1)) as conn:
                # Leaving WAL mode (one self-contained file to archive) needs the file alone.
                assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
                conn.execute("VACUUM")
    finally:
        release.set()


def test_a_closed_runtime_opens_again_in_every_thread(tmp_path: Path) -> None:
    runtime = Runtime.open(Settings(data_dir=tmp_path))
    use(runtime)
    release = in_another_thread(runtime)
    release.set()
    runtime.close()
    reopened = Runtime.open(Settings(data_dir=tmp_path))
    try:
        assert list_associations(reopened.db, CODE).total == 1
        in_another_thread(reopened).set()  # a thread of the closed database's time, too
        list_associations(runtime.db, CODE)  # the closed one reopens on use
    finally:
        runtime.close()
        reopened.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_connections_of_ended_threads_are_closed_not_kept(tmp_path: Path, no_gc: None) -> None:
    runtime = Runtime.open(Settings(data_dir=tmp_path))
    use(runtime)
    district = str(tmp_path / "districts" / f"{CODE}.sqlite3")
    before = open_files(tmp_path).count(district)
    try:
        for _ in range(20):  # e.g. a server starting a thread per request
            thread = threading.Thread(target=list_associations, args=(runtime.db, CODE))
            thread.start()
            thread.join()
        # Those held before, the last thread's (closed when another thread opens one), and
        # one SQLite keeps from a closed connection for reuse while the file has others.
        assert open_files(tmp_path).count(district) <= before + 2
    finally:
        runtime.close()
