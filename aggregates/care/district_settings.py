"""A district's own figures where the plan leaves them open, versioned by effective date.

Visit intervals per household kind (S3.5) and the evaluation scheme (S3.5, S3.6).  Every
change is a new version with the date it takes effect; what applies on a date is the version
with the latest effective date not after it (of two with the same date, the later recorded).
A replay for a past date therefore applies the settings in force then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from aggregates import plan
from aggregates.care.visit import HouseholdKind
from aggregates.errors import (
    DuplicateCriterion,
    HardshipVisitedLessOften,
    MissingInterval,
    MissingScore,
    NoCriteria,
    NotPositive,
    OutOfRange,
    ScoreRangeReversed,
    UnknownCriterion,
    WeightsDoNotAddUp,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance

#: Total score scale of an evaluation (criteria weights add up to it).
FULL_SCORE = 100


def district_settings_id(district_code: str) -> UUID:
    """The id of a district's settings: one per district, the same id every time."""
    return uuid5(NAMESPACE_URL, f"canxie:district-settings:{district_code}")


@dataclass(frozen=True)
class Criterion:
    """An evaluation criterion of associations: its weight and the range of its score."""

    key: str
    name: str
    weight: float
    min_score: float
    max_score: float

    def as_dict(self) -> dict[str, Any]:
        """Plain form stored in events."""
        return {
            "key": self.key,
            "name": self.name,
            "weight": self.weight,
            "min_score": self.min_score,
            "max_score": self.max_score,
        }


@dataclass(frozen=True)
class VisitIntervals:
    """A version of the visit intervals (days between visits, per household kind)."""

    effective_from: date
    intervals: dict[str, int]


@dataclass(frozen=True)
class EvaluationScheme:
    """A version of the evaluation scheme (考核办法)."""

    scheme_id: UUID
    effective_from: date
    criteria: tuple[Criterion, ...]
    performance_weight: float  # full-time members: performance vs disabled persons' rating

    def score_association(self, scores: dict[str, float]) -> float:
        """The weighted total out of :data:`FULL_SCORE`; refuses missing or stray scores."""
        keys = {c.key for c in self.criteria}
        stray = sorted(set(scores) - keys)
        if stray:
            raise UnknownCriterion(criterion=stray[0], field=f"scores.{stray[0]}")
        total = 0.0
        for criterion in self.criteria:
            if criterion.key not in scores:
                raise MissingScore(criterion=criterion.key, field=f"scores.{criterion.key}")
            score = scores[criterion.key]
            if not criterion.min_score <= score <= criterion.max_score:
                raise OutOfRange(
                    minimum=criterion.min_score,
                    maximum=criterion.max_score,
                    field=f"scores.{criterion.key}",
                )
            span = criterion.max_score - criterion.min_score
            total += criterion.weight * (score - criterion.min_score) / span
        return round(total, 2)

    def score_full_time_member(self, performance: float, rating: float) -> float:
        """S3.6: performance assessment combined with the disabled persons' own rating."""
        for name, value in (("performance_score", performance), ("rating_score", rating)):
            if not 0 <= value <= FULL_SCORE:
                raise OutOfRange(minimum=0, maximum=FULL_SCORE, field=name)
        weight = self.performance_weight
        return round((weight * performance + (FULL_SCORE - weight) * rating) / FULL_SCORE, 2)


V = TypeVar("V", VisitIntervals, EvaluationScheme)


def default_intervals(on: date) -> dict[str, int]:
    """The plan's visit intervals in force ``on``: used until the district sets its own."""
    return dict(plan.in_force(on).visits.intervals)


def in_force(versions: Sequence[V], on: date) -> V | None:
    """The version that applies on ``on`` (versions in recording order)."""
    chosen: V | None = None
    for version in versions:
        if version.effective_from <= on and (
            chosen is None or version.effective_from >= chosen.effective_from
        ):
            chosen = version
    return chosen


