"""A year of one township entered through the HTTP API of the hosted deployment (a real server,
PostgreSQL, RabbitMQ and a Celery worker), and every fact read back from the read models.

林山寨街道 (410102001) of 中原区: its villages imported, associations established, officers, a
full-time member's selection, pay and exit, a re-election, facilities and wall publicity,
training and qualifications, a merger of associations followed by a merger of their villages,
a split and a renaming; a roster with a group, a needs survey met by a service, a home visit,
an evaluation, and a person's move to another district (惠济区).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from service.divisions.city_data import TOWNSHIPS, city_file, city_rows
from tests.client import Client
from tests.processes import run_canxie
from tests.roster.samples import person_body

D, T = "410102", "410102001"
VILLAGES_CSV = """code,name,effective_on
410102001001,友谊社区,2020-01-01
410102001002,百花社区,2020-01-01
410102001003,工人新村社区,2020-01-01
410102001004,伏牛路社区,2020-01-01
410102001201,柿园村,2020-01-01
"""


def ok(response: requests.Response, status: int = 200) -> Any:
    """The JSON of a successful answer."""
    assert response.status_code == status, response.text
    return response.json()


@pytest.mark.hosted
@dataclass
class Entered:
    """What the year's entries created: the ids the read-back checks against."""

    ids: dict[str, str]
    chair: str
    liu: str
    chen: str
    liu_membership: str
    chen_membership: str
    township_session: str
    district_session: str
    qualification: str
    term: dict[str, Any]


def import_divisions(api: Client, base: str) -> None:
    """The city's townships, then the township's villages; a second import changes nothing."""
    # Divisions: the real townships from the city file, the township's villages from CSV.
    townships = city_file(TOWNSHIPS)
    imported = ok(
        api.post(f"{base}/divisions/import", {"csv": townships, "effective_on": "2020-01-01"})
    )
    assert imported["created"] >= 1 and imported["unchanged"] == 0
    villages = ok(api.post(f"{base}/divisions/import", {"csv": VILLAGES_CSV}))
    assert villages["created"] == 5
    again = ok(api.post(f"{base}/divisions/import", {"csv": VILLAGES_CSV}))
    assert again["created"] == 0 and again["unchanged"] == 5


def establish_associations(api: Client, base: str) -> dict[str, str]:
    """Associations of four villages by village suffix; one outside the register is refused."""
    # Associations of four villages; one outside the register is refused.
    ids: dict[str, str] = {}
    for code, established in (
        ("001", "2021-01-15"),
        ("002", "2021-01-20"),
        ("003", "2021-02-01"),
        ("201", "2021-02-10"),
    ):
        ids[code] = ok(api.create_association(D, f"{T}{code}", established_on=established), 201)[
            "id"
        ]
    refused = api.create_association(D, f"{T}099")
    assert refused.status_code == 422 and refused.json()["field"] == "division_code"
    return ids


def appoint_first_officers(api: Client, base: str, ids: dict[str, str]) -> tuple[str, str, str]:
    """The first committee of 友谊社区: returns the chair, 刘洋 and 陈静."""

    def appoint(association: str, role: str, name: str, on: str, **extra: Any) -> str:
        body = {"name": name, "role": role, "appointed_on": on, **extra}
        return str(
            ok(api.post(f"{base}/associations/{association}/officers", body), 201)["officer_id"]
        )

    chair = appoint(ids["001"], "chair", "王建国", "2021-01-15", backgrounds=["two_committees"])
    appoint(ids["001"], "vice_chair", "李秀英", "2021-01-15", backgrounds=["disabled"])
    appoint(ids["001"], "vice_chair", "赵敏", "2021-01-15", backgrounds=["relative"])
    liu = appoint(ids["001"], "committee_member", "刘洋", "2021-01-15", backgrounds=["disabled"])
    chen = appoint(ids["001"], "committee_member", "陈静", "2021-01-15", backgrounds=["relative"])
    appoint(ids["001"], "committee_member", "杨帆", "2021-01-15", backgrounds=["volunteer"])
    return chair, liu, chen


