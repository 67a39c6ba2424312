"""The district's commands for groups, needs, visits, settings and evaluations.

A mixin of the district's store (:class:`aggregates.records.Records`): each command loads
what it needs (the association, the group, the person's needs, the district's settings), lets
the aggregate enforce the plan's rules, and saves the new events in one transaction.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.association.association import Association
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
    ChangedConcurrently,
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
from aggregates.records import Records, Saved
from aggregates.roster.person import Person

A = TypeVar("A", bound=Aggregate)


class CareCommands(Records):
    """Groups (S3.3), needs and services, visits (S3.4, S3.5), settings and evaluations."""

    # -- persons -------------------------------------------------------------------------

    def check_person(self, person_id: UUID, village_code: str, *, field: str = "person_id") -> None:
        """The person must be on the district's roster and live in the association's village."""
        person = self.find(person_id, Person)
        if person is None or not person.held:
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
    ) -> Saved:
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
            by=by,
        )
        return self.record(group, created=group.id)

    def join_group(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        person_id: UUID,
        joined_on: date,
        by: Provenance,
    ) -> Saved:
        """Count a person into a group."""
        self.check_person(person_id, self.association(association_id).division_code)
        return self.command_on(
            lambda: self.group(association_id, group_id),
            partial(Group.join, person_id=person_id, joined_on=joined_on),
            by,
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
    ) -> Saved:
        """Count a member out of a group."""
        return self.command_on(
            lambda: self.group(association_id, group_id),
            partial(Group.leave, person_id=person_id, left_on=left_on, reason=reason),
            by,
        )

    def appoint_group_leader(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        person_id: UUID,
        appointed_on: date,
        by: Provenance,
    ) -> Saved:
        """Make a member the group's leader."""
        return self.command_on(
            lambda: self.group(association_id, group_id),
            partial(Group.appoint_leader, person_id=person_id, appointed_on=appointed_on),
            by,
        )

    def disband_group(
        self,
        association_id: UUID,
        group_id: UUID,
        *,
        disbanded_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """Close a group with no members left."""
        return self.command_on(
            lambda: self.group(association_id, group_id),
            partial(Group.disband, disbanded_on=disbanded_on, reason=reason),
            by,
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
    ) -> Saved:
        """Record a needs survey of a person; ``more`` holds the new needs' ids."""
        association = self.association_by(association_id, surveyed_on, "surveyed_on")
        self.check_person(person_id, association.division_code)

        def load() -> PersonNeeds:
            record = self.find(person_needs_id(person_id), PersonNeeds)
            return record or PersonNeeds.open(
                person_id=person_id, association_id=association_id, by=by
            )

        def command(record: PersonNeeds) -> tuple[UUID, list[UUID]]:
            return record.survey(
                association_id=association_id,
                surveyed_on=surveyed_on,
                surveyor=surveyor,
                services_received=services_received,
                needs=needs,
                today=self.clock.today(),
                by=by,
            )

        return self.change(load, command)

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
    ) -> Saved:
        """Record a service delivered against one of a person's needs."""
        return self.command_on(
            lambda: self.person_needs(association_id, person_id),
            partial(
                PersonNeeds.deliver_service,
                need_id=need_id,
                delivered_on=delivered_on,
                provider=provider,
                description=description,
                meets_need=meets_need,
            ),
            by,
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
    ) -> Saved:
        """Record a home visit made by an officer of the association."""
        association = self.association_by(association_id, visited_on, "visited_on")
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
            by=by,
        )
        return self.record(visit, created=visit.id)

    def refer_follow_up(
        self,
        association_id: UUID,
        visit_id: UUID,
        *,
        referred_to: ReferredTo,
        referred_on: date,
        matter: str,
        by: Provenance,
    ) -> Saved:
        """Refer a difficulty found on a visit to the two committees or the township."""
        return self.command_on(
            lambda: self.visit(association_id, visit_id),
            partial(
                HomeVisit.refer, referred_to=referred_to, referred_on=referred_on, matter=matter
            ),
            by,
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
    ) -> Saved:
        """Record what came of a referral."""
        return self.command_on(
            lambda: self.visit(association_id, visit_id),
            partial(
                HomeVisit.conclude,
                follow_up_id=follow_up_id,
                concluded_on=concluded_on,
                outcome=outcome,
                resolved=resolved,
            ),
            by,
        )

    def visit(self, association_id: UUID, visit_id: UUID) -> HomeVisit:
        """Load a visit of the association, or say it does not exist."""
        return self._care_load(visit_id, HomeVisit, association_id, "visit_id", NoSuchVisit)

    # -- district settings ---------------------------------------------------------------

    def settings(self) -> DistrictSettings | None:
        """The district's settings, if any were ever written."""
        return self.find(district_settings_id(self.district_code), DistrictSettings)

    def _settings_or_new(self, by: Provenance) -> DistrictSettings:
        return self.settings() or DistrictSettings.start(district_code=self.district_code, by=by)

    def set_visit_intervals(
        self, *, effective_from: date, intervals: dict[HouseholdKind, int], by: Provenance
    ) -> Saved:
        """New visit intervals per household kind, in force from a date."""
        return self.change(
            lambda: self._settings_or_new(by),
            lambda s: s.set_visit_intervals(
                effective_from=effective_from, intervals=intervals, by=by
            ),
        )

    def adopt_evaluation_scheme(
        self,
        *,
        effective_from: date,
        criteria: list[Criterion],
        performance_weight: float,
        by: Provenance,
    ) -> Saved:
        """A new evaluation scheme, in force from a date."""
        return self.change(
            lambda: self._settings_or_new(by),
            lambda s: s.adopt_evaluation_scheme(
                effective_from=effective_from,
                criteria=criteria,
                performance_weight=performance_weight,
                by=by,
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
    ) -> Saved:
        """Evaluate an association for a cycle by the scheme in force on the date."""
        self.association_by(association_id, evaluated_on, "evaluated_on")
        evaluation = Evaluation.of_association(
            association_id=association_id,
            cycle=cycle,
            evaluated_on=evaluated_on,
            evaluator=evaluator,
            scheme=self._scheme_on(evaluated_on),
            scores=scores,
            notes=notes,
            today=self.clock.today(),
            by=by,
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
    ) -> Saved:
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
            by=by,
        )
        return self._save_evaluation(evaluation)

    def _scheme_on(self, on: date) -> EvaluationScheme:
        settings = self.settings()
        scheme = settings.scheme_on(on) if settings else None
        if scheme is None:
            raise NoSchemeInForce(day=on, field="evaluated_on")
        return scheme

    def _save_evaluation(self, evaluation: Evaluation) -> Saved:
        try:
            return self.record(evaluation, created=evaluation.id)
        except ChangedConcurrently:
            raise AlreadyEvaluated(cycle=evaluation.cycle, field="cycle") from None

    # -- plumbing --------------------------------------------------------------------------

    def association_by(self, association_id: UUID, day: date, field: str) -> Association:
        """An association of the district that was established by ``day`` (the argument
        ``field``): a need, a visit or an evaluation of it cannot come earlier."""
        association = self.association(association_id)
        if day < association.established_on:
            raise BeforeEstablished(day=day, earliest=association.established_on, field=field)
        return association

    def _care_load(
        self,
        aggregate_id: UUID,
        kind: type[A],
        association_id: UUID,
        field: str,
        what: type[NotFound],
    ) -> A:
        found = self.find(aggregate_id, kind)
        if found is None or getattr(found, "association_id", None) != association_id:
            raise what(id=aggregate_id, field=field)
        return found
