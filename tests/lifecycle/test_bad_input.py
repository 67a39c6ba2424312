"""Every refusal of divisions, lifecycle, facilities, full-time members and training names its
field in a problem+json answer and leaves the district's store as it was.

The stores are real (the embedded SQLite files); requests go through the Flask app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.divisions.city_data import TOWNSHIPS, city_file
from tests.plugin import ADMIN, app_settings, close_app, open_app
from tests.problems import refusal_failures

D, OTHER = "410102", "410103"
T1, T2 = f"{D}001", f"{D}002"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Bad:
    """A request that must be refused."""

    name: str
    path: str
    body: Any
    status: int
    problem: str
    field: str


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


def refused_divisions_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        # divisions
        Bad(
            "code of 10 digits", dv, {"code": "4101020010", "name": "x"}, 422, "validation", "code"
        ),
        Bad("blank name", dv, {"code": f"{T1}004", "name": "  "}, 422, "validation", "name"),
        Bad(
            "township of another district",
            dv,
            {"code": f"{OTHER}001", "name": "x"},
            422,
            "invalid-value",
            "code",
        ),
        Bad(
            "village without its township",
            dv,
            {"code": f"{D}099001", "name": "x"},
            422,
            "invalid-value",
            "code",
        ),
        Bad(
            "all-zero village part",
            dv,
            {"code": f"{T1}000", "name": "x"},
            422,
            "invalid-value",
            "code",
        ),
        Bad(
            "registered code under another name",
            dv,
            {"code": v, "name": "别名"},
            409,
            "conflict",
            "code",
        ),
        Bad(
            "division in the future",
            dv,
            {"code": f"{T1}005", "name": "x", "effective_on": "2999-01-01"},
            422,
            "invalid-value",
            "effective_on",
        ),
    ]


def refused_divisions_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        Bad(
            "import without a name column",
            f"{dv}/import",
            {"csv": "code\n410102001006\n"},
            422,
            "invalid-value",
            "csv",
        ),
        Bad(
            "import with one bad row",
            f"{dv}/import",
            {"csv": "code,name\n410102001007,好村\n41010200100,坏村\n"},
            422,
            "invalid-value",
            "csv",
        ),
        Bad("import of an empty file", f"{dv}/import", {"csv": ""}, 422, "validation", "csv"),
        Bad(
            "rename to the same name",
            f"{dv}/{v}/renaming",
            {"name": f"{v}社区", "effective_on": "2022-01-01"},
            422,
            "invalid-value",
            "name",
        ),
        Bad(
            "rename of an unknown division",
            f"{dv}/{T1}099/renaming",
            {"name": "x", "effective_on": "2022-01-01"},
            404,
            "not-found",
            "division_code",
        ),
        Bad(
            "rename before the division began",
            f"{dv}/{v}/renaming",
            {"name": "新名", "effective_on": "2019-01-01"},
            422,
            "invalid-value",
            "effective_on",
        ),
    ]


def refused_divisions_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        Bad(
            "merge of one village",
            f"{dv}/merger",
            {"sources": [v], "into_code": v, "effective_on": "2022-01-01"},
            422,
            "validation",
            "sources",
        ),
        Bad(
            "merge of two active associations",
            f"{dv}/merger",
            {"sources": [v, f"{T1}002"], "into_code": v, "effective_on": "2022-01-01"},
            409,
            "invariant-violated",
            "sources",
        ),
        Bad(
            "merge into a new village without a name",
            f"{dv}/merger",
            {
                "sources": [f"{T1}201", f"{T1}002"],
                "into_code": f"{T1}009",
                "effective_on": "2022-01-01",
            },
            422,
            "invalid-value",
            "into_name",
        ),
        Bad(
            "merge of an unregistered village",
            f"{dv}/merger",
            {
                "sources": [f"{T1}201", f"{T1}098"],
                "into_code": f"{T1}201",
                "effective_on": "2022-01-01",
            },
            422,
            "invalid-value",
            "sources",
        ),
        Bad(
            "split with one part",
            f"{dv}/{v}/split",
            {"parts": [{"code": f"{T1}010", "name": "x"}], "effective_on": "2022-01-01"},
            422,
            "validation",
            "parts",
        ),
    ]


def refused_divisions_4(v: dict[str, Any]) -> list[Bad]:
    """Refusals: divisions."""
    dv, v = v["dv"], v["v"]
    return [
        Bad(
            "split into a registered code",
            f"{dv}/{v}/split",
            {
                "parts": [{"code": v, "name": "x"}, {"code": f"{T1}002", "name": "y"}],
                "effective_on": "2022-01-01",
            },
            409,
            "conflict",
            "parts.1.code",
        ),
        Bad(
            "split without saying where the association goes",
            f"{dv}/{v}/split",
            {
                "parts": [{"code": f"{T1}011", "name": "x"}, {"code": f"{T1}012", "name": "y"}],
                "effective_on": "2022-01-01",
            },
            422,
            "invalid-value",
            "association_to",
        ),
        Bad(
            "split sending the association outside the parts",
            f"{dv}/{v}/split",
            {
                "parts": [{"code": f"{T1}011", "name": "x"}, {"code": f"{T1}012", "name": "y"}],
                "effective_on": "2022-01-01",
                "association_to": f"{T1}013",
            },
            422,
            "invalid-value",
            "association_to",
        ),
        Bad(
            "association for an unregistered village",
            f"/districts/{D}/associations",
            {
                "division_code": f"{T1}050",
                "name": "x",
                "township_code": T1,
                "established_on": "2021-03-01",
            },
            422,
            "invalid-value",
            "division_code",
        ),
    ]


def refused_lifecycle_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: lifecycle."""
    one, term = v["one"], v["term"]
    return [
        # lifecycle
        Bad(
            "term starting before the current one",
            f"{one}/terms",
            {**term, "started_on": "2020-01-01"},
            422,
            "invalid-value",
            "started_on",
        ),
        Bad(
            "term ending before it starts",
            f"{one}/terms",
            {**term, "ends_on": "2024-01-01"},
            422,
            "invalid-value",
            "ends_on",
        ),
        Bad(
            "term without officers",
            f"{one}/terms",
            {**term, "officers": []},
            422,
            "validation",
            "officers",
        ),
        Bad(
            "term with an unknown role",
            f"{one}/terms",
            {**term, "officers": [{"name": "x", "role": "secretary"}]},
            422,
            "validation",
            "officers.0.role",
        ),
        Bad(
            "term with two chairs",
            f"{one}/terms",
            {**term, "officers": [{"name": "x", "role": "chair"}, {"name": "y", "role": "chair"}]},
            409,
            "invariant-violated",
            "officers",
        ),
    ]


