"""The account pages without a browser: an account is created with its role and scope and its
one-time password shown once; bad input comes back beside its field and creates nothing; a
district administrator stays in their district; disable, reset, tokens issued and revoked."""

from __future__ import annotations

import re

from tests.web.admin.conftest import form_fields
from tests.web.inspections.test_pages import signed_in
from tests.web.world import DISTRICT, TOWNSHIP, World

NEW = "/admin/accounts/new"


def _secret(html: str, element: str) -> str:
    found = re.search(rf'<code id="{element}">([^<]+)</code>', html)
    assert found, html[:2000]
    return found.group(1)


def _create(client, **values: str):  # type: ignore[no-untyped-def]
    fields = form_fields(client.get(NEW).get_data(as_text=True))
    return client.post(NEW, data={**fields, **values})


def test_a_township_officer_is_created_and_its_password_shown_once(admin_world: World) -> None:
    client = signed_in(admin_world, "city-admin")
    fields = form_fields(client.get(NEW).get_data(as_text=True))
    values = {"name": "乡镇专干 刘洋", "role": "township_officer", "district": DISTRICT}
    values |= {"township": TOWNSHIP, "login": "liuyang", "organisation": "测试街道残联"}
    created = client.post(NEW, data={**fields, **values})
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    assert _secret(html, "login") == "liuyang"
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", _secret(html, "one-time-password"))
    assert _secret(html, "api-token")
    again = client.post(NEW, data={**fields, **values})  # the same form sent again
    assert again.status_code == 303 and "one-time-password" not in again.get_data(as_text=True)
    listed = client.get("/admin/accounts").get_data(as_text=True)
    assert listed.count("乡镇专干 刘洋") == 1 and "liuyang" in listed


def test_bad_input_is_refused_beside_its_field_and_creates_nothing(admin_world: World) -> None:
    client = signed_in(admin_world, "city-admin")
    before = client.get("/admin/accounts").get_data(as_text=True).count("<tr>")
    cases = (
        ({}, ("name", "role")),
        ({"name": "x", "role": "king"}, ("role",)),
        ({"name": "x", "role": "township_officer", "district": DISTRICT}, ("township",)),
        (
            {
                "name": "x",
                "role": "township_officer",
                "district": DISTRICT,
                "township": "410199001",
            },
            ("township",),
        ),
        ({"name": "x", "role": "district_admin", "district": "999999"}, ("district",)),
        ({"name": "x", "role": "city_admin", "township": TOWNSHIP}, ("township",)),
        ({"name": "x", "role": "city_admin", "login": "Not A Login!"}, ("login",)),
        ({"name": "x", "role": "city_admin", "login": "district-admin"}, ("login",)),
        (
            {
                "name": "x",
                "role": "association_worker",
                "district": DISTRICT,
                "association_id": "not-a-uuid",
            },
            ("association_id",),
        ),
        ({"name": "x" * 500, "role": "city_admin", "valid_days": "9999"}, ("name", "valid_days")),
    )
    for values, named in cases:
        answer = _create(client, **values)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422, (values, html[:300])
        for name in named:
            assert f'id="error-{name}"' in html, (values, name)
    after = client.get("/admin/accounts").get_data(as_text=True).count("<tr>")
    assert after == before


def test_a_district_administrator_creates_accounts_of_their_district_only(
    admin_world: World,
) -> None:
    client = signed_in(admin_world, "district-admin")
    refused = _create(client, name="市管理员", role="city_admin")
    assert refused.status_code == 422 and 'id="error-role"' in refused.get_data(as_text=True)
    created = _create(client, name="督查员", role="inspector", district=DISTRICT)
    assert created.status_code == 200
    listed = client.get("/admin/accounts").get_data(as_text=True)
    assert "督查员" in listed and "管理员 city-admin" not in listed
    township = signed_in(admin_world, "township")
    assert township.get("/admin/accounts").status_code == 403
    assert township.get(NEW).status_code == 403


def test_an_account_is_reset_given_tokens_and_disabled(admin_world: World) -> None:
    client = signed_in(admin_world, "city-admin")
    created = _create(client, name="审计员 孙", role="bureau_auditor", login="sun-audit")
    html = created.get_data(as_text=True)
    page = re.search(r'href="(/admin/accounts/[^"]+)">', html.split('id="secrets"')[1])
    assert page
    path = page.group(1)
    account = client.get(path).get_data(as_text=True)
    reset = client.post(f"{path}/password", data=form_fields(account, 0))
    assert reset.status_code == 200 and _secret(reset.get_data(as_text=True), "one-time-password")
    account = client.get(path).get_data(as_text=True)
    refused = client.post(f"{path}/tokens", data={**form_fields(account, 2), "valid_days": "0"})
    assert refused.status_code == 422 and 'id="error-valid_days"' in refused.get_data(as_text=True)
    issued = client.post(f"{path}/tokens", data={**form_fields(account, 2), "valid_days": "7"})
    assert issued.status_code == 200 and _secret(issued.get_data(as_text=True), "api-token")
    account = client.get(path).get_data(as_text=True)
    token_id = re.findall(r"/tokens/([0-9a-f]+)/revoke", account)[0]
    revoked = client.post(f"{path}/tokens/{token_id}/revoke", data=form_fields(account, 1))
    assert revoked.status_code == 303
    account = client.get(revoked.headers["Location"]).get_data(as_text=True)
    assert "已撤销" in account
    disabled = client.post(f"{path}/disable", data=form_fields(account, 3))
    assert disabled.status_code == 303
    account = client.get(disabled.headers["Location"]).get_data(as_text=True)
    assert "/tokens" not in account and "/password" not in account
    assert client.get("/admin/accounts/no-such-id").status_code == 404


def test_a_village_worker_is_given_an_association_picked_from_the_district(
    admin_world: World,
) -> None:
    client = signed_in(admin_world, "district-admin")
    form = client.get(NEW).get_data(as_text=True)
    assert '<optgroup label="测试街道 (410102001)">' in form
    assert f'<option value="{admin_world.association_id}">' in form
    # their one district: its associations listed at once, nothing to choose first
    assert ">410102001001残协</option>" in form and 'name="show"' not in form
    worker = {"name": "协会专干 王芳", "role": "association_worker", "district": DISTRICT}
    unknown = _create(client, **worker, association_id="00000000-0000-4000-8000-000000000000")
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422
    assert 'id="error-association_id"' in html and "请选择本区县的一个残协。" in html
    created = _create(client, **worker, association_id=admin_world.association_id)
    assert created.status_code == 200 and _secret(created.get_data(as_text=True), "login")
    assert "协会专干 王芳" in client.get("/admin/accounts").get_data(as_text=True)


def test_the_city_administrator_lists_a_chosen_districts_associations_first(
    admin_world: World,
) -> None:
    client = signed_in(admin_world, "city-admin")
    form = client.get(NEW).get_data(as_text=True)
    assert "<optgroup" not in form and 'name="show"' in form  # no district chosen yet
    before = client.get("/admin/accounts").get_data(as_text=True).count("<tr>")
    listed = _create(client, name="协会专干 周", district=DISTRICT, show="associations")
    html = listed.get_data(as_text=True)
    assert listed.status_code == 200 and 'id="error-' not in html  # nothing refused, nothing made
    assert f'<option value="{admin_world.other_association_id}">' in html
    assert 'value="协会专干 周"' in html  # what was typed is kept
    after = client.get("/admin/accounts").get_data(as_text=True).count("<tr>")
    assert after == before
