"""Dynamic changes as events with effective dates, and lists narrowed to the caller's scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.roster.conftest import T1, T2, V1, V1B, V2, A, Roster
from tests.roster.samples import person_body


def change(
    roster: Roster, person_id: str, path: str, body: dict[str, Any], who: str = "admin"
) -> Any:
    return roster.post(f"/districts/{A}/persons/{person_id}/{path}", body, who)


def year_of_changes(rid: str) -> list[tuple[str, dict[str, Any]]]:
    """The year's changes in order: each path and body a township officer sends."""
    return [
        (
            "relocation",
            {"village_code": V2, "address": "西里小区3号", "effective_on": "2022-06-01"},
        ),
        (
            "certificate",
            {
                "certificate_number": rid + "43",
                "category": 4,
                "grade": 3,
                "effective_on": "2022-07-01",
            },
        ),
        (
            "certificate/change",
            {
                "certificate_number": rid + "42",
                "category": 4,
                "grade": 2,
                "effective_on": "2023-01-10",
                "reason": "复评",
            },
        ),
        (
            "corrections",
            {
                "phone": "13700000000",
                "special_hardship": True,
                "hardship_reason": "因病致贫",
                "reason": "走访核实",
                "effective_on": "2023-02-01",
            },
        ),
        (
            "certificate/cancellation",
            {"effective_on": "2023-03-01", "reason": "康复", "service_needs": ["employment"]},
        ),
        ("departure", {"destination": "上海市", "effective_on": "2023-04-01"}),
        (
            "return",
            {
                "village_code": V1,
                "address": "友谊路1号",
                "origin": "上海市",
                "effective_on": "2023-09-01",
            },
        ),
        ("death", {"died_on": "2024-01-05"}),
    ]


def assert_the_year_is_read_back(person: dict[str, Any]) -> None:
    """The person's state and dated, attributed history after the year, with the phone masked."""
    assert (person["status"], person["died_on"], person["village_code"]) == (
        "deceased",
        "2024-01-05",
        V1,
    )
    assert (person["certified"], person["grade"], person["service_needs"]) == (
        False,
        None,
        ["employment"],
    )
    assert person["special_hardship"] is True
    events = [(h["event"], h["effective_on"]) for h in person["history"]]
    assert events == [
        ("Registered", "2022-03-01"),
        ("Relocated", "2022-06-01"),
        ("CertificateIssued", "2022-07-01"),
        ("CertificateChanged", "2023-01-10"),
        ("DetailsCorrected", "2023-02-01"),
        ("CertificateCancelled", "2023-03-01"),
        ("MovedAway", "2023-04-01"),
        ("MovedIn", "2023-09-01"),
        ("Died", "2024-01-05"),
    ]
    assert {h["actor"] for h in person["history"]} == {"bootstrap"}
    assert person["history"][3]["reason"] == "复评"
    assert "13700000000" not in str(person)  # corrected phone masked in the history too


def test_a_persons_year_of_changes_is_recorded_with_dates_and_provenance(roster: Roster) -> None:
    body = person_body(
        V1, 1, certificate_number=None, category=None, grade=None, service_needs=["rehabilitation"]
    )
    person_id = roster.register(body)
    for path, step in year_of_changes(body["resident_id"]):
        response = change(roster, person_id, path, step)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
    assert_the_year_is_read_back(roster.get(f"/districts/{A}/persons/{person_id}").get_json())
    before = roster.head(A)
    late = change(
        roster,
        person_id,
        "relocation",
        {"village_code": V2, "address": "x", "effective_on": "2024-02-01"},
    )
    assert (late.status_code, late.get_json()["field"]) == (409, "status")
    assert roster.head(A) == before


# Bad changes: path, body ("{rid}" stands for the person's resident id), the field named, status.
BAD_CHANGES: list[tuple[str, dict[str, Any], str, int]] = [
    (
        "certificate",
        {"certificate_number": "X", "category": 4, "grade": 2, "effective_on": "2022-07-01"},
        "certificate_number",
        422,
    ),
    (
        "certificate/change",
        {
            "certificate_number": "{rid}42",
            "category": 4,
            "grade": 2,
            "effective_on": "2023-01-10",
            "reason": "复评",
        },
        "certificate_number",
        422,
    ),  # nothing changes
    (
        "certificate/change",
        {
            "certificate_number": "{rid}43",
            "category": 4,
            "grade": 2,
            "effective_on": "2023-01-10",
            "reason": "复评",
        },
        "grade",
        422,
    ),
    (
        "certificate",
        {
            "certificate_number": "{rid}42",
            "category": 4,
            "grade": 2,
            "effective_on": "2022-07-01",
        },
        "certificate_number",
        409,
    ),
    (
        "certificate/cancellation",
        {"effective_on": "2023-03-01", "reason": "x", "service_needs": []},
        "service_needs",
        422,
    ),
    (
        "relocation",
        {"village_code": "410103001001", "address": "x", "effective_on": "2022-06-01"},
        "village_code",
        422,
    ),
    (
        "relocation",
        {"village_code": V2, "address": "x", "effective_on": "2999-06-01"},
        "effective_on",
        422,
    ),
    ("death", {"died_on": "1900-01-01"}, "died_on", 422),
    (
        "corrections",
        {"birth_date": "1961-01-01", "reason": "录入错误", "effective_on": "2023-01-01"},
        "birth_date",
        422,
    ),
    ("corrections", {"reason": "无", "effective_on": "2023-01-01"}, "body", 422),
    (
        "corrections",
        {"village_code": V2, "reason": "x", "effective_on": "2023-01-01"},
        "village_code",
        422,
    ),
]