def refused_lifecycle_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: lifecycle."""
    w, one, term = v["w"], v["one"], v["term"]
    return [
        Bad(
            "term with a full-time vice-chair",
            f"{one}/terms",
            {**term, "officers": [{"name": "x", "role": "vice_chair", "full_time": True}]},
            409,
            "invariant-violated",
            "officers.0.full_time",
        ),
        Bad(
            "term continuing a former officer",
            f"{one}/terms",
            {
                **term,
                "officers": [{"name": "x", "role": "committee_member", "continuing": w["former"]}],
            },
            422,
            "invalid-value",
            "officers.0.continuing",
        ),
        Bad(
            "continuing officer in another office",
            f"{one}/terms",
            {**term, "officers": [{"name": "x", "role": "vice_chair", "continuing": w["chair"]}]},
            422,
            "invalid-value",
            "officers.0.role",
        ),
        Bad(
            "dissolution without reason",
            f"{one}/dissolution",
            {"dissolved_on": "2022-01-01"},
            422,
            "validation",
            "reason",
        ),
        Bad(
            "dissolution before the last appointment",
            f"{one}/dissolution",
            {"dissolved_on": "2021-03-15", "reason": "x"},
            422,
            "invalid-value",
            "dissolved_on",
        ),
    ]


def refused_lifecycle_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: lifecycle."""
    w, one, gone = v["w"], v["one"], v["gone"]
    return [
        Bad(
            "dissolution in the future",
            f"{one}/dissolution",
            {"dissolved_on": "2999-01-01", "reason": "x"},
            422,
            "invalid-value",
            "dissolved_on",
        ),
        Bad(
            "dissolving a dissolved association",
            f"{gone}/dissolution",
            {"dissolved_on": "2023-01-01", "reason": "x"},
            409,
            "invariant-violated",
            "association_id",
        ),
        Bad(
            "merger into itself",
            f"{one}/merger",
            {"into_association_id": w["a"], "merged_on": "2022-01-01", "reason": "x"},
            422,
            "invalid-value",
            "into_association_id",
        ),
        Bad(
            "merger into a dissolved association",
            f"{one}/merger",
            {"into_association_id": w["gone"], "merged_on": "2022-01-01", "reason": "x"},
            409,
            "invariant-violated",
            "into_association_id",
        ),
        Bad(
            "merger into an unknown association",
            f"{one}/merger",
            {"into_association_id": UNKNOWN, "merged_on": "2022-01-01", "reason": "x"},
            404,
            "not-found",
            "into_association_id",
        ),
        Bad(
            "appointment in a dissolved association",
            f"{gone}/officers",
            {"name": "x", "role": "chair", "appointed_on": "2022-02-01"},
            409,
            "invariant-violated",
            "association_id",
        ),
    ]


