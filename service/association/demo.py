"""Demo records of divisions, lifecycle, facilities, full-time members and training (S3.4-S3.7).

Called by :func:`service.cli.demo.load_demo`: the division register goes in before the demo's
associations (they need registered villages), the rest after their officers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from aggregates.association.association import (
    Association,
    Background,
    FacilityKind,
    NewOfficer,
    OfficerRole,
    PayKind,
    QualificationKind,
    division_claim_id,
)
from aggregates.association.commands import DivisionRow
from aggregates.association.training import TrainingMode
from aggregates.provenance import Provenance

#: 中原区's township-level units (national division codes, 2023), and 须水镇 as the demo's
#: villages knew it before it became 须水街道.
TOWNSHIPS = [
    ("410102001", "林山寨街道"),
    ("410102002", "建设路街道"),
    ("410102003", "棉纺路街道"),
    ("410102004", "秦岭路街道"),
    ("410102005", "桐柏路街道"),
    ("410102006", "三官庙街道"),
    ("410102007", "绿东村街道"),
    ("410102008", "汝河路街道"),
    ("410102009", "航海西路街道"),
    ("410102010", "中原西路街道"),
    ("410102011", "西流湖街道"),
    ("410102012", "须水街道"),
    ("410102013", "莲湖街道"),
    ("410102014", "柳湖街道"),
    ("410102100", "须水镇"),
]
VILLAGES = [
    ("410102001001", "友谊社区"),
    ("410102001002", "百花社区"),
    ("410102001003", "工人新村社区"),
    ("410102002001", "西里社区"),
    ("410102002002", "东里社区"),
    ("410102100201", "白寨村"),
]


def load_demo_divisions(records: Any, by: Provenance) -> None:
    """The district's townships and the demo's villages."""
    rows = [
        DivisionRow(line=n, code=code, name=name, effective_on=date(2020, 1, 1))
        for n, (code, name) in enumerate(TOWNSHIPS + VILLAGES, start=2)
    ]
    records.import_divisions(rows, by=by)
    records.rename_division(
        "410102001003", name="工人新村第一社区", effective_on=date(2022, 3, 1), by=by
    )


def _association(records: Any, village: str) -> Association:
    claim = records.repository.get(division_claim_id(village))
    association = records.association(claim.association_id)
    assert isinstance(association, Association)
    return association


def _officer(association: Association, name: str) -> UUID:
    return next(o.officer_id for o in association.officers.values() if o.name == name)


#: 友谊社区's facilities: kind, what stands there, the day it was recorded.
FACILITIES = (
    (FacilityKind.SERVICE_VENUE, "社区党群服务中心一楼残协活动室", date(2021, 3, 20)),
    (FacilityKind.BARRIER_FREE, "入口坡道、扶手和无障碍卫生间", date(2021, 5, 8)),
    (FacilityKind.DUTIES_ON_WALL, "残协职责上墙公示", date(2021, 3, 25)),
    (FacilityKind.RULES_ON_WALL, "需求调查、入户走访、档案管理制度上墙", date(2021, 3, 25)),
)
#: The demo's two training sessions: one of 林山寨街道 in person, one of the district online.
TRAININGS: tuple[dict[str, Any], ...] = (
    {
        "township_code": "410102001",
        "topic": "残协职责与入户走访方法",
        "mode": TrainingMode.OFFLINE,
        "hours": 4.0,
        "held_on": date(2021, 6, 18),
        "organiser": "林山寨街道残联",
    },
    {
        "township_code": None,
        "topic": "残疾人需求动态更新调查系统使用",
        "mode": TrainingMode.ONLINE,
        "hours": 2.0,
        "held_on": date(2021, 9, 9),
        "organiser": "中原区残联",
    },
)


def load_demo_lifecycle(records: Any, by: Provenance) -> None:
    """Facilities, full-time pay and exit, training, a qualification and a re-election."""
    youyi = _association(records, "410102001001")
    _equip_and_pay(records, youyi, by)
    offline, online = (records.hold_training(**session, by=by).id for session in TRAININGS)
    _train_and_qualify(records, youyi, offline, online, by)
    _exit_and_reelect(records, _association(records, "410102002001"), online, by)


def _equip_and_pay(records: Any, youyi: Association, by: Provenance) -> None:
    """友谊社区's facilities, and 刘洋 paid from a public-welfare post."""
    for kind, description, on in FACILITIES:
        records.record_facility(
            youyi.id,
            kind=kind,
            description=description,
            recorded_on=on,
            evidence="现场照片已存档",
            by=by,
        )
    records.arrange_full_time_pay(
        youyi.id,
        _officer(youyi, "刘洋"),
        kind=PayKind.PUBLIC_WELFARE_POST,
        monthly_amount=Decimal("1650"),
        from_on=date(2021, 4, 1),
        by=by,
    )


def _train_and_qualify(
    records: Any, youyi: Association, offline: UUID, online: UUID, by: Provenance
) -> None:
    """友谊社区's officers at both sessions, and 刘洋's social-worker qualification."""
    liu = _officer(youyi, "刘洋")
    for name in ("王建国", "刘洋"):
        records.attend_training(
            youyi.id, session_id=offline, officer_id=_officer(youyi, name), hours=None, by=by
        )
    records.attend_training(youyi.id, session_id=online, officer_id=liu, hours=None, by=by)
    records.record_qualification(
        youyi.id,
        liu,
        kind=QualificationKind.ASSISTANT_SOCIAL_WORKER,
        title="助理社会工作师",
        obtained_on=date(2022, 11, 20),
        issuer="人力资源和社会保障部",
        evidence="证书编号已核",
        by=by,
    )


def _exit_and_reelect(records: Any, xili: Association, online: UUID, by: Provenance) -> None:
    """西里社区: 朱琳 trains online then leaves full-time work; the committee is re-elected."""
    zhu = _officer(xili, "朱琳")
    records.attend_training(xili.id, session_id=online, officer_id=zhu, hours=1.5, by=by)
    records.exit_full_time_member(
        xili.id, zhu, exited_on=date(2022, 6, 30), reason="能进能出：考核未达标", by=by
    )
    records.reelect(
        xili.id,
        started_on=date(2024, 4, 1),
        ends_on=date(2029, 3, 31),
        officers=[
            NewOfficer("孙伟", OfficerRole.CHAIR, continuing=_officer(xili, "孙伟")),
            NewOfficer("胡军", OfficerRole.VICE_CHAIR, continuing=_officer(xili, "胡军")),
            NewOfficer("韩梅", OfficerRole.VICE_CHAIR, backgrounds=(Background.RELATIVE,)),
            NewOfficer(
                "宋涛",
                OfficerRole.COMMITTEE_MEMBER,
                full_time=True,
                backgrounds=(Background.DISABLED,),
            ),
        ],
        by=by,
    )
