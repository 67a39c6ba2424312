"""The township officer's pages through the Flask test client: the overview of the township's
associations (rules failed by clause, overdue visits, open problems, villages without an
association), the overdue visits across villages, an association's page and its changes —
each change made once per submission key, refused with the values kept and nothing changed,
and 404 outside the township."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.application import township as township_application
from tests import factories
from tests.factories import PASSWORD, SEED
from tests.plugin import embedded_app

DISTRICT = "410102"
TOWNSHIP = "410102002"
VILLAGE = f"{TOWNSHIP}001"
SECOND_VILLAGE = f"{TOWNSHIP}002"
UNCOVERED = f"{TOWNSHIP}003"
#: A second village without an association: the mover goes there from UNCOVERED, so that
#: no association's households change.
NORTH = f"{TOWNSHIP}004"
#: More villages with an association, so that the overview has two pages of them.
MORE_VILLAGES = [f"{TOWNSHIP}{n:03d}" for n in range(10, 30)]
#: The village of one of them (a chair is appointed there to see the overview follow).
CHAIRED_LATER = MORE_VILLAGES[0]
#: The person who moves (living in UNCOVERED), and one of another township.
MOVER, STRANGER = 30, 31
ELSEWHERE = "410102003001"
#: An appointment's fields but the name.
APPOINTMENT = {
    "name": "",
    "role": "committee_member",
    "full_time": "false",
    "appointed_on": "2024-01-02",
}
#: Households of the first village (persons 1-25, one household each, none visited yet).
HOUSEHOLDS = 25


@dataclass
class Township:
    """The app, and whose records are where."""

    app: Flask
    association_id: str
    second_id: str
    elsewhere_id: str
    chair_id: str
    person_ids: dict[int, str]

    def version(self, association_id: str) -> int:
        """The association's version in its records: any change made raises it."""
        records = self.app.extensions["canxie"].runtime.tenancy.records(DISTRICT)
        return int(records.association(UUID(association_id)).version)

    def person_version(self, sequence: int) -> int:
        """The version of a person's record: any change made raises it."""
        records = self.app.extensions["canxie"].runtime.tenancy.records(DISTRICT)
        return int(records.person(UUID(self.person_ids[sequence])).version)


@pytest.fixture(scope="module")
def township(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Township]:
    """A township of three villages (one without an association) and one of another."""
    with embedded_app(tmp_path_factory.mktemp("township")) as app:
        runtime = app.extensions["canxie"].runtime
        records = factories.district(runtime.tenancy, DISTRICT)
        for code, name in [(TOWNSHIP, "测试镇"), (VILLAGE, "东村"), (SECOND_VILLAGE, "西村")]:
            records.record_division(code=code, name=name, effective_on=None, by=SEED)
        others = [
            (UNCOVERED, "南村"),
            (NORTH, "北村"),
            (ELSEWHERE[:9], "别镇"),
            (ELSEWHERE, "别村"),
        ]
        for code, name in others:
            records.record_division(code=code, name=name, effective_on=None, by=SEED)
        own = factories.association(runtime.tenancy, VILLAGE, "东村残协")
        second = factories.association(runtime.tenancy, SECOND_VILLAGE, "西村残协")
        elsewhere = factories.association(runtime.tenancy, ELSEWHERE, "别镇残协")
        for code in MORE_VILLAGES:
            records.record_division(code=code, name=f"{code[-2:]}村", effective_on=None, by=SEED)
            factories.association(runtime.tenancy, code, f"{code[-2:]}村残协")
        chair = factories.chair(runtime.tenancy, own.id, DISTRICT, "张主席")
        for sequence in range(1, HOUSEHOLDS + 1):
            factories.person(runtime.tenancy, VILLAGE, sequence)
        mover = factories.person(runtime.tenancy, UNCOVERED, MOVER)
        stranger = factories.person(runtime.tenancy, ELSEWHERE, STRANGER)
        runtime.catch_up(DISTRICT)
        factories.person_account(
            runtime.accounts,
            "township_officer",
            login="township",
            name="乡镇专干",
            district=DISTRICT,
            township=TOWNSHIP,
        )
        factories.person_account(
            runtime.accounts,
            "association_worker",
            login="worker",
            name="村专职委员",
            district=DISTRICT,
            association_id=str(own.id),
        )
        yield Township(
            app,
            str(own.id),
            str(second.id),
            str(elsewhere.id),
            str(chair.id),
            {MOVER: str(mover.id), STRANGER: str(stranger.id)},
        )