def select_full_time_members(api: Client, one: str, liu: str, chen: str) -> tuple[str, str]:
    """Returns the memberships of 刘洋 (selected, paid, exits) and 陈静 (selected after him)."""
    # S3.6: 刘洋 selected full-time, paid, pay changed, exits; 陈静 selected after him.
    liu_membership = ok(
        api.post(
            f"{one}/officers/{liu}/full-time-selection",
            {
                "method": "open_recruitment",
                "priority_group": "disabled",
                "selected_on": "2021-02-01",
                "note": "公开招聘，残疾人优先",
            },
        ),
        201,
    )["id"]
    ok(
        api.post(
            f"{one}/officers/{liu}/full-time-pay",
            {"kind": "public_welfare_post", "monthly_amount": "1500", "from_on": "2021-02-01"},
        )
    )
    ok(
        api.post(
            f"{one}/officers/{liu}/full-time-pay",
            {"kind": "public_welfare_post", "monthly_amount": "1650.50", "from_on": "2021-07-01"},
        )
    )
    ok(
        api.post(
            f"{one}/officers/{liu}/full-time-exit",
            {"exited_on": "2021-09-30", "reason": "外出务工"},
        )
    )
    chen_membership = ok(
        api.post(
            f"{one}/officers/{chen}/full-time-selection",
            {"method": "recommendation", "priority_group": "relative", "selected_on": "2021-10-08"},
        ),
        201,
    )["id"]
    ok(
        api.post(
            f"{one}/officers/{chen}/full-time-pay",
            {"kind": "subsidy", "monthly_amount": "800", "from_on": "2021-10-08"},
        )
    )
    return liu_membership, chen_membership


def record_facilities(api: Client, one: str) -> None:
    """The venue, barrier-free access (withdrawn in November) and the wall publicity."""
    # S3.4, S3.5: venue, barrier-free facilities, duties and rules on the wall.
    facilities = {}
    for kind, description, on in (
        ("service_venue", "社区党群服务中心一楼残协活动室", "2021-03-01"),
        ("barrier_free", "入口坡道与扶手", "2021-04-15"),
        ("duties_on_wall", "残协职责上墙公示", "2021-03-05"),
        ("rules_on_wall", "入户走访、需求调查制度上墙", "2021-03-05"),
    ):
        facilities[kind] = ok(
            api.post(
                f"{one}/facilities",
                {
                    "kind": kind,
                    "description": description,
                    "recorded_on": on,
                    "evidence": f"{kind} 照片存档",
                },
            ),
            201,
        )["id"]
    ok(
        api.post(
            f"{one}/facilities/{facilities['barrier_free']}/withdrawal",
            {"withdrawn_on": "2021-11-01", "reason": "活动室搬迁改造"},
        )
    )


def train_officers(
    api: Client, base: str, one: str, chair: str, liu: str, chen: str
) -> tuple[str, str]:
    """Returns the township session (offline) and the district one (online), both attended."""
    # S3.7: a township session offline, a district session online; attendance; qualification.
    township_session = ok(
        api.post(
            f"{base}/training-sessions",
            {
                "topic": "残协工作职责与入户走访",
                "mode": "offline",
                "hours": 4,
                "held_on": "2021-03-20",
                "organiser": "林山寨街道残联",
                "township_code": T,
            },
        ),
        201,
    )["id"]
    district_session = ok(
        api.post(
            f"{base}/training-sessions",
            {
                "topic": "残疾人需求动态更新调查",
                "mode": "online",
                "hours": 2.5,
                "held_on": "2021-06-10",
                "organiser": "中原区残联",
            },
        ),
        201,
    )["id"]
    for officer in (chair, liu):
        ok(
            api.post(
                f"{one}/training-attendance",
                {"session_id": township_session, "officer_id": officer},
            )
        )
    ok(
        api.post(
            f"{one}/training-attendance",
            {"session_id": district_session, "officer_id": chen, "hours": 2},
        )
    )
    return township_session, district_session


def qualify(api: Client, one: str, chen: str) -> str:
    """陈静's social work qualification; returns its id."""
    qualification = ok(
        api.post(
            f"{one}/officers/{chen}/qualifications",
            {
                "kind": "assistant_social_worker",
                "title": "助理社会工作师",
                "obtained_on": "2021-11-20",
                "issuer": "人力资源和社会保障部",
                "evidence": "证书复印件",
            },
        ),
        201,
    )["id"]
    return qualification


