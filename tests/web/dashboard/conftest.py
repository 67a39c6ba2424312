"""The demo city (``canxie serve --demo``'s) served on a real HTTP server for the dashboards'
browser tests, with one change a supervisor should find: yesterday a vice-chair of a
compliant association of 建设路街道 left, so that township fell behind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from aggregates.association.association import OfficerRole
from service.synthetic.demo_city import HOME, association_in, load_demo_city
from service.synthetic.villages import GENERATOR, village_codes
from tests import factories
from tests.plugin import embedded_app
from tests.web.world import served

#: The district admin, the inspector, the city admin and the bureau auditor (own passwords).
LOGINS = {
    "district_admin": ("qu-guanli", {"district": HOME}),
    "inspector": ("ducha", {"district": HOME}),
    "city_admin": ("shi-guanli", {}),
    "bureau_auditor": ("shenji", {}),
}


@dataclass(frozen=True)
class DemoCity:
    """Where the tests find the city: its address, today there, the township that fell behind."""

    url: str
    today: date
    township: str
    association_id: str
    #: An association of 中牟县 (410122) with rostered persons in no group (S3.3).
    ungrouped_id: str


def _vice_chair_leaves(runtime: object, village: str, on: date) -> str:
    """One vice-chair of the village's association leaves ``on`` (S3.3 then fails)."""
    records = runtime.tenancy.records(HOME)  # type: ignore[attr-defined]
    association_id = association_in(runtime, village)  # type: ignore[arg-type]
    found = records.association(association_id)
    vice = next(o for o in found.officers.values() if o.role is OfficerRole.VICE_CHAIR)
    records.remove_officer(
        association_id, vice.officer_id, removed_on=on, reason="调离本村", by=GENERATOR
    )
    runtime.catch_up(HOME)  # type: ignore[attr-defined]
    return str(association_id)


@pytest.fixture(scope="session")
def supervised_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCity]:
    """The demo city and the supervisors' accounts, served for the session."""
    data_dir: Path = tmp_path_factory.mktemp("dashboard")
    with embedded_app(data_dir) as app, served(app) as url:
        runtime = app.extensions["canxie"].runtime
        assert load_demo_city(runtime) is not None
        for role, (login, scope) in LOGINS.items():
            factories.person_account(runtime.accounts, role, login=login, name=login, **scope)
        today = runtime.clock.today()
        # The demo's first village: an association meeting every rule, in the first township.
        village = village_codes(7, HOME, spread=2)[0][0]
        association_id = _vice_chair_leaves(runtime, village, today - timedelta(days=1))
        ungrouped = association_in(runtime, village_codes(6, "410122", spread=2)[2][0])
        yield DemoCity(url, today, village[:9], association_id, str(ungrouped))
