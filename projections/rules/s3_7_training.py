"""S3.7 提升履职能力: chairs, vice-chairs and full-time members trained."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aggregates.plan import Plan
from projections.rules.facts import Facts
from projections.rules.rule import Rule


def _trained(association: dict[str, Any], facts: Facts, plan: Plan) -> tuple[bool, dict[str, Any]]:
    """Every core officer attended a training within the plan's window before the day."""
    since = (facts.as_of - timedelta(days=plan.training_window_days)).isoformat()
    core = [
        o
        for o in facts.officers.get(association["id"], [])
        if o["role"] in ("chair", "vice_chair") or o["full_time"]
    ]
    untrained = [o["name"] for o in core if facts.trained.get(str(o["officer_id"]), "") <= since]
    return bool(core) and not untrained, {"core_officers": len(core), "untrained": untrained}


OFFICERS_TRAINED = Rule(
    "S3.7-officers-trained",
    "S3.7",
    "骨干成员已培训",
    "chair, vice-chairs and full-time members trained",
    _trained,
)
