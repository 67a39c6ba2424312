"""Every refusal of divisions, lifecycle, facilities, full-time members and training names its
field in a problem+json answer and leaves the district's store as it was.

The stores are real (the embedded SQLite files); requests go through the Flask app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.divisions.city_data import TOWNSHIPS, city_file
from tests.plugin import ADMIN, app_settings, close_app, open_app
from tests.problems import (
    CONFLICT,
    INVALID,
    INVARIANT,
    NOT_FOUND,
    VALIDATION,
    Bad,
    Catalogue,
    at,
    refusal_failures,
)

D, OTHER = "410102", "410103"
T1, T2 = f"{D}001", f"{D}002"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class Api:
    """The test client with the city administrator's token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.headers = ADMIN

    def post(self, path: str, body: Any) -> Any:
        response = self.client.post(f"/api/v1{path}", json=body, headers=self.headers)
        assert response.status_code < 300, f"{path}: {response.get_data(as_text=True)}"
        return response.get_json()


def import_divisions(api: Api) -> None:
    """Two districts with the city's townships; five villages of district D."""
    for code, name in ((D, "中原区"), (OTHER, "二七区")):
        api.post("/districts", {"code": code, "name": name})
    text = city_file(TOWNSHIPS)
    api.post(f"/districts/{D}/divisions/import", {"csv": text, "effective_on": "2020-01-01"})
    api.post(f"/districts/{OTHER}/divisions/import", {"csv": text})
    for code in (f"{T1}001", f"{T1}002", f"{T1}003", f"{T2}001", f"{T1}201"):
        api.post(
            f"/districts/{D}/divisions",
            {"code": code, "name": f"{code}社区", "effective_on": "2020-01-01"},
        )


def establish_associations(api: Api, base: str) -> tuple[str, str, str, str]:
    """Associations of three villages of the first township and one of the second."""

    def establish(village: str) -> str:
        return str(
            api.post(
                base,
                {
                    "division_code": village,
                    "name": f"{village}残协",
                    "township_code": village[:9],
                    "established_on": "2021-03-01",
                },
            )["id"]
        )

    a, b, gone = establish(f"{T1}001"), establish(f"{T1}002"), establish(f"{T1}003")
    other = establish(f"{T2}001")
    return a, b, gone, other


def record_facility_and_sessions(api: Api, base: str, a: str) -> tuple[str, str, str]:
    """A's service venue; a session in each township. Returns the venue and the two sessions."""
    facility = api.post(
        f"{base}/{a}/facilities",
        {
            "kind": "service_venue",
            "description": "服务站",
            "recorded_on": "2021-05-01",
            "evidence": "照片",
        },
    )["id"]
    session = api.post(
        f"/districts/{D}/training-sessions",
        {
            "topic": "政策",
            "mode": "online",
            "hours": 2,
            "held_on": "2021-05-10",
            "organiser": "区残联",
            "township_code": T1,
        },
    )["id"]
    elsewhere = api.post(
        f"/districts/{D}/training-sessions",
        {
            "topic": "政策",
            "mode": "online",
            "hours": 2,
            "held_on": "2021-05-10",
            "organiser": "街道残联",
            "township_code": T2,
        },
    )["id"]
    return facility, session, elsewhere


