"""The demo city (``canxie serve --demo``) is worth opening: mostly green on the day it is
loaded, each red association short of one rule, an open inspection, an account per role."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from projections.compliance import evaluate
from projections.engine.replay import load_live
from service.application.sign_in import session_principal, sign_in
from service.http.access import Role
from service.synthetic.demo_city import (
    DISTRICTS,
    HOME,
    WORKER_VILLAGE,
    DemoAccount,
    association_in,
    load_demo_city,
)
from service.synthetic.villages import village_codes
from workers.runtime import Runtime
from workers.settings import Settings

DemoCity = tuple[Runtime, list[DemoAccount]]


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCity]:
    """The demo city, loaded once for the module on the real clock, as ``--demo`` loads it."""
    runtime = Runtime.open(Settings(data_dir=Path(tmp_path_factory.mktemp("demo"))))
    runtime.tenancy.provision()
    accounts = load_demo_city(runtime)
    assert accounts is not None
    yield runtime, accounts
    runtime.close()


def test_loading_it_again_changes_nothing(demo_city: DemoCity) -> None:
    runtime, _ = demo_city
    heads = {d.code: runtime.head(d.code) for d in runtime.tenancy.districts()}
    assert load_demo_city(runtime) is None
    assert {d.code: runtime.head(d.code) for d in runtime.tenancy.districts()} == heads


def test_each_association_fails_only_the_rule_it_was_made_short_of(demo_city: DemoCity) -> None:
    runtime, _ = demo_city
    today = runtime.clock.today()
    compliant, failures = 0, Counter[str]()
    for code, _, profiles in DISTRICTS:
        tables = load_live(runtime.db, code)
        report = evaluate(code, tables, today)
        planned = dict(zip(_villages(code), profiles, strict=False))
        for finding in report.findings:
            if finding.association_id is not None:
                profile = planned[finding.division_code]
                assert finding.passed == (finding.rule_id != profile), (finding, profile)
        compliant += report.summary["fully_compliant"]
        failures.update(report.summary["failures_by_rule"])
    assert compliant == 7
    assert failures.pop("S2-coverage") == 3  # each district has a village still without one
    assert sorted(failures.values()) == [1] * 9  # nine associations, nine different rules


def _villages(code: str) -> list[str]:
    """The district's demo villages in the order their profiles are listed (the last one has
    no association)."""
    (profiles,) = [p for c, _, p in DISTRICTS if c == code]
    return [v for v, _ in village_codes(len(profiles) + 1, code, spread=2)]


def test_the_records_are_fresh_on_the_day_it_is_loaded(demo_city: DemoCity) -> None:
    runtime, _ = demo_city
    today = runtime.clock.today()
    tables = load_live(runtime.db, HOME)
    visits = sorted(str(v["visited_on"]) for v in tables.rows("home_visits"))
    assert visits[-1] <= today.isoformat()
    assert visits[-1] >= (today - timedelta(days=90)).isoformat()
    established = sorted(str(a["established_on"]) for a in tables.rows("associations"))
    assert (today - timedelta(days=800)).isoformat() <= established[0]  # about two years back
    assert established[-1] <= (today - timedelta(days=365)).isoformat()


def test_an_inspection_is_open_with_the_problems_it_found(demo_city: DemoCity) -> None:
    runtime, _ = demo_city
    tables = load_live(runtime.db, HOME)
    (inspection,) = tables.rows("inspections")
    assert inspection["concluded_on"] is None
    problems = sorted(p["rule_id"] for p in tables.rows("inspection_problems"))
    assert problems == ["S3.5-visits-on-time", "S3.7-officers-trained"]


def test_every_role_has_an_account_that_signs_in_once_with_its_printed_password(
    demo_city: DemoCity,
) -> None:
    runtime, accounts = demo_city
    assert sorted(a.role for a in accounts) == sorted(Role)
    worker_village = _villages(HOME)[WORKER_VILLAGE]
    worker_association = association_in(runtime, worker_village)
    for account in accounts:
        session = sign_in(runtime, account.login, account.one_time_password, "127.0.0.1")
        assert session.must_change_password
        found = session_principal(runtime, session.id)
        assert found is not None
        principal = found[0]
        assert principal.role is account.role
        if account.role is Role.ASSOCIATION_WORKER:
            assert principal.association_id == str(worker_association)
        if account.role is Role.TOWNSHIP_OFFICER:
            assert principal.township == worker_village[:9]  # the worker's township


def test_the_village_worker_has_a_household_overdue_for_a_visit(demo_city: DemoCity) -> None:
    runtime, _ = demo_city
    today = runtime.clock.today()
    report = evaluate(HOME, load_live(runtime.db, HOME), today)
    village = _villages(HOME)[WORKER_VILLAGE]
    (visits,) = [
        f
        for f in report.findings
        if f.division_code == village and f.rule_id == "S3.5-visits-on-time"
    ]
    assert not visits.passed and len(visits.facts["overdue"]) == 1
