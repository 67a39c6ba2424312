"""Synthetic villages written through the domain code: the records of the benchmarks' city and
of ``canxie serve --demo``.

Each village has its association and officers (S3.3, S3.6), facilities, persons with valid
resident IDs and certificates, groups everyone joins, needs surveys and services, home visits,
training and yearly evaluations, all saved in one transaction.  Villages are spread over the
real townships of a district from the package's township file
(``service.divisions.city_data``); codes ending 001-199 are communities, 200-399 villages.

The records are planned for ``TODAY`` (31 December 2022), the day the benchmarks and
``tests/generator`` judge them on; a :class:`Timeline` for another day moves every date by the
same number of days, so the demo's records are as fresh on the day it is loaded.  The same
seed gives the same villages (ids aside, which the library draws at random).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from aggregates.association.association import (
    Association,
    Background,
    DivisionClaim,
    FacilityKind,
    OfficerRole,
    division_claim_id,
)
from aggregates.association.training import TrainingMode, TrainingSession
from aggregates.care.district_settings import Criterion
from aggregates.care.evaluation import Evaluation
from aggregates.care.group import DisabilityCategory, Group, GroupBasis
from aggregates.care.needs import NeedCategory, PersonNeeds
from aggregates.care.visit import HomeVisit, HouseholdKind, VisitMode
from aggregates.clock import SYSTEM_CLOCK
from aggregates.divisions.division import DivisionRegister
from aggregates.identifiers import Sex, make_resident_id
from aggregates.provenance import Provenance
from aggregates.roster.person import Person, PersonDetails, ResidentClaim
from service.divisions.city_data import TOWNSHIPS, city_rows

GENERATOR = Provenance(actor="bench-generator", role="district_admin", request_id="bench")
#: The day the generated records are planned for.
TODAY = date(2022, 12, 31)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英"
NEEDS = list(NeedCategory)
CATEGORIES = list(DisabilityCategory)

#: Rules an association can be generated short of (rule ids of projections.compliance).
DEFECTS = (
    "S3.3-vice-chairs",
    "S3.3-committee-members",
    "S3.6-full-time-member",
    "S3.3-everyone-in-a-group",
    "S3.5-visits-on-time",
    "S3.4-service-venue",
    "S3.5-duties-and-rules-on-wall",
    "S3.5-evaluated",
    "S3.7-officers-trained",
)
COMPLIANT = "compliant"


@dataclass(frozen=True)
class Timeline:
    """The generator's dates: written for :data:`TODAY`, moved to ``today``."""

    today: date = TODAY

    def on(self, year: int, month: int, day: int) -> date:
        """The planned date, moved by as many days as ``today`` lies after TODAY."""
        return date(year, month, day) + (self.today - TODAY)


class _CommandsSee:
    """A clock for the district's commands: "today" is the timeline's, events are stamped
    when the generator runs."""

    def __init__(self, today: date) -> None:
        self.day = today

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return SYSTEM_CLOCK.now()


def townships(district: str) -> list[tuple[str, str]]:
    """The district's real townships (code, name)."""
    return [(r["code"], r["name"]) for r in city_rows(TOWNSHIPS) if r["district_code"] == district]


def village_codes(count: int, district: str, spread: int | None = None) -> list[tuple[str, str]]:
    """``count`` village codes spread over the townships (the first ``spread`` of them, or
    all): communities first, then villages."""
    towns = townships(district)[:spread]
    codes = []
    for n in range(count):
        town_code, town_name = towns[n % len(towns)]
        k = n // len(towns)
        # Alternate communities (001-199) and villages (200-399) within each township.
        suffix = 1 + k // 2 if k % 2 == 0 else 200 + k // 2
        kind = "社区" if suffix < 200 else "村"
        codes.append((f"{town_code}{suffix:03d}", f"{town_name}{suffix:03d}{kind}"))
    return codes


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def prepare_district(
    records: Any,
    district: str,
    district_name: str,
    codes: list[tuple[str, str]],
    by: Provenance,
    timeline: Timeline = Timeline(),
) -> tuple[dict[str, TrainingSession], Any]:
    """The district's townships and villages, its evaluation scheme and one training per
    township; returns (sessions by township, the scheme of the first cycle).  The district's
    commands see the timeline's today from here on."""
    today = timeline.today
    register = DivisionRegister.open(district, by)
    for code, name in [*townships(district), *codes]:
        register.record(
            code=code, name=name, effective_on=timeline.on(2020, 1, 1), today=today, by=by
        )
    records.save(register)
    records.clock = _CommandsSee(today)
    records.adopt_evaluation_scheme(
        effective_from=timeline.on(2021, 1, 1),
        criteria=[
            Criterion("organisation", "组织建设", 50, 0, 10),
            Criterion("services", "服务成效", 50, 0, 10),
        ],
        performance_weight=60,
        by=GENERATOR,
    )
    scheme = records._scheme_on(timeline.on(2021, 12, 31))
    sessions: dict[str, TrainingSession] = {}
    for code, _ in townships(district):
        sessions[code] = TrainingSession.hold(
            district_code=district,
            township_code=code,
            topic="残协工作实务",
            mode=TrainingMode.OFFLINE,
            hours=6.0,
            held_on=timeline.on(2021, 9, 15),
            organiser=f"{district_name}残联",
            today=today,
            by=by,
        )
    records.save(*sessions.values())
    return sessions, scheme