@pytest.fixture(scope="module")
def lifecycle_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A district with its townships imported, villages, associations in every state."""
    app = open_app(app_settings(tmp_path_factory.mktemp("lifecycle-bad")))
    api = Api(app.test_client())
    import_divisions(api)
    base = f"/districts/{D}/associations"

    a, b, gone, other = establish_associations(api, base)

    def officer(association: str, role: str, **extra: Any) -> str:
        body = {"name": "张三", "role": role, "appointed_on": "2021-04-01", **extra}
        return str(api.post(f"{base}/{association}/officers", body)["officer_id"])

    chair = officer(a, "chair")
    member = officer(a, "committee_member")
    full = officer(a, "committee_member", full_time=True)
    former = officer(a, "committee_member")
    api.post(
        f"{base}/{a}/officers/{former}/removal", {"removed_on": "2021-06-01", "reason": "迁出"}
    )
    api.post(f"{base}/{gone}/dissolution", {"dissolved_on": "2022-01-01", "reason": "撤并"})
    facility, session, elsewhere = record_facility_and_sessions(api, base, a)
    api.post(f"{base}/{a}/training-attendance", {"session_id": session, "officer_id": chair})
    runtime = app.extensions["canxie"].runtime
    for code in (D, OTHER):
        runtime.catch_up(code)
    yield {
        "api": api,
        "runtime": runtime,
        "a": a,
        "b": b,
        "gone": gone,
        "other": other,
        "chair": chair,
        "member": member,
        "full": full,
        "former": former,
        "facility": facility,
        "session": session,
        "elsewhere": elsewhere,
    }
    close_app(app)


CATALOGUE = Catalogue()


def case_values(w: dict[str, Any]) -> dict[str, Any]:
    """The paths and bodies the refusals are built from."""
    dv = f"/districts/{D}/divisions"
    one = f"/districts/{D}/associations/{w['a']}"
    officer = f"{one}/officers/{w['member']}"
    full = f"{one}/officers/{w['full']}"
    chair = f"{one}/officers/{w['chair']}"
    gone = f"/districts/{D}/associations/{w['gone']}"
    term = {
        "started_on": "2024-04-01",
        "ends_on": "2029-03-31",
        "officers": [{"name": "新主席", "role": "chair"}],
    }
    select = {"method": "election", "priority_group": "disabled", "selected_on": "2021-05-01"}
    session = {
        "topic": "政策",
        "mode": "offline",
        "hours": 3,
        "held_on": "2021-05-01",
        "organiser": "区残联",
    }
    v = f"{T1}001"
    return locals()  # every path and body above, by name


@CATALOGUE.part
def refused_divisions_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        *at(
            dv,
            ("code of 10 digits", {"code": "4101020010", "name": "x"}, VALIDATION, "code"),
            ("blank name", {"code": f"{T1}004", "name": "  "}, VALIDATION, "name"),
            ("township of another district", {"code": f"{OTHER}001", "name": "x"}, INVALID, "code"),
            ("village without its township", {"code": f"{D}099001", "name": "x"}, INVALID, "code"),
            ("all-zero village part", {"code": f"{T1}000", "name": "x"}, INVALID, "code"),
            ("registered code under another name", {"code": v, "name": "别名"}, CONFLICT, "code"),
            (
                "division in the future",
                {"code": f"{T1}005", "name": "x", "effective_on": "2999-01-01"},
                INVALID,
                "effective_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_divisions_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        *at(
            f"{dv}/import",
            ("import without a name column", {"csv": "code\n410102001006\n"}, INVALID, "csv"),
            (
                "import with one bad row",
                {"csv": "code,name\n410102001007,好村\n41010200100,坏村\n"},
                INVALID,
                "csv",
            ),
            ("import of an empty file", {"csv": ""}, VALIDATION, "csv"),
        ),
        *at(
            f"{dv}/{v}/renaming",
            (
                "rename to the same name",
                {"name": f"{v}社区", "effective_on": "2022-01-01"},
                INVALID,
                "name",
            ),
        ),
        *at(
            f"{dv}/{T1}099/renaming",
            (
                "rename of an unknown division",
                {"name": "x", "effective_on": "2022-01-01"},
                NOT_FOUND,
                "division_code",
            ),
        ),
        *at(
            f"{dv}/{v}/renaming",
            (
                "rename before the division began",
                {"name": "新名", "effective_on": "2019-01-01"},
                INVALID,
                "effective_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_divisions_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        *at(
            f"{dv}/merger",
            (
                "merge of one village",
                {"sources": [v], "into_code": v, "effective_on": "2022-01-01"},
                VALIDATION,
                "sources",
            ),
            (
                "merge of two active associations",
                {"sources": [v, f"{T1}002"], "into_code": v, "effective_on": "2022-01-01"},
                INVARIANT,
                "sources",
            ),
            (
                "merge into a new village without a name",
                {
                    "sources": [f"{T1}201", f"{T1}002"],
                    "into_code": f"{T1}009",
                    "effective_on": "2022-01-01",
                },
                INVALID,
                "into_name",
            ),
            (
                "merge of an unregistered village",
                {
                    "sources": [f"{T1}201", f"{T1}098"],
                    "into_code": f"{T1}201",
                    "effective_on": "2022-01-01",
                },
                INVALID,
                "sources",
            ),
        ),
        *at(
            f"{dv}/{v}/split",
            (
                "split with one part",
                {"parts": [{"code": f"{T1}010", "name": "x"}], "effective_on": "2022-01-01"},
                VALIDATION,
                "parts",
            ),
        ),
    ]


@CATALOGUE.part
def refused_divisions_4(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        *at(
            f"{dv}/{v}/split",
            (
                "split into a registered code",
                {
                    "parts": [{"code": v, "name": "x"}, {"code": f"{T1}002", "name": "y"}],
                    "effective_on": "2022-01-01",
                },
                CONFLICT,
                "parts.1.code",
            ),
            (
                "split without saying where the association goes",
                {
                    "parts": [{"code": f"{T1}011", "name": "x"}, {"code": f"{T1}012", "name": "y"}],
                    "effective_on": "2022-01-01",
                },
                INVALID,
                "association_to",
            ),
            (
                "split sending the association outside the parts",
                {
                    "parts": [{"code": f"{T1}011", "name": "x"}, {"code": f"{T1}012", "name": "y"}],
                    "effective_on": "2022-01-01",
                    "association_to": f"{T1}013",
                },
                INVALID,
                "association_to",
            ),
        ),
        *at(
            f"/districts/{D}/associations",
            (
                "association for an unregistered village",
                {
                    "division_code": f"{T1}050",
                    "name": "x",
                    "township_code": T1,
                    "established_on": "2021-03-01",
                },
                INVALID,
                "division_code",
            ),
        ),
    ]


@CATALOGUE.part
def refused_lifecycle_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: lifecycle."""
    one, term = v["one"], v["term"]
    return [
        *at(
            f"{one}/terms",
            (
                "term starting before the current one",
                {**term, "started_on": "2020-01-01"},
                INVALID,
                "started_on",
            ),
            ("term ending before it starts", {**term, "ends_on": "2024-01-01"}, INVALID, "ends_on"),
            ("term without officers", {**term, "officers": []}, VALIDATION, "officers"),
            (
                "term with an unknown role",
                {**term, "officers": [{"name": "x", "role": "secretary"}]},
                VALIDATION,
                "officers.0.role",
            ),
            (
                "term with two chairs",
                {
                    **term,
                    "officers": [{"name": "x", "role": "chair"}, {"name": "y", "role": "chair"}],
                },
                INVARIANT,
                "officers",
            ),
            (
                "term officer's phone with a line break after it",
                {**term, "officers": [{"name": "x", "role": "chair", "phone": "13800138000\n"}]},
                VALIDATION,
                "officers.0.phone",
            ),
        ),
    ]


