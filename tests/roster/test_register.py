"""Registering persons: identifiers checked through the API, bad input refused, nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aggregates.identifiers import Sex, make_resident_id, resident_id_check_char
from tests.roster.conftest import V1, V2, VB, A, B, Roster
from tests.roster.samples import person_body


def with_x_check() -> dict[str, Any]:
    """A person whose resident ID ends in the check character X."""
    for sequence in range(500):
        rid = make_resident_id("410102", date(1985, 7, 9), sequence, Sex.FEMALE)
        if rid.endswith("X"):
            return person_body(
                V1,
                7,
                resident_id=rid,
                certificate_number=rid + "11",
                birth_date="1985-07-09",
                sex="female",
                category=1,
                grade=1,
            )
    raise AssertionError("no X check character found")


def wrong_check(rid: str) -> str:
    """The same first 17 digits with a check character they do not give."""
    right = resident_id_check_char(rid[:17])
    return rid[:17] + ("0" if right != "0" else "1")


@pytest.mark.parametrize(
    "body",
    [
        person_body(V1, 1),
        with_x_check(),
        {
            **with_x_check(),
            "resident_id": with_x_check()["resident_id"].lower(),
            "certificate_number": with_x_check()["certificate_number"].lower(),
        },
        person_body(
            V1,
            2,
            certificate_number=None,
            category=None,
            grade=None,
            service_needs=["rehabilitation", "assistive_devices"],
        ),
        person_body(
            V1, 3, category=7, grade=4, certificate_number=person_body(V1, 3)["resident_id"] + "74"
        ),
        person_body(V2, 4, special_hardship=True, hardship_reason="低保户，独居"),
    ],
    ids=[
        "certified",
        "x-check",
        "lowercase-x",
        "uncertified-with-needs",
        "multiple-grade4",
        "special-hardship",
    ],
)
def test_valid_persons_are_registered_and_read_back(roster: Roster, body: dict[str, Any]) -> None:
    person_id = roster.register(body)
    person = roster.get(f"/districts/{A}/persons/{person_id}").get_json()
    assert person["name"] == body["name"]
    assert person["birth_date"] == body["birth_date"]
    assert person["resident_id"][:6] == body["resident_id"][:6]
    assert "*" in person["resident_id"]
    assert person["status"] == "active"
    assert person["township_code"] == body["village_code"][:9]
    assert person["certified"] is (body.get("certificate_number") is not None)
    assert person["history"][0]["event"] == "Registered"
    assert person["history"][0]["actor"] == "bootstrap"


RID = person_body(V1, 1)["resident_id"]
OTHER = person_body(V1, 2)["resident_id"]

#: (name, overrides of a valid body, field the problem must name, status)
BAD: list[tuple[str, dict[str, Any], str, int]] = [
    (
        "wrong check character",
        {"resident_id": wrong_check(RID), "certificate_number": wrong_check(RID) + "42"},
        "resident_id",
        422,
    ),
    ("resident ID too short", {"resident_id": RID[:17]}, "resident_id", 422),
    ("resident ID with a letter", {"resident_id": RID[:5] + "A" + RID[6:]}, "resident_id", 422),
    (
        "no such province",
        {"resident_id": "99" + RID[2:17] + resident_id_check_char("99" + RID[2:17])},
        "resident_id",
        422,
    ),
    ("birth date disagrees with the ID", {"birth_date": "1961-02-03"}, "birth_date", 422),
    ("sex disagrees with the ID", {"sex": "male"}, "sex", 422),
    ("certificate of another person", {"certificate_number": OTHER + "42"}, "resident_id", 422),
    ("certificate category digit disagrees", {"category": 5}, "category", 422),
    ("certificate grade digit disagrees", {"grade": 1}, "grade", 422),
    (
        "certificate grade digit 5",
        {"certificate_number": RID + "45", "grade": 4},
        "certificate_number",
        422,
    ),
    (
        "certificate category digit 8",
        {"certificate_number": RID + "82", "category": 7},
        "certificate_number",
        422,
    ),
    ("certificate of 19 characters", {"certificate_number": RID + "4"}, "certificate_number", 422),
    ("certificate without grade", {"grade": None}, "grade", 422),
    (
        "grade without certificate",
        {"certificate_number": None, "category": None, "service_needs": ["care"]},
        "grade",
        422,
    ),
    (
        "uncertified without needs",
        {"certificate_number": None, "category": None, "grade": None},
        "service_needs",
        422,
    ),
    ("unknown service need", {"service_needs": ["money"]}, "service_needs.0", 422),
    ("category out of range", {"category": 8}, "category", 422),
    ("village of another district", {"village_code": VB}, "village_code", 422),
    ("village code of a township", {"village_code": "410102001"}, "village_code", 422),
    ("village part all zeros", {"village_code": "410102001000"}, "village_code", 422),
    ("hardship without reason", {"special_hardship": True}, "hardship_reason", 422),
    ("reason without hardship", {"hardship_reason": "x"}, "hardship_reason", 422),
    ("registered in the future", {"registered_on": "2999-01-01"}, "registered_on", 422),
    ("registered before birth", {"registered_on": "1950-01-01"}, "registered_on", 422),
    ("bad phone", {"phone": "12345"}, "phone", 422),
    ("unknown relation", {"household_relation": "cousin"}, "household_relation", 422),
    ("blank name", {"name": "  "}, "name", 422),
    ("unknown field", {"nickname": "x"}, "nickname", 422),
    ("hardship as a string", {"special_hardship": "yes"}, "special_hardship", 422),
    ("category as a string", {"category": "4"}, "category", 422),
]


@pytest.mark.parametrize("name,overrides,field,status", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_field_and_stores_nothing(
    roster: Roster, name: str, overrides: dict[str, Any], field: str, status: int
) -> None:
    before = roster.head(A)
    body = {**person_body(V1, 1), **overrides}
    response = roster.post(f"/districts/{A}/persons", body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["field"] == field, problem
    assert problem["type"].startswith("urn:canxie:problem:")
    assert RID not in response.get_data(as_text=True)  # no personal data in the problem
    assert roster.head(A) == before
    assert roster.get(f"/districts/{A}/persons").get_json()["total"] == 0


def test_a_second_person_with_the_same_resident_id_is_refused(roster: Roster) -> None:
    roster.register(person_body(V1, 1))
    before = roster.head(A)
    again = roster.post(f"/districts/{A}/persons", person_body(V2, 1, name="另一人"))
    assert again.status_code == 409
    assert again.get_json()["field"] == "resident_id"
    assert roster.head(A) == before
    assert roster.get(f"/districts/{A}/persons").get_json()["total"] == 1
    # Another district keeps its own roster: the same person may be there (a hand-over
    # is how they move, see test_transfer), the stores do not know each other.
    assert roster.post(f"/districts/{B}/persons", person_body(VB, 1)).status_code == 201


def test_personal_fields_are_masked_and_an_unmasked_read_is_recorded(roster: Roster) -> None:
    body = person_body(V1, 1)
    person_id = roster.register(body)
    masked = roster.get(f"/districts/{A}/persons/{person_id}").get_json()
    assert masked["resident_id"] == body["resident_id"][:6] + "*" * 8 + body["resident_id"][-4:]
    assert masked["certificate_number"].count("*") == 8
    assert masked["phone"] == body["phone"][:3] + "****" + body["phone"][-4:]
    assert masked["address"] != body["address"] and "*" in masked["address"]
    registered = masked["history"][0]["details"]
    assert body["resident_id"] not in str(registered) and body["phone"] not in str(registered)
    listed = roster.get(f"/districts/{A}/persons").get_json()["items"][0]
    assert listed["resident_id"] == masked["resident_id"]

    plain = roster.get(
        f"/districts/{A}/persons/{person_id}",
        who="district",
        unmask=["resident_id", "phone"],
        reason="核实身份 verify identity",
    )
    assert plain.status_code == 200
    shown = plain.get_json()
    assert shown["resident_id"] == body["resident_id"]
    assert shown["phone"] == body["phone"]
    assert "*" in shown["certificate_number"]  # not asked for: still masked
    reads = roster.get("/personal-data-reads", who="auditor").get_json()["items"]
    assert [(r["subject_kind"], r["subject_id"], r["fields"], r["role"]) for r in reads] == [
        ("person", person_id, ["phone", "resident_id"], "district_admin")
    ]


def test_unmasking_needs_a_reason_and_a_role_that_needs_it(roster: Roster) -> None:
    person_id = roster.register(person_body(V1, 1))
    path = f"/districts/{A}/persons/{person_id}"
    no_reason = roster.get(path, unmask="resident_id")
    assert (no_reason.status_code, no_reason.get_json()["field"]) == (422, "reason")
    for who in ("auditor", "inspector"):
        refused = roster.get(path, who=who, unmask="resident_id", reason="just curious")
        assert (refused.status_code, refused.get_json()["field"]) == (403, "unmask")
    listing = roster.get(
        f"/districts/{A}/persons", who="inspector", unmask="address", reason="走访 visit"
    )
    assert listing.status_code == 403
    assert roster.get("/personal-data-reads", who="auditor").get_json()["items"] == []