def refused_facilities_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: facilities."""
    w, one = v["w"], v["one"]
    return [
        # facilities
        Bad(
            "facility of an unknown kind",
            f"{one}/facilities",
            {"kind": "garden", "description": "x", "recorded_on": "2021-05-01", "evidence": "x"},
            422,
            "validation",
            "kind",
        ),
        Bad(
            "facility without evidence",
            f"{one}/facilities",
            {"kind": "barrier_free", "description": "坡道", "recorded_on": "2021-05-01"},
            422,
            "validation",
            "evidence",
        ),
        Bad(
            "facility before establishment",
            f"{one}/facilities",
            {
                "kind": "rules_on_wall",
                "description": "x",
                "recorded_on": "2020-05-01",
                "evidence": "x",
            },
            422,
            "invalid-value",
            "recorded_on",
        ),
        Bad(
            "withdrawal before it was recorded",
            f"{one}/facilities/{w['facility']}/withdrawal",
            {"withdrawn_on": "2021-04-01", "reason": "x"},
            422,
            "invalid-value",
            "withdrawn_on",
        ),
        Bad(
            "withdrawal of an unknown facility",
            f"{one}/facilities/{UNKNOWN}/withdrawal",
            {"withdrawn_on": "2022-04-01", "reason": "x"},
            404,
            "not-found",
            "facility_id",
        ),
    ]


def refused_full_time_members_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: full-time members."""
    officer, full, chair, select = v["officer"], v["full"], v["chair"], v["select"]
    return [
        # full-time members
        Bad(
            "selection of a chair",
            f"{chair}/full-time-selection",
            select,
            409,
            "invariant-violated",
            "officer_id",
        ),
        Bad(
            "selection of a full-time member",
            f"{full}/full-time-selection",
            select,
            409,
            "invariant-violated",
            "officer_id",
        ),
        Bad(
            "selection by an unknown method",
            f"{officer}/full-time-selection",
            {**select, "method": "lottery"},
            422,
            "validation",
            "method",
        ),
        Bad(
            "selection as unrecorded",
            f"{officer}/full-time-selection",
            {**select, "method": "unrecorded"},
            422,
            "validation",
            "method",
        ),
        Bad(
            "selection with an unknown priority",
            f"{officer}/full-time-selection",
            {**select, "priority_group": "cousin"},
            422,
            "validation",
            "priority_group",
        ),
    ]


def refused_full_time_members_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: full-time members."""
    w, one, officer, full, select = v["w"], v["one"], v["officer"], v["full"], v["select"]
    return [
        Bad(
            "selection before the appointment",
            f"{officer}/full-time-selection",
            {**select, "selected_on": "2021-03-15"},
            422,
            "invalid-value",
            "selected_on",
        ),
        Bad(
            "selection of a former officer",
            f"{one}/officers/{w['former']}/full-time-selection",
            select,
            409,
            "invariant-violated",
            "officer_id",
        ),
        Bad(
            "selection of an unknown officer",
            f"{one}/officers/{UNKNOWN}/full-time-selection",
            select,
            404,
            "not-found",
            "officer_id",
        ),
        Bad(
            "pay of a member who is not full-time",
            f"{officer}/full-time-pay",
            {"kind": "subsidy", "monthly_amount": "500", "from_on": "2021-05-01"},
            409,
            "invariant-violated",
            "officer_id",
        ),
        Bad(
            "negative pay",
            f"{full}/full-time-pay",
            {"kind": "subsidy", "monthly_amount": "-1", "from_on": "2021-05-01"},
            422,
            "validation",
            "monthly_amount",
        ),
        Bad(
            "pay as a string of letters",
            f"{full}/full-time-pay",
            {"kind": "subsidy", "monthly_amount": "abc", "from_on": "2021-05-01"},
            422,
            "validation",
            "monthly_amount",
        ),
    ]


def refused_full_time_members_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: full-time members."""
    officer, full = v["officer"], v["full"]
    return [
        Bad(
            "pay of an unknown kind",
            f"{full}/full-time-pay",
            {"kind": "salary", "monthly_amount": "500", "from_on": "2021-05-01"},
            422,
            "validation",
            "kind",
        ),
        Bad(
            "pay before the selection",
            f"{full}/full-time-pay",
            {"kind": "subsidy", "monthly_amount": "500", "from_on": "2021-03-01"},
            422,
            "invalid-value",
            "from_on",
        ),
        Bad(
            "exit without reason",
            f"{full}/full-time-exit",
            {"exited_on": "2022-01-01"},
            422,
            "validation",
            "reason",
        ),
        Bad(
            "exit before the selection",
            f"{full}/full-time-exit",
            {"exited_on": "2021-03-01", "reason": "x"},
            422,
            "invalid-value",
            "exited_on",
        ),
        Bad(
            "exit of a member who is not full-time",
            f"{officer}/full-time-exit",
            {"exited_on": "2022-01-01", "reason": "x"},
            409,
            "invariant-violated",
            "officer_id",
        ),
    ]


