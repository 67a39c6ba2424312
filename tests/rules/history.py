"""A district's history built from domain commands, each event stamped with the day it was
recorded, and its read models as of a day on either clock: the seam where the replay feeds
the compliance rules (:func:`projections.engine.replay.apply_as_of`), with no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.association.association import Association, FacilityKind, OfficerRole
from aggregates.association.training import TrainingMode, TrainingSession
from aggregates.care.district_settings import Criterion, DistrictSettings, EvaluationScheme
from aggregates.care.evaluation import Evaluation
from aggregates.care.group import DisabilityCategory, Group, GroupBasis
from aggregates.care.visit import HomeVisit, HouseholdKind, VisitMode
from aggregates.divisions.division import DivisionRegister
from aggregates.identifiers import Sex, make_resident_id
from aggregates.plan import PLANS, Plan, in_force
from aggregates.provenance import Provenance
from aggregates.roster.person import Person, PersonDetails
from projections.compliance import Report, evaluate
from projections.engine.history import CHINA, Basis
from projections.engine.memory import MemoryTables
from projections.engine.replay import Applier, apply_as_of, replayable
from projections.rules.facts import Facts
from projections.rules.rule import Rule

DISTRICT = "410102"
TOWNSHIP = "410102001"
VILLAGE = "410102001001"
BY = Provenance(actor="test", role="city_admin")
ESTABLISHED = date(2021, 1, 4)
APPLIER = Applier(replayable())


@dataclass
class History:
    """Events of one district in log order, each recorded at noon (Zhengzhou) of its day."""

    events: list[Any] = field(default_factory=list)
    association: Association | None = None
    sequence: int = 0

    def save(self, aggregate: Aggregate, recorded: date) -> None:
        """Append the aggregate's pending events as recorded on ``recorded`` (log order)."""
        stamp = datetime.combine(recorded, time(12), CHINA)
        if self.events:
            assert self.events[-1].timestamp <= stamp, "record the history in recorded order"
        pending: Sequence[Any] = aggregate.collect_events()
        self.events.extend(replace(event, timestamp=stamp) for event in pending)

    def tables(self, as_of: date, basis: Basis) -> MemoryTables:
        """The read models as of the end of ``as_of`` on ``basis``."""
        tables, _, _ = apply_as_of(enumerate(self.events, 1), as_of, basis, APPLIER)
        return tables

    def check(
        self, rule: Rule, as_of: date, basis: Basis, plans: tuple[Plan, ...] = PLANS
    ) -> tuple[bool, dict[str, Any]]:
        """The rule checked against the district's one association as of ``as_of``."""
        facts = Facts(self.tables(as_of, basis), as_of)
        [association] = facts.associations
        return rule.check(association, facts, in_force(as_of, plans))

    def report(self, as_of: date, basis: Basis) -> Report:
        """Every rule over the district as of ``as_of``."""
        return evaluate(DISTRICT, self.tables(as_of, basis), as_of)

    # -- facts ------------------------------------------------------------------------------

    def divisions(self, villages: list[str], effective: date, recorded: date) -> None:
        """The township and ``villages`` (codes) in the division register from ``effective``."""
        register = DivisionRegister.open(DISTRICT, by=BY)
        names = {TOWNSHIP: "测试街道"} | {code: f"{code[-3:]}社区" for code in villages}
        for code, name in names.items():
            register.record(code=code, name=name, effective_on=effective, today=recorded, by=BY)
        self.save(register, recorded)

    def establish(self, on: date = ESTABLISHED) -> Association:
        """The village's association, established and recorded on ``on``."""
        self.association = Association.establish(
            division_code=VILLAGE,
            name="测试村残协",
            township_code=TOWNSHIP,
            established_on=on,
            today=on,
            by=BY,
        )
        self.save(self.association, on)
        return self.association

    def appoint(
        self, role: OfficerRole, on: date, recorded: date | None = None, full_time: bool = False
    ) -> UUID:
        """An officer appointed from ``on``, recorded on ``recorded`` (the same day if None)."""
        assert self.association is not None
        self.sequence += 1
        officer = self.association.appoint_officer(
            name=f"{role.value}{self.sequence}",
            role=role,
            full_time=full_time,
            backgrounds=[],
            appointed_on=on,
            today=recorded or on,
            by=BY,
        )
        self.save(self.association, recorded or on)
        return officer

    def register(
        self, on: date, household: str | None, special_hardship: bool = False, **details: Any
    ) -> UUID:
        """A certified person of the village registered on ``on`` in ``household``."""
        self.sequence += 1
        rid = make_resident_id(DISTRICT, date(1970, 5, 6), self.sequence, Sex.MALE)
        person = Person.register(
            PersonDetails(
                **{
                    "name": f"残疾人{self.sequence}",
                    "sex": Sex.MALE.value,
                    "birth_date": date(1970, 5, 6),
                    "resident_id": rid,
                    "village_code": VILLAGE,
                    "address": "一号院",
                    "certificate_number": rid + "42",
                    "category": 4,
                    "grade": 2,
                    "household_id": household,
                    "special_hardship": special_hardship,
                    "hardship_reason": "特困" if special_hardship else None,
                    **details,
                }
            ),
            district=DISTRICT,
            registered_on=on,
            today=on,
            by=BY,
        )
        self.save(person, on)
        return person.id

    def group(self, members: list[UUID], on: date) -> None:
        """A group of the association that ``members`` join on ``on``."""
        assert self.association is not None
        group = Group.form(
            association_id=self.association.id,
            association_established_on=self.association.established_on,
            name="肢体残疾人小组",
            basis=GroupBasis.CATEGORY,
            category=DisabilityCategory.PHYSICAL,
            area=None,
            formed_on=on,
            today=on,
            by=BY,
        )
        for person in members:
            group.join(person_id=person, joined_on=on, today=on, by=BY)
        self.save(group, on)

    def visit(
        self,
        household: str,
        on: date,
        kind: HouseholdKind = HouseholdKind.ORDINARY,
        recorded: date | None = None,
    ) -> None:
        """A visit to ``household`` on ``on`` by the association's first officer."""
        assert self.association is not None
        visit = HomeVisit.record(
            association_id=self.association.id,
            household_id=household,
            household_kind=kind,
            person_ids=[],
            visited_on=on,
            visitor_officer_id=next(iter(self.association.officers)),
            visitor_name="走访人",
            mode=VisitMode.ON_SITE,
            findings="正常",
            difficulties=[],
            today=recorded or on,
            by=BY,
        )
        self.save(visit, recorded or on)

    def intervals(self, special_hardship: int, ordinary: int, effective: date) -> None:
        """The district's visit intervals from ``effective``, recorded that day."""
        settings = DistrictSettings.start(district_code=DISTRICT, by=BY)
        settings.set_visit_intervals(
            effective_from=effective,
            intervals={
                HouseholdKind.SPECIAL_HARDSHIP: special_hardship,
                HouseholdKind.ORDINARY: ordinary,
            },
            by=BY,
        )
        self.save(settings, effective)

    def facility(self, kind: FacilityKind, on: date) -> None:
        """A facility of the association recorded on ``on``."""
        assert self.association is not None
        self.association.record_facility(
            kind=kind, description="设施", recorded_on=on, evidence="照片", today=on, by=BY
        )
        self.save(self.association, on)

    def evaluated(self, on: date, cycle: int = 2021) -> None:
        """The district evaluated the association on ``on``."""
        assert self.association is not None
        scheme = EvaluationScheme(
            UUID(int=1), ESTABLISHED, (Criterion("work", "工作", 100, 0, 10),), 60
        )
        evaluation = Evaluation.of_association(
            association_id=self.association.id,
            cycle=cycle,
            evaluated_on=on,
            evaluator="区残联",
            scheme=scheme,
            scores={"work": 8},
            notes=None,
            today=on,
            by=BY,
        )
        self.save(evaluation, on)

    def trained(self, officers: list[UUID], on: date) -> None:
        """A training session held on ``on`` that ``officers`` attended."""
        assert self.association is not None
        session = TrainingSession.hold(
            district_code=DISTRICT,
            township_code=None,
            topic="政策培训",
            mode=TrainingMode.OFFLINE,
            hours=2.0,
            held_on=on,
            organiser="区残联",
            today=on,
            by=BY,
        )
        self.save(session, on)
        for officer in officers:
            self.association.attend_training(
                session_id=session.id,
                held_on=on,
                officer_id=officer,
                hours=2.0,
                session_hours=2.0,
                by=BY,
            )
        self.save(self.association, on)