def reelect(api: Client, one: str, chair: str, chen: str) -> dict[str, Any]:
    """The re-election; returns the new term."""
    # 换届 on 2021-12-20: the chair and 陈静 continue, a new vice-chair and member come in.
    term = ok(
        api.post(
            f"{one}/terms",
            {
                "started_on": "2021-12-20",
                "ends_on": "2026-12-19",
                "officers": [
                    {"name": "王建国", "role": "chair", "continuing": chair},
                    {"name": "孙丽", "role": "vice_chair", "backgrounds": ["disabled"]},
                    {"name": "陈静", "role": "committee_member", "continuing": chen},
                    {"name": "周强", "role": "committee_member", "backgrounds": ["grid_worker"]},
                ],
            },
        ),
        201,
    )
    assert term["officer_ids"][0] == chair and term["officer_ids"][2] == chen
    return term


def merge_split_and_rename(api: Client, base: str, ids: dict[str, str]) -> int:
    """Associations merged, villages merged, split and renamed; returns the last position."""
    # 工人新村's association merges into 百花's; then the villages merge into a new community.
    ok(
        api.post(
            f"{base}/associations/{ids['003']}/merger",
            {"into_association_id": ids["002"], "merged_on": "2021-12-01", "reason": "两社区合并"},
        )
    )
    ok(
        api.post(
            f"{base}/divisions/merger",
            {
                "sources": [f"{T}002", f"{T}003"],
                "into_code": f"{T}005",
                "into_name": "百花新村社区",
                "effective_on": "2021-12-15",
            },
        )
    )
    # 柿园村 splits; its association follows the part keeping the old code.
    ok(
        api.post(
            f"{base}/divisions/{T}201/split",
            {
                "parts": [
                    {"code": f"{T}201", "name": "柿园村"},
                    {"code": f"{T}202", "name": "柿园东村"},
                ],
                "effective_on": "2021-12-25",
            },
        )
    )
    last = ok(
        api.post(
            f"{base}/divisions/{T}004/renaming",
            {"name": "伏牛路第一社区", "effective_on": "2021-12-28"},
        )
    )["position"]
    return last


def assert_the_lifecycle_record(api: Client, one: str, last: int, e: Entered) -> None:
    """The lifecycle: terms, facilities, full-time members, qualifications, training."""
    chair, liu, chen, term = e.chair, e.liu, e.chen, e.term
    liu_membership, chen_membership = e.liu_membership, e.chen_membership
    qualification = e.qualification
    township_session, district_session = e.township_session, e.district_session
    record = ok(api.get(f"{one}/lifecycle", min_position=last))
    assert record["status"] == "active" and record["term"] == 2
    assert [(t["term"], t["started_on"], t["ends_on"]) for t in record["terms"]] == [
        (1, "2021-01-15", None),
        (2, "2021-12-20", "2026-12-19"),
    ]
    assert record["terms"][1]["continuing_officer_ids"] == [chair, chen]
    assert set(record["terms"][1]["officer_ids"]) == set(term["officer_ids"])
    assert len(record["terms"][1]["ended_officer_ids"]) == 4  # two vice-chairs, 刘洋, 杨帆
    by_kind = {f["kind"]: f for f in record["facilities"]}
    assert by_kind["service_venue"]["recorded_on"] == "2021-03-01"
    assert by_kind["service_venue"]["evidence"] == "service_venue 照片存档"
    assert by_kind["barrier_free"]["withdrawn_on"] == "2021-11-01"
    assert by_kind["duties_on_wall"]["withdrawn_on"] is None
    assert by_kind["rules_on_wall"]["description"] == "入户走访、需求调查制度上墙"
    members = {m["membership_id"]: m for m in record["full_time_members"]}
    liu_row, chen_row = members[liu_membership], members[chen_membership]
    assert (liu_row["officer_id"], liu_row["method"], liu_row["priority_group"]) == (
        liu,
        "open_recruitment",
        "disabled",
    )
    assert [p["monthly_amount"] for p in liu_row["pay_history"]] == ["1500.00", "1650.50"]
    assert (liu_row["exited_on"], liu_row["exit_reason"], liu_row["current"]) == (
        "2021-09-30",
        "外出务工",
        False,
    )
    assert (chen_row["pay_kind"], chen_row["monthly_amount"], chen_row["current"]) == (
        "subsidy",
        "800.00",
        True,
    )
    assert record["qualifications"][0]["qualification_id"] == qualification
    assert record["qualifications"][0]["title"] == "助理社会工作师"
    attended = {(t["session_id"], t["name"]): t for t in record["training"]}
    assert attended[(township_session, "刘洋")]["hours"] == 4.0
    assert attended[(district_session, "陈静")]["hours"] == 2.0
    assert attended[(district_session, "陈静")]["mode"] == "online"


