"""Demo care records: a group, a needs survey met by a service, visits, and evaluations."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from aggregates.association.association import OfficerRole
from aggregates.care.district_settings import Criterion
from aggregates.care.group import GroupBasis
from aggregates.care.needs import NeedCategory
from aggregates.care.visit import HouseholdKind, VisitMode
from aggregates.provenance import Provenance

CRITERIA = [
    Criterion("organisation", "组织建设 organisation", 30, 0, 30),
    Criterion("services", "服务成效 services", 40, 0, 40),
    Criterion("archives", "档案规范 archives", 30, 0, 30),
]


def load_demo_care(records: Any, by: Provenance, association_id: UUID, persons: list[UUID]) -> None:
    """Care records of one association, over 2022."""
    association = records.association(association_id)
    chair = next(o for o in association.officers.values() if o.role is OfficerRole.CHAIR)
    full_time = next(o for o in association.officers.values() if o.full_time)
    records.set_visit_intervals(
        effective_from=date(2022, 1, 1),
        intervals={HouseholdKind.SPECIAL_HARDSHIP: 90, HouseholdKind.ORDINARY: 365},
        by=by,
    )
    _form_group(records, by, association_id, persons)
    _survey_serve_and_visit(records, by, association_id, persons[0], chair)
    _evaluate(records, by, association_id, full_time.officer_id)


def _form_group(records: Any, by: Provenance, association_id: UUID, persons: list[UUID]) -> None:
    """An area group that every demo person joins."""
    group = records.form_group(
        association_id,
        name="第一小组 (group 1)",
        basis=GroupBasis.AREA,
        category=None,
        area="友谊社区东区",
        formed_on=date(2022, 2, 1),
        by=by,
    ).id
    for person in persons:
        records.join_group(
            association_id, group, person_id=person, joined_on=date(2022, 2, 1), by=by
        )


def _survey_serve_and_visit(
    records: Any, by: Provenance, association_id: UUID, person: UUID, chair: Any
) -> None:
    """The chair surveys ``person``'s needs, one need is met by a service, and visits at home."""
    survey = records.survey_needs(
        association_id,
        person,
        surveyed_on=date(2022, 3, 5),
        surveyor=chair.name,
        services_received=[NeedCategory.SOCIAL_SECURITY],
        needs=[
            (NeedCategory.REHABILITATION, "上门康复训练 home rehabilitation"),
            (NeedCategory.ASSISTIVE_DEVICES, "助视器 a reading magnifier"),
        ],
        by=by,
    )
    records.deliver_service(
        association_id,
        person,
        survey.more[1],
        delivered_on=date(2022, 4, 20),
        provider="区残联辅具中心",
        description="配发助视器 magnifier provided",
        meets_need=True,
        by=by,
    )
    records.record_visit(
        association_id,
        household_id="H00100100",
        household_kind=HouseholdKind.SPECIAL_HARDSHIP,
        person_ids=[person],
        visited_on=date(2022, 3, 5),
        visitor_officer_id=chair.officer_id,
        mode=VisitMode.ON_SITE,
        findings="独居，生活基本能自理 lives alone, mostly independent",
        difficulties=["冬季取暖 winter heating"],
        by=by,
    )


def _evaluate(records: Any, by: Provenance, association_id: UUID, full_time: UUID) -> None:
    """The 2022 evaluation of the association and of its full-time member, under the scheme."""
    records.adopt_evaluation_scheme(
        effective_from=date(2021, 1, 1), criteria=CRITERIA, performance_weight=0.6, by=by
    )
    records.evaluate_association(
        association_id,
        cycle=2022,
        evaluated_on=date(2022, 12, 20),
        evaluator="中原区残联",
        scores={"organisation": 27, "services": 33, "archives": 26},
        notes=None,
        by=by,
    )
    records.evaluate_full_time_member(
        association_id,
        full_time,
        cycle=2022,
        evaluated_on=date(2022, 12, 20),
        evaluator="中原区残联",
        performance_score=88,
        rating_score=92,
        notes=None,
        by=by,
    )
