"""Checks that every event reached the read models exactly once."""

from __future__ import annotations

import time

from projections.engine.catchup import projected_position
from projections.platform.database import Database


def read_model_counts(db: Database, district: str) -> dict[str, dict[str, int]]:
    """Per association: the version the read model says and the events it applied."""
    with db.transaction(district, write=False) as cur:
        cur.execute(db.sql(district, "SELECT id, version, events_applied FROM {s}associations"))
        return {
            row["id"]: {"version": row["version"], "events_applied": row["events_applied"]}
            for row in cur.fetchall()
        }


def officer_rows(db: Database, district: str) -> int:
    """How many officer rows the read model holds."""
    with db.transaction(district, write=False) as cur:
        cur.execute(db.sql(district, "SELECT count(*) AS n FROM {s}officers"))
        return int(cur.fetchone()["n"])


def assert_exactly_once(
    db: Database, district: str, versions: dict[str, int], officers: int
) -> None:
    """Every association at its version, every event counted once, every officer there."""
    counts = read_model_counts(db, district)
    assert set(counts) == set(versions)
    wrong = {
        aid: counts[aid]
        for aid, version in versions.items()
        if counts[aid] != {"version": version, "events_applied": version}
    }
    sample = list(wrong.items())[:3]
    assert not wrong, f"{len(wrong)} associations applied twice or missed: {sample}"
    assert officer_rows(db, district) == officers


def wait_for_position(db: Database, district: str, position: int, timeout: float) -> int:
    """Poll until the read models reach ``position``; returns where they are."""
    deadline = time.monotonic() + timeout
    reached = projected_position(db, district)
    while reached < position and time.monotonic() < deadline:
        time.sleep(0.05)
        reached = projected_position(db, district)
    return reached
