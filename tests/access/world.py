"""A small city for the access tests: two districts, two townships, accounts of every role.

Names of things outside a principal's scope carry markers, so a test can check that no
answer ever mentions them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from aggregates.association import OfficerRole
from aggregates.provenance import Provenance
from service.access import Role
from service.app import create_app
from tests.campaign.samples import add_campaign_samples
from tests.care.samples import add_care_samples
from tests.lifecycle.samples import add_lifecycle_samples
from tests.roster.samples import add_sample_persons
from workers.settings import Settings
from workers.signing import sign_district

A, B = "410102", "410103"
T1, T2 = "410102001", "410102002"
SEED = Provenance(actor="test", role="city_admin", request_id="seed")


@dataclass
class World:
    """What the access tests need to know about the city they run against."""

    app: Flask
    client: FlaskClient
    tokens: dict[Role, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def headers(self, role: Role | None) -> dict[str, str]:
        """Authorization for a role's in-scope account (none for anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}


def _association(records: Any, division: str, name: str, phone: str) -> tuple[str, str]:
    saved = records.establish_association(
        division_code=division,
        name=name,
        township_code=division[:9],
        established_on=date(2021, 3, 1),
        by=SEED,
    )
    officer = records.appoint_officer(
        saved.id,
        name=f"{name}主席",
        role=OfficerRole.CHAIR,
        full_time=False,
        backgrounds=[],
        appointed_on=date(2021, 4, 1),
        by=SEED,
        phone=phone,
    )
    return str(saved.id), str(officer.id)


def build_world(tmp: Path) -> World:
    """Districts A (townships T1, T2) and B, an association in each place, every role."""
    settings = Settings(data_dir=tmp, bootstrap_token="cx_matrix_bootstrap", sweep_seconds=3600)
    app = create_app(settings)
    runtime = app.extensions["canxie"].runtime
    tenancy, accounts = runtime.tenancy, runtime.accounts
    tenancy.create_district(A, "中原区", SEED)
    tenancy.create_district(B, "OUTSIDE-district-B", SEED)
    ids: dict[str, str] = {}
    a = tenancy.records(A)
    ids["a1"], ids["a1_officer"] = _association(a, f"{T1}001", "INSIDE-a1", "13800000001")
    ids["a1b"], ids["a1b_officer"] = _association(a, f"{T1}002", "OUTSIDE-a1b", "13800000002")
    ids["a2"], ids["a2_officer"] = _association(a, f"{T2}001", "OUTSIDE-a2", "13800000003")
    ids["b1"], ids["b1_officer"] = _association(
        tenancy.records(B), f"{B}001001", "OUTSIDE-b1", "13800000004"
    )
    for code in (A, B):
        runtime.catch_up(code)
        sign_district(runtime, code)

    scopes: dict[Role, dict[str, Any]] = {
        Role.CITY_ADMIN: {},
        Role.BUREAU_AUDITOR: {},
        Role.DISTRICT_ADMIN: {"district": A},
        Role.TOWNSHIP_OFFICER: {"district": A, "township": T1},
        Role.ASSOCIATION_WORKER: {"district": A, "association_id": ids["a1"]},
        Role.INSPECTOR: {"district": A},
    }
    world = World(app=app, client=app.test_client(), ids=ids)
    for role, scope in scopes.items():
        user = accounts.add_user(
            name=f"{role.value}-user",
            role=role.value,
            district=scope.get("district"),
            township=scope.get("township"),
            association_id=scope.get("association_id"),
            organisation="test",
            created_by="test",
        )
        world.tokens[role] = accounts.issue_token(user.id, valid_for=timedelta(days=1)).token
    # Accounts that appear only as path arguments (users/tokens endpoints), one per district.
    for label, district in (("victim_a", A), ("victim_b", B)):
        victim = accounts.add_user(
            name=f"{label}-{'INSIDE' if district == A else 'OUTSIDE'}",
            role="district_admin",
            district=district,
            township=None,
            association_id=None,
            organisation="",
            created_by="test",
        )
        ids[f"{label}_user"] = victim.id
        token = accounts.issue_token(victim.id, valid_for=timedelta(days=1))
        ids[f"{label}_token"] = token.token_id
    add_sample_persons(tenancy, ids, A, B)  # the roster: one person per place
    add_lifecycle_samples(tenancy, ids, A, B)  # divisions, facilities, training
    add_care_samples(tenancy, ids, A, B)  # groups, surveys, visits, evaluations
    add_campaign_samples(tenancy, ids, A, B)  # inspections, problems, supervision, models
    for code in (A, B):
        runtime.catch_up(code)
    return world
