"""The village or community disabled persons' association (残协) and its officers.

Structure rules come from the plan's clause S3.3 (1 chair, 2-3 vice-chairs, 3-5 committee
members) and S3.6 (full-time committee members 专职委员).  Maximums are invariants refused at
command time; minimums are compliance findings, because an association is built up one
appointment at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from aggregates.errors import InvalidValue, InvariantViolated, NotFound


class OfficerRole(StrEnum):
    """The three offices of S3.3."""

    CHAIR = "chair"  # 主席
    VICE_CHAIR = "vice_chair"  # 副主席
    COMMITTEE_MEMBER = "committee_member"  # 委员


class Background(StrEnum):
    """Where an officer comes from (S3.2, representativeness)."""

    DISABLED = "disabled"  # 残疾人
    RELATIVE = "relative"  # 残疾人亲属
    TWO_COMMITTEES = "two_committees"  # 村（社区）两委成员
    GROUP_LEADER = "group_leader"  # 村民小组长
    GRID_WORKER = "grid_worker"  # 网格员
    SOCIAL_ORG = "social_org"  # 社会组织负责人
    HELPER = "helper"  # 助残人士
    VOLUNTEER = "volunteer"  # 志愿者
    PARTY_MEMBER = "party_member"  # 党员


#: S3.3: at most this many sitting officers per role.
MAXIMUM_SITTING = {
    OfficerRole.CHAIR: 1,
    OfficerRole.VICE_CHAIR: 3,
    OfficerRole.COMMITTEE_MEMBER: 5,
}


@dataclass(frozen=True)
class Officer:
    """A sitting officer as the aggregate needs to know them to enforce the rules."""

    officer_id: UUID
    name: str
    role: OfficerRole
    full_time: bool
    appointed_on: date


class Association(Aggregate):
    """One association per village or community, identified by its 12-digit division code."""

    class Event(Aggregate.Event):
        """Base of the association's events: each carries its provenance as ``by``."""

        by: dict[str, Any]

    class Established(Event, Aggregate.Created):
        """The association was set up (成立)."""

        division_code: str
        name: str
        township_code: str
        established_on: date

    class OfficerAppointed(Event):
        """Someone took an office."""

        officer_id: UUID
        name: str
        role: str
        full_time: bool
        backgrounds: list[str]
        appointed_on: date
        phone: str | None = None  # personal data: masked in answers

        def apply(self, aggregate: Aggregate) -> None:
            """Seat the officer."""
            assert isinstance(aggregate, Association)
            aggregate.officers[self.officer_id] = Officer(
                officer_id=self.officer_id,
                name=self.name,
                role=OfficerRole(self.role),
                full_time=self.full_time,
                appointed_on=self.appointed_on,
            )

    class OfficerRemoved(Event):
        """An officer left office, with the date and the reason."""

        officer_id: UUID
        removed_on: date
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            """Unseat the officer, remembering that they once sat."""
            assert isinstance(aggregate, Association)
            aggregate.officers.pop(self.officer_id)
            aggregate.former_officers.add(self.officer_id)

    def __init__(
        self,
        division_code: str,
        name: str,
        township_code: str,
        established_on: date,
        by: dict[str, Any],
    ) -> None:
        self.division_code = division_code
        self.name = name
        self.township_code = township_code
        self.established_on = established_on
        self.officers: dict[UUID, Officer] = {}
        self.former_officers: set[UUID] = set()

    def __deepcopy__(self, memo: dict[int, Any]) -> Association:
        """A copy for the repository's cache: containers copied, frozen values shared.

        The library deep-copies a cached aggregate for every command; a generic deepcopy
        walks every officer and date (a quarter of a command's time) although all of them
        are immutable.
        """
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.officers = dict(self.officers)
        clone.former_officers = set(self.former_officers)
        clone._pending_events = list(self._pending_events)
        return clone

    @classmethod
    def establish(
        cls,
        *,
        division_code: str,
        name: str,
        township_code: str,
        established_on: date,
        today: date,
        by: dict[str, Any],
    ) -> Association:
        """Set up the association of a village; the date cannot lie in the future."""
        if not division_code.startswith(township_code):
            raise InvalidValue(
                f"division {division_code} is not within township {township_code}",
                field="township_code",
            )
        if established_on > today:
            raise InvalidValue("established_on lies in the future", field="established_on")
        return cls._create(
            cls.Established,
            division_code=division_code,
            name=name,
            township_code=township_code,
            established_on=established_on,
            by=by,
        )

    def sitting(self, role: OfficerRole) -> list[Officer]:
        """The officers now holding ``role``."""
        return [o for o in self.officers.values() if o.role is role]

    def appoint_officer(
        self,
        *,
        name: str,
        role: OfficerRole,
        full_time: bool,
        backgrounds: list[Background],
        appointed_on: date,
        today: date,
        by: dict[str, Any],
        phone: str | None = None,
    ) -> UUID:
        """Seat a new officer; refuses what S3.3 and S3.6 forbid."""
        if full_time and role is not OfficerRole.COMMITTEE_MEMBER:
            raise InvariantViolated(
                "only a committee member can be full-time (S3.6)", field="full_time"
            )
        self._check_appointment_date(appointed_on, today)
        sitting = self.sitting(role)
        if len(sitting) >= MAXIMUM_SITTING[role]:
            raise InvariantViolated(
                f"the association already has {len(sitting)} sitting {role.value}(s); "
                f"S3.3 allows at most {MAXIMUM_SITTING[role]}",
                field="role",
                sitting=len(sitting),
                maximum=MAXIMUM_SITTING[role],
            )
        officer_id = uuid4()
        self.trigger_event(
            self.OfficerAppointed,
            officer_id=officer_id,
            name=name,
            role=role.value,
            full_time=full_time,
            backgrounds=sorted({b.value for b in backgrounds}),
            appointed_on=appointed_on,
            phone=phone,
            by=by,
        )
        return officer_id

    def remove_officer(
        self,
        *,
        officer_id: UUID,
        removed_on: date,
        reason: str,
        today: date,
        by: dict[str, Any],
    ) -> None:
        """Take an officer out of office on a date not before their appointment."""
        officer = self.officers.get(officer_id)
        if officer is None:
            if officer_id in self.former_officers:
                raise InvariantViolated("the officer has already left office", field="officer_id")
            raise NotFound(f"no officer {officer_id} in this association", field="officer_id")
        if removed_on < officer.appointed_on:
            raise InvalidValue("removed_on lies before the appointment", field="removed_on")
        if removed_on > today:
            raise InvalidValue("removed_on lies in the future", field="removed_on")
        self.trigger_event(
            self.OfficerRemoved, officer_id=officer_id, removed_on=removed_on, reason=reason, by=by
        )

    def _check_appointment_date(self, appointed_on: date, today: date) -> None:
        if appointed_on < self.established_on:
            raise InvalidValue(
                "appointed_on lies before the association was established", field="appointed_on"
            )
        if appointed_on > today:
            raise InvalidValue("appointed_on lies in the future", field="appointed_on")


class DivisionClaim(Aggregate):
    """Index aggregate: a village's claim to its single association.

    Its id is derived from the division code, so a second association for the same village
    collides with the first at the event store (one transaction, no race) instead of relying
    on an eventually consistent read model.
    """

    class Claimed(Aggregate.Created):
        """The division got its association."""

        division_code: str
        association_id: UUID

    def __init__(self, division_code: str, association_id: UUID) -> None:
        self.division_code = division_code
        self.association_id = association_id
