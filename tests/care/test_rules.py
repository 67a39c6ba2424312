"""The rules of groups, needs, visits, settings and evaluations, without infrastructure."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from aggregates.care.district_settings import Criterion, DistrictSettings, EvaluationScheme
from aggregates.care.evaluation import Evaluation
from aggregates.care.group import DisabilityCategory, Group, GroupBasis
from aggregates.care.needs import NeedCategory, PersonNeeds
from aggregates.care.visit import HomeVisit, HouseholdKind, ReferredTo, VisitMode
from aggregates.errors import InvalidValue, InvariantViolated, NotFound
from tests.factories import BY, TODAY


def new_group(**overrides: object) -> Group:
    fields = {
        "association_id": uuid4(),
        "association_established_on": date(2021, 3, 1),
        "name": "肢体残疾人小组",
        "basis": GroupBasis.CATEGORY,
        "category": DisabilityCategory.PHYSICAL,
        "area": None,
        "formed_on": date(2021, 4, 1),
        "today": TODAY,
        "by": BY,
    }
    fields.update(overrides)
    return Group.form(**fields)  # type: ignore[arg-type]


def scheme_settings() -> DistrictSettings:
    settings = DistrictSettings.start(district_code="410102", by=BY)
    settings.adopt_evaluation_scheme(
        effective_from=date(2021, 1, 1),
        criteria=[
            Criterion("organisation", "组织建设", 60, 0, 10),
            Criterion("services", "服务成效", 40, 0, 5),
        ],
        performance_weight=70,
        by=BY,
    )
    return settings


def survey_rehabilitation(record: PersonNeeds, on: date, description: str) -> list[UUID]:
    """A survey on ``on`` that finds one rehabilitation need; returns the new needs' ids."""
    _, needs = record.survey(
        association_id=record.association_id,
        surveyed_on=on,
        surveyor="刘洋",
        services_received=[],
        needs=[(NeedCategory.REHABILITATION, description)],
        today=TODAY,
        by=BY,
    )
    return list(needs)


def deliver(
    record: PersonNeeds,
    need: UUID,
    on: date,
    *,
    provider: str = "x",
    description: str = "x",
) -> None:
    """A service delivered on ``on`` that meets ``need``."""
    record.deliver_service(
        need_id=need,
        delivered_on=on,
        provider=provider,
        description=description,
        meets_need=True,
        today=TODAY,
        by=BY,
    )


def conclude(visit: HomeVisit, follow_up: UUID, on: date, *, outcome: str = "x") -> None:
    """The follow-up concluded on ``on``, resolved."""
    visit.conclude(
        follow_up_id=follow_up,
        concluded_on=on,
        outcome=outcome,
        resolved=True,
        today=TODAY,
        by=BY,
    )


def evaluate_in_full(
    scheme: EvaluationScheme, cycle: int, on: date, *, evaluator: str
) -> Evaluation:
    """An association evaluated on ``on`` with full marks on every criterion."""
    return Evaluation.of_association(
        association_id=uuid4(),
        cycle=cycle,
        evaluated_on=on,
        evaluator=evaluator,
        scheme=scheme,
        scores={"organisation": 10, "services": 5},
        notes=None,
        today=TODAY,
        by=BY,
    )


def test_a_category_group_names_its_category() -> None:
    with pytest.raises(InvalidValue) as refused:
        new_group(category=None)
    assert refused.value.field == "category"


def test_an_area_group_names_its_area() -> None:
    with pytest.raises(InvalidValue) as refused:
        new_group(basis=GroupBasis.AREA, category=None, area="")
    assert refused.value.field == "area"


def test_a_person_is_a_member_once_at_a_time_and_may_rejoin_later() -> None:
    group = new_group()
    person = uuid4()
    group.join(person_id=person, joined_on=date(2021, 5, 1), today=TODAY, by=BY)
    with pytest.raises(InvariantViolated):
        group.join(person_id=person, joined_on=date(2021, 6, 1), today=TODAY, by=BY)
    group.leave(person_id=person, left_on=date(2021, 7, 1), reason="迁出", today=TODAY, by=BY)
    with pytest.raises(InvalidValue) as refused:
        group.join(person_id=person, joined_on=date(2021, 6, 1), today=TODAY, by=BY)
    assert refused.value.field == "joined_on"
    group.join(person_id=person, joined_on=date(2022, 1, 1), today=TODAY, by=BY)
    assert person in group.members


def test_the_leader_is_a_member_and_leaving_ends_the_lead() -> None:
    group = new_group()
    person = uuid4()
    with pytest.raises(InvariantViolated):
        group.appoint_leader(person_id=person, appointed_on=date(2021, 5, 1), today=TODAY, by=BY)
    group.join(person_id=person, joined_on=date(2021, 5, 1), today=TODAY, by=BY)
    group.appoint_leader(person_id=person, appointed_on=date(2021, 5, 2), today=TODAY, by=BY)
    group.leave(person_id=person, left_on=date(2021, 8, 1), reason="去世", today=TODAY, by=BY)
    assert group.leader_person_id is None


