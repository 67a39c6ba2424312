"""A lean keep-alive HTTP client for the load generators.

The benchmarks run the load generator on the same two cores as the server, the worker and
PostgreSQL, so every millisecond the client spends is taken from what is measured.
``requests`` spends about 1 ms of CPU per call (measured: 0.95-1.35 ms per command at 8
clients, against 3.3 ms for the whole gunicorn side); ``http.client`` on one kept-alive
connection spends a fraction of that.  One ``JsonClient`` per thread.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    """Status and decoded JSON body (None when the body is empty or not JSON)."""

    status: int
    body: Any

    def json(self) -> Any:
        """The body, as ``requests`` would give it."""
        return self.body


class JsonClient:
    """One persistent connection to ``base`` sending JSON with a bearer token."""

    def __init__(self, base: str, token: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._timeout = timeout
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> Answer:
        """GET ``path``."""
        return self._send("GET", path, None)

    def post(self, path: str, body: dict[str, Any]) -> Answer:
        """POST ``body`` as JSON to ``path``."""
        return self._send("POST", path, json.dumps(body).encode())

    def close(self) -> None:
        """Close the connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _send(self, method: str, path: str, payload: bytes | None) -> Answer:
        headers = dict(self._headers)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        # A kept-alive connection the server closed meanwhile: a GET is sent once more, a
        # command is not (it may have been carried out).
        for last in (method != "GET", True):
            connection = self._connect()
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if last:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Answer(response.status, json.loads(data) if data else None)
        raise AssertionError("unreachable")

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self._host, self._port, timeout=self._timeout
            )
        return self._connection


def make_district(base: str, token: str, code: str, name: str, associations: int) -> list[str]:
    """A district with ``associations`` village associations in one township, made through
    the API; returns the associations' ids."""
    client = JsonClient(base, token)
    try:
        _created(client.post("/api/v1/districts", {"code": code, "name": name}))
        return [
            _created(
                client.post(
                    f"/api/v1/districts/{code}/associations",
                    {
                        "division_code": f"{code}001{n + 1:03d}",
                        "name": f"社区{n}",
                        "township_code": f"{code}001",
                        "established_on": "2021-01-01",
                    },
                )
            )["id"]
            for n in range(associations)
        ]
    finally:
        client.close()


def appoint_or_remove(client: JsonClient, prefix: str, officer: str | None) -> Answer:
    """One command of the load: appoint a committee member when ``officer`` is None, else
    remove ``officer`` (``prefix``: the association's path)."""
    if officer is None:
        return client.post(
            f"{prefix}/officers",
            {"name": "委员", "role": "committee_member", "appointed_on": "2021-04-01"},
        )
    return client.post(
        f"{prefix}/officers/{officer}/removal", {"removed_on": "2021-05-01", "reason": "轮换"}
    )


def _created(answer: Answer) -> Any:
    if answer.status >= 300:
        raise RuntimeError(f"{answer.status}: {answer.body}")
    return answer.body
