"""The inspection pages without a browser: every page answers (no server error) for the roles
that read it, refuses roles that may not write, keeps outside districts not found, and refuses
a bad day or clock beside its field."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import PASSWORD
from tests.web.world import DISTRICT, TOWNSHIP, World


def signed_in(world: World, login: str) -> FlaskClient:
    """A test client signed in through the sign-in form."""
    client = world.app.test_client()
    page = client.get("/sign-in")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        "/sign-in", data={"login": login, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:500]
    return client


def test_the_inspector_lands_on_the_districts_inspections(inspect_world: World) -> None:
    client = signed_in(inspect_world, "inspector")
    answer = client.get("/inspections")
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].endswith(f"/districts/{DISTRICT}/inspections")
    page = client.get(f"/districts/{DISTRICT}/inspections")
    assert page.status_code == 200 and "检查验收" in page.get_data(as_text=True)


def test_a_bad_day_or_clock_is_refused_beside_its_field(inspect_world: World) -> None:
    client = signed_in(inspect_world, "inspector")
    for query in ("as_of=2022-13-40", "basis=whenever", "as_of=2999-01-01"):
        for path in ("inspections", "acceptance-report", "acceptance-report.pdf"):
            answer = client.get(f"/districts/{DISTRICT}/{path}?{query}")
            assert answer.status_code == 422, (path, query)
            assert "field-error" in answer.get_data(as_text=True), (path, query)


def test_a_district_outside_the_scope_is_not_found(inspect_world: World) -> None:
    client = signed_in(inspect_world, "inspector")
    for path in ("inspections", "inspections/new", "acceptance-report"):
        assert client.get(f"/districts/410103/{path}").status_code == 404, path
    assert client.get("/districts/41x/inspections").status_code in (404, 422)


def test_a_district_administrator_supervises_the_district(inspect_world: World) -> None:
    client = signed_in(inspect_world, "district-admin")
    assert client.get(f"/districts/{DISTRICT}/inspections").status_code == 200
    assert client.get(f"/districts/{DISTRICT}/inspections/new").status_code == 200
    assert client.get(f"/districts/{DISTRICT}/acceptance-report").status_code == 200
    assert client.get("/districts/410103/inspections/new").status_code == 404


def test_odd_steps_of_a_new_inspection_come_back_with_messages(inspect_world: World) -> None:
    client = signed_in(inspect_world, "inspector")
    base = f"/districts/{DISTRICT}/inspections/new"
    for query in (
        "",
        "kind=spot_check&title=x&inspected_on=2999-01-01&inspectors=a&township=" + TOWNSHIP,
        "kind=nonsense&title=&inspected_on=x&inspectors=&township=",
        "kind=city_joint_acceptance&title=t&inspected_on=2022-01-01&inspectors=a&township="
        + TOWNSHIP,
    ):
        for step in ("/sample", "/problems"):
            answer = client.get(f"{base}{step}?{query}")
            assert answer.status_code == 422, (step, query)
            assert "error-summary" in answer.get_data(as_text=True), (step, query)
    chosen = (
        f"{base}/problems?kind=spot_check&title=t&inspected_on=2022-01-01&inspectors=a"
        f"&township={TOWNSHIP}&association_ids=not-a-uuid"
    )
    assert client.get(chosen).status_code == 422


def _form_fields(html: str) -> dict[str, str]:
    """The hidden CSRF token and submission key of the page's first form."""
    fields = {}
    for name in ("csrf_token", "submission_key"):
        fields[name] = html.split(f'name="{name}" value="')[1].split('"')[0]
    return fields


def _open_problem(world: World, description: str) -> tuple[str, str]:
    """An inspection of the other association with one written problem: (inspection, problem)."""
    from uuid import UUID

    from aggregates.campaign.commands import WrittenProblem
    from aggregates.campaign.inspection import InspectionKind
    from aggregates.clock import SystemClock
    from tests.factories import SEED

    runtime = world.app.extensions["canxie"].runtime
    other = UUID(world.other_association_id)
    saved = runtime.tenancy.records(DISTRICT).open_inspection(
        kind=InspectionKind.MUTUAL_INSPECTION,
        title="组织互查",
        inspected_on=SystemClock().today(),
        township_code=None,
        inspectors=["甲"],
        association_ids=[other],
        rules_basis=None,
        rule_findings=[],
        written=[WrittenProblem(description=description, association_id=other)],
        by=SEED,
    )
    runtime.catch_up(DISTRICT)
    return str(saved.id), str(saved.more[0])


def test_an_open_problem_is_escalated_and_a_bad_escalation_changes_nothing(
    inspect_world: World,
) -> None:
    client = signed_in(inspect_world, "inspector")
    inspection, problem = _open_problem(inspect_world, "小组未覆盖全部残疾人")
    path = f"/districts/{DISTRICT}/inspections/{inspection}/problems/{problem}"
    fields = _form_fields(client.get(path).get_data(as_text=True))
    refused = client.post(f"{path}/escalation", data={**fields, "escalated_on": "2999-01-01"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="error-escalated_to"' in html and 'id="error-reason"' in html
    sent = {**fields, "escalated_to": "区残联", "reason": "需协调", "escalated_on": ""}
    assert client.post(f"{path}/escalation", data=sent).status_code == 422
    today = client.get(path).get_data(as_text=True).split('name="escalated_on" type="date" value="')
    sent["escalated_on"] = today[1].split('"')[0]
    escalated = client.post(f"{path}/escalation", data=sent)
    assert escalated.status_code == 303
    assert "已上报" in client.get(escalated.headers["Location"]).get_data(as_text=True)
    district_admin = signed_in(inspect_world, "district-admin")
    assert district_admin.post(f"{path}/escalation", data=sent).status_code in (400, 403)


def test_a_returned_rectification_needs_remarks_and_opens_the_problem_again(
    inspect_world: World,
) -> None:
    from uuid import UUID

    from aggregates.clock import SystemClock
    from tests.factories import SEED

    inspection, problem = _open_problem(inspect_world, "活动场所未登记")
    runtime = inspect_world.app.extensions["canxie"].runtime
    today = SystemClock().today()
    runtime.tenancy.records(DISTRICT).rectify_problem(
        UUID(inspection), UUID(problem), rectified_on=today, evidence="已登记", note="", by=SEED
    )
    runtime.catch_up(DISTRICT)
    client = signed_in(inspect_world, "inspector")
    path = f"/districts/{DISTRICT}/inspections/{inspection}/problems/{problem}"
    fields = _form_fields(client.get(path).get_data(as_text=True))
    back = {**fields, "accepted": "no", "reviewed_on": today.isoformat(), "remarks": " "}
    refused = client.post(f"{path}/review", data=back)
    assert refused.status_code == 422 and 'id="error-remarks"' in refused.get_data(as_text=True)
    returned = client.post(f"{path}/review", data={**back, "remarks": "照片不清"})
    assert returned.status_code == 303
    listed = client.get(returned.headers["Location"]).get_data(as_text=True)
    assert "待整改" in listed and "整改被退回" in listed
    assert "已退回" in client.get(path).get_data(as_text=True)
