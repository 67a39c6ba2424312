"""Districts and divisions without a browser: the city's administrator adds a district; its
townships and villages are entered and imported (all rows or none, errors by line), renamed,
merged and split from a date; bad input comes back beside its field and changes nothing."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from tests.web.admin.conftest import form_fields
from tests.web.inspections.test_pages import signed_in
from tests.web.world import World

NEW_DISTRICT = "410104"
BASE = f"/districts/{NEW_DISTRICT}/divisions"
TOWNSHIP = f"{NEW_DISTRICT}001"
VILLAGES = [f"{TOWNSHIP}00{n}" for n in range(1, 4)]


def _send(client: FlaskClient, path: str, **values: str):  # type: ignore[no-untyped-def]
    fields = form_fields(client.get(path).get_data(as_text=True))
    return client.post(path, data={**fields, **values})


def _csv(client: FlaskClient, text: str):  # type: ignore[no-untyped-def]
    path = f"{BASE}/import"
    fields = form_fields(client.get(path).get_data(as_text=True))
    data = {**fields, "file": (io.BytesIO(text.encode()), "divisions.csv")}
    return client.post(path, data=data, content_type="multipart/form-data")


def _refused(answer, *names: str) -> str:  # type: ignore[no-untyped-def]
    html = str(answer.get_data(as_text=True))
    assert answer.status_code == 422, html[:300]
    for name in names:
        assert f'id="error-{name}"' in html, name
    return html


def _recorded(world: World, client: FlaskClient, answer) -> str:  # type: ignore[no-untyped-def]
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    world.app.extensions["canxie"].runtime.catch_up(NEW_DISTRICT)
    return str(client.get(answer.headers["Location"]).get_data(as_text=True))


def test_a_district_is_added_and_its_divisions_entered_and_imported(admin_world: World) -> None:
    client = signed_in(admin_world, "city-admin")
    _refused(_send(client, "/admin/districts/new", code="12", name=""), "code", "name")
    added = _send(client, "/admin/districts/new", code=NEW_DISTRICT, name="管城回族区")
    assert "尚未录入区划" in _recorded(admin_world, client, added)
    _refused(_send(client, "/admin/districts/new", code=NEW_DISTRICT, name="又一个"), "code")
    assert signed_in(admin_world, "district-admin").get("/admin/districts/new").status_code == 403
    _refused(_send(client, f"{BASE}/new", code="123", name="甲"), "code")
    entered = _send(client, f"{BASE}/new", code=TOWNSHIP, name="甲街道")
    assert "甲街道" in _recorded(admin_world, client, entered)
    bad = _refused(_csv(client, f"code,name\n{VILLAGES[0]},\n999999001001,外区村\n"), "file")
    assert 'id="refused-rows"' in bad
    other = "410105001"  # a row of another district: skipped
    rows = "".join(f"{code},{n}村\n" for n, code in zip("一二三", VILLAGES, strict=True))
    imported = _csv(client, f"code,name,district_code\n{rows}{other},乙街道,410105\n")
    assert imported.status_code == 200
    assert "已录入 3 个区划" in imported.get_data(as_text=True)
    _refused(_csv(client, "名称\n甲\n"), "file")
    too_large = _csv(client, "code,name\n" + "x" * (1024 * 1024))
    assert too_large.status_code == 413 and 'id="error-file"' in too_large.get_data(as_text=True)


def _rename_and_merge(admin_world: World, client: FlaskClient) -> None:
    """The first village renamed from 2023-01-01, the third merged into the second from
    2023-02-01; the histories say both in words, in Chinese and in English."""
    first, second, third = VILLAGES
    rename = f"{BASE}/{first}/renaming"
    _refused(_send(client, rename, name="", effective_on="x"), "name", "effective_on")
    renamed = _send(client, rename, name="一新村", effective_on="2023-01-01")
    assert "一新村" in _recorded(admin_world, client, renamed)
    merger = f"{BASE}/merger"
    _refused(
        _send(client, merger, sources=second, into_code=second, effective_on="2023-02-01"),
        "sources",
    )
    merged = _send(
        client, merger, sources=f"{second}, {third}", into_code=second, effective_on="2023-02-01"
    )
    _recorded(admin_world, client, merged)
    history = client.get(f"{BASE}/{third}").get_data(as_text=True)
    assert "2023-02-01" in history
    assert "村（社区）合并</td>" in history and f"被合并的村（社区）: {second}、{third}" in history
    assert "merged" not in history and "sources" not in history and "into_code" not in history
    renaming = client.get(f"{BASE}/{first}").get_data(as_text=True)
    assert "区划更名" in renaming and "原名称: 一村" in renaming and "previous_name" not in renaming
    client.set_cookie("canxie_lang", "en")
    english = client.get(f"{BASE}/{first}").get_data(as_text=True)
    assert "Division renamed" in english and "Previous name: 一村" in english
    client.set_cookie("canxie_lang", "zh_Hans_CN")


def _parts(*parts: tuple[str, str]) -> dict[str, str]:
    """A split's form fields: each part's code and name, from 2023-03-01."""
    fields = {"effective_on": "2023-03-01"}
    for n, (code, name) in enumerate(parts):
        fields |= {f"part-{n}-code": code, f"part-{n}-name": name}
    return fields


def _split(admin_world: World, client: FlaskClient) -> None:
    """The first village split in two: one part alone and a bad code are refused beside
    their fields; two good parts are recorded."""
    split = f"{BASE}/{VILLAGES[0]}/split"
    _refused(_send(client, split, **_parts((f"{TOWNSHIP}004", "四村"))), "parts")
    bad = _parts(("12", "四村"), (f"{TOWNSHIP}005", "五村"))
    _refused(_send(client, split, **bad), "part-0-code")
    good = _parts((f"{TOWNSHIP}004", "四村"), (f"{TOWNSHIP}005", "五村"))
    page = _recorded(admin_world, client, _send(client, split, **good))
    assert f"{TOWNSHIP}004" in page and f"{TOWNSHIP}005" in page


def test_divisions_are_renamed_merged_and_split_from_a_date(admin_world: World) -> None:
    client = signed_in(admin_world, "city-admin")
    _rename_and_merge(admin_world, client)
    _split(admin_world, client)
    assert client.get(f"{BASE}/999999").status_code == 404
