"""S3.6 加强专职委员队伍建设: 委员中至少明确1名为专职委员."""

from __future__ import annotations

from typing import Any

from aggregates.plan import Plan
from projections.rules.facts import Facts
from projections.rules.rule import Rule


def _full_time(
    association: dict[str, Any], facts: Facts, plan: Plan
) -> tuple[bool, dict[str, Any]]:
    """Enough sitting committee members are full-time."""
    names = [o["name"] for o in facts.sitting(association, "committee_member") if o["full_time"]]
    return len(names) >= plan.full_time_members, {"full_time_members": names}


FULL_TIME_MEMBER = Rule(
    "S3.6-full-time-member", "S3.6", "至少1名专职委员", "at least one full-time member", _full_time
)
