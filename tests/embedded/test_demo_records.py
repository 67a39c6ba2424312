"""The demo district shows every kind of record a newcomer should see (issue 4)."""

from __future__ import annotations

from pathlib import Path

from projections.engine.replay import load_live
from service.cli.demo import load_demo
from workers.runtime import Runtime
from workers.settings import Settings

EVERY_KIND = (
    "divisions",
    "associations",
    "officers",
    "association_terms",
    "facilities",
    "full_time_members",
    "full_time_pay",
    "training_sessions",
    "training_attendance",
    "qualifications",
    "persons",
    "person_history",
    "care_groups",
    "group_memberships",
    "needs_surveys",
    "needs",
    "need_services",
    "home_visits",
    "visit_interval_versions",
    "evaluation_schemes",
    "evaluations",
)


def test_the_demo_has_every_kind_of_record(tmp_path: Path) -> None:
    runtime = Runtime.open(Settings(data_dir=tmp_path))
    runtime.tenancy.provision()
    assert load_demo(runtime.tenancy)
    assert not load_demo(runtime.tenancy)  # loading again changes nothing
    runtime.catch_up("410102")
    counts = load_live(runtime.db, "410102").counts()
    empty = [kind for kind in EVERY_KIND if counts.get(kind, 0) == 0]
    assert not empty, f"the demo has no {empty}"
    runtime.close()
