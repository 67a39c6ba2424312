"""S2 工作目标: every village and community has an association (全覆盖) by the end of 2022.

Coverage is a finding per village without an association, not per association, so it is
worked out by :func:`uncovered` rather than by the rule's check.
"""

from __future__ import annotations

from typing import Any

from aggregates.plan import Plan
from projections.rules.facts import Facts
from projections.rules.rule import Rule


def covered(facts: Facts) -> set[str]:
    """The division codes of the villages with an association on the day."""
    return {a["division_code"] for a in facts.associations}


def uncovered(facts: Facts) -> list[dict[str, Any]]:
    """The villages in existence on the day that have no association."""
    have = covered(facts)
    return [v for v in facts.villages if v["code"] not in have]


def _per_village(
    association: dict[str, Any], facts: Facts, plan: Plan
) -> tuple[bool, dict[str, Any]]:
    return True, {}


COVERAGE = Rule(
    "S2-coverage", "S2", "村（社区）残协全覆盖", "every village has an association", _per_village
)