def signed_in(app: Flask, login: str) -> FlaskClient:
    """A test client signed in through the sign-in page."""
    client = app.test_client()
    response = client.post(
        "/sign-in",
        data={"csrf_token": token(client, "/sign-in"), "login": login, "password": PASSWORD},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


@pytest.fixture
def officer(township: Township) -> FlaskClient:
    """The township officer's browser."""
    return signed_in(township.app, "township")


def sitting(township: Township, association_id: str) -> list[tuple[str, str]]:
    """(name, office) of the association's sitting officers, as its page lists them."""
    client = signed_in(township.app, "township")
    page = client.get(f"/township/associations/{association_id}").get_data(as_text=True)
    officers = page.split('id="officers"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<strong>([^<]+)</strong> · ([^<\n]+?)(?:<br>| · )", officers)


def post(client: FlaskClient, path: str, **fields: Any) -> Any:
    """Send the form on ``path`` with its CSRF token (and a fresh submission key unless given)."""
    data = {"csrf_token": token(client, path), **fields}
    return client.post(path, data=data)


def refused(township: Township, client: FlaskClient, path: str, **fields: Any) -> str:
    """The page of a change refused (422), having changed nothing of the association."""
    association_id = path.split("/")[3]
    before = township.version(association_id)
    response = post(client, path, **fields)
    assert response.status_code == 422
    assert township.version(association_id) == before
    return str(response.get_data(as_text=True))


# -- the overview ----------------------------------------------------------------------------


def test_the_officer_lands_on_the_township_overview(township: Township) -> None:
    client = township.app.test_client()
    response = client.post(
        "/sign-in",
        data={"csrf_token": token(client, "/sign-in"), "login": "township", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/township"
    page = client.get("/township").get_data(as_text=True)
    nav = page.split('aria-label="主导航"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="(/[^"?]*)"[^>]*>([^<]+)</a>', nav) == [
        ("/township", "乡镇概况"),
        ("/township/overdue-visits", "逾期走访"),
        ("/township/moves", "村间迁移"),
        ("/township/training", "培训"),
        ("/roster", "名册"),
    ]


def test_the_overview_shows_each_association_of_the_township_with_its_failures(
    officer: FlaskClient, township: Township
) -> None:
    page = officer.get("/township").get_data(as_text=True)
    listed = page.split('id="associations"', 1)[1].split('id="uncovered-title"', 1)[0]
    assert "东村残协" in listed and "西村残协" in listed and "别镇残协" not in page
    own = listed.split(f'id="association-{VILLAGE}"', 1)[1].split(
        f'id="association-{SECOND_VILLAGE}"'
    )[0]
    assert "S3.3 副主席2至3名" in own and "S3.6 至少1名专职委员" in own
    assert f"{HOUSEHOLDS} 户逾期走访" in own
    uncovered = page.split('id="uncovered"', 1)[1].split("</ul>", 1)[0]
    assert "南村" in uncovered and UNCOVERED in uncovered and "东村" not in uncovered


def test_the_overview_pages_the_associations_on_the_server(officer: FlaskClient) -> None:
    first = officer.get("/township").get_data(as_text=True)
    assert "个残协中" in first and first.count('<li id="association-') == 20
    second = officer.get("/township?offset=20").get_data(as_text=True)
    listed = re.findall(r'<li id="association-(\d+)"', second)
    assert listed == MORE_VILLAGES[-2:]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_overdue_visits_are_paged_on_the_server(officer: FlaskClient) -> None:
    first = officer.get("/township/overdue-visits").get_data(as_text=True)
    assert f"共有 {HOUSEHOLDS} 户" in first
    assert first.count('class="badge-overdue"') == 20
    second = officer.get("/township/overdue-visits?offset=20").get_data(as_text=True)
    assert second.count('class="badge-overdue"') == HOUSEHOLDS - 20
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_worker_has_no_township_pages(township: Township) -> None:
    worker = signed_in(township.app, "worker")
    assert worker.get("/township").status_code == 404
    assert worker.get(f"/township/associations/{township.association_id}").status_code == 404


# -- an association's page and its changes -----------------------------------------------------


def test_an_association_of_another_township_is_not_found(
    officer: FlaskClient, township: Township
) -> None:
    elsewhere = f"/township/associations/{township.elsewhere_id}"
    before = township.version(township.elsewhere_id)
    assert officer.get(elsewhere).status_code == 404
    assert officer.get(f"{elsewhere}/appointment").status_code == 404
    path = f"/township/associations/{township.association_id}/appointment"
    response = officer.post(
        f"{elsewhere}/appointment",
        data={
            "csrf_token": token(officer, path),
            "submission_key": "elsewhere-1",
            "name": "外人",
            "role": "committee_member",
            "full_time": "false",
            "appointed_on": "2024-01-02",
        },
    )
    assert response.status_code == 404
    assert township.version(township.elsewhere_id) == before


def test_a_second_chair_is_refused_with_the_rule_and_its_clause(
    officer: FlaskClient, township: Township
) -> None:
    path = f"/township/associations/{township.association_id}/appointment"
    page = refused(township, officer, path, **APPOINTMENT | {"name": "李新", "role": "chair"})
    assert "协会已有 1 名在任主席，S3.3 条规定最多 1 名" in page
    assert 'role="alert"' in page and 'value="李新"' in page


def test_an_appointment_without_a_name_comes_back_with_its_error(
    officer: FlaskClient, township: Township
) -> None:
    path = f"/township/associations/{township.association_id}/appointment"
    page = refused(township, officer, path, **APPOINTMENT | {"appointed_on": "2024-13-02"})
    assert 'id="error-name"' in page and "请填写此项" in page
    assert 'id="error-appointed_on"' in page and 'value="2024-13-02"' in page


def test_an_appointment_sent_twice_is_made_once(officer: FlaskClient, township: Township) -> None:
    path = f"/township/associations/{township.second_id}/appointment"
    form = {
        "csrf_token": token(officer, path),
        "submission_key": "appoint-wang-1",
        "name": "王副",
        "role": "vice_chair",
        "full_time": "false",
        "backgrounds": ["disabled", "party_member"],
        "appointed_on": "2024-01-02",
    }
    first = officer.post(path, data=form)
    again = officer.post(path, data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    page = officer.get(first.headers["Location"]).get_data(as_text=True)
    assert 'role="status"' in page and "已任命" in page
    assert sitting(township, township.second_id) == [("王副", "副主席")]


def test_a_full_time_member_is_selected_paid_qualified_and_exits(
    officer: FlaskClient, township: Township
) -> None:
    association = f"/township/associations/{township.association_id}"
    response = post(
        officer,
        f"{association}/appointment",
        name="赵委员",
        role="committee_member",
        full_time="false",
        appointed_on="2024-01-02",
    )
    assert response.status_code == 303
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    officer_id = re.search(r"/officers/([0-9a-f-]{36})/removal\">[^<]*<span[^>]*>: 赵委员", page)
    assert officer_id is not None
    base = f"{association}/officers/{officer_id.group(1)}"
    steps = [
        (
            "full-time-selection",
            {"method": "election", "priority_group": "disabled", "selected_on": "2024-02-01"},
        ),
        ("full-time-pay", {"kind": "subsidy", "monthly_amount": "1500", "from_on": "2024-02-01"}),
        (
            "qualification",
            {"kind": "social_worker", "title": "社会工作师证", "obtained_on": "2024-03-01"},
        ),
        ("full-time-exit", {"exited_on": "2024-06-30", "reason": "外出务工"}),
    ]
    for name, fields in steps:
        response = post(officer, f"{base}/{name}", **fields)
        assert response.status_code == 303, (name, response.get_data(as_text=True))
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    full_time = page.split('id="full-time"', 1)[1].split("</ul>", 1)[0]
    assert "赵委员" in full_time and "外出务工" in full_time and "1500" in full_time
    assert "社会工作师证" in page.split('id="qualifications"', 1)[1].split("</ul>", 1)[0]


def test_a_pay_before_selection_is_refused_and_nothing_changes(
    officer: FlaskClient, township: Township
) -> None:
    pay = f"/township/associations/{township.association_id}/officers/{township.chair_id}"
    pay += "/full-time-pay"
    page = refused(township, officer, pay, kind="subsidy", monthly_amount="abc", from_on="")
    assert 'id="error-monthly_amount"' in page and 'id="error-from_on"' in page
    page = refused(
        township, officer, pay, kind="subsidy", monthly_amount="800", from_on="2024-02-01"
    )
    assert "该成员不是专职委员" in page


def test_a_change_of_no_such_officer_is_not_found(officer: FlaskClient, township: Township) -> None:
    base = f"/township/associations/{township.association_id}/officers"
    assert officer.get(f"{base}/{township.elsewhere_id}/removal").status_code == 404
    assert officer.get(f"{base}/{township.chair_id}/no-such-change").status_code == 404
    assert (
        officer.get(f"/township/associations/{township.association_id}/removal").status_code == 404
    )


def test_htmx_gets_the_main_part_and_a_refusal_as_422(
    officer: FlaskClient, township: Township
) -> None:
    path = f"/township/associations/{township.association_id}/appointment"
    htmx = {"HX-Request": "true", "HX-Target": "main"}
    page = officer.get(path, headers=htmx).get_data(as_text=True)
    assert page.startswith("<title>") and "<html" not in page
    response = officer.post(
        path,
        headers=htmx,
        data={"csrf_token": token(officer, path), "name": "", "role": "chair", "appointed_on": ""},
    )
    assert response.status_code == 422 and 'role="alert"' in response.get_data(as_text=True)


def test_htmx_gets_the_main_part_of_a_page_drawn_by_the_form_layout(officer: FlaskClient) -> None:
    """A page extending form_page.html: its main part, with the page's own field names."""
    path = "/township/training/new"
    htmx = {"HX-Request": "true", "HX-Target": "main"}
    page = officer.get(path, headers=htmx).get_data(as_text=True)
    assert page.startswith("<title>") and "<html" not in page
    assert 'id="main"' in page and f'hx-post="{path}"' in page
    sent = {"csrf_token": token(officer, path), "topic": ""}
    response = officer.post(path, headers=htmx, data=sent)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#field-topic"' in html and "<html" not in html


# -- moves between villages ----------------------------------------------------------------------


def test_a_move_is_found_by_name_recorded_once_and_listed(
    officer: FlaskClient, township: Township
) -> None:
    found = officer.get("/township/moves/new?q=残疾人30").get_data(as_text=True)
    assert f"/township/moves/new?person={township.person_ids[MOVER]}" in found
    stranger = officer.get("/township/moves/new?q=残疾人31").get_data(as_text=True)
    assert "本乡镇没有叫这个名字的人" in stranger and township.person_ids[STRANGER] not in stranger
    path = f"/township/moves/new?person={township.person_ids[MOVER]}"
    form = {
        "csrf_token": token(officer, path),
        "submission_key": "move-30-1",
        "person_id": township.person_ids[MOVER],
        "village_code": NORTH,
        "address": "北村三组12号",
        "effective_on": "2024-05-01",
    }
    before = township.person_version(MOVER)
    first = officer.post("/township/moves/new", data=form)
    again = officer.post("/township/moves/new", data=form)
    assert first.status_code == again.status_code == 303
    assert township.person_version(MOVER) == before + 1
    page = officer.get(first.headers["Location"]).get_data(as_text=True)
    assert "迁移已登记" in page
    listed = page.split('id="moves"', 1)[1].split("</ul>", 1)[0]
    assert "残疾人30" in listed and "南村 → 北村" in listed and "2024-05-01" in listed


def test_a_move_without_an_address_or_out_of_the_township_changes_nothing(
    officer: FlaskClient, township: Township
) -> None:
    path = f"/township/moves/new?person={township.person_ids[MOVER]}"
    fields = {"person_id": township.person_ids[MOVER], "effective_on": "2024-06-01"}
    before = township.person_version(MOVER)
    for wrong, error in [
        ({"village_code": VILLAGE, "address": ""}, "请填写此项"),
        ({"village_code": ELSEWHERE, "address": "别村1号"}, "请选择本乡镇的村（社区）"),
    ]:
        response = officer.post(
            "/township/moves/new",
            data={"csrf_token": token(officer, path), **fields, **wrong},
        )
        assert response.status_code == 422
        assert error in response.get_data(as_text=True)
    assert township.person_version(MOVER) == before


def test_a_person_of_another_township_cannot_be_moved(
    officer: FlaskClient, township: Township
) -> None:
    stranger = township.person_ids[STRANGER]
    assert officer.get(f"/township/moves/new?person={stranger}").status_code == 404
    path = f"/township/moves/new?person={township.person_ids[MOVER]}"
    response = officer.post(
        "/township/moves/new",
        data={
            "csrf_token": token(officer, path),
            "person_id": stranger,
            "village_code": VILLAGE,
            "address": "东村1号",
            "effective_on": "2024-06-01",
        },
    )
    assert response.status_code == 404
    assert township.person_version(STRANGER) == 1


# -- training sessions ---------------------------------------------------------------------------


def head(township: Township) -> int:
    """The district's last event position: a change recorded moves it."""
    records = township.app.extensions["canxie"].runtime.tenancy.records(DISTRICT)
    return int(records.head_position())


SESSION = {
    "topic": "残协工作实务",
    "mode": "offline",
    "hours": "3",
    "held_on": "2024-04-10",
    "organiser": "测试镇残联",
}


def test_a_session_is_held_once_and_an_officer_recorded_attending(
    officer: FlaskClient, township: Township
) -> None:
    form = {"csrf_token": token(officer, "/township/training/new"), "submission_key": "s-1"}
    first = officer.post("/township/training/new", data=form | SESSION)
    again = officer.post("/township/training/new", data=form | SESSION)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert "培训已登记" in officer.get(first.headers["Location"]).get_data(as_text=True)
    listed = officer.get("/township/training").get_data(as_text=True)
    assert listed.count("残协工作实务") == 1
    session = first.headers["Location"].split("?", 1)[0]
    page = officer.get(f"{session}?association_id={township.association_id}").get_data(as_text=True)
    assert f'value="{township.chair_id}"' in page  # the association's officers to choose from
    response = officer.post(
        f"{session}/attendance",
        data={
            "csrf_token": token(officer, session),
            "association_id": township.association_id,
            "officer_id": township.chair_id,
        },
    )
    assert response.status_code == 303
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "参加培训已登记" in page
    assert "张主席" in page.split('id="attendees"', 1)[1].split("</ul>", 1)[0]


def test_a_session_refused_or_attended_outside_the_township_changes_nothing(
    officer: FlaskClient, township: Township
) -> None:
    before = head(township)
    path = "/township/training/new"
    response = officer.post(
        path, data={"csrf_token": token(officer, path)} | SESSION | {"hours": "0", "topic": ""}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-topic"' in page and 'id="error-hours"' in page
    assert 'value="测试镇残联"' in page and head(township) == before
    form = {"csrf_token": token(officer, path)} | SESSION
    held = officer.post(path, data=form).headers["Location"]
    assert officer.get(held).status_code == 200  # once the session is in the read models
    session = held.split("?", 1)[0]
    before = head(township)
    for association, status in [("", 422), (township.elsewhere_id, 404)]:
        response = officer.post(
            f"{session}/attendance",
            data={
                "csrf_token": token(officer, session),
                "association_id": association,
                "officer_id": township.chair_id,
            },
        )
        assert response.status_code == status
    assert head(township) == before


def test_the_overview_follows_a_change_at_once(officer: FlaskClient, township: Township) -> None:
    def second_fails() -> str:
        page = officer.get("/township").get_data(as_text=True)
        own = page.split(f'id="association-{SECOND_VILLAGE}"', 1)[1]
        return own.split('<li id="association-', 1)[0]

    assert "S3.3 主席1名" in second_fails()
    path = f"/township/associations/{township.second_id}/appointment"
    response = post(officer, path, **APPOINTMENT | {"name": "孙主席", "role": "chair"})
    assert response.status_code == 303
    assert officer.get(response.headers["Location"]).status_code == 200  # projected
    assert "S3.3 主席1名" not in second_fails()


def test_a_move_of_no_such_person_is_not_found(officer: FlaskClient, township: Township) -> None:
    assert officer.get("/township/moves/new?person=not-an-id").status_code == 404
    path = f"/township/moves/new?person={township.person_ids[MOVER]}"
    response = officer.post(
        "/township/moves/new", data={"csrf_token": token(officer, path), "person_id": "x"}
    )
    assert response.status_code == 404


def test_an_officer_removed_leaves_the_list_and_cannot_be_removed_again(
    officer: FlaskClient, township: Township
) -> None:
    association = f"/township/associations/{township.second_id}"
    response = post(officer, f"{association}/appointment", **APPOINTMENT | {"name": "钱委员"})
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    found = re.search(r"/officers/([0-9a-f-]{36})/removal\">[^<]*<span[^>]*>: 钱委员", page)
    assert found is not None
    removal = f"{association}/officers/{found.group(1)}/removal"
    response = post(officer, removal, removed_on="2024-08-01", reason="外出务工")
    assert response.status_code == 303
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "该成员已离任" in page and "钱委员" not in page.split('id="officers"', 1)[1]
    assert officer.get(removal).status_code == 404  # no longer a sitting officer


def test_while_a_newer_standing_is_computed_the_overview_answers_with_the_last_marked_stale(
    officer: FlaskClient, township: Township
) -> None:
    def chair_rule_fails(page: str) -> bool:
        own = page.split(f'id="association-{CHAIRED_LATER}"', 1)[1]
        return "S3.3 主席1名" in own.split('<li id="association-', 1)[0]

    first = officer.get("/township").get_data(as_text=True)
    assert chair_rule_fails(first) and "稍早前" not in first
    association_id = re.search(
        rf'<li id="association-{CHAIRED_LATER}">\s*<a href="/township/associations/([^"]+)"',
        first,
    )
    assert association_id is not None
    path = f"/township/associations/{association_id.group(1)}/appointment"
    response = post(officer, path, **APPOINTMENT | {"name": "周主席", "role": "chair"})
    assert officer.get(response.headers["Location"]).status_code == 200  # projected
    with township_application._computing:  # another request is computing the new standing
        stale = officer.get("/township").get_data(as_text=True)
    assert chair_rule_fails(stale) and "以下数据是稍早前的" in stale
    fresh = officer.get("/township").get_data(as_text=True)
    assert not chair_rule_fails(fresh) and "稍早前" not in fresh


def test_the_overview_says_a_new_password_is_set(officer: FlaskClient) -> None:
    page = officer.get("/township?changed=password").get_data(as_text=True)
    assert 'role="status"' in page and "密码已设置" in page
