"""A generated district at the scale of issue 6: 300 villages, 20,000 persons, ~225,000 events.

    .venv/bin/python -m bench.district [--backend postgresql|sqlite] [--seed 6]

Everything goes through the real domain code (aggregates and their rules), saved in batches:
each village's records in one transaction.  Villages are spread over the real townships of
中牟县 (410122) from the package's township file (``service.divisions.city_data``); codes ending
001-199 are communities, 200-399 villages.  Each village has its association and officers
(S3.3, S3.6), facilities, ~67 persons with valid resident IDs and certificates, groups
everyone joins, needs surveys and services, home visits, training and yearly evaluations.
The same seed gives the same district (ids aside, which the library draws at random).  The pieces
(``prepare_district``, ``write_village``) also build the city of :mod:`bench.city`.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
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
from projections.platform.tenancy import Tenancy
from service.divisions.city_data import TOWNSHIPS, city_rows

DISTRICT = "410122"
DISTRICT_NAME = "中牟县"
GENERATOR = Provenance(actor="bench-generator", role="district_admin", request_id="bench")
TODAY = date(2022, 12, 31)


class _PlanToday:
    """Commands see ``TODAY``; their events are stamped when the generator runs."""

    def today(self) -> date:
        return TODAY

    def now(self) -> datetime:
        return SYSTEM_CLOCK.now()


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英"
NEEDS = list(NeedCategory)
CATEGORIES = list(DisabilityCategory)


@dataclass(frozen=True)
class Generated:
    """What was written."""

    district: str
    villages: int
    persons: int
    events: int
    seconds: float


def townships(district: str = DISTRICT) -> list[tuple[str, str]]:
    """The district's real townships (code, name)."""
    return [(r["code"], r["name"]) for r in city_rows(TOWNSHIPS) if r["district_code"] == district]


def village_codes(count: int, district: str = DISTRICT) -> list[tuple[str, str]]:
    """``count`` village codes spread over the townships: communities first, then villages."""
    towns = townships(district)
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


