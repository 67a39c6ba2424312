"""What a compliance rule is: a clause of the plan checked against one association's facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aggregates.plan import Plan
from projections.rules.facts import Facts

#: A check: (association row, the district's facts on the day, the plan in force) -> (passed,
#: the facts behind the answer, as they appear in the finding).
Check = Callable[[dict[str, Any], Facts, Plan], tuple[bool, dict[str, Any]]]


@dataclass(frozen=True)
class Rule:
    """A checkable clause of the plan."""

    rule_id: str
    clause: str
    title_zh: str
    title_en: str
    check: Check


def facilities_recorded(*kinds: str) -> Check:
    """A check that the association has every facility of ``kinds`` recorded (S3.4, S3.5)."""

    def check(association: dict[str, Any], facts: Facts, plan: Plan) -> tuple[bool, dict[str, Any]]:
        have = facts.facilities.get(association["id"], set())
        missing = [k for k in kinds if k not in have]
        return not missing, {"missing": missing}

    return check
