"""Training attendance (S3.7), rectification (整改, S4) and my association through the pages'
forms: recorded once however often sent, refused with the values kept and nothing recorded,
404 outside the worker's association, personal data masked."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from projections.association.training import association_training
from tests.web.care.world import OFFICER_PHONE, CareWorld, hidden_fields, send
from tests.web.world import DISTRICT


def attendance(care_screens_world: CareWorld) -> list[dict[str, object]]:
    """The association's attendance the read model holds."""
    runtime = care_screens_world.world.app.extensions["canxie"].runtime
    runtime.catch_up(DISTRICT)
    return association_training(runtime.db, DISTRICT, care_screens_world.world.association_id)


def officer_id(worker_client: FlaskClient, care_screens_world: CareWorld) -> str:
    """The chair's officer id, as the attendance form offers it."""
    page = worker_client.get(f"/training/{care_screens_world.session_id}").get_data(as_text=True)
    assert "王芳" in page
    start = page.index('name="officer_id" value="') + len('name="officer_id" value="')
    return page[start : page.index('"', start)]


def test_attendance_is_recorded_once_however_often_sent(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    path = f"/training/{care_screens_world.session_id}"
    assert "残协工作实务" in worker_client.get("/training").get_data(as_text=True)
    # The session's world is shared: a browser journey may have recorded another officer's
    # attendance already (the browser tests run first), so only what this test adds counts.
    before = attendance(care_screens_world)
    refused = send(worker_client, path, {"hours": "2"})
    assert refused.status_code == 422
    assert 'id="error-officer_id"' in refused.get_data(as_text=True)
    assert 'value="2"' in refused.get_data(as_text=True)
    assert attendance(care_screens_world) == before
    chair = officer_id(worker_client, care_screens_world)
    assert all(a["officer_id"] != chair for a in before)
    data = {**hidden_fields(worker_client.get(path).get_data(as_text=True)), "officer_id": chair}
    data["hours"] = ""
    first = worker_client.post(path, data=data)
    again = worker_client.post(path, data=data)
    assert first.status_code == again.status_code == 303
    added = [a for a in attendance(care_screens_world) if a not in before]
    assert [(a["session_id"], a["officer_id"], a["hours"]) for a in added] == [
        (care_screens_world.session_id, chair, 3.0)
    ]
    assert "参加培训已登记" in worker_client.get(first.headers["Location"]).get_data(as_text=True)


def test_more_hours_than_the_session_are_refused(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    before = attendance(care_screens_world)
    response = send(
        worker_client,
        f"/training/{care_screens_world.session_id}",
        {"officer_id": officer_id(worker_client, care_screens_world), "hours": "0"},
    )
    assert response.status_code == 422 and 'id="error-hours"' in response.get_data(as_text=True)
    assert attendance(care_screens_world) == before


def test_a_session_or_problem_that_is_not_there_is_not_found(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    assert worker_client.get(f"/training/{care_screens_world.group_id}").status_code == 404
    assert worker_client.get(f"/problems/{care_screens_world.group_id}").status_code == 404


def test_a_rectification_needs_its_evidence_and_is_recorded_once(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    path = f"/problems/{care_screens_world.problem_ids[0]}"
    assert "职责未上墙公示" in worker_client.get("/problems").get_data(as_text=True)
    refused = send(worker_client, path, {"rectified_on": "2024-06-20", "note": "村委会协助"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="error-evidence"' in page and "村委会协助" in page
    assert "待整改" in worker_client.get("/problems").get_data(as_text=True)
    data = {
        **hidden_fields(worker_client.get(path).get_data(as_text=True)),
        "rectified_on": "2024-06-20",
        "evidence": "职责已上墙，附照片",
        "note": "村委会协助",
    }
    first = worker_client.post(path, data=data)
    again = worker_client.post(path, data=data)
    assert first.status_code == again.status_code == 303
    listed = worker_client.get(first.headers["Location"]).get_data(as_text=True)
    assert "整改已记录" in listed and "已整改" in listed and "职责已上墙，附照片" in listed


def test_my_association_shows_officers_masked_and_facilities(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    page = worker_client.get("/association").get_data(as_text=True)
    assert "王芳" in page and "主席" in page and "村综合服务中心一楼" in page
    assert "服务场所" in page and "赵敏" in page and "副主席" in page
    assert OFFICER_PHONE not in page and OFFICER_PHONE[:3] in page


def test_the_task_list_leads_to_a_need_and_to_a_problem_to_rectify(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    page = worker_client.get("/tasks").get_data(as_text=True)
    assert f'href="/problems/{care_screens_world.problem_ids[2]}"' in page
    assert re.search(r'href="/needs/persons/[0-9a-f-]{36}"', page)
