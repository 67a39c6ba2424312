"""Personal data is masked unless a permitted role asks, with a reason, and every such read
is recorded for the bureau's auditors."""

from __future__ import annotations

import pytest

from service.http.access import Role
from tests.access.world import A, World


def officer_phone(world: World, role: Role, **params: str) -> tuple[int, object]:
    response = world.client.get(
        f"/api/v1/districts/{A}/associations/{world.ids['a1']}",
        query_string=params,
        headers=world.headers(role),
    )
    body = response.get_json()
    phone = body["officers"][0]["phone"] if response.status_code == 200 else body
    return response.status_code, phone


def test_phone_numbers_are_masked_by_default(world: World) -> None:
    for role in Role:
        status, phone = officer_phone(world, role)
        assert (status, phone) == (200, "138****0001"), role


def test_a_permitted_role_unmasks_with_a_reason_and_the_read_is_recorded(world: World) -> None:
    status, phone = officer_phone(
        world, Role.DISTRICT_ADMIN, unmask="phone", reason="核实联系方式 verify contact"
    )
    assert (status, phone) == (200, "13800000001")
    reads = world.client.get(
        "/api/v1/personal-data-reads", headers=world.headers(Role.BUREAU_AUDITOR)
    ).get_json()["items"]
    assert len(reads) == 1
    read = reads[0]
    assert read["role"] == "district_admin"
    assert read["district"] == A
    assert read["subject_id"] == world.ids["a1"]
    assert read["fields"] == ["phone"]
    assert read["reason"] == "核实联系方式 verify contact"
    assert read["request_id"]


def test_unmasking_needs_a_reason(world: World) -> None:
    status, problem = officer_phone(world, Role.DISTRICT_ADMIN, unmask="phone")
    assert status == 422
    assert problem["field"] == "reason"  # type: ignore[index]


@pytest.mark.parametrize("role", [Role.BUREAU_AUDITOR, Role.INSPECTOR])
def test_roles_without_the_need_cannot_unmask(world: World, role: Role) -> None:
    status, problem = officer_phone(world, role, unmask="phone", reason="just curious")
    assert status == 403
    assert problem["field"] == "unmask"  # type: ignore[index]
    reads = world.client.get(
        "/api/v1/personal-data-reads", headers=world.headers(Role.BUREAU_AUDITOR)
    ).get_json()["items"]
    assert reads == []


def test_the_record_of_reads_is_not_for_every_role(world: World) -> None:
    for role in (Role.TOWNSHIP_OFFICER, Role.ASSOCIATION_WORKER, Role.INSPECTOR):
        response = world.client.get("/api/v1/personal-data-reads", headers=world.headers(role))
        assert response.status_code == 403