@pytest.mark.parametrize("path,body,field,status", BAD_CHANGES)
def test_bad_changes_name_the_field_and_store_nothing(
    roster: Roster, path: str, body: dict[str, Any], field: str, status: int
) -> None:
    person = person_body(V1, 1)
    person_id = roster.register(person)
    filled = {
        k: v.replace("{rid}", person["resident_id"]) if isinstance(v, str) else v
        for k, v in body.items()
    }
    before = roster.head(A)
    response = change(roster, person_id, path, filled)
    assert (response.status_code, response.get_json()["field"]) == (status, field)
    assert roster.head(A) == before


def test_a_corrected_resident_id_moves_the_one_person_per_id_claim(roster: Roster) -> None:
    wrong = person_body(V1, 1)
    right = person_body(V1, 2)
    person_id = roster.register(
        {
            **wrong,
            "certificate_number": None,
            "category": None,
            "grade": None,
            "service_needs": ["care"],
        }
    )
    fixed = change(
        roster,
        person_id,
        "corrections",
        {
            "resident_id": right["resident_id"],
            "birth_date": right["birth_date"],
            "sex": right["sex"],
            "reason": "身份证号录入错误",
            "effective_on": "2022-04-01",
        },
    )
    assert fixed.status_code == 200, fixed.get_data(as_text=True)
    taken = roster.post(f"/districts/{A}/persons", right)
    assert (taken.status_code, taken.get_json()["field"]) == (409, "resident_id")
    assert roster.post(f"/districts/{A}/persons", wrong).status_code == 201  # released


def seed(roster: Roster) -> dict[str, str]:
    ids = {
        "t1_phys": roster.register(person_body(V1, 1)),
        "t1_b_visual": roster.register(
            person_body(
                V1B,
                2,
                category=1,
                grade=1,
                certificate_number=person_body(V1B, 2)["resident_id"] + "11",
            )
        ),
        "t2_hardship": roster.register(
            person_body(V2, 3, special_hardship=True, hardship_reason="独居")
        ),
        "t2_uncertified": roster.register(
            person_body(
                V2, 4, certificate_number=None, category=None, grade=None, service_needs=["care"]
            )
        ),
    }
    change(roster, ids["t1_phys"], "death", {"died_on": "2023-01-01"})
    return ids


def names(response: Any) -> list[str]:
    return [p["name"] for p in response.get_json()["items"]]


def test_lists_filter_sort_page_and_total(roster: Roster) -> None:
    seed(roster)
    persons = f"/districts/{A}/persons"
    everyone = roster.get(persons, sort="name")
    assert everyone.get_json()["total"] == 4
    assert names(everyone) == sorted(names(everyone))
    assert names(roster.get(persons, sort="-name")) == sorted(names(everyone), reverse=True)
    assert names(roster.get(persons, township_code=T2, sort="name")) == ["残疾人3", "残疾人4"]
    assert names(roster.get(persons, village_code=V1B)) == ["残疾人2"]
    assert names(roster.get(persons, category=1, grade=1)) == ["残疾人2"]
    assert names(roster.get(persons, special_hardship="true")) == ["残疾人3"]
    assert names(roster.get(persons, certified="false")) == ["残疾人4"]
    assert names(roster.get(persons, status="deceased")) == ["残疾人1"]
    page = roster.get(persons, sort="name", limit=2, offset=2).get_json()
    assert (page["total"], [p["name"] for p in page["items"]]) == (4, ["残疾人3", "残疾人4"])
    totals = roster.get(f"{persons}/totals", by="township_code").get_json()
    assert totals["groups"] == [{"value": T1, "count": 2}, {"value": T2, "count": 2}]
    by_status = roster.get(f"{persons}/totals", by="status", township_code=T1).get_json()
    assert by_status["groups"] == [
        {"value": "active", "count": 1},
        {"value": "deceased", "count": 1},
    ]
    bad = roster.get(persons, sort="resident_id")
    assert (bad.status_code, bad.get_json()["field"]) == (422, "sort")


def test_a_township_officer_sees_and_changes_only_their_townships_persons(
    roster: Roster,
) -> None:
    ids = seed(roster)
    persons = f"/districts/{A}/persons"
    assert sorted(names(roster.get(persons, who="township"))) == ["残疾人1", "残疾人2"]
    other = roster.get(persons, who="township", township_code=T2).get_json()
    assert other["total"] == 0
    totals = roster.get(f"{persons}/totals", who="township", by="township_code").get_json()
    assert totals["groups"] == [{"value": T1, "count": 2}]
    assert roster.get(f"{persons}/{ids['t2_hardship']}", who="township").status_code == 404
    assert roster.get(f"{persons}/{ids['t1_phys']}", who="township").status_code == 200
    moved = change(roster, ids["t2_hardship"], "death", {"died_on": "2023-01-01"}, "township")
    assert moved.status_code == 404
    outside = roster.post(persons, person_body(V2, 9), "township")
    assert (outside.status_code, outside.get_json()["field"]) == (403, "village_code")
    away = change(
        roster,
        ids["t1_b_visual"],
        "relocation",
        {"village_code": V2, "address": "x", "effective_on": "2023-01-01"},
        "township",
    )
    assert (away.status_code, away.get_json()["field"]) == (403, "village_code")


def test_an_association_worker_sees_only_their_villages_persons(roster: Roster) -> None:
    ids = seed(roster)
    persons = f"/districts/{A}/persons"
    assert names(roster.get(persons, who="worker")) == ["残疾人1"]
    assert roster.get(f"{persons}/{ids['t1_b_visual']}", who="worker").status_code == 404
    assert roster.post(persons, person_body(V1, 9), "worker").status_code == 201
    assert roster.post(persons, person_body(V1B, 10), "worker").status_code == 403