def prepare_district(
    records: Any,
    district: str,
    district_name: str,
    codes: list[tuple[str, str]],
    by: dict[str, Any],
) -> tuple[dict[str, TrainingSession], Any]:
    """The district's townships and villages, its evaluation scheme and one training per
    township; returns (sessions by township, the scheme of 2021)."""
    register = DivisionRegister.open(district, by)
    for code, name in townships(district):
        register.record(code=code, name=name, effective_on=date(2020, 1, 1), today=TODAY, by=by)
    for code, name in codes:
        register.record(code=code, name=name, effective_on=date(2020, 1, 1), today=TODAY, by=by)
    records.save(register)
    records.clock = _PlanToday()
    records.adopt_evaluation_scheme(
        effective_from=date(2021, 1, 1),
        criteria=[
            Criterion("organisation", "组织建设", 50, 0, 10),
            Criterion("services", "服务成效", 50, 0, 10),
        ],
        performance_weight=60,
        by=GENERATOR,
    )
    scheme = records._scheme_on(date(2021, 12, 31))
    sessions: dict[str, TrainingSession] = {}
    for code, _ in townships(district):
        session = TrainingSession.hold(
            district_code=district,
            township_code=code,
            topic="残协工作实务",
            mode=TrainingMode.OFFLINE,
            hours=6.0,
            held_on=date(2021, 9, 15),
            organiser=f"{district_name}残联",
            today=TODAY,
            by=by,
        )
        sessions[code] = session
    records.save(*sessions.values())
    return sessions, scheme


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
    by: dict[str, Any],
    visits_per_household: int = 3,
    birth_span: int = 725,
    profile: str | None = None,
) -> int:
    """One village's association, officers, facilities, persons, groups, surveys, visits,
    training and evaluations, saved in one transaction; returns the last person sequence.

    ``profile`` None draws everything at random (the district of issue 6); ``COMPLIANT`` meets
    every rule of the plan on ``TODAY``; a rule id of ``DEFECTS`` meets every rule but that one.
    """
    planned = profile is not None
    aggregates: list[Any] = []
    established = _day(rng, date(2020, 11, 1), date(2021, 8, 1))
    association = Association.establish(
        division_code=code,
        name=f"{name}残协",
        township_code=code[:9],
        established_on=established,
        today=TODAY,
        by=by,
    )
    claim = DivisionClaim._create(
        DivisionClaim.Claimed,
        id=division_claim_id(code),
        division_code=code,
        association_id=association.id,
    )
    officers: list[tuple[UUID, str, bool]] = []

    def appoint(role: OfficerRole, full_time: bool = False) -> None:
        officer_name = _name(rng)
        officer = association.appoint_officer(
            phone=None,
            name=officer_name,
            role=role,
            full_time=full_time,
            backgrounds=[rng.choice(list(Background))],
            appointed_on=established + timedelta(days=rng.randrange(30)),
            today=TODAY,
            by=by,
        )
        officers.append(
            (officer, officer_name, role is not OfficerRole.COMMITTEE_MEMBER or full_time)
        )

    appoint(OfficerRole.CHAIR)
    if not planned:
        vice_chairs = rng.choice((1, 2, 2, 3))  # some associations are short of vice-chairs
    else:
        vice_chairs = 1 if profile == "S3.3-vice-chairs" else rng.choice((2, 3))
    for _ in range(vice_chairs):
        appoint(OfficerRole.VICE_CHAIR)
    members = 2 if profile == "S3.3-committee-members" else rng.choice((3, 4, 5))
    for n in range(members):
        if planned:
            full_time = n == 0 and profile != "S3.6-full-time-member"
        else:
            full_time = n == 0 and rng.random() < 0.9
        appoint(OfficerRole.COMMITTEE_MEMBER, full_time=full_time)
    missing = {
        "S3.4-service-venue": FacilityKind.SERVICE_VENUE,
        "S3.5-duties-and-rules-on-wall": FacilityKind.DUTIES_ON_WALL,
    }.get(profile or "")
    for kind in FacilityKind:
        wanted = kind is not missing if planned else rng.random() < 0.8
        if wanted:
            association.record_facility(
                kind=kind,
                description=kind.value,
                evidence="照片",
                today=TODAY,
                by=by,
                recorded_on=_day(rng, established + timedelta(days=30), date(2022, 5, 31)),
            )
    session = sessions[code[:9]]
    for n, (officer_id, _, core) in enumerate(officers):
        if not core:
            continue
        trained = (n != 0 or profile != "S3.7-officers-trained") if planned else rng.random() < 0.85
        if trained:
            association.attend_training(
                session_id=session.id,
                held_on=session.held_on,
                officer_id=officer_id,
                hours=6.0,
                session_hours=6.0,
                by=by,
            )
    groups = [
        Group.form(
            association_id=association.id,
            association_established_on=established,
            name=f"{category.value}小组",
            basis=GroupBasis.CATEGORY,
            category=category,
            area=None,
            formed_on=established + timedelta(days=40),
            today=TODAY,
            by=by,
        )
        for category in rng.sample(CATEGORIES, 3)
    ]
    visitor, visitor_name, _ = officers[-1]
    for n in range(people):
        sequence += 1
        sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        # Each run of 500 sequence numbers gets its own span of birth dates, so that no two
        # persons share a resident ID (the order code repeats every 500).
        birth = date(1935, 1, 1) + timedelta(
            days=(sequence // 500) * birth_span + rng.randrange(birth_span)
        )
        resident = make_resident_id(district, birth, sequence % 500, sex)
        category = rng.randint(1, 7)
        hardship = rng.random() < 0.15
        registered = _day(rng, max(established, birth + timedelta(days=1)), TODAY)
        # The household left unvisited by a "visits" defect was registered long ago.
        unvisited = profile == "S3.5-visits-on-time" and n == 0
        if unvisited:
            registered = max(established, birth + timedelta(days=1))
        details = PersonDetails(
            name=_name(rng),
            sex=sex.value,
            birth_date=birth,
            resident_id=resident,
            village_code=code,
            address=f"{name}{rng.randint(1, 99)}号",
            certificate_number=f"{resident}{category}{rng.randint(1, 4)}",
            category=category,
            grade=None,
            household_id=f"{code}-{sequence:06d}",
            special_hardship=hardship,
            hardship_reason="低保" if hardship else None,
        )
        details = PersonDetails(
            **{**details.as_dict(), "grade": int(details.certificate_number[-1])}
        )
        person = Person.register(
            details,
            district=district,
            registered_on=registered,
            today=TODAY,
            by=by,
            source="imported",
        )
        aggregates += [person, ResidentClaim.claim(district, resident, person.id)]
        group = groups[rng.randrange(len(groups))]
        if not (profile == "S3.3-everyone-in-a-group" and n == 0):
            joined = max(registered, group.formed_on)
            group.join(person_id=person.id, joined_on=joined, today=TODAY, by=by)
        needs = PersonNeeds.open(person_id=person.id, association_id=association.id, by=by)
        first = _day(rng, registered, min(TODAY, registered + timedelta(days=120)))
        for surveyed in sorted({first, _day(rng, first, TODAY)}):
            _, need_ids = needs.survey(
                association_id=association.id,
                surveyed_on=surveyed,
                surveyor=visitor_name,
                services_received=[],
                needs=[(rng.choice(NEEDS), "需求")],
                today=TODAY,
                by=by,
            )
            for need_id in need_ids:
                needs.deliver_service(
                    need_id=need_id,
                    delivered_on=surveyed,
                    provider="乡镇残联",
                    description="服务",
                    meets_need=True,
                    today=TODAY,
                    by=by,
                )
        aggregates.append(needs)
        visited = registered
        kind = HouseholdKind.SPECIAL_HARDSHIP if hardship else HouseholdKind.ORDINARY
        for visit in range(0 if unvisited else visits_per_household):
            visited = _day(rng, visited, min(TODAY, visited + timedelta(days=240)))
            if planned and visit == visits_per_household - 1:
                # The last visit falls within the shortest interval (90 days) before TODAY.
                visited = _day(rng, max(visited, TODAY - timedelta(days=80)), TODAY)
            aggregates.append(
                HomeVisit.record(
                    association_id=association.id,
                    household_id=details.household_id or "",
                    household_kind=kind,
                    person_ids=[person.id],
                    visited_on=visited,
                    visitor_officer_id=visitor,
                    visitor_name=visitor_name,
                    mode=VisitMode.ON_SITE,
                    findings="正常",
                    difficulties=[],
                    today=TODAY,
                    by=by,
                )
            )
    for cycle, evaluated in ((2021, date(2022, 1, 10)), (2022, date(2022, 12, 20))):
        wanted = profile != "S3.5-evaluated" if planned else rng.random() < 0.85
        if wanted and evaluated >= established:
            aggregates.append(
                Evaluation.of_association(
                    association_id=association.id,
                    cycle=cycle,
                    evaluated_on=evaluated,
                    evaluator=f"{district_name}残联",
                    scheme=scheme,
                    scores={"organisation": rng.randint(5, 10), "services": rng.randint(5, 10)},
                    notes=None,
                    today=TODAY,
                    by=by,
                )
            )
    records.save(association, claim, *groups, *aggregates)
    return sequence


def generate(
    tenancy: Tenancy,
    *,
    district: str = DISTRICT,
    villages: int = 300,
    persons: int = 20_000,
    seed: int = 6,
    visits_per_household: int = 3,
    progress: Callable[[int, int], None] | None = None,
) -> Generated:
    """Write the district through the domain code; returns what was written."""
    rng = random.Random(seed)
    records = tenancy.records(district)
    by = GENERATOR.as_dict()
    started = time.perf_counter()
    head_before = records.head_position()
    codes = village_codes(villages, district)
    sessions, scheme = prepare_district(records, district, DISTRICT_NAME, codes, by)
    per_village = [
        persons // villages + (1 if n < persons % villages else 0) for n in range(villages)
    ]
    sequence = 0
    for index, ((code, name), people) in enumerate(zip(codes, per_village, strict=True)):
        sequence = write_village(
            records,
            rng,
            district=district,
            district_name=DISTRICT_NAME,
            code=code,
            name=name,
            people=people,
            sessions=sessions,
            scheme=scheme,
            sequence=sequence,
            by=by,
            visits_per_household=visits_per_household,
        )
        if progress is not None:
            progress(index + 1, villages)
    events = records.head_position() - head_before
    return Generated(district, villages, sum(per_village), events, time.perf_counter() - started)


def open_store(backend: str, scratch: Path, url: str | None) -> Tenancy:
    """A provisioned store with the district created."""
    from projections.platform.database import open_database

    tenancy = Tenancy(open_database(url if backend == "postgresql" else None, scratch))
    tenancy.provision()
    tenancy.create_district(DISTRICT, DISTRICT_NAME, GENERATOR)
    return tenancy


def main() -> None:
    """Generate the district once and report how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    from bench.common import scratch_store

    with scratch_store(args.backend) as (scratch, url):
        tenancy = open_store(args.backend, scratch, url)
        result = generate(tenancy, villages=args.villages, persons=args.persons, seed=args.seed)
        tenancy.close()
    print(
        f"{result.events} events ({result.villages} villages, {result.persons} persons) "
        f"in {result.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
