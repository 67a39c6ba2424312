"""An embedded canxie (SQLite files, real stores) with two districts and scoped accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aggregates.provenance import Provenance
from service.app import create_app
from workers.settings import Settings

A, B = "410102", "410103"
T1, T2 = "410102001", "410102002"
V1, V1B, V2, VB = f"{T1}001", f"{T1}002", f"{T2}001", f"{B}001001"
TOKEN = "cx_roster_bootstrap_token"
SEED = Provenance(actor="test", role="city_admin", request_id="seed")


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
def roster(tmp_path: Path) -> Iterator[Roster]:
    """Districts A (townships T1, T2, with associations in V1 and V2) and B."""
    app = create_app(Settings(data_dir=tmp_path, bootstrap_token=TOKEN, sweep_seconds=3600))
    runtime = app.extensions["canxie"].runtime
    runtime.tenancy.create_district(A, "中原区", SEED)
    runtime.tenancy.create_district(B, "二七区", SEED)
    a1 = runtime.tenancy.records(A).establish_association(
        division_code=V1,
        name="友谊社区残协",
        township_code=T1,
        established_on=date(2021, 3, 1),
        by=SEED,
    )
    built = Roster(app=app, client=app.test_client())
    scopes = {
        "township": ("township_officer", {"district": A, "township": T1}),
        "worker": ("association_worker", {"district": A, "association_id": str(a1.id)}),
        "district": ("district_admin", {"district": A}),
        "auditor": ("bureau_auditor", {}),
        "inspector": ("inspector", {"district": A}),
    }
    for label, (role, scope) in scopes.items():
        user = runtime.accounts.add_user(
            name=label,
            role=role,
            district=scope.get("district"),
            township=scope.get("township"),
            association_id=scope.get("association_id"),
            organisation="test",
            created_by="test",
        )
        built.tokens[label] = runtime.accounts.issue_token(
            user.id, valid_for=timedelta(days=1)
        ).token
    built.settle()
    yield built
    app.extensions["canxie"].wakeups.close()