def assert_officers_now_and_before(api: Client, one: str, e: Entered) -> None:
    """The full-time list, who sits now and who sat before the re-election."""
    liu, chen = e.liu, e.chen
    listed = ok(api.get(f"{one}/full-time-members"))["items"]
    assert [m["officer_id"] for m in listed] == [liu, chen]

    detail = ok(api.get(one))
    sitting = {o["name"]: o for o in detail["officers"]}
    assert set(sitting) == {"王建国", "孙丽", "陈静", "周强"}
    assert sitting["陈静"]["full_time"] is True
    history = {o["name"]: o for o in detail["officer_history"]}
    assert history["刘洋"]["removed_on"] == "2021-12-20"
    assert history["刘洋"]["full_time"] is False


def assert_mergers_and_divisions(api: Client, base: str, ids: dict[str, str]) -> None:
    """Merged and absorbing associations; the villages merged, split and renamed."""
    merged = ok(api.get(f"{base}/associations/{ids['003']}/lifecycle"))
    assert (merged["status"], merged["merged_into"], merged["ended_on"]) == (
        "merged",
        ids["002"],
        "2021-12-01",
    )
    absorbing = ok(api.get(f"{base}/associations/{ids['002']}/lifecycle"))
    assert absorbing["absorbed"] == [{"from_association_id": ids["003"], "merged_on": "2021-12-01"}]
    moved = ok(api.get(f"{base}/associations/{ids['002']}"))
    assert moved["division_code"] == f"{T}005"

    new_village = ok(api.get(f"{base}/divisions/{T}005"))
    assert new_village["name"] == "百花新村社区" and new_village["valid_from"] == "2021-12-15"
    assert new_village["association"]["id"] == ids["002"]
    assert new_village["history"][0]["detail"]["associations"] == {ids["002"]: f"{T}005"}
    old_village = ok(api.get(f"{base}/divisions/{T}003"))
    assert (old_village["active"], old_village["successors"]) == (False, [f"{T}005"])
    split = ok(api.get(f"{base}/divisions/{T}201"))
    assert split["active"] and split["successors"] == [f"{T}201", f"{T}202"]
    assert split["association"]["id"] == ids["201"]
    renamed = ok(api.get(f"{base}/divisions/{T}004"))
    assert renamed["name"] == "伏牛路第一社区"
    assert renamed["history"][-1]["detail"]["previous_name"] == "伏牛路社区"
    listing = ok(api.get(f"{base}/divisions", township_code=T, level="village"))
    assert [d["code"] for d in listing["items"]] == [
        f"{T}001",
        f"{T}004",
        f"{T}005",
        f"{T}201",
        f"{T}202",
    ]
    everything = ok(api.get(f"{base}/divisions", township_code=T, include_ended="true"))
    assert everything["total"] == 7


def assert_training_sessions(api: Client, base: str, e: Entered) -> None:
    """A session with its attendees; the district's sessions listed."""
    township_session, district_session = e.township_session, e.district_session
    session = ok(api.get(f"{base}/training-sessions/{township_session}"))
    assert (session["mode"], session["hours"], session["organiser"]) == (
        "offline",
        4.0,
        "林山寨街道残联",
    )
    assert {a["name"] for a in session["attendees"]} == {"王建国", "刘洋"}
    sessions = ok(api.get(f"{base}/training-sessions"))
    assert [s["session_id"] for s in sessions["items"]] == [district_session, township_session]


