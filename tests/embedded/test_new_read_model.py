"""A release that adds a read model: existing districts adopt it on their next catch-up."""

from __future__ import annotations

from pathlib import Path

from projections.engine import tracking
from projections.engine.replay import load_live
from projections.roster.roster import ROSTER_PROJECTION
from service.cli.demo import load_demo
from workers.runtime import Runtime
from workers.settings import Settings


def test_a_read_model_unknown_to_a_district_is_built_from_its_first_event(tmp_path: Path) -> None:
    runtime = Runtime.open(Settings(data_dir=tmp_path))
    runtime.tenancy.provision()
    assert load_demo(runtime.tenancy)
    runtime.catch_up("410102")
    before = load_live(runtime.db, "410102").counts()
    db = runtime.db
    with db.transaction("410102", write=True) as cur:  # as if provisioned before the roster
        for table in ROSTER_PROJECTION.tables:
            cur.execute(db.sql("410102", f"DROP TABLE {{s}}{table.name}"))
        cur.execute(
            db.sql("410102", "DELETE FROM {s}projection_tracking WHERE projection = %s"),
            (ROSTER_PROJECTION.name,),
        )
    result = runtime.catch_up("410102")
    assert result.applied == runtime.tenancy.records("410102").head_position()
    assert load_live(runtime.db, "410102").counts() == before
    with db.transaction("410102", write=False) as cur:
        positions = tracking.positions(cur, lambda s: db.sql("410102", s))
    assert len(set(positions.values())) == 1  # every read model at the same position again
    runtime.close()
