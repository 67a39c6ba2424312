"""An HTTP round trip through the hosted architecture: server, RabbitMQ, a Celery worker."""

from __future__ import annotations

import pytest

from tests.client import BOOTSTRAP_TOKEN, Client
from tests.processes import ProcessFactory

pytestmark = pytest.mark.hosted


def test_commands_come_back_through_the_worker(
    processes: ProcessFactory, hosted_env: dict[str, str]
) -> None:
    server = processes.server(hosted_env)
    processes.worker(hosted_env)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)

    assert api.create_district("410102", "中原区").status_code == 201
    created = api.create_association("410102", "410102001001")
    assert created.status_code == 201, created.text
    association_id = created.json()["id"]

    chair = api.appoint("410102", association_id, "chair", "王建国", backgrounds=["two_committees"])
    vice = api.appoint("410102", association_id, "vice_chair", "李秀英", backgrounds=["disabled"])
    member = api.appoint("410102", association_id, "committee_member", "刘洋", full_time=True)
    assert [r.status_code for r in (chair, vice, member)] == [201, 201, 201]
    removal = api.remove("410102", association_id, vice.json()["officer_id"], reason="迁出")
    assert removal.status_code == 200, removal.text
    position = removal.json()["position"]
    assert position > member.json()["position"] > created.json()["position"]

    detail = api.get(f"/districts/410102/associations/{association_id}", min_position=position)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["position"] >= position
    assert body["division_code"] == "410102001001"
    assert body["version"] == 5
    sitting = {o["name"]: o for o in body["officers"]}
    assert set(sitting) == {"王建国", "刘洋"}
    assert sitting["刘洋"]["full_time"] is True
    assert sitting["王建国"]["backgrounds"] == ["two_committees"]
    history = {o["name"]: o for o in body["officer_history"]}
    assert history["李秀英"]["removed_on"] == "2021-06-01"
    assert history["李秀英"]["removal_reason"] == "迁出"

    listing = api.get("/districts/410102/associations", min_position=position)
    assert listing.status_code == 200
    assert [a["id"] for a in listing.json()["items"]] == [association_id]
    assert listing.json()["total"] == 1
    assert api.get("/districts").json()["items"][0]["code"] == "410102"

    health = api.get("/health")
    assert health.status_code == 200
    assert health.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_plain_celery_command_runs_the_same_worker(
    processes: ProcessFactory, hosted_env: dict[str, str]
) -> None:
    server = processes.server(hosted_env, workers=1)
    processes.worker(hosted_env, plain_celery=True)
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    assert api.create_district("410122", "中牟县").status_code == 201
    created = api.create_association("410122", "410122100201")
    read = api.get("/districts/410122/associations", min_position=created.json()["position"])
    assert read.status_code == 200
    assert read.json()["total"] == 1


def test_a_read_waits_briefly_then_says_the_read_model_is_behind(
    processes: ProcessFactory, hosted_env: dict[str, str]
) -> None:
    env = {**hosted_env, "CANXIE_READ_WAIT_SECONDS": "1"}
    server = processes.server(env, workers=1)  # no worker: nothing projects
    api = Client(server.url or "", BOOTSTRAP_TOKEN)
    assert api.create_district("410183", "新密市").status_code == 201
    created = api.create_association("410183", "410183001001")
    position = created.json()["position"]
    behind = api.get("/districts/410183/associations", min_position=position)
    assert behind.status_code == 503
    assert behind.headers["Content-Type"] == "application/problem+json"
    assert behind.headers["Retry-After"] == "1"
    problem = behind.json()
    assert problem["type"] == "urn:canxie:problem:read-model-behind"
    assert problem["min_position"] == position
    assert problem["position"] < position
    processes.worker(env)
    caught_up = api.get("/districts/410183/associations", min_position=position)
    assert caught_up.status_code == 200
    assert caught_up.json()["total"] == 1