@dataclass
class _Village:
    """One village being written: what its parts share, and the aggregates to save."""

    rng: random.Random
    district: str
    district_name: str
    code: str
    name: str
    profile: str | None
    timeline: Timeline
    by: Provenance
    association: Association = field(init=False)
    established: date = field(init=False)
    officers: list[tuple[UUID, str, bool]] = field(default_factory=list)
    saved: list[Any] = field(default_factory=list)

    @property
    def planned(self) -> bool:
        """Meant to meet every rule (but the profile's); None draws everything at random."""
        return self.profile is not None

    @property
    def today(self) -> date:
        return self.timeline.today

    def establish(self) -> None:
        """The association and its claim on the village."""
        self.established = _day(
            self.rng, self.timeline.on(2020, 11, 1), self.timeline.on(2021, 8, 1)
        )
        self.association = Association.establish(
            division_code=self.code,
            name=f"{self.name}残协",
            township_code=self.code[:9],
            established_on=self.established,
            today=self.today,
            by=self.by,
        )
        claim = DivisionClaim._create(
            DivisionClaim.Claimed,
            id=division_claim_id(self.code),
            division_code=self.code,
            association_id=self.association.id,
        )
        self.saved += [self.association, claim]

    def appoint(self, role: OfficerRole, full_time: bool = False) -> None:
        """One officer (S3.3); chairs, vice-chairs and full-time members are core (S3.7)."""
        officer_name = _name(self.rng)
        officer = self.association.appoint_officer(
            phone=None,
            name=officer_name,
            role=role,
            full_time=full_time,
            backgrounds=[self.rng.choice(list(Background))],
            appointed_on=self.established + timedelta(days=self.rng.randrange(30)),
            today=self.today,
            by=self.by,
        )
        core = role is not OfficerRole.COMMITTEE_MEMBER or full_time
        self.officers.append((officer, officer_name, core))

    def appoint_officers(self) -> None:
        """A chair, vice-chairs and committee members, the first of them full-time (S3.6)."""
        rng, profile = self.rng, self.profile
        self.appoint(OfficerRole.CHAIR)
        if not self.planned:
            vice_chairs = rng.choice((1, 2, 2, 3))  # some associations are short of vice-chairs
        else:
            vice_chairs = 1 if profile == "S3.3-vice-chairs" else rng.choice((2, 3))
        for _ in range(vice_chairs):
            self.appoint(OfficerRole.VICE_CHAIR)
        members = 2 if profile == "S3.3-committee-members" else rng.choice((3, 4, 5))
        for n in range(members):
            if self.planned:
                full_time = n == 0 and profile != "S3.6-full-time-member"
            else:
                full_time = n == 0 and rng.random() < 0.9
            self.appoint(OfficerRole.COMMITTEE_MEMBER, full_time=full_time)

    def record_facilities(self) -> None:
        """Every kind of facility (S3.4, S3.5), but the one the profile lacks."""
        missing = {
            "S3.4-service-venue": FacilityKind.SERVICE_VENUE,
            "S3.5-duties-and-rules-on-wall": FacilityKind.DUTIES_ON_WALL,
        }.get(self.profile or "")
        for kind in FacilityKind:
            wanted = kind is not missing if self.planned else self.rng.random() < 0.8
            if wanted:
                self.association.record_facility(
                    kind=kind,
                    description=kind.value,
                    evidence="照片",
                    today=self.today,
                    by=self.by,
                    recorded_on=_day(
                        self.rng,
                        self.established + timedelta(days=30),
                        self.timeline.on(2022, 5, 31),
                    ),
                )

    def train(self, session: TrainingSession) -> None:
        """The core officers attend the township's training (S3.7)."""
        for n, (officer_id, _, core) in enumerate(self.officers):
            if not core:
                continue
            if self.planned:
                trained = n != 0 or self.profile != "S3.7-officers-trained"
            else:
                trained = self.rng.random() < 0.85
            if trained:
                self.association.attend_training(
                    session_id=session.id,
                    held_on=session.held_on,
                    officer_id=officer_id,
                    hours=6.0,
                    session_hours=6.0,
                    by=self.by,
                )

    def form_groups(self) -> list[Group]:
        """Three groups by disability category (S3.3)."""
        return [
            Group.form(
                association_id=self.association.id,
                association_established_on=self.established,
                name=f"{category.value}小组",
                basis=GroupBasis.CATEGORY,
                category=category,
                area=None,
                formed_on=self.established + timedelta(days=40),
                today=self.today,
                by=self.by,
            )
            for category in self.rng.sample(CATEGORIES, 3)
        ]

    def evaluate(self, scheme: Any) -> None:
        """The district's evaluations of the last two cycles (S3.5)."""
        for cycles_back, evaluated in (
            (1, self.timeline.on(2022, 1, 10)),
            (0, self.timeline.on(2022, 12, 20)),
        ):
            wanted = self.profile != "S3.5-evaluated" if self.planned else self.rng.random() < 0.85
            if wanted and evaluated >= self.established:
                self.saved.append(
                    Evaluation.of_association(
                        association_id=self.association.id,
                        cycle=evaluated.year - cycles_back,
                        evaluated_on=evaluated,
                        evaluator=f"{self.district_name}残联",
                        scheme=scheme,
                        scores={
                            "organisation": self.rng.randint(5, 10),
                            "services": self.rng.randint(5, 10),
                        },
                        notes=None,
                        today=self.today,
                        by=self.by,
                    )
                )


