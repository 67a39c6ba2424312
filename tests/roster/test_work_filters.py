"""The roster filtered by the work still to do: open needs and overdue home visits (issue 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aggregates.clock import SystemClock
from tests.plugin import ADMIN
from tests.roster.samples import person_body

AUTH = ADMIN
D, VILLAGE = "410102", "410102001001"


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def ids(client: Any, **query: Any) -> set[str]:
    answer = client.get(f"/api/v1/districts/{D}/persons", headers=AUTH, query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return {p["id"] for p in answer.get_json()["items"]}


def association_with_chair(client: Any) -> tuple[str, str]:
    """The district, an association of the village and its chair: (association path, chair id)."""
    post = client.post
    created(post("/api/v1/districts", json={"code": D, "name": "中原区"}, headers=AUTH))
    association = created(
        post(
            f"/api/v1/districts/{D}/associations",
            headers=AUTH,
            json={
                "division_code": VILLAGE,
                "name": "友谊社区残协",
                "township_code": VILLAGE[:9],
                "established_on": "2021-01-01",
            },
        )
    )["id"]
    one = f"/api/v1/districts/{D}/associations/{association}"
    chair = created(
        post(
            f"{one}/officers",
            headers=AUTH,
            json={"name": "王建国", "role": "chair", "appointed_on": "2021-01-01"},
        )
    )["officer_id"]
    return one, chair


def test_persons_with_open_needs_and_overdue_visits(client: Any) -> None:
    post = client.post
    one, chair = association_with_chair(client)
    needy, visited, forgotten = (
        created(post(f"/api/v1/districts/{D}/persons", headers=AUTH, json=person_body(VILLAGE, n)))[
            "id"
        ]
        for n in (41, 42, 43)
    )
    created(
        post(
            f"{one}/persons/{needy}/surveys",
            headers=AUTH,
            json={
                "surveyed_on": "2022-04-01",
                "surveyor": "王建国",
                "services_received": [],
                "needs": [{"category": "rehabilitation", "description": "康复训练"}],
            },
        )
    )
    recent = (SystemClock().today() - timedelta(days=30)).isoformat()
    last = created(
        post(
            f"{one}/visits",
            headers=AUTH,
            json={
                "household_id": "H0042",
                "household_kind": "ordinary",
                "person_ids": [visited],
                "visited_on": recent,
                "visitor_officer_id": chair,
                "mode": "on_site",
                "findings": "正常",
            },
        )
    )
    assert ids(client, min_position=last["position"])  # every read model has caught up

    assert ids(client, open_need="true") == {needy}
    assert ids(client, open_need="false") == {visited, forgotten}
    # Registered in March 2022 and never visited: long overdue; visited a month ago: not.
    assert ids(client, overdue_visit="true") == {needy, forgotten}
    assert ids(client, overdue_visit="false") == {visited}
    assert ids(client, overdue_visit="true", open_need="true") == {needy}


def test_a_special_hardship_household_visited_as_ordinary_is_overdue_after_its_interval(
    client: Any,
) -> None:
    """S3.5: the roster's kind decides the interval, as in the compliance rule.

    The visit was entered as ordinary (365 days) but the household is special hardship on the
    roster (90 days): 100 days on, it is overdue in the due list and the roster's filter.
    """
    post = client.post
    one, chair = association_with_chair(client)
    body = person_body(VILLAGE, 51, special_hardship=True, hardship_reason="特困供养")
    person = created(post(f"/api/v1/districts/{D}/persons", headers=AUTH, json=body))["id"]
    last = created(
        post(
            f"{one}/visits",
            headers=AUTH,
            json={
                "household_id": body["household_id"],
                "household_kind": "ordinary",
                "person_ids": [person],
                "visited_on": (SystemClock().today() - timedelta(days=100)).isoformat(),
                "visitor_officer_id": chair,
                "mode": "on_site",
                "findings": "正常",
            },
        )
    )
    due = client.get(
        f"/api/v1/districts/{D}/visits/due",
        headers=AUTH,
        query_string={"status": "overdue", "min_position": last["position"]},
    )
    assert due.status_code == 200, due.get_json()
    [item] = due.get_json()["items"]
    assert (item["household_kind"], item["interval_days"]) == ("special_hardship", 90)
    assert item["days_overdue"] == 10
    assert ids(client, overdue_visit="true") == {person}
