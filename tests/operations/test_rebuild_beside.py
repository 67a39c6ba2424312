"""A rebuild beside the live tables equals them row for row, and reads go on meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from projections.engine.read_models import PROJECTIONS
from projections.engine.replay import load_live
from projections.engine.shadow_rebuild import rebuild_beside
from service.cli.demo import load_demo
from tests.seeding import seed_district
from workers.runtime import Runtime
from workers.settings import Settings


def test_rebuild_beside_equals_live_and_reads_never_stop(
    store_url: str | None, tmp_path: Path
) -> None:
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url=store_url))
    runtime.tenancy.provision()
    assert load_demo(runtime.tenancy)
    seed_district(runtime.tenancy, "410102", associations=20, cycles=20, first_village=9001)
    runtime.catch_up("410102")
    live = load_live(runtime.db, "410102", PROJECTIONS)  # the audit trail too
    assert sum(live.counts().values()) > 1000

    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(sum(load_live(runtime.db, "410102", PROJECTIONS).counts().values()))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = rebuild_beside(
            runtime.db, "410102", runtime.tenancy.records("410102").mapper, batch_size=50
        )
    finally:
        stop.set()
        reader.join(30)
    assert result.events == runtime.tenancy.records("410102").head_position()
    rebuilt = load_live(runtime.db, "410102", PROJECTIONS)
    assert rebuilt.counts() == live.counts()
    for name, rows in live.tables.items():
        assert rebuilt.tables[name] == rows, name
    assert seen and min(seen) == sum(live.counts().values())  # never a half-built table
    # The live catch-up carries on from where the rebuild left the tracking positions.
    assert runtime.catch_up("410102").applied == 0
    runtime.close()
