"""Home visits (入户走访) and the follow-ups of the difficulties they find (S3.4, S3.5).

A visit is made by an officer of the association to a household, on site or by phone.  The
difficulties reported are referred to the village two committees (村两委) or the township
(乡镇街道), and each referral ends in a recorded outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID, uuid4

from aggregates.clock import check_day
from aggregates.errors import (
    BeforeReferral,
    BeforeVisit,
    FollowUpAlreadyConcluded,
    NoSuchFollowUp,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


class HouseholdKind(StrEnum):
    """Kinds of household with their own visit interval (district settings)."""

    SPECIAL_HARDSHIP = "special_hardship"  # 特困残疾人家庭
    ORDINARY = "ordinary"  # 其他


class VisitMode(StrEnum):
    """How the visit was made."""

    ON_SITE = "on_site"  # 入户
    PHONE = "phone"  # 电话


class ReferredTo(StrEnum):
    """Who a difficulty is reported to (S3.4: rights)."""

    TWO_COMMITTEES = "two_committees"  # 村（社区）两委
    TOWNSHIP = "township"  # 乡镇（街道）及其残联


@dataclass(frozen=True)
class FollowUp:
    """A referral as the visit must know it to accept its outcome."""

    follow_up_id: UUID
    referred_on: date
    concluded_on: date | None = None


class HomeVisit(Aggregate):
    """One visit to one household, with its follow-ups."""

    @event("Recorded")
    def __init__(
        self,
        association_id: UUID,
        household_id: str,
        household_kind: str,
        person_ids: list[str],
        visited_on: date,
        visitor_officer_id: UUID,
        visitor_name: str,
        mode: str,
        findings: str,
        difficulties: list[str],
        by: Provenance,
    ) -> None:
        """The visit took place."""
        self.association_id = association_id
        self.household_id = household_id
        self.visited_on = visited_on
        self.follow_ups: dict[UUID, FollowUp] = {}

    @classmethod
    def record(
        cls,
        *,
        association_id: UUID,
        household_id: str,
        household_kind: HouseholdKind,
        person_ids: list[UUID],
        visited_on: date,
        visitor_officer_id: UUID,
        visitor_name: str,
        mode: VisitMode,
        findings: str,
        difficulties: list[str],
        today: date,
        by: Provenance,
    ) -> HomeVisit:
        """Record a visit; the date cannot lie in the future."""
        check_day(visited_on, today, "visited_on")
        return cls._create(
            cls.Recorded,
            id=uuid4(),
            association_id=association_id,
            household_id=household_id,
            household_kind=household_kind.value,
            person_ids=[str(p) for p in dict.fromkeys(person_ids)],
            visited_on=visited_on,
            visitor_officer_id=visitor_officer_id,
            visitor_name=visitor_name,
            mode=mode.value,
            findings=findings,
            difficulties=difficulties,
            by=by,
        )

    def refer(
        self,
        *,
        referred_to: ReferredTo,
        referred_on: date,
        matter: str,
        today: date,
        by: Provenance,
    ) -> UUID:
        """Refer a difficulty to the two committees or the township."""
        check_day(referred_on, today, "referred_on", self.visited_on, BeforeVisit)
        follow_up_id = uuid4()
        self._refer(
            follow_up_id=follow_up_id,
            referred_to=referred_to.value,
            referred_on=referred_on,
            matter=matter,
            by=by,
        )
        return follow_up_id

    @event("FollowUpReferred")
    def _refer(
        self,
        follow_up_id: UUID,
        referred_to: str,
        referred_on: date,
        matter: str,
        by: Provenance,
    ) -> None:
        """A difficulty found on the visit was referred for action: the follow-up opens."""
        self.follow_ups[follow_up_id] = FollowUp(follow_up_id, referred_on)

    def conclude(
        self,
        *,
        follow_up_id: UUID,
        concluded_on: date,
        outcome: str,
        resolved: bool,
        today: date,
        by: Provenance,
    ) -> None:
        """Record the outcome of a referral, once."""
        follow_up = self.follow_ups.get(follow_up_id)
        if follow_up is None:
            raise NoSuchFollowUp(id=follow_up_id, field="follow_up_id")
        if follow_up.concluded_on is not None:
            raise FollowUpAlreadyConcluded(
                concluded_on=follow_up.concluded_on, field="follow_up_id"
            )
        check_day(concluded_on, today, "concluded_on", follow_up.referred_on, BeforeReferral)
        self._conclude(
            follow_up_id=follow_up_id,
            concluded_on=concluded_on,
            outcome=outcome,
            resolved=resolved,
            by=by,
        )

    @event("FollowUpConcluded")
    def _conclude(
        self,
        follow_up_id: UUID,
        concluded_on: date,
        outcome: str,
        resolved: bool,
        by: Provenance,
    ) -> None:
        """The referral came back with an outcome: the follow-up closes."""
        open_one = self.follow_ups[follow_up_id]
        self.follow_ups[follow_up_id] = FollowUp(
            open_one.follow_up_id, open_one.referred_on, concluded_on
        )
