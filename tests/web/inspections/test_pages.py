"""The inspection pages without a browser: every page answers (no server error) for the roles
that read it, refuses roles that may not write, keeps outside districts not found, and refuses
a bad day or clock beside its field."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import PASSWORD
from tests.web.inspections.conftest import TOWNSHIP
from tests.web.world import DISTRICT, World


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


def test_a_district_administrator_reads_but_does_not_inspect(inspect_world: World) -> None:
    client = signed_in(inspect_world, "district-admin")
    assert client.get(f"/districts/{DISTRICT}/inspections").status_code == 200
    assert client.get(f"/districts/{DISTRICT}/inspections/new").status_code == 403
    assert client.get(f"/districts/{DISTRICT}/acceptance-report").status_code == 200


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