def group_and_serve(api: Client, base: str, one: str) -> tuple[str, list[str]]:
    """Three people of 友谊社区 in a group; a need met by a service.

    Returns the roster path and the people.
    """
    roster, village = f"{base}/persons", f"{T}001"
    people = [ok(api.post(roster, person_body(village, n)), 201)["id"] for n in (31, 32, 33)]
    group = ok(
        api.post(
            f"{one}/groups",
            {"name": "友谊小组", "basis": "area", "area": "全社区", "formed_on": "2021-06-01"},
        ),
        201,
    )["id"]
    for person in people:
        ok(
            api.post(
                f"{one}/groups/{group}/members", {"person_id": person, "joined_on": "2021-06-01"}
            ),
            201,
        )
    survey = ok(
        api.post(
            f"{one}/persons/{people[0]}/surveys",
            {
                "surveyed_on": "2021-07-01",
                "surveyor": "陈静",
                "services_received": [],
                "needs": [{"category": "assistive_devices", "description": "轮椅"}],
            },
        ),
        201,
    )
    wheelchair = survey["need_ids"][0]
    ok(
        api.post(
            f"{one}/persons/{people[0]}/needs/{wheelchair}/services",
            {
                "delivered_on": "2021-08-01",
                "provider": "区残联辅具中心",
                "description": "适配轮椅一台",
            },
        ),
        201,
    )
    return roster, people


def visit_the_household(api: Client, one: str, person: str, chair: str) -> str:
    """The chair's home visit to the first person's household; returns the visit id."""
    return str(
        ok(
            api.post(
                f"{one}/visits",
                {
                    "household_id": "H-31",
                    "household_kind": "ordinary",
                    "person_ids": [person],
                    "visited_on": "2021-08-15",
                    "visitor_officer_id": chair,
                    "mode": "on_site",
                    "findings": "轮椅使用良好",
                },
            ),
            201,
        )["id"]
    )


def evaluate_the_association(api: Client, base: str, one: str) -> None:
    """A scheme and the 2021 evaluation."""
    ok(
        api.post(
            f"{base}/evaluation-schemes",
            {
                "effective_from": "2021-01-01",
                "performance_weight": 60,
                "criteria": [
                    {"key": "organisation", "name": "组织建设", "weight": 50, "max_score": 10},
                    {"key": "services", "name": "服务成效", "weight": 50, "max_score": 10},
                ],
            },
        ),
        201,
    )
    ok(
        api.post(
            f"{one}/evaluations",
            {
                "cycle": 2021,
                "evaluated_on": "2021-12-28",
                "evaluator": "中原区残联",
                "scores": {"organisation": 9, "services": 8},
            },
        ),
        201,
    )


def move_away(api: Client, roster: str, person: str) -> dict[str, Any]:
    """The third person moves to 惠济区; returns the completed transfer."""
    ok(api.create_district("410108", "惠济区"), 201)
    moved = ok(
        api.post(
            f"{roster}/{person}/transfer-out",
            {
                "to_district": "410108",
                "village_code": "410108001001",
                "address": "淮河路8号",
                "effective_on": "2021-12-30",
            },
        )
    )
    assert moved["state"] == "completed"
    return moved


def assert_the_care_work(
    api: Client, base: str, one: str, people: list[str], visit: str, moved: dict[str, Any]
) -> None:
    """The village's roster after the move, the person received, group, need, visit, evaluation."""
    roster, village = f"{base}/persons", f"{T}001"
    mine = ok(api.get(roster, village_code=village, min_position=moved["position"]))
    statuses = {p["id"]: p["status"] for p in mine["items"]}
    assert statuses == {people[0]: "active", people[1]: "active", people[2]: "transferred_out"}
    received = ok(api.get(f"/districts/410108/persons/{moved['received_as']}", min_position=1))
    assert (received["status"], received["origin"], received["village_code"]) == (
        "active",
        D,
        "410108001001",
    )
    groups = ok(api.get(f"{one}/groups", on="2021-07-01"))["items"]
    assert {m["person_id"] for m in groups[0]["members"]} == set(people)
    needs = ok(api.get(f"{one}/persons/{people[0]}/needs"))
    assert [(n["category"], n["status"]) for n in needs["needs"]] == [("assistive_devices", "met")]
    assert ok(api.get(f"{one}/visits/{visit}"))["visitor_name"] == "王建国"
    evaluations = ok(api.get(f"{one}/evaluations", cycle=2021))["items"]
    assert [e["total"] for e in evaluations] == [85.0]  # 50*0.9 + 50*0.8


