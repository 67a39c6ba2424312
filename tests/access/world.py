"""A small city for the access tests: two districts, two townships, accounts of every role.

Names of things outside a principal's scope carry markers, so a test can check that no
answer ever mentions them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from projections.platform.tenancy import Tenancy
from service.http.access import Role
from tests import factories
from tests.campaign.samples import add_campaign_samples
from tests.care.samples import add_care_samples
from tests.lifecycle.samples import add_lifecycle_samples
from workers.signing import sign_district

A, B = "410102", "410103"
T1, T2 = "410102001", "410102002"


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


def _association(tenancy: Tenancy, division: str, name: str, phone: str) -> tuple[str, str]:
    saved = factories.association(tenancy, division, name)
    officer = factories.chair(tenancy, saved.id, division[:6], f"{name}主席", phone=phone)
    return str(saved.id), str(officer.id)


def build_world(app: Flask) -> World:
    """Districts A (townships T1, T2) and B, an association in each place, every role."""
    runtime = app.extensions["canxie"].runtime
    tenancy, accounts = runtime.tenancy, runtime.accounts
    factories.district(tenancy, A, "中原区")
    factories.district(tenancy, B, "OUTSIDE-district-B")
    ids: dict[str, str] = {}
    ids["a1"], ids["a1_officer"] = _association(tenancy, f"{T1}001", "INSIDE-a1", "13800000001")
    ids["a1b"], ids["a1b_officer"] = _association(tenancy, f"{T1}002", "OUTSIDE-a1b", "13800000002")
    ids["a2"], ids["a2_officer"] = _association(tenancy, f"{T2}001", "OUTSIDE-a2", "13800000003")
    ids["b1"], ids["b1_officer"] = _association(tenancy, f"{B}001001", "OUTSIDE-b1", "13800000004")
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
        world.tokens[role] = factories.account(
            accounts, role.value, name=f"{role.value}-user", **scope
        )
    # Accounts that appear only as path arguments (users/tokens endpoints), one per district.
    for label, district in (("victim_a", A), ("victim_b", B)):
        name = f"{label}-{'INSIDE' if district == A else 'OUTSIDE'}"
        victim = factories.user(accounts, "district_admin", name=name, district=district)
        ids[f"{label}_user"] = victim.id
        token = accounts.issue_token(victim.id, valid_for=timedelta(days=1))
        ids[f"{label}_token"] = token.token_id
    add_sample_persons(tenancy, ids)  # the roster: one person per place
    add_lifecycle_samples(tenancy, ids, A, B)  # divisions, facilities, training
    add_care_samples(tenancy, ids, A, B)  # groups, surveys, visits, evaluations
    add_campaign_samples(tenancy, ids, A, B)  # inspections, problems, supervision, models
    for code in (A, B):
        runtime.catch_up(code)
    return world


def add_sample_persons(tenancy: Tenancy, ids: dict[str, str]) -> None:
    """One person in each place the access tests aim at, named with the world's markers."""
    places = {
        "p_inside": f"{A}001001",
        "p_a1b": f"{A}001002",
        "p_sibling": f"{A}002001",
        "p_outside": f"{B}001001",
    }
    names = ("INSIDE-p1", "OUTSIDE-a1b-person", "OUTSIDE-a2-person", "OUTSIDE-b1-person")
    for n, ((label, village), name) in enumerate(zip(places.items(), names, strict=True), 401):
        ids[label] = str(factories.person(tenancy, village, n, name=name).id)
