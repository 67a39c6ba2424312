"""Erasure behind two steps, without a browser: the reason is asked first (GET), the second
page names what will be erased and holds the only POST; a bad reason comes back beside its
field and erases nothing; only administrators reach it, within their districts."""

from __future__ import annotations

from tests.web.admin.conftest import form_fields
from tests.web.inspections.test_pages import signed_in
from tests.web.world import DISTRICT, World

BASE = f"/districts/{DISTRICT}/erasure"


def _name_shown(world: World, sequence: int) -> bool:
    client = signed_in(world, "district-admin")
    page = client.get(f"{BASE}/{world.person_ids[sequence]}").get_data(as_text=True)
    return world.name(sequence) in page


def test_a_person_is_erased_only_on_the_second_step(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    person = admin_world.person_ids[21]
    found = client.get(f"{BASE}?q=残疾人21").get_data(as_text=True)
    assert f"{BASE}/{person}" in found
    step_1 = client.get(f"{BASE}/{person}").get_data(as_text=True)
    assert 'method="post"' not in step_1.split('id="main"')[1]
    step_2 = client.get(f"{BASE}/{person}/confirm?reason=本人依法申请删除")
    html = step_2.get_data(as_text=True)
    assert step_2.status_code == 200
    assert "身份证号" in html and "出生日期" in html and "本人依法申请删除" in html
    assert _name_shown(admin_world, 21)  # looking at both steps erased nothing
    fields = {**form_fields(html), "reason": "本人依法申请删除"}
    erased = client.post(f"{BASE}/{person}/confirm", data=fields)
    assert erased.status_code == 303 and "erased=1" in erased.headers["Location"]
    assert "个人信息已删除" in client.get(erased.headers["Location"]).get_data(as_text=True)
    assert not _name_shown(admin_world, 21)
    again = client.post(f"{BASE}/{person}/confirm", data=fields)  # sent twice: recorded once
    assert again.status_code == 303


def test_a_bad_reason_is_refused_beside_its_field_and_erases_nothing(admin_world: World) -> None:
    client = signed_in(admin_world, "district-admin")
    person = admin_world.person_ids[22]
    for reason in ("", "   ", "x" * 500):
        answer = client.get(f"{BASE}/{person}/confirm", query_string={"reason": reason})
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422 and 'id="error-reason"' in html, reason
        assert 'method="post"' not in html.split('id="main"')[1]
    html = client.get(f"{BASE}/{person}/confirm?reason=依法申请").get_data(as_text=True)
    refused = client.post(f"{BASE}/{person}/confirm", data={**form_fields(html), "reason": ""})
    assert refused.status_code == 422 and 'id="error-reason"' in refused.get_data(as_text=True)
    assert _name_shown(admin_world, 22)


def test_only_administrators_of_the_district_reach_erasure(admin_world: World) -> None:
    person = admin_world.person_ids[22]
    township = signed_in(admin_world, "township")
    assert township.get(BASE).status_code == 403
    assert township.get(f"{BASE}/{person}/confirm?reason=x1234").status_code == 403
    client = signed_in(admin_world, "district-admin")
    assert client.get("/districts/410103/erasure").status_code == 404
    assert client.get("/districts/41x/erasure").status_code in (404, 422)
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"{BASE}/{unknown}").status_code == 404
    assert client.get(f"{BASE}?q=残疾人&offset=junk").status_code == 200
