"""Compliance as of past days, on the recorded and the effective clock (issue 6).

The recorded clock of events is the system clock when a command runs; to walk a district
through 2021 and 2022 the test sets that clock (it cannot wait a year), and sets the domain's
"today" with it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aggregates.association.association import OfficerRole
from aggregates.clock import SetClock
from aggregates.provenance import Provenance
from service.compliance.queries import report
from tests.campaign.district import appoint
from tests.factories import association, training
from tests.plugin import Calendar
from workers.runtime import Runtime

BY = Provenance(actor="inspector-test", role="district_admin", request_id="t")
D = "410102"
A, B = "410102001001", "410102001002"


@pytest.fixture(autouse=True)
def replayed_district(calendar: Calendar, make_district: Any) -> None:
    """District D, created on 1 March 2021, its "today" the calendar's day."""
    calendar.day = date(2021, 3, 1)
    make_district(D, "中原区", by=BY, clock=calendar)


def finding(body: dict[str, Any], rule_id: str, division: str) -> dict[str, Any]:
    return next(
        f for f in body["findings"] if f["rule_id"] == rule_id and f["division_code"] == division
    )


def test_the_records_on_each_day_and_a_late_correction(
    runtime: Runtime, calendar: SetClock
) -> None:
    records = runtime.tenancy.records(D)
    calendar.day = date(2021, 3, 10)
    a = association(runtime.tenancy, A, "友谊社区残协", established_on=calendar.day, by=BY).id
    appoint(records, a, OfficerRole.CHAIR, "王建国", calendar.day)
    appoint(records, a, OfficerRole.VICE_CHAIR, "李秀英", calendar.day)
    for n, name in enumerate(("刘洋", "陈静", "杨帆")):
        appoint(records, a, OfficerRole.COMMITTEE_MEMBER, name, calendar.day, full_time=n == 0)
    calendar.day = date(2021, 6, 15)
    b = association(runtime.tenancy, B, "百花社区残协", established_on=calendar.day, by=BY).id
    appoint(records, b, OfficerRole.CHAIR, "周丽", calendar.day)

    calendar.day = date(2022, 4, 10)  # rectification after the March inspection
    appoint(records, a, OfficerRole.VICE_CHAIR, "赵敏", calendar.day)
    calendar.day = date(2022, 5, 20)  # a correction: B's vice-chairs were elected in February
    appoint(records, b, OfficerRole.VICE_CHAIR, "吴强", date(2022, 2, 1))
    appoint(records, b, OfficerRole.VICE_CHAIR, "郑红", date(2022, 2, 1))
    runtime.catch_up(D)

    early = report(runtime, D, date(2021, 5, 1), "recorded")
    assert {f["division_code"] for f in early["findings"]} == {A}
    assert early["summary"]["associations"] == 1

    march_recorded = report(runtime, D, date(2022, 3, 15), "recorded")
    march_effective = report(runtime, D, date(2022, 3, 15), "effective")
    assert march_recorded["summary"]["associations"] == 2
    vice = "S3.3-vice-chairs"
    assert finding(march_recorded, vice, A)["passed"] is False
    assert finding(march_recorded, vice, A)["facts"]["sitting"] == 1
    assert finding(march_recorded, vice, B)["passed"] is False  # what the inspector saw
    assert finding(march_effective, vice, B)["passed"] is True  # what was true, as known now
    assert finding(march_effective, vice, B)["facts"]["names"] == ["吴强", "郑红"]
    assert finding(march_effective, vice, A)["passed"] is False  # A's fix came in April
    assert finding(march_recorded, "S3.6-full-time-member", A)["passed"] is True
    assert finding(march_recorded, "S3.6-full-time-member", B)["passed"] is False

    april = report(runtime, D, date(2022, 4, 30), "recorded")
    assert finding(april, vice, A)["passed"] is True
    assert finding(april, vice, B)["passed"] is False  # the correction was not yet recorded

    live = report(runtime, D, None, "recorded")
    assert live["live"] is True
    assert finding(live, vice, A)["passed"] and finding(live, vice, B)["passed"]
    assert finding(live, "S3.3-chair", B)["facts"]["names"] == ["周丽"]


def test_the_future_cannot_be_asked(runtime: Runtime) -> None:
    from aggregates.errors import InvalidValue

    with pytest.raises(InvalidValue):
        report(runtime, D, date(2999, 1, 1), "recorded")


def test_training_takes_effect_on_the_session_day(runtime: Runtime, calendar: SetClock) -> None:
    records = runtime.tenancy.records(D)
    calendar.day = date(2021, 3, 10)
    a = association(runtime.tenancy, A, "友谊社区残协", established_on=calendar.day, by=BY).id
    appoint(records, a, OfficerRole.CHAIR, "王建国", calendar.day)
    calendar.day = date(2021, 4, 1)
    session = training(records, date(2021, 4, 1), topic="政策培训", by=BY).id
    chair = next(iter(records.association(a).officers))
    calendar.day = date(2022, 5, 1)  # entered a year later
    records.attend_training(a, session_id=session, officer_id=chair, hours=4.0, by=BY)
    runtime.catch_up(D)
    trained = "S3.7-officers-trained"
    effective = report(runtime, D, date(2021, 6, 1), "effective")
    recorded = report(runtime, D, date(2021, 6, 1), "recorded")
    assert finding(effective, trained, A)["passed"] is True
    assert finding(recorded, trained, A)["passed"] is False
