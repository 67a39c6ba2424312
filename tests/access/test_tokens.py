"""Tokens: unknown, expired, revoked and disabled ones are refused; failures are rate-limited."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask

from projections.platform.accounts import token_digest
from service.http.access import Role
from service.http.auth import FAILED_AUTH_ADDRESS_LIMIT
from tests.access.world import A, World
from tests.plugin import MakeApp
from workers.settings import Settings


def status_with(world: World, token: str | None, path: str = "/api/v1/me") -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return world.client.get(path, headers=headers).status_code


def test_requests_without_a_valid_token_get_401_problems(world: World) -> None:
    for header in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer cx_not_a_token"},
    ):
        response = world.client.get(f"/api/v1/districts/{A}/associations", headers=header)
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert world.client.get("/api/v1/health").status_code == 200  # public


def test_tokens_are_stored_only_as_digests(world: World) -> None:
    runtime = world.app.extensions["canxie"].runtime
    token = world.tokens[Role.DISTRICT_ADMIN]
    with runtime.db.catalog(write=False) as cur:
        cur.execute("SELECT * FROM tokens")
        rows = [dict(r) for r in cur.fetchall()]
    assert not any(token in str(row) for row in rows)
    assert any(row["token_hash"] == token_digest(token) for row in rows)


def test_an_expired_token_is_refused(world: World) -> None:
    accounts = world.app.extensions["canxie"].runtime.accounts
    user = accounts.users(A)[0]
    short = accounts.issue_token(user.id, valid_for=timedelta(seconds=1))
    assert status_with(world, short.token) == 200
    time.sleep(1.2)
    assert status_with(world, short.token) == 401


def test_a_revoked_token_is_refused_at_once(world: World) -> None:
    admin = world.headers(Role.DISTRICT_ADMIN)
    created = world.client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "name": "村专职委员",
            "role": "association_worker",
            "district": A,
            "association_id": world.ids["a1"],
        },
    )
    assert created.status_code == 201, created.get_json()
    token = created.get_json()["token"]
    assert status_with(world, token["token"]) == 200
    revoked = world.client.post(f"/api/v1/tokens/{token['token_id']}/revocation", headers=admin)
    assert revoked.status_code == 204
    assert status_with(world, token["token"]) == 401


def test_a_disabled_account_loses_every_token(world: World) -> None:
    admin = world.headers(Role.CITY_ADMIN)
    created = world.client.post(
        "/api/v1/users", headers=admin, json={"name": "督查员", "role": "inspector"}
    ).get_json()
    second = world.client.post(
        f"/api/v1/users/{created['user']['id']}/tokens", headers=admin, json={}
    ).get_json()
    disabled = world.client.post(f"/api/v1/users/{created['user']['id']}/disable", headers=admin)
    assert disabled.status_code == 200
    assert disabled.get_json()["disabled_at"]
    assert status_with(world, created["token"]["token"]) == 401
    assert status_with(world, second["token"]) == 401


def test_district_admins_cannot_create_city_roles_or_other_districts(world: World) -> None:
    admin = world.headers(Role.DISTRICT_ADMIN)
    for body, field in (
        ({"name": "x", "role": "city_admin"}, "role"),
        ({"name": "x", "role": "district_admin", "district": "410103"}, "district"),
    ):
        response = world.client.post("/api/v1/users", headers=admin, json=body)
        assert response.status_code == 403
        assert response.get_json()["field"] == field


def test_scope_fields_must_fit_the_role(world: World) -> None:
    admin = world.headers(Role.CITY_ADMIN)
    for body, field in (
        ({"name": "x", "role": "township_officer", "district": A}, "township"),
        (
            {"name": "x", "role": "township_officer", "district": A, "township": "410103001"},
            "township",
        ),
        ({"name": "x", "role": "bureau_auditor", "district": A}, "district"),
    ):
        response = world.client.post("/api/v1/users", headers=admin, json=body)
        assert response.status_code == 422, body
        assert response.get_json()["field"] == field


def test_events_record_the_acting_user(world: World) -> None:
    worker = world.headers(Role.ASSOCIATION_WORKER)
    response = world.client.post(
        f"/api/v1/districts/{A}/associations/{world.ids['a1']}/officers",
        headers=worker,
        json={"name": "新委员", "role": "committee_member", "appointed_on": "2022-01-05"},
    )
    assert response.status_code == 201
    me = world.client.get("/api/v1/me", headers=worker).get_json()
    records = world.app.extensions["canxie"].runtime.tenancy.records(A)
    association = records.association(__import__("uuid").UUID(world.ids["a1"]))
    events = records.events.get(association.id)
    by = list(events)[-1].by
    assert by.actor == me["actor"]
    assert by.role == "association_worker"
    assert by.organisation == "test"


def test_a_credential_that_keeps_failing_gets_429_with_retry_after(world: World) -> None:
    statuses = [status_with(world, "cx_made_up") for _ in range(21)]
    assert statuses == [401] * 20 + [429]
    refused = world.client.get("/api/v1/me", headers={"Authorization": "Bearer cx_made_up"})
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_a_valid_token_passes_after_bad_ones_from_the_same_address(world: World) -> None:
    # Everyone behind one NAT shares an address: one client's failures lock nobody else out.
    for _ in range(25):
        status_with(world, "cx_made_up")
    assert status_with(world, "cx_made_up") == 429
    assert status_with(world, world.tokens[Role.CITY_ADMIN]) == 200
    assert status_with(world, world.tokens[Role.INSPECTOR]) == 200
    assert status_with(world, "cx_another_made_up") == 401  # its own count, not yet blocked


def test_an_address_flooding_unknown_tokens_is_slowed_but_valid_tokens_pass(
    world: World,
) -> None:
    for n in range(FAILED_AUTH_ADDRESS_LIMIT):
        assert status_with(world, f"cx_flood_{n}") == 401
    assert status_with(world, "cx_flood_next") == 429
    assert status_with(world, world.tokens[Role.DISTRICT_ADMIN]) == 200


def _flood_then_probe(app: Flask, flood_from: str, probe_from: str) -> int:
    """Fill one address's failure bound (as the app sees it), then fail once from another."""
    client = app.test_client()
    for n in range(FAILED_AUTH_ADDRESS_LIMIT):
        client.get(
            "/api/v1/me",
            headers={"Authorization": f"Bearer cx_flood_{n}", "X-Forwarded-For": flood_from},
        )
    probe = client.get(
        "/api/v1/me",
        headers={"Authorization": "Bearer cx_probe", "X-Forwarded-For": probe_from},
    )
    return probe.status_code


@pytest.mark.parametrize(("trusted_proxies", "probe_status"), [(0, 429), (1, 401)])
def test_x_forwarded_for_counts_only_behind_trusted_proxies(
    make_app: MakeApp, trusted_proxies: int, probe_status: int
) -> None:
    """Without trusted proxies every client behind the test client's address is one client;
    behind one trusted proxy the forwarded address is the client's."""
    app = make_app(trusted_proxies=trusted_proxies, bootstrap_token=None)
    assert _flood_then_probe(app, "203.0.113.1", "203.0.113.2") == probe_status


def test_trusted_proxies_must_be_a_whole_number_not_below_zero() -> None:
    assert Settings.from_environ({"CANXIE_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    assert Settings.from_environ({}).trusted_proxies == 0
    for wrong in ("-1", "one"):
        with pytest.raises(ValueError, match="CANXIE_TRUSTED_PROXIES"):
            Settings.from_environ({"CANXIE_TRUSTED_PROXIES": wrong})


def test_oversized_bodies_are_refused(world: World) -> None:
    response = world.client.post(
        "/api/v1/districts",
        headers=world.headers(Role.CITY_ADMIN),
        data=b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