def refused_training_1(v: dict[str, Any]) -> list[Bad]:
    """Refusals: training."""
    session = v["session"]
    return [
        # training
        Bad(
            "session with no hours",
            f"/districts/{D}/training-sessions",
            {**session, "hours": 0},
            422,
            "validation",
            "hours",
        ),
        Bad(
            "session of an unknown mode",
            f"/districts/{D}/training-sessions",
            {**session, "mode": "radio"},
            422,
            "validation",
            "mode",
        ),
        Bad(
            "session in the future",
            f"/districts/{D}/training-sessions",
            {**session, "held_on": "2999-01-01"},
            422,
            "invalid-value",
            "held_on",
        ),
        Bad(
            "session of a township of another district",
            f"/districts/{D}/training-sessions",
            {**session, "township_code": f"{OTHER}001"},
            422,
            "invalid-value",
            "township_code",
        ),
        Bad(
            "session of an unregistered township",
            f"/districts/{D}/training-sessions",
            {**session, "township_code": f"{D}098"},
            422,
            "invalid-value",
            "township_code",
        ),
    ]


def refused_training_2(v: dict[str, Any]) -> list[Bad]:
    """Refusals: training."""
    w, one, chair = v["w"], v["one"], v["chair"]
    return [
        Bad(
            "attendance at an unknown session",
            f"{one}/training-attendance",
            {"session_id": UNKNOWN, "officer_id": w["chair"]},
            404,
            "not-found",
            "session_id",
        ),
        Bad(
            "attendance at another township's session",
            f"{one}/training-attendance",
            {"session_id": w["elsewhere"], "officer_id": w["chair"]},
            422,
            "invalid-value",
            "session_id",
        ),
        Bad(
            "attendance recorded twice",
            f"{one}/training-attendance",
            {"session_id": w["session"], "officer_id": w["chair"]},
            409,
            "conflict",
            "officer_id",
        ),
        Bad(
            "attendance of someone no officer",
            f"{one}/training-attendance",
            {"session_id": w["session"], "officer_id": UNKNOWN},
            404,
            "not-found",
            "officer_id",
        ),
        Bad(
            "attendance longer than the session",
            f"{one}/training-attendance",
            {"session_id": w["session"], "officer_id": w["member"], "hours": 5},
            422,
            "invalid-value",
            "hours",
        ),
        Bad(
            "qualification of an unknown kind",
            f"{chair}/qualifications",
            {"kind": "driving_licence", "title": "x", "obtained_on": "2021-01-01"},
            422,
            "validation",
            "kind",
        ),
    ]


def refused_training_3(v: dict[str, Any]) -> list[Bad]:
    """Refusals: training."""
    one, chair = v["one"], v["chair"]
    return [
        Bad(
            "qualification in the future",
            f"{chair}/qualifications",
            {"kind": "social_worker", "title": "社会工作师", "obtained_on": "2999-01-01"},
            422,
            "invalid-value",
            "obtained_on",
        ),
        Bad(
            "qualification of an unknown officer",
            f"{one}/officers/{UNKNOWN}/qualifications",
            {"kind": "social_worker", "title": "社会工作师", "obtained_on": "2021-01-01"},
            404,
            "not-found",
            "officer_id",
        ),
    ]


def cases(w: dict[str, Any]) -> list[Bad]:
    """The catalogue of refusals."""
    v = case_values(w)
    return [
        *refused_divisions_1(v),
        *refused_divisions_2(v),
        *refused_divisions_3(v),
        *refused_divisions_4(v),
        *refused_lifecycle_1(v),
        *refused_lifecycle_2(v),
        *refused_lifecycle_3(v),
        *refused_facilities_1(v),
        *refused_full_time_members_1(v),
        *refused_full_time_members_2(v),
        *refused_full_time_members_3(v),
        *refused_training_1(v),
        *refused_training_2(v),
        *refused_training_3(v),
    ]


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