def assert_another_township_sees_only_the_district(
    api: Client, base: str, one: str, district_session: str
) -> None:
    """A township officer of another township sees the district's session, not this one's."""
    # A township officer of another township sees the district's session, not this one's.
    other = ok(
        api.post(
            "/users",
            {
                "name": "建设路街道 李强",
                "role": "township_officer",
                "district": D,
                "township": f"{D}002",
            },
        ),
        201,
    )
    narrow = Client(api.base, other["token"]["token"])
    seen = ok(narrow.get(f"{base}/training-sessions"))
    assert [s["session_id"] for s in seen["items"]] == [district_session]
    assert ok(narrow.get(f"{base}/divisions", level="village"))["total"] == 0
    assert narrow.get(f"{one}/lifecycle").status_code == 404


def test_a_year_of_one_township_is_entered_and_read_back(hosted_api: Client) -> None:
    api = hosted_api
    ok(api.create_district(D, "中原区"), 201)
    base = f"/districts/{D}"
    import_divisions(api, base)
    ids = establish_associations(api, base)
    one = f"{base}/associations/{ids['001']}"
    chair, liu, chen = appoint_first_officers(api, base, ids)
    liu_membership, chen_membership = select_full_time_members(api, one, liu, chen)
    record_facilities(api, one)
    township_session, district_session = train_officers(api, base, one, chair, liu, chen)
    qualification = qualify(api, one, chen)
    term = reelect(api, one, chair, chen)
    last = merge_split_and_rename(api, base, ids)
    entered = Entered(
        ids,
        chair,
        liu,
        chen,
        liu_membership,
        chen_membership,
        township_session,
        district_session,
        qualification,
        term,
    )

    # -- read every fact back ------------------------------------------------------------
    assert_the_lifecycle_record(api, one, last, entered)
    assert_officers_now_and_before(api, one, entered)
    assert_mergers_and_divisions(api, base, ids)
    assert_training_sessions(api, base, entered)

    # -- the roster and the care work of 友谊社区 (S3.3, S3.5, S3.6), and a move away ------
    roster, people = group_and_serve(api, base, one)
    visit = visit_the_household(api, one, people[0], chair)
    evaluate_the_association(api, base, one)
    moved = move_away(api, roster, people[2])
    assert_the_care_work(api, base, one, people, visit, moved)
    assert_another_township_sees_only_the_district(api, base, one, district_session)


def test_divisions_import_command_reads_the_city_file(tmp_path: Path) -> None:
    env = {
        "CANXIE_DATABASE_URL": "",
        "CANXIE_BROKER_URL": "",
        "CANXIE_BOOTSTRAP_TOKEN": "",
        "CANXIE_DATA_DIR": str(tmp_path / "store"),
        "PATH": "/usr/bin:/bin",
    }

    def canxie(*args: str) -> subprocess.CompletedProcess[str]:
        return run_canxie(*args, env=env, inherit=False)

    assert canxie("districts", "add", D, "中原区").returncode == 0
    mine = [row for row in city_rows(TOWNSHIPS) if row["district_code"] == D]
    others = len(city_rows(TOWNSHIPS)) - len(mine)
    # No file: the city's township file shipped with the package.
    first = canxie("divisions", "import", D, "--effective-on", "2020-01-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        f"{D}: {len(mine)} created, 0 unchanged, {others} rows of other districts skipped"
    )
    second = canxie("divisions", "import", D, "--city")
    assert second.returncode == 0, second.stderr
    assert f" 0 created, {len(mine)} unchanged" in second.stdout
    listed = canxie("divisions", "list", D)
    assert f"{T}\ttownship\tstreet\t林山寨街道" in listed.stdout
    # A file of one's own is still accepted; not both at once.
    village = tmp_path / "villages.csv"
    village.write_text("code,name\n410102001201,柿园村\n")
    both = canxie("divisions", "import", D, str(village), "--city")
    assert both.returncode == 2 and "not both" in both.stderr
    assert "柿园村" not in canxie("divisions", "list", D).stdout
    third = canxie("divisions", "import", D, str(village))
    assert third.returncode == 0 and " 1 created" in third.stdout, third.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n410102001202,枣园村\n41010200120,短\n410102999001,无乡\n")
    refused = canxie("divisions", "import", D, str(bad))
    assert refused.returncode != 0
    assert "line 3" in refused.stderr and "line 4" in refused.stderr
    assert "枣园村" not in canxie("divisions", "list", D).stdout
