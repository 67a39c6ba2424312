"""An embedded canxie (SQLite files, real stores) with two districts and scoped accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.client import BOOTSTRAP_TOKEN
from tests.factories import SEED

A, B = "410102", "410103"
T1, T2 = "410102001", "410102002"
V1, V1B, V2, VB = f"{T1}001", f"{T1}002", f"{T2}001", f"{B}001001"
TOKEN = BOOTSTRAP_TOKEN


@dataclass
class Roster:
    """The app, a client acting as the city administrator, and tokens of narrower roles."""

    app: Flask
    client: FlaskClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def runtime(self) -> Any:
        """The process runtime (stores, accounts)."""
        return self.app.extensions["canxie"].runtime

    def headers(self, who: str = "admin") -> dict[str, str]:
        """Authorization of an account: admin, township, worker, auditor, inspector."""
        return {"Authorization": f"Bearer {self.tokens.get(who, TOKEN)}"}

    def post(self, path: str, body: Any, who: str = "admin") -> Any:
        """POST under /api/v1."""
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers(who))

    def get(self, path: str, who: str = "admin", **params: Any) -> Any:
        """GET under /api/v1, after projecting every district."""
        self.settle()
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self.headers(who))

    def settle(self) -> None:
        """Project every new event of both districts now."""
        for code in (A, B):
            self.runtime.catch_up(code)

    def head(self, code: str = A) -> int:
        """The newest position of a district's log."""
        return int(self.runtime.tenancy.records(code).head_position())

    def records(self, code: str = A) -> Any:
        """A district's event-store application."""
        return self.runtime.tenancy.records(code)

    def register(self, body: dict[str, Any], code: str = A, who: str = "admin") -> str:
        """Register a person through the API and return their id."""
        response = self.post(f"/districts/{code}/persons", body, who)
        assert response.status_code == 201, response.get_data(as_text=True)
        return str(response.get_json()["id"])


@pytest.fixture
def roster(app: Flask, make_district: Any, make_association: Any, make_account: Any) -> Roster:
    """Districts A (townships T1, T2, with associations in V1 and V2) and B."""
    make_district(A, "中原区")
    make_district(B, "二七区")
    a1 = make_association(V1, "友谊社区残协")
    built = Roster(app=app, client=app.test_client())
    scopes = {
        "township": ("township_officer", {"district": A, "township": T1}),
        "worker": ("association_worker", {"district": A, "association_id": str(a1.id)}),
        "district": ("district_admin", {"district": A}),
        "auditor": ("bureau_auditor", {}),
        "inspector": ("inspector", {"district": A}),
    }
    for label, (role, scope) in scopes.items():
        built.tokens[label] = make_account(role, name=label, **scope)
    built.settle()
    return built


def start_move(records: Any, person_id: Any) -> Any:
    """Step 1 of a hand-over to district B only, as if the process died right after it."""
    return records.start_transfer_out(
        person_id,
        to_district=B,
        village_code=VB,
        address="淮河路8号",
        effective_on=date(2023, 5, 1),
        by=SEED,
    )
