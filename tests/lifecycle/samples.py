"""Divisions, facilities and training sessions for the access world (tests/access/world.py).

Names of things outside a narrow principal's scope carry the world's OUTSIDE markers, so the
access matrix checks that lists and details are narrowed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from aggregates.association.training import TrainingMode
from tests import factories

SEED = replace(factories.SEED, request_id="seed-lifecycle")


def add_lifecycle_samples(tenancy: Any, ids: dict[str, str], a: str, b: str) -> None:
    """A division register, a facility per association and training sessions per place."""
    t1, t2 = f"{a}001", f"{a}002"
    records_a, records_b = tenancy.records(a), tenancy.records(b)
    for code, name in (
        (t1, "INSIDE-township"),
        (t2, "OUTSIDE-a2-township"),
        (f"{t1}001", "INSIDE-village"),
        (f"{t1}002", "OUTSIDE-a1b-village"),
        (f"{t2}001", "OUTSIDE-a2-village"),
    ):
        records_a.record_division(code=code, name=name, effective_on=date(2020, 1, 1), by=SEED)
    for code, name in ((f"{b}001", "OUTSIDE-b1-township"), (f"{b}001001", "OUTSIDE-b1-village")):
        records_b.record_division(code=code, name=name, effective_on=date(2020, 1, 1), by=SEED)
    ids["division_inside"] = f"{t1}001"
    ids["division_sibling"] = f"{t2}001"
    ids["division_outside"] = f"{b}001001"
    for key, records in (("a1", records_a), ("a2", records_a), ("b1", records_b)):
        label = "INSIDE" if key == "a1" else f"OUTSIDE-{key}"
        venue = f"{label} venue"
        saved = factories.facility(
            records, UUID(ids[key]), date(2021, 5, 1), venue, evidence="photo", by=SEED
        )
        ids[f"{key}_facility"] = str(saved.id)
    for key, records, township in (
        ("a1", records_a, t1),
        ("a2", records_a, t2),
        ("b1", records_b, f"{b}001"),
    ):
        label = "INSIDE" if key == "a1" else f"OUTSIDE-{key}"
        session = records.hold_training(
            township_code=township,
            topic=f"{label} training",
            mode=TrainingMode.OFFLINE,
            hours=3.0,
            held_on=date(2021, 6, 1),
            organiser=f"{label} federation",
            by=SEED,
        )
        ids[f"{key}_session"] = str(session.id)
        records.attend_training(
            UUID(ids[key]),
            session_id=session.id,
            officer_id=UUID(ids[f"{key}_officer"]),
            hours=None,
            by=SEED,
        )


def lifecycle_path_samples(ids: dict[str, str], place: str) -> dict[str, str]:
    """Path arguments of the lifecycle, division and training routes for the access matrix."""
    key = {"inside": "a1", "outside": "b1", "sibling": "a2"}[place]
    return {
        "division_code": ids[f"division_{place}"],
        "facility_id": ids[f"{key}_facility"],
        "session_id": ids[f"{key}_session"],
    }
