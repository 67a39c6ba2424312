"""Disabled persons' groups (残疾人小组) of an association, and who belongs to them over time.

S3.3 asks for groups by disability category or by area so that every disabled person of the
village belongs to one ("一个不能少").  Membership is recorded as intervals (joined on, left on)
so that the rule can be checked on any date, not only today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID, uuid4

from aggregates.clock import check_day
from aggregates.errors import (
    AlreadyMember,
    BeforeEstablished,
    BeforeGroupFormed,
    BeforeJoined,
    BeforeLastChange,
    BeforeLastDeparture,
    GroupAreaRequired,
    GroupAreaWithCategory,
    GroupCategoryRequired,
    GroupDisbanded,
    GroupHasMembers,
    LeaderNotMember,
    NotMember,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


class GroupBasis(StrEnum):
    """How a group is drawn up (S3.3)."""

    CATEGORY = "category"  # 按残疾类别
    AREA = "area"  # 按居住区域


class DisabilityCategory(StrEnum):
    """The seven categories of the disability certificate."""

    VISUAL = "visual"  # 视力
    HEARING = "hearing"  # 听力
    SPEECH = "speech"  # 言语
    PHYSICAL = "physical"  # 肢体
    INTELLECTUAL = "intellectual"  # 智力
    MENTAL = "mental"  # 精神
    MULTIPLE = "multiple"  # 多重


@dataclass(frozen=True)
class Membership:
    """A current member as the group needs to know them to enforce the rules."""

    membership_id: UUID
    person_id: UUID
    joined_on: date


class Group(Aggregate):
    """A group of an association, by category or by area, with a leader from its members."""

    @event("Formed")
    def __init__(
        self,
        association_id: UUID,
        name: str,
        basis: str,
        category: str | None,
        area: str | None,
        formed_on: date,
        by: Provenance,
    ) -> None:
        """The group was set up."""
        self.association_id = association_id
        self.name = name
        self.basis = GroupBasis(basis)
        self.formed_on = formed_on
        self.members: dict[UUID, Membership] = {}
        self.last_left: dict[UUID, date] = {}
        self.leader_person_id: UUID | None = None
        self.disbanded_on: date | None = None

    @classmethod
    def form(
        cls,
        *,
        association_id: UUID,
        association_established_on: date,
        name: str,
        basis: GroupBasis,
        category: DisabilityCategory | None,
        area: str | None,
        formed_on: date,
        today: date,
        by: Provenance,
    ) -> Group:
        """Set up a group; a category group names its category, an area group its area."""
        if basis is GroupBasis.CATEGORY and category is None:
            raise GroupCategoryRequired(field="category")
        if basis is GroupBasis.AREA and not area:
            raise GroupAreaRequired(field="area")
        if basis is GroupBasis.AREA and category is not None:
            raise GroupAreaWithCategory(field="category")
        check_day(formed_on, today, "formed_on", association_established_on, BeforeEstablished)
        return cls._create(
            cls.Formed,
            id=uuid4(),
            association_id=association_id,
            name=name,
            basis=basis.value,
            category=category.value if category else None,
            area=area or None,
            formed_on=formed_on,
            by=by,
        )

    def join(self, *, person_id: UUID, joined_on: date, today: date, by: Provenance) -> UUID:
        """Count a person in from ``joined_on``; returns the membership's id."""
        self._check_open()
        if person_id in self.members:
            raise AlreadyMember(field="person_id")
        check_day(joined_on, today, "joined_on", self.formed_on, BeforeGroupFormed)
        left = self.last_left.get(person_id)
        if left is not None and joined_on < left:
            raise BeforeLastDeparture(day=joined_on, earliest=left, field="joined_on")
        membership_id = uuid4()
        self._join(
            membership_id=membership_id,
            association_id=self.association_id,
            person_id=person_id,
            joined_on=joined_on,
            by=by,
        )
        return membership_id

    @event("MemberJoined")
    def _join(
        self,
        membership_id: UUID,
        association_id: UUID,  # the group's, repeated so a read model needs no lookup
        person_id: UUID,
        joined_on: date,
        by: Provenance,
    ) -> None:
        """A person joined the group on a date: counted in."""
        self.members[person_id] = Membership(membership_id, person_id, joined_on)

    def leave(
        self, *, person_id: UUID, left_on: date, reason: str, today: date, by: Provenance
    ) -> None:
        """Count a member out from ``left_on``."""
        membership = self.members.get(person_id)
        if membership is None:
            raise NotMember(id=person_id, field="person_id")
        check_day(left_on, today, "left_on", membership.joined_on, BeforeJoined)
        self._leave(
            membership_id=membership.membership_id,
            person_id=person_id,
            left_on=left_on,
            reason=reason,
            by=by,
        )

    @event("MemberLeft")
    def _leave(
        self, membership_id: UUID, person_id: UUID, left_on: date, reason: str, by: Provenance
    ) -> None:
        """A person left the group; from ``left_on`` on they are no longer a member, nor leader."""
        self.members.pop(person_id)
        self.last_left[person_id] = left_on
        if self.leader_person_id == person_id:
            self.leader_person_id = None

    def appoint_leader(
        self, *, person_id: UUID, appointed_on: date, today: date, by: Provenance
    ) -> None:
        """Make a current member the leader."""
        self._check_open()
        membership = self.members.get(person_id)
        if membership is None:
            raise LeaderNotMember(field="person_id")
        check_day(appointed_on, today, "appointed_on", membership.joined_on, BeforeJoined)
        self._appoint_leader(person_id=person_id, appointed_on=appointed_on, by=by)

    @event("LeaderAppointed")
    def _appoint_leader(self, person_id: UUID, appointed_on: date, by: Provenance) -> None:
        """A member became the group's leader (小组长)."""
        self.leader_person_id = person_id

    def disband(self, *, disbanded_on: date, reason: str, today: date, by: Provenance) -> None:
        """Close a group whose members have all left (none may be left out silently)."""
        self._check_open()
        if self.members:
            raise GroupHasMembers(members=len(self.members), field="disbanded_on")
        latest = max(self.last_left.values(), default=self.formed_on)
        check_day(disbanded_on, today, "disbanded_on", latest, BeforeLastChange)
        self._disband(disbanded_on=disbanded_on, reason=reason, by=by)

    @event("Disbanded")
    def _disband(self, disbanded_on: date, reason: str, by: Provenance) -> None:
        """The group ceased to exist."""
        self.disbanded_on = disbanded_on

    def _check_open(self) -> None:
        if self.disbanded_on is not None:
            raise GroupDisbanded(field="group_id")
