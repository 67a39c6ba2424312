"""A demo district with a few villages and every kind of record, their histories too.

The tests (replay, rebuilds) and the old store of ``tests/stores/v0`` are built from it; a
newcomer's ``canxie serve --demo`` loads the city of :mod:`service.synthetic.demo_city`.
Written through the same domain code as the API; loading twice changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from aggregates.association.association import Background, OfficerRole
from aggregates.provenance import Provenance
from projections.platform.tenancy import Tenancy
from service.association.demo import load_demo_divisions, load_demo_lifecycle
from service.care.demo import load_demo_care
from service.roster.demo import load_demo_roster

DEMO_DISTRICT = ("410102", "中原区")
DEMO_ACTOR = Provenance(actor="demo", role="system", organisation="canxie", request_id="demo")

#: (village code, township code, association name, established) — real township codes.
VILLAGES = [
    ("410102001001", "410102001", "林山寨街道友谊社区残协", date(2021, 3, 15)),
    ("410102001002", "410102001", "林山寨街道百花社区残协", date(2021, 5, 10)),
    ("410102002001", "410102002", "建设路街道西里社区残协", date(2021, 4, 1)),
    ("410102100201", "410102100", "须水镇白寨村残协", date(2021, 6, 20)),
]

#: (name, role, full_time, backgrounds) per village, in appointment order.
OFFICERS: dict[str, list[tuple[str, OfficerRole, bool, list[Background]]]] = {
    "410102001001": [
        ("王建国", OfficerRole.CHAIR, False, [Background.TWO_COMMITTEES, Background.PARTY_MEMBER]),
        ("李秀英", OfficerRole.VICE_CHAIR, False, [Background.DISABLED]),
        ("赵敏", OfficerRole.VICE_CHAIR, False, [Background.RELATIVE]),
        ("刘洋", OfficerRole.COMMITTEE_MEMBER, True, [Background.DISABLED]),
        ("陈静", OfficerRole.COMMITTEE_MEMBER, False, [Background.GRID_WORKER]),
        ("杨帆", OfficerRole.COMMITTEE_MEMBER, False, [Background.VOLUNTEER]),
    ],
    "410102001002": [
        ("周丽", OfficerRole.CHAIR, False, [Background.TWO_COMMITTEES]),
        ("吴强", OfficerRole.VICE_CHAIR, False, [Background.DISABLED]),
        ("郑红", OfficerRole.COMMITTEE_MEMBER, False, [Background.RELATIVE]),
    ],
    "410102002001": [
        ("孙伟", OfficerRole.CHAIR, False, [Background.TWO_COMMITTEES]),
        ("马丽", OfficerRole.VICE_CHAIR, False, [Background.HELPER]),
        ("胡军", OfficerRole.VICE_CHAIR, False, [Background.DISABLED]),
        ("朱琳", OfficerRole.COMMITTEE_MEMBER, True, [Background.RELATIVE]),
    ],
    "410102100201": [
        ("高峰", OfficerRole.CHAIR, False, [Background.TWO_COMMITTEES, Background.GROUP_LEADER]),
    ],
}


def load_demo(tenancy: Tenancy) -> bool:
    """Create the demo district and its records; False if it was there already."""
    code, name = DEMO_DISTRICT
    if tenancy.catalog.find(code) is not None:
        return False
    tenancy.create_district(code, name, DEMO_ACTOR)
    records = tenancy.records(code)
    load_demo_divisions(records, DEMO_ACTOR)
    associations = {}
    for division_code, township_code, association_name, established_on in VILLAGES:
        saved = records.establish_association(
            division_code=division_code,
            name=association_name,
            township_code=township_code,
            established_on=established_on,
            by=DEMO_ACTOR,
        )
        assert saved.id is not None
        associations[division_code] = saved.id
        for index, (person, role, full_time, backgrounds) in enumerate(OFFICERS[division_code]):
            appointed = records.appoint_officer(
                saved.id,
                name=person,
                role=role,
                full_time=full_time,
                backgrounds=backgrounds,
                appointed_on=established_on + timedelta(days=index),
                by=DEMO_ACTOR,
            )
            if division_code == "410102001002" and index == 2:
                # 能进能出: one committee member left, so the history shows an exit.
                assert appointed.id is not None
                records.remove_officer(
                    saved.id,
                    appointed.id,
                    removed_on=date(2022, 1, 10),
                    reason="迁出本社区 (moved away)",
                    by=DEMO_ACTOR,
                )
    load_demo_lifecycle(records, DEMO_ACTOR)
    living = load_demo_roster(records, DEMO_ACTOR)
    village = "410102001001"
    load_demo_care(records, DEMO_ACTOR, associations[village], living[village])
    return True