class DistrictSettings(Aggregate):
    """The district's settings and their versions."""

    @event("Started")
    def __init__(self, district_code: str, by: Provenance) -> None:
        """The district's settings were first written."""
        self.district_code = district_code
        self.visit_intervals: list[VisitIntervals] = []
        self.schemes: list[EvaluationScheme] = []

    @classmethod
    def start(cls, *, district_code: str, by: Provenance) -> DistrictSettings:
        """The district's settings, before any version."""
        return cls._create(
            cls.Started,
            id=district_settings_id(district_code),
            district_code=district_code,
            by=by,
        )

    def set_visit_intervals(
        self, *, effective_from: date, intervals: dict[HouseholdKind, int], by: Provenance
    ) -> None:
        """Every household kind gets an interval of 1 to 366 days."""
        for kind in HouseholdKind:
            days = intervals.get(kind)
            if days is None:
                raise MissingInterval(kind=kind.value, field=f"intervals.{kind.value}")
            if not 1 <= days <= 366:
                raise OutOfRange(minimum=1, maximum=366, field=f"intervals.{kind.value}")
        if intervals[HouseholdKind.SPECIAL_HARDSHIP] > intervals[HouseholdKind.ORDINARY]:
            raise HardshipVisitedLessOften(
                clause="S3.5", field=f"intervals.{HouseholdKind.SPECIAL_HARDSHIP.value}"
            )
        self._set_visit_intervals(
            effective_from=effective_from,
            intervals={k.value: intervals[k] for k in HouseholdKind},
            by=by,
        )

    @event("VisitIntervalsSet")
    def _set_visit_intervals(
        self, effective_from: date, intervals: dict[str, int], by: Provenance
    ) -> None:
        """New visit intervals, in force from a date: a version added."""
        self.visit_intervals.append(VisitIntervals(effective_from, dict(intervals)))

    def adopt_evaluation_scheme(
        self,
        *,
        effective_from: date,
        criteria: list[Criterion],
        performance_weight: float,
        by: Provenance,
    ) -> UUID:
        """Criteria with distinct keys, weights adding up to 100, sensible score ranges."""
        if not criteria:
            raise NoCriteria(field="criteria")
        seen: set[str] = set()
        for index, criterion in enumerate(criteria):
            if criterion.key in seen:
                raise DuplicateCriterion(criterion=criterion.key, field=f"criteria.{index}.key")
            seen.add(criterion.key)
            if criterion.weight <= 0:
                raise NotPositive(field=f"criteria.{index}.weight")
            if criterion.min_score >= criterion.max_score:
                raise ScoreRangeReversed(field=f"criteria.{index}.max_score")
        total = sum(c.weight for c in criteria)
        if abs(total - FULL_SCORE) > 1e-9:
            raise WeightsDoNotAddUp(total=round(total, 6), expected=FULL_SCORE, field="criteria")
        if not 0 <= performance_weight <= FULL_SCORE:
            raise OutOfRange(minimum=0, maximum=FULL_SCORE, field="performance_weight")
        scheme_id = uuid4()
        self._adopt_evaluation_scheme(
            scheme_id=scheme_id,
            effective_from=effective_from,
            criteria=[c.as_dict() for c in criteria],
            performance_weight=performance_weight,
            by=by,
        )
        return scheme_id

    @event("EvaluationSchemeAdopted")
    def _adopt_evaluation_scheme(
        self,
        scheme_id: UUID,
        effective_from: date,
        criteria: list[dict[str, Any]],
        performance_weight: float,
        by: Provenance,
    ) -> None:
        """A new evaluation scheme, in force from a date: a version added."""
        self.schemes.append(
            EvaluationScheme(
                scheme_id,
                effective_from,
                tuple(Criterion(**c) for c in criteria),
                performance_weight,
            )
        )

    def intervals_on(self, on: date) -> dict[str, int]:
        """The visit intervals in force on a date (the default before any version)."""
        version = in_force(self.visit_intervals, on)
        return dict(version.intervals) if version else default_intervals(on)

    def scheme_on(self, on: date) -> EvaluationScheme | None:
        """The evaluation scheme in force on a date, if any."""
        return in_force(self.schemes, on)
