"""A thin HTTP client for the tests: one method per endpoint, returning responses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

#: The city administrator's token every test deployment starts with.
BOOTSTRAP_TOKEN = "cx_test_bootstrap_" + uuid.uuid4().hex


@dataclass
class Client:
    """Talks to a running canxie server."""

    base: str
    token: str | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        if self.token:
            self.session.headers["Authorization"] = f"Bearer {self.token}"

    def url(self, path: str) -> str:
        """Absolute URL of an API path."""
        return f"{self.base}/api/v1{path}"

    def get(self, path: str, **params: Any) -> requests.Response:
        """GET with query parameters."""
        return self.session.get(self.url(path), params=params, timeout=30)

    def post(self, path: str, body: Any) -> requests.Response:
        """POST a JSON body."""
        return self.session.post(self.url(path), json=body, timeout=30)

    def create_district(self, code: str, name: str = "测试区") -> requests.Response:
        """POST /districts."""
        return self.post("/districts", {"code": code, "name": name})

    def create_association(
        self, district: str, division_code: str, *, established_on: str = "2021-03-01"
    ) -> requests.Response:
        """POST an association for a village of the district."""
        return self.post(
            f"/districts/{district}/associations",
            {
                "division_code": division_code,
                "name": f"{division_code}残协",
                "township_code": division_code[:9],
                "established_on": established_on,
            },
        )

    def appoint(
        self, district: str, association_id: str, role: str, name: str = "张三", **extra: Any
    ) -> requests.Response:
        """POST an officer."""
        body = {"name": name, "role": role, "appointed_on": "2021-04-01", **extra}
        return self.post(f"/districts/{district}/associations/{association_id}/officers", body)

    def remove(
        self, district: str, association_id: str, officer_id: str, **extra: Any
    ) -> requests.Response:
        """POST an officer's removal."""
        body = {"removed_on": "2021-06-01", "reason": "换届", **extra}
        return self.post(
            f"/districts/{district}/associations/{association_id}/officers/{officer_id}/removal",
            body,
        )
