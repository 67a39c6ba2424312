"""Needs surveys and services (S3.5) through the pages' forms, without JavaScript: recorded
once however often sent, refused with the values kept and nothing recorded, 404 outside the
worker's villages."""

from __future__ import annotations

from flask.testing import FlaskClient

from projections.care.needs import list_needs
from projections.platform.scope import Scope
from tests.web.care.world import SURVEYED, CareWorld, hidden_fields, send
from tests.web.world import DISTRICT, OTHER


def needs_of(care_screens_world: CareWorld, sequence: int) -> list[dict[str, object]]:
    """The needs the read model holds for person ``sequence``."""
    runtime = care_screens_world.world.app.extensions["canxie"].runtime
    runtime.catch_up(DISTRICT)
    found, _, _ = list_needs(
        runtime.db, DISTRICT, Scope(), person_id=care_screens_world.person(sequence), limit=50
    )
    return found


def survey_path(care_screens_world: CareWorld, sequence: int) -> str:
    return f"/needs/persons/{care_screens_world.person(sequence)}/survey"


def test_a_survey_is_recorded_once_however_often_it_is_sent(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    path = survey_path(care_screens_world, 6)
    form = hidden_fields(worker_client.get(path).get_data(as_text=True))
    data = {
        **form,
        "surveyed_on": "2024-09-02",
        "surveyor": "王芳",
        "services_received": ["rehabilitation", "education"],
        "need-0-category": "employment",
        "need-0-description": "希望参加就业培训",
    }
    first = worker_client.post(path, data=data)
    again = worker_client.post(path, data=data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert [n["description"] for n in needs_of(care_screens_world, 6)] == ["希望参加就业培训"]
    page = worker_client.get(first.headers["Location"]).get_data(as_text=True)
    assert "需求调查已记录" in page and "希望参加就业培训" in page


def test_a_survey_with_a_need_without_its_category_comes_back_with_its_values(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    response = send(
        worker_client,
        survey_path(care_screens_world, 7),
        {
            "surveyed_on": "2024-09-02",
            "surveyor": "王芳",
            "need-1-description": "需要轮椅",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-need-1-category"' in page and "请填写此项" in page
    assert 'value="需要轮椅"' in page and 'href="#field-need-1-category"' in page
    assert needs_of(care_screens_world, 7) == []


def test_a_survey_dated_in_the_future_is_refused_in_chinese(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    response = send(
        worker_client,
        survey_path(care_screens_world, 7),
        {"surveyed_on": "2999-01-01", "surveyor": "王芳"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "日期 2999-01-01 晚于今天" in page and 'id="error-surveyed_on"' in page
    assert needs_of(care_screens_world, 7) == []


def test_a_service_that_meets_the_need_closes_it(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    person = care_screens_world.person(SURVEYED)
    path = f"/needs/persons/{person}/needs/{care_screens_world.need_id}/service"
    refused = send(worker_client, path, {"delivered_on": "2024-07-01", "provider": ""})
    assert refused.status_code == 422 and 'id="error-provider"' in refused.get_data(as_text=True)
    assert needs_of(care_screens_world, SURVEYED)[0]["status"] == "open"
    data = {
        **hidden_fields(worker_client.get(path).get_data(as_text=True)),
        "delivered_on": "2024-07-01",
        "provider": "区残联康复中心",
        "description": "适配助听器一副",
        "meets_need": "yes",
    }
    done = worker_client.post(path, data=data)
    again = worker_client.post(path, data=data)  # a resend after a time-out: the same answer
    assert done.status_code == again.status_code == 303
    assert done.headers["Location"] == again.headers["Location"]
    need = needs_of(care_screens_world, SURVEYED)[0]
    assert need["status"] == "met" and len(need["service_records"]) == 1  # type: ignore[arg-type]
    assert worker_client.get(path).status_code == 200  # the need is still the person's


def test_needs_of_a_person_of_another_village_are_not_found(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    other = care_screens_world.person(OTHER[0])
    assert worker_client.get(f"/needs/persons/{other}").status_code == 404
    assert worker_client.get(f"/needs/persons/{other}/survey").status_code == 404
    mine = care_screens_world.person(SURVEYED)
    wrong_need = f"/needs/persons/{mine}/needs/{care_screens_world.group_id}/service"
    assert worker_client.get(wrong_need).status_code == 404


def test_the_needs_screen_lists_open_needs_and_finds_a_person(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    page = worker_client.get("/needs?q=残疾人1").get_data(as_text=True)
    assert "需求与服务" in page and care_screens_world.person(10) in page
    assert care_screens_world.person(OTHER[0]) not in page


def test_a_persons_page_leads_to_their_needs(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    person = care_screens_world.person(SURVEYED)
    page = worker_client.get(f"/roster/{person}").get_data(as_text=True)
    assert f'href="/needs/persons/{person}"' in page