@CATALOGUE.part
def refused_lifecycle_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: lifecycle."""
    w, one, term = v["w"], v["one"], v["term"]
    return [
        *at(
            f"{one}/terms",
            (
                "term with a full-time vice-chair",
                {**term, "officers": [{"name": "x", "role": "vice_chair", "full_time": True}]},
                INVARIANT,
                "officers.0.full_time",
            ),
            (
                "term continuing a former officer",
                {
                    **term,
                    "officers": [
                        {"name": "x", "role": "committee_member", "continuing": w["former"]}
                    ],
                },
                INVALID,
                "officers.0.continuing",
            ),
            (
                "continuing officer in another office",
                {
                    **term,
                    "officers": [{"name": "x", "role": "vice_chair", "continuing": w["chair"]}],
                },
                INVALID,
                "officers.0.role",
            ),
        ),
        *at(
            f"{one}/dissolution",
            ("dissolution without reason", {"dissolved_on": "2022-01-01"}, VALIDATION, "reason"),
            (
                "dissolution before the last appointment",
                {"dissolved_on": "2021-03-15", "reason": "x"},
                INVALID,
                "dissolved_on",
            ),
        ),
    ]


@CATALOGUE.part
def refused_lifecycle_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: lifecycle."""
    w, one, gone = v["w"], v["one"], v["gone"]
    return [
        *at(
            f"{one}/dissolution",
            (
                "dissolution in the future",
                {"dissolved_on": "2999-01-01", "reason": "x"},
                INVALID,
                "dissolved_on",
            ),
        ),
        *at(
            f"{gone}/dissolution",
            (
                "dissolving a dissolved association",
                {"dissolved_on": "2023-01-01", "reason": "x"},
                INVARIANT,
                "association_id",
            ),
        ),
        *at(
            f"{one}/merger",
            (
                "merger into itself",
                {"into_association_id": w["a"], "merged_on": "2022-01-01", "reason": "x"},
                INVALID,
                "into_association_id",
            ),
            (
                "merger into a dissolved association",
                {"into_association_id": w["gone"], "merged_on": "2022-01-01", "reason": "x"},
                INVARIANT,
                "into_association_id",
            ),
            (
                "merger into an unknown association",
                {"into_association_id": UNKNOWN, "merged_on": "2022-01-01", "reason": "x"},
                NOT_FOUND,
                "into_association_id",
            ),
        ),
        *at(
            f"{gone}/officers",
            (
                "appointment in a dissolved association",
                {"name": "x", "role": "chair", "appointed_on": "2022-02-01"},
                INVARIANT,
                "association_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_facilities_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: facilities."""
    w, one = v["w"], v["one"]
    return [
        *at(
            f"{one}/facilities",
            (
                "facility of an unknown kind",
                {
                    "kind": "garden",
                    "description": "x",
                    "recorded_on": "2021-05-01",
                    "evidence": "x",
                },
                VALIDATION,
                "kind",
            ),
            (
                "facility without evidence",
                {"kind": "barrier_free", "description": "坡道", "recorded_on": "2021-05-01"},
                VALIDATION,
                "evidence",
            ),
            (
                "facility before establishment",
                {
                    "kind": "rules_on_wall",
                    "description": "x",
                    "recorded_on": "2020-05-01",
                    "evidence": "x",
                },
                INVALID,
                "recorded_on",
            ),
        ),
        *at(
            f"{one}/facilities/{w['facility']}/withdrawal",
            (
                "withdrawal before it was recorded",
                {"withdrawn_on": "2021-04-01", "reason": "x"},
                INVALID,
                "withdrawn_on",
            ),
        ),
        *at(
            f"{one}/facilities/{UNKNOWN}/withdrawal",
            (
                "withdrawal of an unknown facility",
                {"withdrawn_on": "2022-04-01", "reason": "x"},
                NOT_FOUND,
                "facility_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_full_time_members_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: full-time members."""
    officer, full, chair, select = v["officer"], v["full"], v["chair"], v["select"]
    return [
        *at(
            f"{chair}/full-time-selection",
            ("selection of a chair", select, INVARIANT, "officer_id"),
        ),
        *at(
            f"{full}/full-time-selection",
            ("selection of a full-time member", select, INVARIANT, "officer_id"),
        ),
        *at(
            f"{officer}/full-time-selection",
            (
                "selection by an unknown method",
                {**select, "method": "lottery"},
                VALIDATION,
                "method",
            ),
            ("selection as unrecorded", {**select, "method": "unrecorded"}, VALIDATION, "method"),
            (
                "selection with an unknown priority",
                {**select, "priority_group": "cousin"},
                VALIDATION,
                "priority_group",
            ),
        ),
    ]


@CATALOGUE.part
def refused_full_time_members_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: full-time members."""
    w, one, officer, full, select = v["w"], v["one"], v["officer"], v["full"], v["select"]
    return [
        *at(
            f"{officer}/full-time-selection",
            (
                "selection before the appointment",
                {**select, "selected_on": "2021-03-15"},
                INVALID,
                "selected_on",
            ),
        ),
        *at(
            f"{one}/officers/{w['former']}/full-time-selection",
            ("selection of a former officer", select, INVARIANT, "officer_id"),
        ),
        *at(
            f"{one}/officers/{UNKNOWN}/full-time-selection",
            ("selection of an unknown officer", select, NOT_FOUND, "officer_id"),
        ),
        *at(
            f"{officer}/full-time-pay",
            (
                "pay of a member who is not full-time",
                {"kind": "subsidy", "monthly_amount": "500", "from_on": "2021-05-01"},
                INVARIANT,
                "officer_id",
            ),
        ),
        *at(
            f"{full}/full-time-pay",
            (
                "negative pay",
                {"kind": "subsidy", "monthly_amount": "-1", "from_on": "2021-05-01"},
                VALIDATION,
                "monthly_amount",
            ),
            (
                "pay as a string of letters",
                {"kind": "subsidy", "monthly_amount": "abc", "from_on": "2021-05-01"},
                VALIDATION,
                "monthly_amount",
            ),
        ),
    ]


@CATALOGUE.part
def refused_full_time_members_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: full-time members."""
    officer, full = v["officer"], v["full"]
    return [
        *at(
            f"{full}/full-time-pay",
            (
                "pay of an unknown kind",
                {"kind": "salary", "monthly_amount": "500", "from_on": "2021-05-01"},
                VALIDATION,
                "kind",
            ),
            (
                "pay before the selection",
                {"kind": "subsidy", "monthly_amount": "500", "from_on": "2021-03-01"},
                INVALID,
                "from_on",
            ),
        ),
        *at(
            f"{full}/full-time-exit",
            ("exit without reason", {"exited_on": "2022-01-01"}, VALIDATION, "reason"),
            (
                "exit before the selection",
                {"exited_on": "2021-03-01", "reason": "x"},
                INVALID,
                "exited_on",
            ),
        ),
        *at(
            f"{officer}/full-time-exit",
            (
                "exit of a member who is not full-time",
                {"exited_on": "2022-01-01", "reason": "x"},
                INVARIANT,
                "officer_id",
            ),
        ),
    ]


@CATALOGUE.part
def refused_training_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: training."""
    session = v["session"]
    return [
        *at(
            f"/districts/{D}/training-sessions",
            ("session with no hours", {**session, "hours": 0}, VALIDATION, "hours"),
            ("session of an unknown mode", {**session, "mode": "radio"}, VALIDATION, "mode"),
            ("session in the future", {**session, "held_on": "2999-01-01"}, INVALID, "held_on"),
            (
                "session of a township of another district",
                {**session, "township_code": f"{OTHER}001"},
                INVALID,
                "township_code",
            ),
            (
                "session of an unregistered township",
                {**session, "township_code": f"{D}098"},
                INVALID,
                "township_code",
            ),
        ),
    ]


@CATALOGUE.part
def refused_training_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: training."""
    w, one, chair = v["w"], v["one"], v["chair"]
    return [
        *at(
            f"{one}/training-attendance",
            (
                "attendance at an unknown session",
                {"session_id": UNKNOWN, "officer_id": w["chair"]},
                NOT_FOUND,
                "session_id",
            ),
            (
                "attendance at another township's session",
                {"session_id": w["elsewhere"], "officer_id": w["chair"]},
                INVALID,
                "session_id",
            ),
            (
                "attendance recorded twice",
                {"session_id": w["session"], "officer_id": w["chair"]},
                CONFLICT,
                "officer_id",
            ),
            (
                "attendance of someone no officer",
                {"session_id": w["session"], "officer_id": UNKNOWN},
                NOT_FOUND,
                "officer_id",
            ),
            (
                "attendance longer than the session",
                {"session_id": w["session"], "officer_id": w["member"], "hours": 5},
                INVALID,
                "hours",
            ),
        ),
        *at(
            f"{chair}/qualifications",
            (
                "qualification of an unknown kind",
                {"kind": "driving_licence", "title": "x", "obtained_on": "2021-01-01"},
                VALIDATION,
                "kind",
            ),
        ),
    ]


@CATALOGUE.part
def refused_training_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: training."""
    one, chair = v["one"], v["chair"]
    return [
        *at(
            f"{chair}/qualifications",
            (
                "qualification in the future",
                {"kind": "social_worker", "title": "社会工作师", "obtained_on": "2999-01-01"},
                INVALID,
                "obtained_on",
            ),
        ),
        *at(
            f"{one}/officers/{UNKNOWN}/qualifications",
            (
                "qualification of an unknown officer",
                {"kind": "social_worker", "title": "社会工作师", "obtained_on": "2021-01-01"},
                NOT_FOUND,
                "officer_id",
            ),
        ),
    ]


def cases(w: dict[str, Any]) -> list[Bad]:
    """The catalogue of refusals."""
    return CATALOGUE.cases(case_values(w))


def heads(runtime: Any) -> dict[str, int]:
    """The newest event position of each district."""
    return {code: runtime.tenancy.records(code).head_position() for code in (D, OTHER)}


def test_every_bad_input_is_refused_precisely_and_changes_nothing(
    lifecycle_world: dict[str, Any],
) -> None:
    api: Api = lifecycle_world["api"]
    before = heads(lifecycle_world["runtime"])
    failures = refusal_failures(
        cases(lifecycle_world),
        lambda bad: api.client.post(f"/api/v1{bad.path}", json=bad.body, headers=api.headers),
    )
    assert not failures, "\n".join(failures)
    assert heads(lifecycle_world["runtime"]) == before, (
        "a refused request left something in a store"
    )


def test_a_bad_import_reports_every_row_with_its_line(lifecycle_world: dict[str, Any]) -> None:
    api: Api = lifecycle_world["api"]
    text = "code,name\n410102001021,好村\n4101020010,短码\n410102001021,重复\n,无码\n"
    response = api.client.post(
        f"/api/v1/districts/{D}/divisions/import", json={"csv": text}, headers=api.headers
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(5, "code")]  # shape errors first
    text = "code,name\n410102001021,好村\n4101020010,短码\n410102001021,重复\n"
    errors = api.client.post(
        f"/api/v1/districts/{D}/divisions/import", json={"csv": text}, headers=api.headers
    ).get_json()["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(3, "code"), (4, "code")]


def test_importing_the_city_file_twice_changes_nothing(lifecycle_world: dict[str, Any]) -> None:
    api: Api = lifecycle_world["api"]
    text = city_file(TOWNSHIPS)
    before = heads(lifecycle_world["runtime"])
    again = api.post(f"/districts/{D}/divisions/import", {"csv": text})
    assert again["created"] == 0 and again["unchanged"] >= 2
    assert again["skipped_other_districts"] > 0
    assert heads(lifecycle_world["runtime"]) == before
