"""Groups (S3.3) through the pages' forms: who is in no group (一个不能少), adding a member and
setting the leader, once however often sent; refused forms change nothing; 404 elsewhere."""

from __future__ import annotations

from flask.testing import FlaskClient

from aggregates.clock import SystemClock
from projections.care.groups import find_group
from tests.web.care.world import MEMBERS, CareWorld, hidden_fields
from tests.web.world import DISTRICT, OTHER, OWN


def group_now(care_screens_world: CareWorld) -> dict[str, object]:
    """The group as the read model holds it today."""
    runtime = care_screens_world.world.app.extensions["canxie"].runtime
    runtime.catch_up(DISTRICT)
    found = find_group(runtime.db, DISTRICT, care_screens_world.group_id, on=SystemClock().today())
    assert found is not None
    return found


def member_ids(care_screens_world: CareWorld) -> set[str]:
    return {m["person_id"] for m in group_now(care_screens_world)["members"]}  # type: ignore[attr-defined]


def test_the_persons_in_no_group_are_listed(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    index = worker_client.get("/groups").get_data(as_text=True)
    assert "视力残疾人小组" in index and "人尚未加入小组" in index
    page = worker_client.get("/groups/ungrouped").get_data(as_text=True)
    for sequence in MEMBERS:
        assert f"残疾人{sequence}<" not in page
    assert "残疾人12<" in page and f"残疾人{OTHER[0]}<" not in page


def test_a_member_is_added_once_however_often_sent(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    path = f"/groups/{care_screens_world.group_id}"
    form = hidden_fields(worker_client.get(path).get_data(as_text=True))
    data = {**form, "member_id": care_screens_world.person(8), "joined_on": "2024-08-01"}
    first = worker_client.post(f"{path}/members", data=data)
    again = worker_client.post(f"{path}/members", data=data)
    assert first.status_code == again.status_code == 303
    assert care_screens_world.person(8) in member_ids(care_screens_world)
    memberships = group_now(care_screens_world)["memberships"]
    assert [m["person_id"] for m in memberships].count(care_screens_world.person(8)) == 1  # type: ignore[attr-defined]
    assert "成员已加入" in worker_client.get(first.headers["Location"]).get_data(as_text=True)


def test_a_member_form_without_a_person_comes_back_and_adds_nobody(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    before = member_ids(care_screens_world)
    response = worker_client.post(
        f"/groups/{care_screens_world.group_id}/members",
        data={
            **hidden_fields(
                worker_client.get(f"/groups/{care_screens_world.group_id}").get_data(as_text=True)
            ),
            "joined_on": "2024-08-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-member_id"' in page and 'value="2024-08-01"' in page
    assert member_ids(care_screens_world) == before


def test_the_leader_is_set_among_the_members(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    path = f"/groups/{care_screens_world.group_id}"
    page = hidden_fields(worker_client.get(path).get_data(as_text=True))
    today = care_screens_world.world.app.extensions["canxie"].runtime.clock.today().isoformat()
    before = group_now(care_screens_world)["leader_person_id"]
    outsider = care_screens_world.person(OWN[-1])
    refused = worker_client.post(
        f"{path}/leader", data={**page, "leader_id": outsider, "appointed_on": today}
    )
    assert refused.status_code == 422 and 'id="error-leader_id"' in refused.get_data(as_text=True)
    assert group_now(care_screens_world)["leader_person_id"] == before
    member = care_screens_world.person(MEMBERS[0])
    done = worker_client.post(
        f"{path}/leader", data={**page, "leader_id": member, "appointed_on": today}
    )
    assert done.status_code == 303
    assert group_now(care_screens_world)["leader_person_id"] == member


def test_a_group_of_another_association_is_not_found(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    assert worker_client.get(f"/groups/{care_screens_world.need_id}").status_code == 404


def test_a_refused_member_form_keeps_the_search_and_the_person_chosen(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    path = f"/groups/{care_screens_world.group_id}"
    chosen = care_screens_world.person(10)
    page = hidden_fields(worker_client.get(f"{path}?q=残疾人10").get_data(as_text=True))
    assert page["q"] == "残疾人10"
    refused = worker_client.post(
        f"{path}/members", data={**page, "member_id": chosen, "joined_on": ""}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="error-joined_on"' in html
    assert f'value="{chosen}" checked' in html
    assert chosen not in member_ids(care_screens_world)
