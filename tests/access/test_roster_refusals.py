"""Refusals on the roster reveal nothing outside the caller's scope.

A resident ID is one person per district, so a township officer registering someone already
on another township's roster must be refused; the refusal must read exactly like the one for
a duplicate in the officer's own township (no township, person id, name or status from
elsewhere) and say how the person comes over: the district administrator relocates them.
The same holds for corrections, for moves within the district and for the hand-over to
another district, whose answer must not tell what the other district holds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from werkzeug.test import TestResponse

from service.http.access import Role
from tests import factories
from tests.access.world import T1, T2, A, B, World, build_world
from tests.plugin import MakeApp
from tests.roster.samples import person_body

#: The sequence numbers tests/roster/samples.py gave the world's persons.
P_INSIDE, P_A1B, P_SIBLING = 401, 402, 403
V1, V2, VB = f"{T1}001", f"{T2}001", f"{B}001001"


def post(world: World, role: Role, path: str, body: dict[str, Any]) -> TestResponse:
    return world.client.post(f"/api/v1/districts/{path}", json=body, headers=world.headers(role))


def comparable(response: TestResponse, *ids: str) -> dict[str, Any]:
    """The problem without what differs per request (request id, the caller's own ids)."""
    body = dict(response.get_json())
    body.pop("request_id")
    text = repr(body)
    for n, value in enumerate(ids):
        text = text.replace(value, f"<id{n}>")
    return {"text": text, "status": response.status_code}


def assert_reveals_nothing(world: World, response: TestResponse, *markers: str) -> None:
    text = response.get_data(as_text=True)
    for marker in markers:
        assert marker not in text, f"the answer mentions {marker!r}: {text}"


def test_a_resident_id_of_another_township_is_refused_like_one_of_the_own(world: World) -> None:
    officer = Role.TOWNSHIP_OFFICER
    own = post(world, officer, f"{A}/persons", person_body(V1, P_A1B, name="某甲"))
    elsewhere = post(world, officer, f"{A}/persons", person_body(V1, P_SIBLING, name="某乙"))
    assert own.status_code == elsewhere.status_code == 409
    assert comparable(own) == comparable(elsewhere)
    assert_reveals_nothing(world, elsewhere, T2, world.ids["p_sibling"], "OUTSIDE-a2")
    problem = elsewhere.get_json()
    assert problem["field"] == "resident_id"
    # The way forward, without saying where the person is: the district moves them over.
    assert "区残联" in problem["detail"] and "区内迁移" in problem["detail"]  # Chinese first
    english = world.client.post(
        f"/api/v1/districts/{A}/persons",
        json=person_body(V1, P_SIBLING, name="某乙"),
        headers={**world.headers(officer), "Accept-Language": "en"},
    ).get_json()
    assert "district administrator" in english["detail"]
    assert "relocation" in english["detail"]


def test_the_district_administrator_can_bring_the_person_over(world: World) -> None:
    moved = post(
        world,
        Role.DISTRICT_ADMIN,
        f"{A}/persons/{world.ids['p_sibling']}/relocation",
        {"village_code": V1, "address": "建设路1号", "effective_on": "2023-05-01"},
    )
    assert moved.status_code == 200, moved.get_json()
    world.app.extensions["canxie"].runtime.catch_up(A)
    mine = world.client.get(
        f"/api/v1/districts/{A}/persons/{world.ids['p_sibling']}",
        headers=world.headers(Role.TOWNSHIP_OFFICER),
    )
    assert mine.status_code == 200


def test_a_corrected_resident_id_held_elsewhere_is_refused_like_one_held_here(
    world: World,
) -> None:
    officer = Role.TOWNSHIP_OFFICER
    uncertified = {"certificate_number": None, "category": None, "grade": None}
    created = post(
        world,
        officer,
        f"{A}/persons",
        {**person_body(V1, 410), **uncertified, "service_needs": ["care"]},
    )
    assert created.status_code == 201, created.get_json()
    person_id = created.get_json()["id"]
    answers = []
    for sequence in (P_A1B, P_SIBLING):
        taken = person_body(V1, sequence)
        answers.append(
            post(
                world,
                officer,
                f"{A}/persons/{person_id}/corrections",
                {
                    "resident_id": taken["resident_id"],
                    "birth_date": taken["birth_date"],
                    "sex": taken["sex"],
                    "reason": "身份证号录入错误",
                    "effective_on": "2022-04-01",
                },
            )
        )
    own, elsewhere = answers
    assert own.status_code == elsewhere.status_code == 409
    assert comparable(own) == comparable(elsewhere)
    assert_reveals_nothing(world, elsewhere, T2, world.ids["p_sibling"], "OUTSIDE-a2")


@pytest.mark.parametrize("path", ["relocation", "death", "transfer-out"])
def test_a_person_of_another_township_is_as_absent_as_no_person(world: World, path: str) -> None:
    bodies = {
        "relocation": {"village_code": V1, "address": "建设路1号", "effective_on": "2023-05-01"},
        "death": {"died_on": "2023-05-01"},
        "transfer-out": {
            "to_district": B,
            "village_code": VB,
            "address": "淮河路8号",
            "effective_on": "2023-05-01",
        },
    }
    sibling, nobody = world.ids["p_sibling"], str(uuid4())
    answers = [
        post(world, Role.TOWNSHIP_OFFICER, f"{A}/persons/{pid}/{path}", bodies[path])
        for pid in (sibling, nobody)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert comparable(answers[0], sibling) == comparable(answers[1], nobody)
    assert_reveals_nothing(world, answers[0], T2, "OUTSIDE-a2")


def _held_in_b(world: World, state: str) -> Any:
    """District B holds the resident ID of A's person p_inside (recorded there by mistake)."""
    tenancy = world.app.extensions["canxie"].runtime.tenancy
    held = factories.person(tenancy, VB, P_INSIDE, name="OUTSIDE-b-holder")
    records_b = tenancy.records(B)
    if state == "deceased":
        records_b.record_death(held.id, died_on=date(2023, 1, 2), by=factories.SEED)
    return held


def _hand_over_refusal(world: World) -> TestResponse:
    """District A's administrator hands its person over to B, which holds the same ID."""
    return post(
        world,
        Role.DISTRICT_ADMIN,
        f"{A}/persons/{world.ids['p_inside']}/transfer-out",
        {
            "to_district": B,
            "village_code": VB,
            "address": "淮河路8号",
            "effective_on": "2023-05-01",
        },
    )


@pytest.mark.parametrize("state_in_b", ["active", "deceased"])
def test_a_hand_over_refused_by_the_other_district_does_not_tell_what_it_holds(
    world: World, state_in_b: str
) -> None:
    held = _held_in_b(world, state_in_b)
    refused = _hand_over_refusal(world)
    assert refused.status_code == 409, refused.get_json()
    problem = refused.get_json()
    assert problem["field"] == "to_district"
    assert "district administrator" in problem["detail"]
    assert_reveals_nothing(
        world, refused, str(held.id), "OUTSIDE-b-holder", "deceased", "active", "already"
    )
    world.app.extensions["canxie"].runtime.catch_up(A)
    history = world.client.get(
        f"/api/v1/districts/{A}/persons/{world.ids['p_inside']}",
        headers=world.headers(Role.DISTRICT_ADMIN),
    )
    assert history.status_code == 200
    assert_reveals_nothing(world, history, str(held.id), "OUTSIDE-b-holder", "deceased")


def test_hand_over_refusals_read_the_same_whatever_the_other_district_holds(
    tmp_path: Path, make_app: MakeApp
) -> None:
    answers = []
    for state_in_b in ("active", "deceased"):
        built = build_world(make_app(data_dir=tmp_path / state_in_b))
        _held_in_b(built, state_in_b)
        refused = _hand_over_refusal(built)
        transfer_id = refused.get_json().get("transfer_id", "")
        answers.append(comparable(refused, transfer_id, built.ids["p_inside"]))
    assert answers[0] == answers[1]
