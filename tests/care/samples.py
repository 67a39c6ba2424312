"""Sample groups, surveys, visits and evaluations for the access tests, one set per place."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from aggregates.care.district_settings import Criterion
from aggregates.care.needs import NeedCategory
from aggregates.care.visit import HouseholdKind, ReferredTo, VisitMode
from tests.factories import SEED, category_group

#: place -> (association key, roster person key, marker)
PLACES = {
    "inside": ("a1", "p_inside", "INSIDE"),
    "sibling": ("a2", "p_sibling", "OUTSIDE-a2"),
    "outside": ("b1", "p_outside", "OUTSIDE-b1"),
}


def _care_of_one_place(
    records: Any, association: UUID, person: UUID, officer: UUID, marker: str
) -> tuple[Any, Any, Any, Any]:
    """The group, survey, visit and follow-up of one place, each marked with ``marker``."""
    group = category_group(records, association, date(2021, 5, 1), name=f"{marker}-group")
    records.join_group(association, group.id, person_id=person, joined_on=date(2021, 5, 2), by=SEED)
    survey = records.survey_needs(
        association,
        person,
        surveyed_on=date(2021, 6, 1),
        surveyor=f"{marker}-surveyor",
        services_received=[],
        needs=[(NeedCategory.REHABILITATION, f"{marker}-need")],
        by=SEED,
    )
    visit = records.record_visit(
        association,
        household_id=f"{marker}-household",
        household_kind=HouseholdKind.SPECIAL_HARDSHIP,
        person_ids=[person],
        visited_on=date(2021, 6, 2),
        visitor_officer_id=officer,
        mode=VisitMode.ON_SITE,
        findings=f"{marker}-findings",
        difficulties=[],
        by=SEED,
    )
    follow_up = records.refer_follow_up(
        association,
        visit.id,
        referred_to=ReferredTo.TOWNSHIP,
        referred_on=date(2021, 6, 3),
        matter=f"{marker}-matter",
        by=SEED,
    )
    return group, survey, visit, follow_up


def add_care_samples(tenancy: Any, ids: dict[str, str], a: str, b: str) -> None:
    """A group with a member, a survey with a need, a visit with a follow-up per place."""
    for place, (association_key, person_key, marker) in PLACES.items():
        records = tenancy.records(b if place == "outside" else a)
        association = UUID(ids[association_key])
        person = UUID(ids[person_key])
        group, survey, visit, follow_up = _care_of_one_place(
            records, association, person, UUID(ids[f"{association_key}_officer"]), marker
        )
        ids[f"care_{place}_person"] = str(person)
        ids[f"care_{place}_group"] = str(group.id)
        ids[f"care_{place}_need"] = str(survey.more[0])
        ids[f"care_{place}_visit"] = str(visit.id)
        ids[f"care_{place}_follow_up"] = str(follow_up.id)
    for code in (a, b):
        records = tenancy.records(code)
        records.adopt_evaluation_scheme(
            effective_from=date(2021, 1, 1),
            criteria=[Criterion("organisation", "组织建设", 100, 0, 10)],
            performance_weight=60,
            by=SEED,
        )
    for place, (association_key, _, _) in PLACES.items():
        records = tenancy.records(b if place == "outside" else a)
        records.evaluate_association(
            UUID(ids[association_key]),
            cycle=2021,
            evaluated_on=date(2022, 1, 5),
            evaluator="district",
            scores={"organisation": 7},
            notes=f"{PLACES[place][2]}-notes",
            by=SEED,
        )


def care_path_samples(ids: dict[str, str], place: str) -> dict[str, str]:
    """Path arguments of the care endpoints aimed at ``place``."""
    return {
        "person_id": ids[f"care_{place}_person"],
        "group_id": ids[f"care_{place}_group"],
        "need_id": ids[f"care_{place}_need"],
        "visit_id": ids[f"care_{place}_visit"],
        "follow_up_id": ids[f"care_{place}_follow_up"],
    }
