"""S3.3 健全残协组织: 主席1名，副主席2至3名，委员3至5名; every disabled person in a group.

The bounds come from :mod:`aggregates.plan`, the same figures the association's commands use
for their maxima; here an association is checked against both ends on the day asked about.
"""

from __future__ import annotations

from typing import Any

from aggregates.plan import Plan
from projections.rules.facts import Facts
from projections.rules.rule import Check, Rule


def _count(role: str) -> Check:
    """A check that the sitting officers of ``role`` number within the plan's bounds."""

    def check(association: dict[str, Any], facts: Facts, plan: Plan) -> tuple[bool, dict[str, Any]]:
        bounds = plan.structure.of(role)
        names = [o["name"] for o in facts.sitting(association, role)]
        return bounds.allows(len(names)), {
            "sitting": len(names),
            "names": names,
            "required": [bounds.low, bounds.high],
        }

    return check


def _everyone_in_a_group(
    association: dict[str, Any], facts: Facts, plan: Plan
) -> tuple[bool, dict[str, Any]]:
    """一个不能少: every person on the village's roster belongs to a group."""
    stored = facts.stored_roster(association)
    if stored is not None:
        found = {"rostered": stored.rostered, "not_in_a_group": stored.outside_groups}
        return not stored.outside_count, found
    rostered = facts.rostered(association)
    outside = [p["id"] for p in rostered if str(p["id"]) not in facts.members]
    return not outside, {"rostered": len(rostered), "not_in_a_group": outside}


CHAIR = Rule("S3.3-chair", "S3.3", "主席1名", "exactly one chair", _count("chair"))
VICE_CHAIRS = Rule(
    "S3.3-vice-chairs", "S3.3", "副主席2至3名", "two or three vice-chairs", _count("vice_chair")
)
COMMITTEE_MEMBERS = Rule(
    "S3.3-committee-members",
    "S3.3",
    "委员3至5名",
    "three to five committee members",
    _count("committee_member"),
)
EVERYONE_IN_A_GROUP = Rule(
    "S3.3-everyone-in-a-group",
    "S3.3",
    "残疾人全部编入小组（一个不能少）",
    "every rostered person in a group",
    _everyone_in_a_group,
)
