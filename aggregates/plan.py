"""Every figure of the plan (郑残联〔2020〕43号), dated: one home for the numbers the rules use.

The command-time maxima (an association refuses a second chair) and the compliance minima
(an association with one vice-chair fails S3.3) read the same :class:`Plan`, the one in force
on the day in question: the command's effective date, or the day a compliance report is
asked about.  A later amendment is a new :class:`Plan` with the date it takes effect, added to
:data:`PLANS`; earlier days keep the figures that applied then.  Domain-pure: stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True)
class Bounds:
    """How many of something the plan asks for, both ends included."""

    low: int
    high: int

    def allows(self, count: int) -> bool:
        """Whether ``count`` lies within the bounds."""
        return self.low <= count <= self.high


@dataclass(frozen=True)
class Structure:
    """S3.3: 主席1名，副主席2至3名，委员3至5名."""

    chairs: Bounds = Bounds(1, 1)
    vice_chairs: Bounds = Bounds(2, 3)
    committee_members: Bounds = Bounds(3, 5)

    def of(self, role: str) -> Bounds:
        """The bounds of an office, by the role's value (``chair``, ``vice_chair``, …)."""
        by_role = {
            "chair": self.chairs,
            "vice_chair": self.vice_chairs,
            "committee_member": self.committee_members,
        }
        return by_role[role]


def _default_intervals() -> Mapping[str, int]:
    return MappingProxyType({"special_hardship": 90, "ordinary": 365})


@dataclass(frozen=True)
class Visits:
    """S3.5 入户访视: days between visits per household kind, until a district sets its own.

    The plan asks for regular visits, "especially" to special-hardship households, and leaves
    the interval to the district; these are the figures used before a district's first setting
    and for a kind a district's setting does not name.
    """

    intervals: Mapping[str, int] = field(default_factory=_default_intervals)

    def interval(self, kind: str, district: Mapping[str, int] | None = None) -> int:
        """Days between visits for ``kind``: the district's figure, else the plan's."""
        if district is not None and kind in district:
            return int(district[kind])
        return self.intervals[kind]


@dataclass(frozen=True)
class Plan:
    """The plan's figures from the day they take effect."""

    effective_from: date
    structure: Structure = Structure()
    full_time_members: int = 1  # S3.6: 委员中至少明确1名为专职委员
    visits: Visits = Visits()
    evaluation_window_days: int = 366  # S3.5: evaluated in the current (yearly) cycle
    training_window_days: int = 731  # S3.7: core officers trained within two years


#: The plan took effect when it was issued, on 12 October 2020.
PLANS: tuple[Plan, ...] = (Plan(effective_from=date(2020, 10, 12)),)


def in_force(on: date, plans: Iterable[Plan] = PLANS) -> Plan:
    """The plan in force on ``on``; before the first one, the first one (the only rules known)."""
    ordered = sorted(plans, key=lambda p: p.effective_from)
    chosen = ordered[0]
    for candidate in ordered:
        if candidate.effective_from <= on:
            chosen = candidate
    return chosen
