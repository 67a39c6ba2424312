"""The access matrix: every role, in and out of scope, against every endpoint that exists.

The routes come from the app itself, so an endpoint added without an access rule, or with
path arguments this test does not know, fails here.  The expected outcome is computed from
a table written in this test, not from the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.http.access import Action, Role, Target, rule_of
from tests.access.world import A, B, World, build_world
from tests.campaign.samples import campaign_path_samples
from tests.care.samples import care_path_samples
from tests.lifecycle.samples import lifecycle_path_samples
from tests.plugin import embedded_app

#: What each role may do, written independently of service/access.py.  Signing a tree head
#: (SIGN_HEADS) is the operators' job: the city administrator's, beside beat's own schedule.
MAY: dict[Role, set[Action]] = {
    Role.CITY_ADMIN: {
        Action.READ,
        Action.WRITE,
        Action.CREATE_DISTRICT,
        Action.AUDIT,
        Action.MANAGE_USERS,
        Action.INSPECT,
        Action.ERASE,
        Action.SIGN_HEADS,
    },
    Role.BUREAU_AUDITOR: {Action.READ, Action.AUDIT},
    Role.DISTRICT_ADMIN: {
        Action.READ,
        Action.WRITE,
        Action.AUDIT,
        Action.MANAGE_USERS,
        Action.ERASE,
        Action.INSPECT,
    },
    Role.TOWNSHIP_OFFICER: {Action.READ, Action.WRITE},
    Role.ASSOCIATION_WORKER: {Action.READ, Action.WRITE},
    Role.INSPECTOR: {Action.READ, Action.INSPECT},
}
CITY_WIDE = {Role.CITY_ADMIN, Role.BUREAU_AUDITOR}
#: Roles narrower than their district, for which association a1b and a2 are out of scope.
NARROW = {Role.TOWNSHIP_OFFICER, Role.ASSOCIATION_WORKER}
DENIED = {401, 403, 404}


@dataclass(frozen=True)
class Call:
    """One endpoint method with the rule it declared."""

    rule: str
    method: str
    action: Action
    target: Target


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One city for the whole module (the matrix only reads and refuses)."""
    with embedded_app(Path(tmp_path_factory.mktemp("matrix"))) as app:
        yield build_world(app)


