"""Evaluations (考核) of associations and of full-time committee members (S3.5, S3.6).

The district federation evaluates each association, and each full-time member, once per
cycle (a calendar year).  The score is computed by the scheme in force on the evaluation date
and stored with the evaluation, so a later change of scheme never changes an earlier score.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from aggregates.care.district_settings import EvaluationScheme
from aggregates.clock import check_day
from aggregates.errors import BeforeCycle, CycleNotBegun
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


class Subject(StrEnum):
    """What is evaluated."""

    ASSOCIATION = "association"  # 残协
    FULL_TIME_MEMBER = "full_time_member"  # 专职委员


def evaluation_id(subject_id: UUID, cycle: int) -> UUID:
    """One evaluation per subject and cycle: a second one collides on this id."""
    return uuid5(NAMESPACE_URL, f"canxie:evaluation:{subject_id}:{cycle}")


class Evaluation(Aggregate):
    """One evaluation, with the scores given, the scheme applied and the total it gave."""

    @event("Recorded")
    def __init__(
        self,
        association_id: UUID,
        subject: str,
        officer_id: UUID | None,
        cycle: int,
        evaluated_on: date,
        evaluator: str,
        scheme_id: UUID,
        scheme_effective_from: date,
        scores: dict[str, float],
        performance_score: float | None,
        rating_score: float | None,
        total: float,
        notes: str | None,
        by: Provenance,
    ) -> None:
        """The evaluation was made and scored."""
        self.association_id = association_id
        self.subject = Subject(subject)
        self.cycle = cycle
        self.total = total

    @staticmethod
    def _check_dates(cycle: int, evaluated_on: date, today: date) -> None:
        if cycle > today.year:
            raise CycleNotBegun(cycle=cycle, field="cycle")
        if evaluated_on.year < cycle:
            raise BeforeCycle(day=evaluated_on, cycle=cycle, field="evaluated_on")
        check_day(evaluated_on, today, "evaluated_on")

    @classmethod
    def of_association(
        cls,
        *,
        association_id: UUID,
        cycle: int,
        evaluated_on: date,
        evaluator: str,
        scheme: EvaluationScheme,
        scores: dict[str, float],
        notes: str | None,
        today: date,
        by: Provenance,
    ) -> Evaluation:
        """Score an association by the criteria of ``scheme`` (S3.5)."""
        cls._check_dates(cycle, evaluated_on, today)
        total = scheme.score_association(scores)
        return cls._create(
            cls.Recorded,
            id=evaluation_id(association_id, cycle),
            association_id=association_id,
            subject=Subject.ASSOCIATION.value,
            officer_id=None,
            cycle=cycle,
            evaluated_on=evaluated_on,
            evaluator=evaluator,
            scheme_id=scheme.scheme_id,
            scheme_effective_from=scheme.effective_from,
            scores={k: float(v) for k, v in sorted(scores.items())},
            performance_score=None,
            rating_score=None,
            total=total,
            notes=notes,
            by=by,
        )

    @classmethod
    def of_full_time_member(
        cls,
        *,
        association_id: UUID,
        officer_id: UUID,
        cycle: int,
        evaluated_on: date,
        evaluator: str,
        scheme: EvaluationScheme,
        performance_score: float,
        rating_score: float,
        notes: str | None,
        today: date,
        by: Provenance,
    ) -> Evaluation:
        """Score a full-time member: performance and the disabled persons' rating (S3.6)."""
        cls._check_dates(cycle, evaluated_on, today)
        total = scheme.score_full_time_member(performance_score, rating_score)
        return cls._create(
            cls.Recorded,
            id=evaluation_id(officer_id, cycle),
            association_id=association_id,
            subject=Subject.FULL_TIME_MEMBER.value,
            officer_id=officer_id,
            cycle=cycle,
            evaluated_on=evaluated_on,
            evaluator=evaluator,
            scheme_id=scheme.scheme_id,
            scheme_effective_from=scheme.effective_from,
            scores={},
            performance_score=float(performance_score),
            rating_score=float(rating_score),
            total=total,
            notes=notes,
            by=by,
        )
