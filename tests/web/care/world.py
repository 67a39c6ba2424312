"""The care screens' records, on top of tests/web/world.py's district: a group of the worker's
association with two members, a person with an open need, a training session, an inspection
with a problem to rectify, and the association's service venue.  A test client that signs in
as the worker sends the pages' forms as a browser without JavaScript would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from aggregates.association.association import OfficerRole
from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import InspectionKind
from aggregates.care.group import DisabilityCategory
from aggregates.care.needs import NeedCategory
from tests.factories import PASSWORD, SEED, category_group, facility, training
from tests.web.world import DISTRICT, VILLAGE, World

#: Persons (by sequence) in the group at the start; the rest of the village is in none.
MEMBERS = (1, 3)
#: The person surveyed at the start, with one open need.
SURVEYED = 4
#: The problems the inspection found in the worker's association (one per test that rectifies).
PROBLEMS = ("职责未上墙公示", "无障碍设施未登记", "活动记录不全")
#: The vice-chair's phone, personal data that a page shows masked.
OFFICER_PHONE = "13812345678"
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


@dataclass
class CareWorld:
    """The served world and the care records' ids."""

    world: World
    group_id: str
    need_id: str
    session_id: str
    inspection_id: str
    #: The problems found, in the order of ``PROBLEMS``.
    problem_ids: tuple[str, ...]

    @property
    def url(self) -> str:
        """The served address, for the browser."""
        return self.world.url

    def person(self, sequence: int) -> str:
        """The id of person ``sequence``."""
        return self.world.person_ids[sequence]


def _group(records: Any, association: UUID, world: World) -> str:
    group = category_group(
        records,
        association,
        date(2023, 3, 1),
        name="视力残疾人小组",
        category=DisabilityCategory.VISUAL,
    )
    for sequence in MEMBERS:
        records.join_group(
            association,
            group.id,
            person_id=UUID(world.person_ids[sequence]),
            joined_on=date(2023, 3, 2),
            by=SEED,
        )
    return str(group.id)


def _need(records: Any, association: UUID, world: World) -> str:
    saved = records.survey_needs(
        association,
        UUID(world.person_ids[SURVEYED]),
        surveyed_on=date(2024, 5, 6),
        surveyor="王芳",
        services_received=[],
        needs=[(NeedCategory.ASSISTIVE_DEVICES, "需要一副助听器")],
        by=SEED,
    )
    return str(saved.more[0])


def _problems(records: Any, association: UUID) -> tuple[str, tuple[str, ...]]:
    saved = records.open_inspection(
        kind=InspectionKind.SUPERVISION,
        title="乡镇督查",
        inspected_on=date(2024, 6, 3),
        township_code=VILLAGE[:9],
        inspectors=["督查员"],
        association_ids=[association],
        rules_basis=None,
        rule_findings=[],
        written=[
            WrittenProblem(description, association_id=association, clause="S3.4")
            for description in PROBLEMS
        ],
        by=SEED,
    )
    inspection = records.inspection(saved.id)
    return str(saved.id), tuple(str(p) for p in inspection.problems)


def add_care(world: World) -> CareWorld:
    """Add the care screens' records to ``world``."""
    runtime = world.app.extensions["canxie"].runtime
    records = runtime.tenancy.records(DISTRICT)
    association = UUID(world.association_id)
    group_id = _group(records, association, world)
    need_id = _need(records, association, world)
    session = training(
        records, date(2024, 4, 9), topic="残协工作实务", hours=3.0, organiser="区残联"
    )
    facility(records, association, date(2023, 1, 5), "村综合服务中心一楼")
    records.appoint_officer(
        association,
        name="赵敏",
        role=OfficerRole.VICE_CHAIR,
        full_time=False,
        backgrounds=[],
        appointed_on=date(2021, 4, 1),
        phone=OFFICER_PHONE,
        by=SEED,
    )
    inspection_id, problem_ids = _problems(records, association)
    runtime.catch_up(DISTRICT)
    return CareWorld(world, group_id, need_id, str(session.id), inspection_id, problem_ids)


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of the page's form (CSRF token, submission key, ids)."""
    return dict(HIDDEN.findall(html))


def signed_in_client(world: World, login: str) -> FlaskClient:
    """A test client signed in with the login's password, as the sign-in page is sent."""
    client = world.app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    client.post("/sign-in", data={**hidden_fields(page), "login": login, "password": PASSWORD})
    return client


def send(client: FlaskClient, path: str, data: dict[str, Any], **headers: str) -> TestResponse:
    """Open the form at ``path`` and send it with ``data`` (its hidden fields as given)."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return client.post(
        path, data={**hidden_fields(page.get_data(as_text=True)), **data}, headers=headers
    )
