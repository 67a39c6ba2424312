"""District settings and the work plan without a browser: each form refuses bad input beside
its field and records nothing; a good one records a version shown on the settings page; only
a district-wide role sets them."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.admin.conftest import form_fields
from tests.web.inspections.test_pages import signed_in
from tests.web.world import DISTRICT, World

BASE = f"/districts/{DISTRICT}"


def _send(client: FlaskClient, path: str, **values: str):  # type: ignore[no-untyped-def]
    fields = form_fields(client.get(path).get_data(as_text=True))
    return client.post(path, data={**fields, **values})


def _recorded(client: FlaskClient, path: str, **values: str) -> str:
    """Send the form; it is recorded and leads to a page, returned."""
    done = _send(client, path, **values)
    assert done.status_code == 303, done.get_data(as_text=True)[:300]
    return str(client.get(done.headers["Location"]).get_data(as_text=True))


def _refused(answer, *names: str) -> None:  # type: ignore[no-untyped-def]
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html[:300]
    for name in names:
        assert f'id="error-{name}"' in html, name


def test_visit_intervals_are_refused_beside_their_fields_then_recorded(
    admin_world: World,
) -> None:
    client = signed_in(admin_world, "district-admin")
    path = f"{BASE}/settings/visit-intervals"
    good = {"effective_from": "2022-03-01", "special_hardship": "20", "ordinary": "60"}
    _refused(
        _send(client, path, effective_from="", special_hardship="", ordinary=""),
        "effective_from",
        "special_hardship",
        "ordinary",
    )
    _refused(
        _send(client, path, **{**good, "special_hardship": "abc", "ordinary": "400"}),
        "special_hardship",
        "ordinary",
    )
    _refused(_send(client, path, **{**good, "effective_from": "2022-02-30"}), "effective_from")
    _refused(_send(client, path, **{**good, "special_hardship": "90"}), "special_hardship")
    assert 'id="interval-versions"' not in client.get(f"{BASE}/settings").get_data(as_text=True)
    page = _recorded(client, path, **good)
    assert 'id="interval-versions"' in page and "2022-03-01" in page


def test_an_evaluation_scheme_is_refused_by_row_then_adopted(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    path = f"{BASE}/settings/evaluation-scheme"
    row = {
        "criterion-0-key": "organisation",
        "criterion-0-name": "组织建设",
        "criterion-0-weight": "60",
        "criterion-0-max_score": "100",
    }
    second = {
        "criterion-1-key": "services",
        "criterion-1-name": "服务",
        "criterion-1-weight": "40",
        "criterion-1-max_score": "100",
    }
    base = {"effective_from": "2022-01-01", "performance_weight": "70"}
    _refused(_send(client, path, **base), "criteria")
    _refused(
        _send(
            client,
            path,
            **base,
            **{**row, "criterion-0-weight": "abc", "criterion-0-key": "Bad Key"},
        ),
        "criterion-0-weight",
        "criterion-0-key",
    )
    _refused(_send(client, path, **base, **row), "criteria")  # weights add up to 60
    _refused(
        _send(client, path, **{**base, "performance_weight": "150"}, **row, **second),
        "performance_weight",
    )
    assert "尚未采用考评方案" in client.get(f"{BASE}/settings").get_data(as_text=True)
    page = _recorded(client, path, **base, **row, **second)
    assert "组织建设" in page and "服务" in page


def test_the_work_plan_is_filed_and_revised(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    path = f"{BASE}/work-plan"
    _refused(
        _send(client, path, title="", summary="", filed_on="x"), "title", "summary", "filed_on"
    )
    assert "尚未报送" in client.get(path).get_data(as_text=True)
    title = "中原区残协规范化建设工作方案"
    page = _recorded(client, path, title=title, summary="分四个阶段推进", filed_on="2020-10-15")
    assert title in page and "已修订" not in page
    page = _recorded(client, path, title=title, summary="增加第五阶段", filed_on="2020-11-02")
    assert "已修订 1 次" in page


def test_settings_need_a_district_wide_administrator(admin_world: World) -> None:
    township = signed_in(admin_world, "township")
    assert township.get(f"{BASE}/settings").status_code == 200  # reading is allowed
    answer = _send(
        township,
        f"{BASE}/settings/visit-intervals",
        effective_from="2022-03-01",
        special_hardship="20",
        ordinary="60",
    )
    assert answer.status_code == 403
    client = signed_in(admin_world, "district-admin")
    for path in ("settings", "settings/visit-intervals", "settings/evaluation-scheme", "work-plan"):
        assert client.get(f"/districts/410103/{path}").status_code == 404, path