@dataclass(frozen=True)
class _Household:
    """How one person of a village is generated."""

    sequence: int
    first: bool  # the village's first person: the one a defect leaves out
    birth_span: int
    visits: int


def _details(village: _Village, household: _Household) -> tuple[PersonDetails, date, bool]:
    """A person's details with a valid resident ID and certificate; (details, registered on,
    left unvisited)."""
    rng, sequence = village.rng, household.sequence
    sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
    # Each run of 500 sequence numbers gets its own span of birth dates, so that no two
    # persons share a resident ID (the order code repeats every 500).
    birth = date(1935, 1, 1) + timedelta(
        days=(sequence // 500) * household.birth_span + rng.randrange(household.birth_span)
    )
    resident = make_resident_id(village.district, birth, sequence % 500, sex)
    category = rng.randint(1, 7)
    hardship = rng.random() < 0.15
    registered = _day(rng, max(village.established, birth + timedelta(days=1)), village.today)
    # The household left unvisited by a "visits" defect was registered long ago.
    unvisited = village.profile == "S3.5-visits-on-time" and household.first
    if unvisited:
        registered = max(village.established, birth + timedelta(days=1))
    details = PersonDetails(
        name=_name(rng),
        sex=sex.value,
        birth_date=birth,
        resident_id=resident,
        village_code=village.code,
        address=f"{village.name}{rng.randint(1, 99)}号",
        certificate_number=f"{resident}{category}{rng.randint(1, 4)}",
        category=category,
        grade=None,
        household_id=f"{village.code}-{sequence:06d}",
        special_hardship=hardship,
        hardship_reason="低保" if hardship else None,
    )
    details = PersonDetails(**{**details.as_dict(), "grade": int(details.certificate_number[-1])})
    return details, registered, unvisited


def _needs(village: _Village, person: Person, registered: date) -> PersonNeeds:
    """One or two needs surveys (S3.5), each need met by a service."""
    rng, today = village.rng, village.today
    _, visitor_name, _ = village.officers[-1]
    needs = PersonNeeds.open(
        person_id=person.id, association_id=village.association.id, by=village.by
    )
    first = _day(rng, registered, min(today, registered + timedelta(days=120)))
    for surveyed in sorted({first, _day(rng, first, today)}):
        _, need_ids = needs.survey(
            association_id=village.association.id,
            surveyed_on=surveyed,
            surveyor=visitor_name,
            services_received=[],
            needs=[(rng.choice(NEEDS), "需求")],
            today=today,
            by=village.by,
        )
        for need_id in need_ids:
            needs.deliver_service(
                need_id=need_id,
                delivered_on=surveyed,
                provider="乡镇残联",
                description="服务",
                meets_need=True,
                today=today,
                by=village.by,
            )
    return needs


def _visits(
    village: _Village, person: Person, details: PersonDetails, registered: date, visits: int
) -> list[HomeVisit]:
    """Home visits after registration (S3.5); a planned village's last one recent enough."""
    rng, today = village.rng, village.today
    visitor, visitor_name, _ = village.officers[-1]
    kind = HouseholdKind.SPECIAL_HARDSHIP if details.special_hardship else HouseholdKind.ORDINARY
    recorded, visited = [], registered
    for visit in range(visits):
        visited = _day(rng, visited, min(today, visited + timedelta(days=240)))
        if village.planned and visit == visits - 1:
            # The last visit falls within the shortest interval (90 days) before today.
            visited = _day(rng, max(visited, today - timedelta(days=80)), today)
        recorded.append(
            HomeVisit.record(
                association_id=village.association.id,
                household_id=details.household_id or "",
                household_kind=kind,
                person_ids=[person.id],
                visited_on=visited,
                visitor_officer_id=visitor,
                visitor_name=visitor_name,
                mode=VisitMode.ON_SITE,
                findings="正常",
                difficulties=[],
                today=today,
                by=village.by,
            )
        )
    return recorded


def _person(village: _Village, household: _Household, groups: list[Group]) -> None:
    """A registered person in a group, with needs and visits (the profile may leave the
    village's first person out of its group or unvisited)."""
    details, registered, unvisited = _details(village, household)
    person = Person.register(
        details,
        district=village.district,
        registered_on=registered,
        today=village.today,
        by=village.by,
        source="imported",
    )
    village.saved += [person, ResidentClaim.claim(village.district, details.resident_id, person.id)]
    group = groups[village.rng.randrange(len(groups))]
    if not (village.profile == "S3.3-everyone-in-a-group" and household.first):
        joined = max(registered, group.formed_on)
        group.join(person_id=person.id, joined_on=joined, today=village.today, by=village.by)
    village.saved.append(_needs(village, person, registered))
    visits = 0 if unvisited else household.visits
    village.saved += _visits(village, person, details, registered, visits)


def write_village(
    records: Any,
    rng: random.Random,
    *,
    district: str,
    district_name: str,
    code: str,
    name: str,
    people: int,
    sessions: dict[str, TrainingSession],
    scheme: Any,
    sequence: int,
    by: Provenance,
    visits_per_household: int = 3,
    birth_span: int = 725,
    profile: str | None = None,
    timeline: Timeline = Timeline(),
) -> int:
    """One village's association, officers, facilities, persons, groups, surveys, visits,
    training and evaluations, saved in one transaction; returns the last person sequence.

    ``profile`` None draws everything at random (the district of issue 6); ``COMPLIANT`` meets
    every rule of the plan on the timeline's today; a rule id of ``DEFECTS`` meets every rule
    but that one.
    """
    village = _Village(rng, district, district_name, code, name, profile, timeline, by)
    village.establish()
    village.appoint_officers()
    village.record_facilities()
    village.train(sessions[code[:9]])
    groups = village.form_groups()
    for n in range(people):
        sequence += 1
        village_person = _Household(sequence, n == 0, birth_span, visits_per_household)
        _person(village, village_person, groups)
    village.evaluate(scheme)
    association, claim, *aggregates = village.saved
    records.save(association, claim, *groups, *aggregates)
    return sequence


def shares(total: int, parts: int) -> list[int]:
    """``total`` persons spread over ``parts`` villages, the first ones taking one more."""
    return [total // parts + (1 if k < total % parts else 0) for k in range(parts)]


def write_district(
    records: Any,
    rng: random.Random,
    *,
    district: str,
    district_name: str,
    codes: list[tuple[str, str]],
    people: Sequence[int],
    by: Provenance,
    profiles: Sequence[str | None] = (),
    visits_per_household: int = 3,
    birth_span: int = 725,
    timeline: Timeline = Timeline(),
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """A district's register, scheme and trainings, then a village per entry of ``people``
    with that many persons (villages of ``codes`` beyond it are registered, with no
    association).  ``profiles`` gives each village's (:func:`write_village`), else random."""
    sessions, scheme = prepare_district(records, district, district_name, codes, by, timeline)
    sequence = 0
    for index, ((code, name), count) in enumerate(zip(codes, people, strict=False)):
        sequence = write_village(
            records,
            rng,
            district=district,
            district_name=district_name,
            code=code,
            name=name,
            people=count,
            sessions=sessions,
            scheme=scheme,
            sequence=sequence,
            by=by,
            visits_per_household=visits_per_household,
            birth_span=birth_span,
            profile=profiles[index] if profiles else None,
            timeline=timeline,
        )
        if progress is not None:
            progress(index + 1, len(people))
