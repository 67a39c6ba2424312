"""The village or community disabled persons' association (残协) and its officers.

Structure rules come from the plan's clause S3.3 (1 chair, 2-3 vice-chairs, 3-5 committee
members) and S3.6 (full-time committee members 专职委员).  Maximums are invariants refused at
command time; minimums are compliance findings, because an association is built up one
appointment at a time.

Its lifecycle (re-election 换届, dissolution, merger, following its village when divisions
change), facilities and publicity (S3.4, S3.5), the full-time members' selection, pay and exit
(S3.6, 能进能出) and its officers' training and qualifications (S3.7) are events here too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from aggregates.clock import check_day
from aggregates.errors import (
    AlreadyFullTime,
    AssociationNotActive,
    AttendanceRecorded,
    BeforeAppointment,
    BeforeEstablished,
    BeforeFacilityRecorded,
    BeforeFullTimeSelection,
    BeforeLatestAppointment,
    BeforeTargetEstablished,
    BeforeTermStart,
    ContinuingKeepsOffice,
    ContinuingOnce,
    FullTimeNotCommitteeMember,
    MergeIntoItself,
    NegativeAmount,
    NoSuchFacility,
    NoSuchOfficer,
    NotFullTime,
    NotInOfficeOnSessionDay,
    NotWithinTownship,
    OfficerLeft,
    OutOfRange,
    SayHowSelected,
    SeatsFull,
    SecondChair,
    TargetNotActive,
    TermEndsBeforeStart,
    TermNeedsOfficers,
    TooManyCommitteeMembers,
    TooManyViceChairs,
)
from aggregates.events import Aggregate, Index, event
from aggregates.plan import PLANS, Plan, in_force
from aggregates.provenance import Provenance


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


class Status(StrEnum):
    """Where the association stands in its lifecycle."""

    ACTIVE = "active"
    DISSOLVED = "dissolved"  # 撤销
    MERGED = "merged"  # 并入另一残协


class FacilityKind(StrEnum):
    """Facilities and publicity an association records (S3.4, S3.5)."""

    SERVICE_VENUE = "service_venue"  # 服务场所（村/社区综合服务设施内）
    BARRIER_FREE = "barrier_free"  # 无障碍设施
    DUTIES_ON_WALL = "duties_on_wall"  # 职责上墙公示
    RULES_ON_WALL = "rules_on_wall"  # 工作制度上墙公示


class SelectionMethod(StrEnum):
    """How a full-time committee member was selected (S3.6: selection rules standardised)."""

    OPEN_RECRUITMENT = "open_recruitment"  # 公开招聘
    ELECTION = "election"  # 选举产生
    RECOMMENDATION = "recommendation"  # 村两委推荐
    OTHER = "other"
    UNRECORDED = "unrecorded"  # appointed full-time before selections were recorded


class PriorityGroup(StrEnum):
    """S3.6 gives priority to disabled persons and their relatives."""

    DISABLED = "disabled"
    RELATIVE = "relative"
    NEITHER = "neither"


class PayKind(StrEnum):
    """How a full-time member is paid (S3.6)."""

    PUBLIC_WELFARE_POST = "public_welfare_post"  # 公益性岗位
    SUBSIDY = "subsidy"  # 补贴


class QualificationKind(StrEnum):
    """Qualifications S3.7 encourages officers to obtain."""

    ASSISTANT_SOCIAL_WORKER = "assistant_social_worker"  # 助理社会工作师
    SOCIAL_WORKER = "social_worker"  # 社会工作师
    CIVIL_SERVICE = "civil_service"  # 公务员考试
    DEGREE = "degree"  # 学历
    OTHER = "other"


#: The refusal of one more officer than S3.3 allows, by office.
_SEATS_FULL: dict[OfficerRole, type[SeatsFull]] = {
    OfficerRole.CHAIR: SecondChair,
    OfficerRole.VICE_CHAIR: TooManyViceChairs,
    OfficerRole.COMMITTEE_MEMBER: TooManyCommitteeMembers,
}


def maximum_sitting(role: OfficerRole, on: date, plans: tuple[Plan, ...] = PLANS) -> int:
    """S3.3: at most this many sitting officers of ``role``, by the plan in force ``on``."""
    return in_force(on, plans).structure.of(role.value).high


@dataclass(frozen=True)
class Officer:
    """A sitting officer as the aggregate needs to know them to enforce the rules."""

    officer_id: UUID
    name: str
    role: OfficerRole
    full_time: bool
    appointed_on: date


@dataclass(frozen=True)
class NewOfficer:
    """An officer of a new term (re-election); ``continuing`` names a sitting officer re-elected
    to the same office, who keeps their id."""

    name: str
    role: OfficerRole
    full_time: bool = False
    backgrounds: tuple[Background, ...] = ()
    phone: str | None = None
    continuing: UUID | None = None


class Association(Aggregate):
    """One association per village or community, identified by its 12-digit division code."""

    @event("Established")
    def __init__(
        self,
        division_code: str,
        name: str,
        township_code: str,
        established_on: date,
        by: Provenance,
    ) -> None:
        """The association was set up (成立)."""
        self.division_code = division_code
        self.name = name
        self.township_code = township_code
        self.established_on = established_on
        self.officers: dict[UUID, Officer] = {}
        self.former_officers: set[UUID] = set()
        self.departed: dict[UUID, tuple[Officer, date]] = {}
        self.status = Status.ACTIVE
        self.ended_on: date | None = None
        self.merged_into: UUID | None = None
        self.term = 1
        self.term_started_on = established_on
        self.facilities: dict[UUID, date] = {}
        #: officer id -> (membership id, selected on) of each open full-time membership
        self.full_time: dict[UUID, tuple[UUID, date]] = {}
        self.attendance: set[tuple[UUID, UUID]] = set()

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
        clone.departed = dict(self.departed)
        clone.facilities = dict(self.facilities)
        clone.full_time = dict(self.full_time)
        clone.attendance = set(self.attendance)
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
        by: Provenance,
    ) -> Association:
        """Set up the association of a village; the date cannot lie in the future."""
        if not division_code.startswith(township_code):
            raise NotWithinTownship(
                code=division_code, township=township_code, field="township_code"
            )
        check_day(established_on, today, "established_on")
        return cls(
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
        by: Provenance,
        phone: str | None = None,
    ) -> UUID:
        """Seat a new officer; refuses what S3.3 and S3.6 forbid."""
        self._check_active()
        if full_time and role is not OfficerRole.COMMITTEE_MEMBER:
            raise FullTimeNotCommitteeMember(clause="S3.6", field="full_time")
        self._check_appointment_date(appointed_on, today)
        sitting = self.sitting(role)
        maximum = maximum_sitting(role, appointed_on)
        if len(sitting) >= maximum:
            raise _SEATS_FULL[role](
                sitting=len(sitting), maximum=maximum, clause="S3.3", field="role"
            )
        officer_id = uuid4()
        self._appoint_officer(
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

    @event("OfficerAppointed")
    def _appoint_officer(
        self,
        officer_id: UUID,
        name: str,
        role: str,
        full_time: bool,
        backgrounds: list[str],
        appointed_on: date,
        by: Provenance,
        phone: str | None = None,  # personal data: masked in answers
    ) -> None:
        """Someone took an office; a full-time appointment opens a full-time membership."""
        self.officers[officer_id] = Officer(
            officer_id=officer_id,
            name=name,
            role=OfficerRole(role),
            full_time=full_time,
            appointed_on=appointed_on,
        )
        if full_time:
            self.full_time[officer_id] = (officer_id, appointed_on)

    def remove_officer(
        self,
        *,
        officer_id: UUID,
        removed_on: date,
        reason: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Take an officer out of office on a date not before their appointment."""
        self._check_active()
        officer = self.officers.get(officer_id)
        if officer is None:
            if officer_id in self.former_officers:
                raise OfficerLeft(field="officer_id")
            raise NoSuchOfficer(id=officer_id, field="officer_id")
        check_day(removed_on, today, "removed_on", officer.appointed_on, BeforeAppointment)
        membership = self.full_time.get(officer_id)
        if membership is not None and removed_on < membership[1]:
            raise BeforeFullTimeSelection(
                day=removed_on, earliest=membership[1], field="removed_on"
            )
        self._remove_officer(
            officer_id=officer_id,
            removed_on=removed_on,
            reason=reason,
            ended_membership_id=membership[0] if membership else None,
            by=by,
        )

    # -- lifecycle (换届, dissolution, merger, following the village) ---------------------------

    @event("OfficerRemoved")
    def _remove_officer(
        self,
        officer_id: UUID,
        removed_on: date,
        reason: str,
        by: Provenance,
        ended_membership_id: UUID | None = None,  # the full-time membership ending with it
    ) -> None:
        """An officer left office, with the date and the reason (remembered as having sat)."""
        self._end_all([officer_id], removed_on)

    def reelect(
        self,
        *,
        started_on: date,
        ends_on: date,
        officers: list[NewOfficer],
        today: date,
        by: Provenance,
    ) -> list[UUID]:
        """Begin a new term with its officers; returns their ids in the order given.

        Sitting officers not named as continuing leave office on the term's first day; the new
        term must obey S3.3's maximums and S3.6's full-time rule on its own.
        """
        self._check_active()
        self._check_new_term(started_on, ends_on, today, officers)
        continuing = self._continuing(officers)
        _check_maximums(officers, started_on)
        ended = [officer_id for officer_id in self.officers if officer_id not in continuing]
        ids = [seat.continuing or uuid4() for seat in officers]
        self._reelect(
            term=self.term + 1,
            started_on=started_on,
            ends_on=ends_on,
            ended_officer_ids=ended,
            ended_membership_ids=self._memberships_of(ended),
            continuing_officer_ids=continuing,
            appointed=[
                _appointed_seat(officer_id, seat)
                for officer_id, seat in zip(ids, officers, strict=True)
                if seat.continuing is None
            ],
            by=by,
        )
        return ids

    def _check_new_term(
        self, started_on: date, ends_on: date, today: date, officers: list[NewOfficer]
    ) -> None:
        """The term's dates follow the last term's, and it names its officers."""
        check_day(started_on, today, "started_on")
        if started_on <= self.term_started_on:
            raise BeforeTermStart(day=started_on, earliest=self.term_started_on, field="started_on")
        if ends_on <= started_on:
            raise TermEndsBeforeStart(day=ends_on, earliest=started_on, field="ends_on")
        if not officers:
            raise TermNeedsOfficers(field="officers")

    def _continuing(self, officers: list[NewOfficer]) -> list[UUID]:
        """The sitting officers named again, each once and in the office they hold (S3.6: only
        a committee member is full-time)."""
        continuing: list[UUID] = []
        for index, seat in enumerate(officers):
            field = f"officers.{index}"
            if seat.full_time and seat.role is not OfficerRole.COMMITTEE_MEMBER:
                raise FullTimeNotCommitteeMember(clause="S3.6", field=f"{field}.full_time")
            if seat.continuing is not None:
                sitting = self.officers.get(seat.continuing)
                if sitting is None or seat.continuing in continuing:
                    raise ContinuingOnce(field=f"{field}.continuing")
                if sitting.role is not seat.role:
                    raise ContinuingKeepsOffice(field=f"{field}.role")
                continuing.append(seat.continuing)
        return continuing

    @event("Reelected")
    def _reelect(
        self,
        term: int,
        started_on: date,
        ends_on: date,
        ended_officer_ids: list[UUID],
        ended_membership_ids: list[UUID],
        continuing_officer_ids: list[UUID],
        appointed: list[dict[str, Any]],  # officer_id, name, role, full_time, backgrounds, phone
        by: Provenance,
    ) -> None:
        """换届: a new term began; officers not re-elected left office on its first day."""
        self._end_all(ended_officer_ids, started_on)
        for seat in appointed:
            officer_id = UUID(str(seat["officer_id"]))
            self.officers[officer_id] = Officer(
                officer_id=officer_id,
                name=seat["name"],
                role=OfficerRole(seat["role"]),
                full_time=bool(seat["full_time"]),
                appointed_on=started_on,
            )
            if seat["full_time"]:
                self.full_time[officer_id] = (officer_id, started_on)
        self.term = term
        self.term_started_on = started_on

    def dissolve(self, *, dissolved_on: date, reason: str, today: date, by: Provenance) -> None:
        """Dissolve the association; every sitting officer leaves office that day."""
        self._check_active()
        self._check_ending_date(dissolved_on, today, "dissolved_on")
        ended = list(self.officers)
        self._dissolve(
            dissolved_on=dissolved_on,
            reason=reason,
            ended_officer_ids=ended,
            ended_membership_ids=self._memberships_of(ended),
            by=by,
        )

    @event("Dissolved")
    def _dissolve(
        self,
        dissolved_on: date,
        reason: str,
        ended_officer_ids: list[UUID],
        ended_membership_ids: list[UUID],
        by: Provenance,
    ) -> None:
        """The association was dissolved (撤销); its sitting officers left office that day."""
        self._end_all(ended_officer_ids, dissolved_on)
        self.status = Status.DISSOLVED
        self.ended_on = dissolved_on

    def merge_into(
        self,
        other: Association,
        *,
        merged_on: date,
        reason: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Merge this association into ``other``: this one closes, the other records it."""
        self._check_active()
        if other.id == self.id:
            raise MergeIntoItself(field="into_association_id")
        if other.status is not Status.ACTIVE:
            raise TargetNotActive(
                association_status=other.status.value, field="into_association_id"
            )
        self._check_ending_date(merged_on, today, "merged_on")
        if merged_on < other.established_on:
            raise BeforeTargetEstablished(
                day=merged_on, earliest=other.established_on, field="merged_on"
            )
        ended = list(self.officers)
        self._merge_into(
            into_association_id=other.id,
            merged_on=merged_on,
            reason=reason,
            ended_officer_ids=ended,
            ended_membership_ids=self._memberships_of(ended),
            by=by,
        )
        other._absorb(from_association_id=self.id, merged_on=merged_on, by=by)

    @event("MergedInto")
    def _merge_into(
        self,
        into_association_id: UUID,
        merged_on: date,
        reason: str,
        ended_officer_ids: list[UUID],
        ended_membership_ids: list[UUID],
        by: Provenance,
    ) -> None:
        """The association was merged into another one of the district: closed, remembering
        where it went."""
        self._end_all(ended_officer_ids, merged_on)
        self.status = Status.MERGED
        self.ended_on = merged_on
        self.merged_into = into_association_id

    @event("Absorbed")
    def _absorb(self, from_association_id: UUID, merged_on: date, by: Provenance) -> None:
        """Another association was merged into this one."""

    def follow_village(
        self, *, division_code: str, effective_on: date, change: str, by: Provenance
    ) -> None:
        """Move with the village to its new code after a merge or split of villages."""
        self._check_active()
        self._follow_village(
            division_code=division_code,
            township_code=division_code[:9],
            previous_division_code=self.division_code,
            effective_on=effective_on,
            change=change,
            by=by,
        )

    # -- facilities and publicity (S3.4, S3.5) -------------------------------------------------

    @event("VillageChanged")
    def _follow_village(
        self,
        division_code: str,
        township_code: str,
        previous_division_code: str,
        effective_on: date,
        change: str,  # "merge" or "split"
        by: Provenance,
    ) -> None:
        """The association followed its village to a new division code (merge or split)."""
        self.division_code = division_code
        self.township_code = township_code

    def record_facility(
        self,
        *,
        kind: FacilityKind,
        description: str,
        recorded_on: date,
        evidence: str,
        today: date,
        by: Provenance,
    ) -> UUID:
        """Record a venue, barrier-free facility or wall display with its date and evidence."""
        self._check_active()
        self._check_date_in_life(recorded_on, today, "recorded_on")
        facility_id = uuid4()
        self._record_facility(
            facility_id=facility_id,
            kind=kind.value,
            description=description,
            recorded_on=recorded_on,
            evidence=evidence,
            by=by,
        )
        return facility_id

    @event("FacilityRecorded")
    def _record_facility(
        self,
        facility_id: UUID,
        kind: str,
        description: str,
        recorded_on: date,
        evidence: str,
        by: Provenance,
    ) -> None:
        """A venue, barrier-free facility or wall display was recorded (S3.4, S3.5)."""
        self.facilities[facility_id] = recorded_on

    def withdraw_facility(
        self,
        *,
        facility_id: UUID,
        withdrawn_on: date,
        reason: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Record that a facility is gone, from a date."""
        self._check_active()
        recorded_on = self.facilities.get(facility_id)
        if recorded_on is None:
            raise NoSuchFacility(id=facility_id, field="facility_id")
        check_day(withdrawn_on, today, "withdrawn_on", recorded_on, BeforeFacilityRecorded)
        self._withdraw_facility(
            facility_id=facility_id,
            withdrawn_on=withdrawn_on,
            reason=reason,
            by=by,
        )

    # -- full-time committee members (S3.6) ------------------------------------------------

    @event("FacilityWithdrawn")
    def _withdraw_facility(
        self, facility_id: UUID, withdrawn_on: date, reason: str, by: Provenance
    ) -> None:
        """A facility is no longer there (venue lost, display taken down)."""
        self.facilities.pop(facility_id)

    def select_full_time(
        self,
        *,
        officer_id: UUID,
        method: SelectionMethod,
        priority_group: PriorityGroup,
        selected_on: date,
        note: str,
        today: date,
        by: Provenance,
    ) -> UUID:
        """Select a sitting committee member as full-time member; returns the membership id."""
        self._check_active()
        officer = self._sitting_officer(officer_id)
        if officer.role is not OfficerRole.COMMITTEE_MEMBER:
            raise FullTimeNotCommitteeMember(clause="S3.6", field="officer_id")
        if officer_id in self.full_time:
            raise AlreadyFullTime(field="officer_id")
        if method is SelectionMethod.UNRECORDED:
            raise SayHowSelected(field="method")
        check_day(selected_on, today, "selected_on", officer.appointed_on, BeforeAppointment)
        membership_id = uuid4()
        self._select_full_time(
            membership_id=membership_id,
            officer_id=officer_id,
            name=officer.name,
            method=method.value,
            priority_group=priority_group.value,
            selected_on=selected_on,
            note=note,
            by=by,
        )
        return membership_id

    @event("FullTimeMemberSelected")
    def _select_full_time(
        self,
        membership_id: UUID,
        officer_id: UUID,
        name: str,
        method: str,
        priority_group: str,
        selected_on: date,
        note: str,
        by: Provenance,
    ) -> None:
        """A sitting committee member was selected as full-time member (S3.6)."""
        officer = self.officers[officer_id]
        self.officers[officer_id] = replace(officer, full_time=True)
        self.full_time[officer_id] = (membership_id, selected_on)

    def arrange_pay(
        self,
        *,
        officer_id: UUID,
        kind: PayKind,
        monthly_amount: Decimal,
        from_on: date,
        today: date,
        by: Provenance,
    ) -> None:
        """Record how a full-time member is paid from a date (public-welfare post or subsidy)."""
        self._check_active()
        membership_id, selected_on = self._membership(officer_id)
        if monthly_amount < 0:
            raise NegativeAmount(field="monthly_amount")
        check_day(from_on, today, "from_on", selected_on, BeforeFullTimeSelection)
        self._arrange_pay(
            membership_id=membership_id,
            officer_id=officer_id,
            kind=kind.value,
            monthly_amount=f"{monthly_amount:.2f}",
            from_on=from_on,
            by=by,
        )

    @event("FullTimePayArranged")
    def _arrange_pay(
        self,
        membership_id: UUID,
        officer_id: UUID,
        kind: str,
        monthly_amount: str,  # yuan, two decimals, as text: exact and portable
        from_on: date,
        by: Provenance,
    ) -> None:
        """How a full-time member is paid from a date: public-welfare post or subsidy."""

    def exit_full_time(
        self, *, officer_id: UUID, exited_on: date, reason: str, today: date, by: Provenance
    ) -> None:
        """End a full-time membership (能进能出); the officer stays a committee member."""
        self._check_active()
        membership_id, selected_on = self._membership(officer_id)
        check_day(exited_on, today, "exited_on", selected_on, BeforeFullTimeSelection)
        self._exit_full_time(
            membership_id=membership_id,
            officer_id=officer_id,
            exited_on=exited_on,
            reason=reason,
            by=by,
        )

    # -- training and qualifications (S3.7) -----------------------------------------------

    @event("FullTimeMemberExited")
    def _exit_full_time(
        self,
        membership_id: UUID,
        officer_id: UUID,
        exited_on: date,
        reason: str,
        by: Provenance,
    ) -> None:
        """A full-time member stopped being full-time (能进能出), with the reason; if still
        sitting, an ordinary committee member again."""
        self.full_time.pop(officer_id)
        officer = self.officers.get(officer_id)
        if officer is not None:
            self.officers[officer_id] = replace(officer, full_time=False)

    def record_qualification(
        self,
        *,
        officer_id: UUID,
        kind: QualificationKind,
        title: str,
        obtained_on: date,
        issuer: str,
        evidence: str,
        today: date,
        by: Provenance,
    ) -> UUID:
        """Record a qualification an officer (sitting or former) obtained."""
        officer = self._any_officer(officer_id)
        check_day(obtained_on, today, "obtained_on")
        qualification_id = uuid4()
        self._record_qualification(
            qualification_id=qualification_id,
            officer_id=officer_id,
            name=officer.name,
            kind=kind.value,
            title=title,
            obtained_on=obtained_on,
            issuer=issuer,
            evidence=evidence,
            by=by,
        )
        return qualification_id

    @event("QualificationObtained")
    def _record_qualification(
        self,
        qualification_id: UUID,
        officer_id: UUID,
        name: str,
        kind: str,
        title: str,
        obtained_on: date,
        issuer: str,
        evidence: str,
        by: Provenance,
    ) -> None:
        """An officer obtained a qualification (S3.7: social-worker exam and the like)."""

    def attend_training(
        self,
        *,
        session_id: UUID,
        held_on: date,
        officer_id: UUID,
        hours: float,
        session_hours: float,
        by: Provenance,
    ) -> None:
        """Record that an officer in office on the session's date attended it."""
        officer = self._any_officer(officer_id)
        departed = self.departed.get(officer_id)
        if held_on < officer.appointed_on or (departed is not None and held_on > departed[1]):
            raise NotInOfficeOnSessionDay(day=held_on, field="officer_id")
        if (session_id, officer_id) in self.attendance:
            raise AttendanceRecorded(field="officer_id")
        if not 0 < hours <= session_hours:
            raise OutOfRange(minimum=0, maximum=session_hours, field="hours")
        self._attend_training(
            session_id=session_id,
            officer_id=officer_id,
            name=officer.name,
            role=officer.role.value,
            hours=hours,
            held_on=held_on,
            by=by,
        )

    # -- checks and bookkeeping -----------------------------------------------------------

    @event("TrainingAttended")
    def _attend_training(
        self,
        session_id: UUID,
        officer_id: UUID,
        name: str,
        role: str,
        hours: float,
        by: Provenance,
        held_on: date | None = None,  # the session's day: when the training took effect
    ) -> None:
        """An officer attended a training session (S3.7), remembered so as not to count twice."""
        self.attendance.add((session_id, officer_id))

    def _check_active(self) -> None:
        if self.status is not Status.ACTIVE:
            raise AssociationNotActive(
                association_status=self.status.value, since=self.ended_on, field="association_id"
            )

    def _check_ending_date(self, ended_on: date, today: date, field: str) -> None:
        self._check_date_in_life(ended_on, today, field)
        latest = max([self.term_started_on, *(o.appointed_on for o in self.officers.values())])
        if ended_on < latest:
            raise BeforeLatestAppointment(day=ended_on, earliest=latest, field=field)

    def _check_date_in_life(self, day: date, today: date, field: str) -> None:
        check_day(day, today, field, self.established_on, BeforeEstablished)

    def _sitting_officer(self, officer_id: UUID) -> Officer:
        officer = self.officers.get(officer_id)
        if officer is None:
            if officer_id in self.former_officers:
                raise OfficerLeft(field="officer_id")
            raise NoSuchOfficer(id=officer_id, field="officer_id")
        return officer

    def _any_officer(self, officer_id: UUID) -> Officer:
        officer = self.officers.get(officer_id)
        if officer is None and officer_id in self.departed:
            officer = self.departed[officer_id][0]
        if officer is None:
            raise NoSuchOfficer(id=officer_id, field="officer_id")
        return officer

    def _membership(self, officer_id: UUID) -> tuple[UUID, date]:
        self._sitting_officer(officer_id)
        membership = self.full_time.get(officer_id)
        if membership is None:
            raise NotFullTime(field="officer_id")
        return membership

    def _memberships_of(self, officer_ids: list[UUID]) -> list[UUID]:
        return [self.full_time[o][0] for o in officer_ids if o in self.full_time]

    def _end_all(self, officer_ids: list[UUID], ended_on: date) -> None:
        """Officers leave office on ``ended_on``; their full-time memberships end with them."""
        for officer_id in officer_ids:
            officer = self.officers.pop(officer_id)
            self.former_officers.add(officer_id)
            self.departed[officer_id] = (officer, ended_on)
            self.full_time.pop(officer_id, None)

    def _check_appointment_date(self, appointed_on: date, today: date) -> None:
        check_day(appointed_on, today, "appointed_on", self.established_on, BeforeEstablished)


def division_claim_id(division_code: str) -> UUID:
    """The id of the claim aggregate for a village: the same code always gives the same id."""
    return uuid5(NAMESPACE_URL, f"canxie:division-claim:{division_code}")


class DivisionClaim(Index):
    """Index aggregate: a village's claim to its single association.

    Its id is derived from the division code, so a second association for the same village
    collides with the first at the event store (one transaction, no race) instead of relying
    on an eventually consistent read model.
    """

    @event("Claimed")
    def __init__(self, division_code: str, association_id: UUID) -> None:
        """The division got its association."""
        self.division_code = division_code
        self.association_id = association_id

    @classmethod
    def claim(cls, division_code: str, association_id: UUID) -> DivisionClaim:
        """A new claim, under the id the village's code gives."""
        return cls._create(
            cls.Claimed,
            id=division_claim_id(division_code),
            division_code=division_code,
            association_id=association_id,
        )

    def transfer(self, association_id: UUID, by: Provenance) -> None:
        """Give the village to another association."""
        self._transfer(association_id=association_id, by=by)

    @event("Transferred")
    def _transfer(self, association_id: UUID, by: Provenance) -> None:
        """Another association now holds the village (it followed the village after a merge or
        split, the previous holder having been dissolved or merged)."""
        self.association_id = association_id


def _appointed_seat(officer_id: UUID, seat: NewOfficer) -> dict[str, Any]:
    """A newly elected officer as the ``Reelected`` event stores them."""
    return {
        "officer_id": str(officer_id),
        "name": seat.name,
        "role": seat.role.value,
        "full_time": seat.full_time,
        "backgrounds": sorted({b.value for b in seat.backgrounds}),
        "phone": seat.phone,
    }


def _check_maximums(officers: list[NewOfficer], started_on: date) -> None:
    """A new term's seats fit S3.3's maximums in force on its first day."""
    counts = dict.fromkeys(OfficerRole, 0)
    for seat in officers:
        counts[seat.role] += 1
    for role, count in counts.items():
        maximum = maximum_sitting(role, started_on)
        if count > maximum:
            raise _SEATS_FULL[role](sitting=count, maximum=maximum, clause="S3.3", field="officers")