def test_a_group_with_members_cannot_be_disbanded() -> None:
    group = new_group()
    group.join(person_id=uuid4(), joined_on=date(2021, 5, 1), today=TODAY, by=BY)
    with pytest.raises(InvariantViolated):
        group.disband(disbanded_on=date(2022, 1, 1), reason="合并", today=TODAY, by=BY)


def test_a_met_need_takes_no_more_services_and_an_open_one_is_not_surveyed_twice() -> None:
    record = PersonNeeds.open(person_id=uuid4(), association_id=uuid4(), by=BY)
    (need,) = survey_rehabilitation(record, date(2022, 3, 1), "康复训练")
    with pytest.raises(InvariantViolated) as twice:
        survey_rehabilitation(record, date(2022, 4, 1), "again")
    assert twice.value.field == "needs.0.category"
    with pytest.raises(InvalidValue):
        deliver(record, need, date(2022, 2, 1))
    deliver(record, need, date(2022, 5, 1), provider="康复中心", description="训练")
    with pytest.raises(InvariantViolated):
        deliver(record, need, date(2022, 6, 1))
    with pytest.raises(NotFound):
        deliver(record, uuid4(), date(2022, 6, 1))


def test_a_follow_up_is_concluded_once_and_not_before_it_was_referred() -> None:
    visit = HomeVisit.record(
        association_id=uuid4(),
        household_id="H1",
        household_kind=HouseholdKind.ORDINARY,
        person_ids=[],
        visited_on=date(2022, 3, 1),
        visitor_officer_id=uuid4(),
        visitor_name="王",
        mode=VisitMode.ON_SITE,
        findings="ok",
        difficulties=[],
        today=TODAY,
        by=BY,
    )
    follow_up = visit.refer(
        referred_to=ReferredTo.TOWNSHIP,
        referred_on=date(2022, 3, 2),
        matter="低保",
        today=TODAY,
        by=BY,
    )
    with pytest.raises(InvalidValue):
        conclude(visit, follow_up, date(2022, 3, 1))
    conclude(visit, follow_up, date(2022, 4, 1), outcome="办理")
    with pytest.raises(InvariantViolated):
        conclude(visit, follow_up, date(2022, 4, 2))


def test_visit_intervals_apply_from_their_effective_date() -> None:
    settings = DistrictSettings.start(district_code="410102", by=BY)
    assert settings.intervals_on(date(2021, 1, 1)) == {"special_hardship": 90, "ordinary": 365}
    settings.set_visit_intervals(
        effective_from=date(2022, 1, 1),
        intervals={HouseholdKind.SPECIAL_HARDSHIP: 30, HouseholdKind.ORDINARY: 180},
        by=BY,
    )
    assert settings.intervals_on(date(2021, 12, 31))["special_hardship"] == 90
    assert settings.intervals_on(date(2022, 1, 1))["special_hardship"] == 30
    with pytest.raises(InvalidValue) as refused:
        settings.set_visit_intervals(
            effective_from=date(2023, 1, 1),
            intervals={HouseholdKind.SPECIAL_HARDSHIP: 400, HouseholdKind.ORDINARY: 180},
            by=BY,
        )
    assert refused.value.field == "intervals.special_hardship"


def test_scheme_weights_add_up_to_100() -> None:
    settings = DistrictSettings.start(district_code="410102", by=BY)
    with pytest.raises(InvalidValue) as refused:
        settings.adopt_evaluation_scheme(
            effective_from=date(2021, 1, 1),
            criteria=[Criterion("a", "A", 50, 0, 10)],
            performance_weight=70,
            by=BY,
        )
    assert refused.value.field == "criteria"


def test_an_evaluation_is_scored_by_weights_and_refuses_bad_scores() -> None:
    scheme = scheme_settings().scheme_on(date(2021, 12, 1))
    assert scheme is not None
    assert scheme.score_association({"organisation": 8, "services": 2.5}) == 68.0
    for scores, field in (
        ({"organisation": 11, "services": 2}, "scores.organisation"),
        ({"organisation": 5}, "scores.services"),
        ({"organisation": 5, "services": 2, "venue": 1}, "scores.venue"),
    ):
        with pytest.raises(InvalidValue) as refused:
            scheme.score_association(scores)
        assert refused.value.field == field
    assert scheme.score_full_time_member(90, 80) == 87.0
    evaluation = evaluate_in_full(scheme, 2021, date(2022, 1, 10), evaluator="区残联")
    assert evaluation.total == 100.0
    with pytest.raises(InvalidValue) as early:
        evaluate_in_full(scheme, 2022, date(2021, 12, 1), evaluator="x")
    assert early.value.field == "evaluated_on"
