"""The plan's checkable clauses, one module per clause, in the order a report lists them.

Each rule reads its figures from :mod:`aggregates.plan` (the plan in force on the day asked
about) and its facts from :class:`projections.rules.facts.Facts`; :mod:`projections.compliance`
runs them over a district.
"""

from __future__ import annotations

from projections.rules.rule import Rule
from projections.rules.s2_coverage import COVERAGE
from projections.rules.s3_3_structure import (
    CHAIR,
    COMMITTEE_MEMBERS,
    EVERYONE_IN_A_GROUP,
    VICE_CHAIRS,
)
from projections.rules.s3_4_duties import SERVICE_VENUE
from projections.rules.s3_5_systems import (
    DUTIES_AND_RULES_ON_WALL,
    EVALUATED,
    ROSTER_COMPLETE,
    VISITS_ON_TIME,
)
from projections.rules.s3_6_full_time import FULL_TIME_MEMBER
from projections.rules.s3_7_training import OFFICERS_TRAINED

#: The rules checked per association, in report order.
RULES: tuple[Rule, ...] = (
    CHAIR,
    VICE_CHAIRS,
    COMMITTEE_MEMBERS,
    FULL_TIME_MEMBER,
    EVERYONE_IN_A_GROUP,
    VISITS_ON_TIME,
    ROSTER_COMPLETE,
    SERVICE_VENUE,
    DUTIES_AND_RULES_ON_WALL,
    EVALUATED,
    OFFICERS_TRAINED,
)
RULES_BY_ID: dict[str, Rule] = {rule.rule_id: rule for rule in (*RULES, COVERAGE)}

__all__ = ["COVERAGE", "RULES", "RULES_BY_ID", "Rule"]
