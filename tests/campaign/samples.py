"""Sample campaign records for the access tests: an inspection with a problem, a spell of key
supervision and a model designation per place (inside a1, sibling a2, outside b1)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import InspectionKind
from tests.factories import SEED

PLACES = {
    "inside": ("a1", "INSIDE"),
    "sibling": ("a2", "OUTSIDE-a2"),
    "outside": ("b1", "OUTSIDE-b1"),
}


def add_campaign_samples(tenancy: Any, ids: dict[str, str], a: str, b: str) -> None:
    """One inspection, problem, supervision and model per place; a work plan per district."""
    for code in (a, b):
        tenancy.records(code).file_work_plan(
            title=f"{code} 工作方案", summary="方案", filed_on=date(2020, 10, 28), by=SEED
        )
    for place, (key, marker) in PLACES.items():
        records = tenancy.records(b if place == "outside" else a)
        association = UUID(ids[key])
        saved = records.open_inspection(
            kind=InspectionKind.SPOT_CHECK,
            title=f"{marker}-inspection",
            inspected_on=date(2022, 3, 15),
            township_code=None,
            inspectors=["inspector"],
            association_ids=[association],
            rules_basis=None,
            rule_findings=[],
            written=[WrittenProblem(description=f"{marker}-problem", association_id=association)],
            by=SEED,
        )
        ids[f"campaign_{place}_inspection"] = str(saved.id)
        ids[f"campaign_{place}_problem"] = str(saved.more[0])
        spell = records.start_key_supervision(
            association_id=association,
            reason=f"{marker}-supervision",
            started_on=date(2022, 3, 20),
            inspection_id=saved.id,
            by=SEED,
        )
        ids[f"campaign_{place}_supervision"] = str(spell.id)
        records.designate_model(
            association, designated_on=date(2022, 6, 1), practice=f"{marker}-practice", by=SEED
        )


def campaign_path_samples(ids: dict[str, str], place: str) -> dict[str, str]:
    """Path arguments of the campaign endpoints aimed at ``place``."""
    return {
        "inspection_id": ids[f"campaign_{place}_inspection"],
        "problem_id": ids[f"campaign_{place}_problem"],
        "supervision_id": ids[f"campaign_{place}_supervision"],
    }