def calls(shared_world: World) -> list[Call]:
    """Every (route, method) of the app with its declared rule; none may lack one."""
    found, missing = [], []
    for url_rule in shared_world.app.url_map.iter_rules():
        if url_rule.endpoint.startswith(("api-docs.", "pages.")):
            continue  # the web pages sign in with a cookie: tests/web/test_page_rules.py
        view = shared_world.app.view_functions[url_rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            handler = getattr(view_class, method.lower()) if view_class else view
            declared = rule_of(handler)
            if declared is None:
                missing.append(f"{method} {url_rule.rule}")
                continue
            found.append(Call(url_rule.rule, method, declared.action, declared.target))
    assert not missing, f"endpoints without an access rule: {missing}"
    return found


def fill(rule: str, shared_world: World, place: str) -> str:
    """The URL of ``rule`` aimed at ``place``: 'inside' (A, a1) or 'outside' (B, b1 / a2)."""
    ids = shared_world.ids
    values = {
        "inside": {
            "code": A,
            "association_id": ids["a1"],
            "aggregate_id": ids["a1"],
            "officer_id": ids["a1_officer"],
            "user_id": ids["victim_a_user"],
            "token_id": ids["victim_a_token"],
            "person_id": ids["p_inside"],
        },
        "outside": {
            "code": B,
            "association_id": ids["b1"],
            "aggregate_id": ids["b1"],
            "officer_id": ids["b1_officer"],
            "user_id": ids["victim_b_user"],
            "token_id": ids["victim_b_token"],
            "person_id": ids["p_outside"],
        },
        "sibling": {
            "code": A,
            "association_id": ids["a2"],
            "aggregate_id": ids["a2"],
            "officer_id": ids["a2_officer"],
            "user_id": ids["victim_a_user"],
            "token_id": ids["victim_a_token"],
            "person_id": ids["p_sibling"],
        },
    }[place]
    values = {**care_path_samples(ids, place), **values}
    values.update(lifecycle_path_samples(ids, place))
    values.update(campaign_path_samples(ids, place))

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        assert name in values, f"the matrix has no sample for path argument {name!r}"
        return values[name]

    return re.sub(r"<(?:[a-z]+:)?(\w+:)?(\w+)>", value, rule)


def expected_denial(call: Call, role: Role | None, place: str) -> int | None:
    """The status a refusal must have, or None when the request must get through."""
    if call.action is Action.PUBLIC:
        return None
    if role is None:
        return 401
    if call.target is Target.CITY and role not in CITY_WIDE:
        return 403
    in_path = call.target in (Target.DISTRICT, Target.ASSOCIATION)
    # A district or association in the path is checked before the action: 404 leaks nothing.
    if in_path and place == "outside" and role not in CITY_WIDE:
        return 404
    if in_path and place == "sibling" and role in NARROW and call.target is Target.ASSOCIATION:
        return 404
    if call.action not in MAY[role]:
        return 403
    # Accounts and tokens in the path are looked up by the view, within the caller's scope.
    by_view = "<user_id>" in call.rule or "<token_id>" in call.rule
    if by_view and place == "outside" and role not in CITY_WIDE:
        return 404
    return None


def outside_markers(role: Role | None) -> list[str]:
    """Strings that must never appear in an answer to ``role``."""
    if role in CITY_WIDE:
        return []
    markers = ["OUTSIDE-district-B", "OUTSIDE-b1", B, "victim_b-OUTSIDE"]
    if role in NARROW:
        markers += ["OUTSIDE-a2"]
    if role is Role.ASSOCIATION_WORKER:
        markers += ["OUTSIDE-a1b"]
    return markers


def test_every_endpoint_declares_a_rule_and_the_matrix_covers_it(shared_world: World) -> None:
    found = calls(shared_world)
    assert len(found) >= 10
    assert {c.action for c in found} >= {Action.READ, Action.WRITE, Action.AUDIT}


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_access_matrix(shared_world: World, role: Role | None) -> None:
    failures = []
    for call in calls(shared_world):
        for place in ("inside", "outside", "sibling"):
            url = fill(call.rule, shared_world, place)
            if call.method in {"POST", "PUT", "PATCH"}:
                response = shared_world.client.open(
                    url, method=call.method, json={}, headers=shared_world.headers(role)
                )
            else:
                response = shared_world.client.open(
                    url, method=call.method, headers=shared_world.headers(role)
                )
            want = expected_denial(call, role, place)
            status = response.status_code
            label = f"{call.method} {url} as {role} ({place})"
            if want is None and status in DENIED and not (status == 404 and place != "inside"):
                failures.append(f"{label}: refused with {status}: {response.get_data(True)[:200]}")
            elif want is not None and status != want:
                failures.append(f"{label}: {status}, expected {want}")
            body = response.get_data().decode("utf-8", "replace")  # reports are binary
            for marker in outside_markers(role):
                if marker in body and marker not in url:
                    failures.append(f"{label}: the answer mentions {marker!r}")
            if status >= 500:
                failures.append(f"{label}: server error {status}")
    assert not failures, "\n".join(failures)


def _heads(shared_world: World) -> dict[str, int]:
    tenancy = shared_world.app.extensions["canxie"].runtime.tenancy
    return {code: tenancy.records(code).head_position() for code in (A, B)}


def test_bureau_auditor_changes_nothing_anywhere(shared_world: World) -> None:
    before = _heads(shared_world)
    users_before = len(shared_world.app.extensions["canxie"].runtime.accounts.users())
    for call in calls(shared_world):
        if call.method == "GET":
            continue
        for place in ("inside", "outside"):
            url = fill(call.rule, shared_world, place)
            body = {
                "name": "x",
                "role": "chair",
                "appointed_on": "2021-05-01",
                "code": "410199",
                "division_code": f"{A}001099",
            }
            response = shared_world.client.open(
                url,
                method=call.method,
                json=body,
                headers=shared_world.headers(Role.BUREAU_AUDITOR),
            )
            assert response.status_code == 403, f"{call.method} {url}: {response.status_code}"
    assert _heads(shared_world) == before
    assert len(shared_world.app.extensions["canxie"].runtime.accounts.users()) == users_before


def _head_count(shared_world: World) -> int:
    url = f"/api/v1/districts/{A}/audit/ledger/heads"
    return int(
        shared_world.client.get(url, headers=shared_world.headers(Role.CITY_ADMIN)).get_json()[
            "total"
        ]
    )


@pytest.mark.parametrize(
    "role",
    [Role.BUREAU_AUDITOR, Role.DISTRICT_ADMIN, Role.INSPECTOR, Role.TOWNSHIP_OFFICER],
    ids=lambda r: r.value,
)
def test_only_the_city_administrator_signs_tree_heads(shared_world: World, role: Role) -> None:
    """The auditor checks the heads; signing one is an operator's act, refused to others."""
    url = f"/api/v1/districts/{A}/audit/ledger/heads"
    shared_world.client.post(  # the log grows: a head could be signed now
        f"/api/v1/districts/{A}/associations/{shared_world.ids['a1']}/officers",
        headers=shared_world.headers(Role.CITY_ADMIN),
        json={"name": "新委员", "role": "committee_member", "appointed_on": "2022-01-05"},
    )
    shared_world.app.extensions["canxie"].runtime.catch_up(A)
    before = _head_count(shared_world)
    refused = shared_world.client.post(url, json={}, headers=shared_world.headers(role))
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["detail"] == f"the role {role.value} may not sign_heads"
    assert _head_count(shared_world) == before
    signed = shared_world.client.post(url, json={}, headers=shared_world.headers(Role.CITY_ADMIN))
    assert signed.status_code == 201, signed.get_json()
    assert _head_count(shared_world) == before + 1


@pytest.mark.parametrize("guess", ["410103", "410199", "000000", "41010x"])
def test_a_district_admin_guessing_other_codes_finds_nothing(
    shared_world: World, guess: str
) -> None:
    headers = shared_world.headers(Role.DISTRICT_ADMIN)
    for path in (
        f"/api/v1/districts/{guess}/associations",
        f"/api/v1/districts/{guess}/associations/{shared_world.ids['b1']}",
    ):
        for method, body in (("GET", None), ("POST", {"division_code": f"{guess}001001"})):
            response = shared_world.client.open(path, method=method, json=body, headers=headers)
            assert response.status_code in (404, 405), f"{method} {path}"
            assert "OUTSIDE" not in response.get_data(as_text=True)
    other = shared_world.client.get(
        f"/api/v1/districts/{A}/associations/{shared_world.ids['b1']}", headers=headers
    )
    assert other.status_code == 404  # B's association through A's path: absent too
