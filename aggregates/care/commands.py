"""The district's commands for groups, needs, visits, settings and evaluations.

A mixin of :class:`aggregates.store.district.DistrictRecords`: each command loads what it needs
(the association, the group, the person's needs, the district's settings), lets the
aggregate enforce the plan's rules, and saves the new events in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording

from aggregates.care.district_settings import (
    Criterion,
    DistrictSettings,
    EvaluationScheme,
    district_settings_id,
)
from aggregates.care.evaluation import Evaluation
from aggregates.care.group import DisabilityCategory, Group, GroupBasis
from aggregates.care.needs import NeedCategory, PersonNeeds, person_needs_id
from aggregates.care.visit import HomeVisit, HouseholdKind, ReferredTo, VisitMode
from aggregates.errors import (
    AlreadyEvaluated,
    BeforeAppointment,
    BeforeEstablished,
    LivesElsewhere,
    NoNeedsSurvey,
    NoSchemeInForce,
    NoSuchGroup,
    NoSuchOfficer,
    NoSuchVisit,
    NotFound,
    NotFullTime,
    NotOnRoster,
    OfficerLeft,
)
from aggregates.provenance import Provenance
from aggregates.roster.person import Person
from aggregates.store.retries import save_retrying

if TYPE_CHECKING:
    from eventsourcing.application import Application

    from aggregates.association.association import Association
    from aggregates.clock import Clock

    class _Records(Application[UUID]):
        clock: Clock
        district_code: str

        def association(self, association_id: UUID) -> Association: ...

    _Base = _Records
else:
    _Base = object

#: How often a command is retried when another request saved the same aggregate first.

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")


@dataclass(frozen=True)
class CareSaved:
    """What a care command returns: the id it created, its log position, and any sub-ids."""

    id: UUID | None
    position: int
    more: tuple[UUID, ...] = ()


class CareCommands(_Base):
    """Groups (S3.3), needs and services, visits (S3.4, S3.5), settings and evaluations."""

    # -- persons -------------------------------------------------------------------------

    def check_person(self, person_id: UUID, village_code: str, *, field: str = "person_id") -> None:
        """The person must be on the district's roster and live in the association's village."""
        try:
            person: Aggregate | None = self.repository.get(person_id)
        except AggregateNotFoundError:
            person = None
        if not isinstance(person, Person) or not person.held:
            raise NotOnRoster(id=person_id, field=field)
        if person.village_code != village_code:
            raise LivesElsewhere(village=person.village_code, field=field)

    # -- groups (S3.3) -------------------------------------------------------------------

    def form_group(
        self,
        association_id: UUID,
        *,
        name: str,
        basis: GroupBasis,
        category: DisabilityCategory | None,
        area: str | None,
        formed_on: date,
        by: Provenance,
    ) -> CareSaved:
        """Set up a disabled persons' group of an association."""
        association = self.association(association_id)
        group = Group.form(
            association_id=association_id,
            association_established_on=association.established_on,
            name=name,
            basis=basis,
            category=category,
            area=area,
            formed_on=formed_on,
            today=self.clock.today(),
            by=by.as_dict(),
        )
        return CareSaved(group.id, self._care_position(self.save(group)))

    def join_group(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        person_id: UUID,
        joined_on: date,
        by: Provenance,
    ) -> CareSaved:
        """Count a person into a group."""
        self.check_person(person_id, self.association(association_id).division_code)
        return self._care_change(
            lambda: self.group(association_id, group_id),
            lambda g: g.join(
                person_id=person_id, joined_on=joined_on, today=self.clock.today(), by=by.as_dict()
            ),
        )

    def leave_group(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        person_id: UUID,
        left_on: date,
        reason: str,
        by: Provenance,
    ) -> CareSaved:
        """Count a member out of a group."""
        return self._care_change(
            lambda: self.group(association_id, group_id),
            lambda g: g.leave(
                person_id=person_id,
                left_on=left_on,
                reason=reason,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def appoint_group_leader(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        person_id: UUID,
        appointed_on: date,
        by: Provenance,
    ) -> CareSaved:
        """Make a member the group's leader."""
        return self._care_change(
            lambda: self.group(association_id, group_id),
            lambda g: g.appoint_leader(
                person_id=person_id,
                appointed_on=appointed_on,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def disband_group(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        disbanded_on: date,
        reason: str,
        by: Provenance,
    ) -> CareSaved:
        """Close a group with no members left."""
        return self._care_change(
            lambda: self.group(association_id, group_id),
            lambda g: g.disband(
                disbanded_on=disbanded_on, reason=reason, today=self.clock.today(), by=by.as_dict()
            ),
        )

    def group(self, association_id: UUID, group_id: UUID) -> Group:
        """Load a group of the association, or say it does not exist."""
        return self._care_load(group_id, Group, association_id, "group_id", NoSuchGroup)

    # -- needs and services (S3.5) -------------------------------------------------------

    def survey_needs(
        self,
        association_id: UUID,
        person_id: UUID,
        *,
        surveyed_on: date,
        surveyor: str,
        services_received: list[NeedCategory],
        needs: list[tuple[NeedCategory, str]],
        by: Provenance,
    ) -> CareSaved:
        """Record a needs survey of a person; ``more`` holds the new needs' ids."""
        association = self.association(association_id)
        if surveyed_on < association.established_on:
            raise BeforeEstablished(
                day=surveyed_on, earliest=association.established_on, field="surveyed_on"
            )
        self.check_person(person_id, association.division_code)

        def load() -> PersonNeeds:
            try:
                record: Aggregate = self.repository.get(person_needs_id(person_id))
            except AggregateNotFoundError:
                return PersonNeeds.open(
                    person_id=person_id, association_id=association_id, by=by.as_dict()
                )
            assert isinstance(record, PersonNeeds)
            return record

        def command(record: PersonNeeds) -> tuple[UUID, list[UUID]]:
            return record.survey(
                association_id=association_id,
                surveyed_on=surveyed_on,
                surveyor=surveyor,
                services_received=services_received,
                needs=needs,
                today=self.clock.today(),
                by=by.as_dict(),
            )

        return self._care_change(load, command)

    def deliver_service(
        self,
        association_id: UUID,
        person_id: UUID,
        need_id: UUID,
        *,
        delivered_on: date,
        provider: str,
        description: str,
        meets_need: bool,
        by: Provenance,
    ) -> CareSaved:
        """Record a service delivered against one of a person's needs."""
        return self._care_change(
            lambda: self.person_needs(association_id, person_id),
            lambda r: r.deliver_service(
                need_id=need_id,
                delivered_on=delivered_on,
                provider=provider,
                description=description,
                meets_need=meets_need,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def person_needs(self, association_id: UUID, person_id: UUID) -> PersonNeeds:
        """The needs record of a person of the association, or say there is none."""
        return self._care_load(
            person_needs_id(person_id),
            PersonNeeds,
            association_id,
            "person_id",
            NoNeedsSurvey,
        )

    # -- home visits (S3.4, S3.5) --------------------------------------------------------

    def record_visit(
        self,
        association_id: UUID,
        *,
        household_id: str,
        household_kind: HouseholdKind,
        person_ids: list[UUID],
        visited_on: date,
        visitor_officer_id: UUID,
        mode: VisitMode,
        findings: str,
        difficulties: list[str],
        by: Provenance,
    ) -> CareSaved:
        """Record a home visit made by an officer of the association."""
        association = self.association(association_id)
        if visited_on < association.established_on:
            raise BeforeEstablished(
                day=visited_on, earliest=association.established_on, field="visited_on"
            )
        officer = association.officers.get(visitor_officer_id)
        if officer is None and visitor_officer_id not in association.former_officers:
            raise NoSuchOfficer(id=visitor_officer_id, field="visitor_officer_id")
        if officer is not None and visited_on < officer.appointed_on:
            raise BeforeAppointment(
                day=visited_on, earliest=officer.appointed_on, field="visited_on"
            )
        for index, person_id in enumerate(person_ids):
            self.check_person(person_id, association.division_code, field=f"person_ids.{index}")
        visit = HomeVisit.record(
            association_id=association_id,
            household_id=household_id,
            household_kind=household_kind,
            person_ids=person_ids,
            visited_on=visited_on,
            visitor_officer_id=visitor_officer_id,
            visitor_name=officer.name if officer else "",
            mode=mode,
            findings=findings,
            difficulties=difficulties,
            today=self.clock.today(),
            by=by.as_dict(),
        )
        return CareSaved(visit.id, self._care_position(self.save(visit)))

    def refer_follow_up(
        self,
        association_id: UUID,
        visit_id: UUID,
        *,
        referred_to: ReferredTo,
        referred_on: date,
        matter: str,
        by: Provenance,
    ) -> CareSaved:
        """Refer a difficulty found on a visit to the two committees or the township."""
        return self._care_change(
            lambda: self.visit(association_id, visit_id),
            lambda v: v.refer(
                referred_to=referred_to,
                referred_on=referred_on,
                matter=matter,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def conclude_follow_up(
        self,
        association_id: UUID,
        visit_id: UUID,
        follow_up_id: UUID,
        *,
        concluded_on: date,
        outcome: str,
        resolved: bool,
        by: Provenance,
    ) -> CareSaved:
        """Record what came of a referral."""
        return self._care_change(
            lambda: self.visit(association_id, visit_id),
            lambda v: v.conclude(
                follow_up_id=follow_up_id,
                concluded_on=concluded_on,
                outcome=outcome,
                resolved=resolved,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def visit(self, association_id: UUID, visit_id: UUID) -> HomeVisit:
        """Load a visit of the association, or say it does not exist."""
        return self._care_load(visit_id, HomeVisit, association_id, "visit_id", NoSuchVisit)

    # -- district settings ---------------------------------------------------------------

    def settings(self) -> DistrictSettings | None:
        """The district's settings, if any were ever written."""
        try:
            found: Aggregate = self.repository.get(district_settings_id(self.district_code))
        except AggregateNotFoundError:
            return None
        assert isinstance(found, DistrictSettings)
        return found

    def _settings_or_new(self, by: Provenance) -> DistrictSettings:
        return self.settings() or DistrictSettings.start(
            district_code=self.district_code, by=by.as_dict()
        )

    def set_visit_intervals(
        self, *, effective_from: date, intervals: dict[HouseholdKind, int], by: Provenance
    ) -> CareSaved:
        """New visit intervals per household kind, in force from a date."""
        return self._care_change(
            lambda: self._settings_or_new(by),
            lambda s: s.set_visit_intervals(
                effective_from=effective_from, intervals=intervals, by=by.as_dict()
            ),
        )

    def adopt_evaluation_scheme(
        self,
        *,
        effective_from: date,
        criteria: list[Criterion],
        performance_weight: float,
        by: Provenance,
    ) -> CareSaved:
        """A new evaluation scheme, in force from a date."""
        return self._care_change(
            lambda: self._settings_or_new(by),
            lambda s: s.adopt_evaluation_scheme(
                effective_from=effective_from,
                criteria=criteria,
                performance_weight=performance_weight,
                by=by.as_dict(),
            ),
        )

    # -- evaluations (S3.5, S3.6) --------------------------------------------------------

    def evaluate_association(
        self,
        association_id: UUID,
        *,
        cycle: int,
        evaluated_on: date,
        evaluator: str,
        scores: dict[str, float],
        notes: str | None,
        by: Provenance,
    ) -> CareSaved:
        """Evaluate an association for a cycle by the scheme in force on the date."""
        association = self.association(association_id)
        if evaluated_on < association.established_on:
            raise BeforeEstablished(
                day=evaluated_on, earliest=association.established_on, field="evaluated_on"
            )
        evaluation = Evaluation.of_association(
            association_id=association_id,
            cycle=cycle,
            evaluated_on=evaluated_on,
            evaluator=evaluator,
            scheme=self._scheme_on(evaluated_on),
            scores=scores,
            notes=notes,
            today=self.clock.today(),
            by=by.as_dict(),
        )
        return self._save_evaluation(evaluation)

    def evaluate_full_time_member(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        cycle: int,
        evaluated_on: date,
        evaluator: str,
        performance_score: float,
        rating_score: float,
        notes: str | None,
        by: Provenance,
    ) -> CareSaved:
        """Evaluate a sitting full-time committee member (S3.6)."""
        association = self.association(association_id)
        officer = association.officers.get(officer_id)
        if officer is None:
            if officer_id in association.former_officers:
                raise OfficerLeft(field="officer_id")
            raise NoSuchOfficer(id=officer_id, field="officer_id")
        if not officer.full_time:
            raise NotFullTime(field="officer_id")
        if evaluated_on < officer.appointed_on:
            raise BeforeAppointment(
                day=evaluated_on, earliest=officer.appointed_on, field="evaluated_on"
            )
        evaluation = Evaluation.of_full_time_member(
            association_id=association_id,
            officer_id=officer_id,
            cycle=cycle,
            evaluated_on=evaluated_on,
            evaluator=evaluator,
            scheme=self._scheme_on(evaluated_on),
            performance_score=performance_score,
            rating_score=rating_score,
            notes=notes,
            today=self.clock.today(),
            by=by.as_dict(),
        )
        return self._save_evaluation(evaluation)

    def _scheme_on(self, on: date) -> EvaluationScheme:
        settings = self.settings()
        scheme = settings.scheme_on(on) if settings else None
        if scheme is None:
            raise NoSchemeInForce(day=on, field="evaluated_on")
        return scheme

    def _save_evaluation(self, evaluation: Evaluation) -> CareSaved:
        try:
            recordings = self.save(evaluation)
        except IntegrityError:
            raise AlreadyEvaluated(cycle=evaluation.cycle, field="cycle") from None
        return CareSaved(evaluation.id, self._care_position(recordings))

    # -- plumbing --------------------------------------------------------------------------

    def _care_load(
        self,
        aggregate_id: UUID,
        kind: type[A],
        association_id: UUID,
        field: str,
        what: type[NotFound],
    ) -> A:
        try:
            found: Aggregate | None = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, kind) or getattr(found, "association_id", None) != (
            association_id
        ):
            raise what(id=aggregate_id, field=field)
        return found

    @staticmethod
    def _care_position(recordings: Sequence[Recording[UUID]]) -> int:
        return max(r.notification.id for r in recordings)

    def _care_change(self, load: Callable[[], A], command: Callable[[A], R]) -> CareSaved:
        """Run ``command`` on a fresh copy and save, retrying a lost race (aggregates/retries)."""

        def attempt() -> tuple[list[A], R]:
            aggregate = load()
            return [aggregate], command(aggregate)

        result, recordings = save_retrying(
            self.save, attempt, lambda: load().version, "the record", repository=self.repository
        )
        if isinstance(result, tuple):
            first, rest = result
            return CareSaved(first, self._care_position(recordings), tuple(rest))
        new_id = result if isinstance(result, UUID) else None
        return CareSaved(new_id, self._care_position(recordings))
