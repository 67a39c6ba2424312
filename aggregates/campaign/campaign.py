"""The city's campaign (S4): its phases, and each district's work plan filed against a deadline.

The phases are the plan's own dates, city-wide data rather than records of a district.  A
district's work plan (工作实施方案) is a record in the district's store: one aggregate per
district whose id derives from the district code, so filing twice revises the same plan.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from aggregates.clock import check_day
from aggregates.errors import BeforeCampaign, BeforeLastFiling
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


@dataclass(frozen=True)
class Phase:
    """One phase of the campaign, with its first and last day (both included)."""

    key: str
    name_zh: str
    name_en: str
    starts_on: date
    ends_on: date
    summary_zh: str

    def as_dict(self) -> dict[str, Any]:
        """Plain form for the API: every field by its name."""
        return asdict(self)


#: S4: the four phases of 郑残联〔2020〕43号.
PHASES: tuple[Phase, ...] = (
    Phase(
        "deployment",
        "安排部署阶段",
        "Deployment",
        date(2020, 10, 1),
        date(2020, 12, 31),
        "盘点残协建设情况，制定工作实施方案，10月30日前报市残联",
    ),
    Phase(
        "implementation",
        "组织实施阶段",
        "Implementation",
        date(2021, 1, 1),
        date(2021, 12, 31),
        "完善机构设置，整顿软弱涣散、形同虚设的残协，建立会商机制",
    ),
    Phase(
        "consolidation",
        "总结巩固阶段",
        "Consolidation",
        date(2022, 1, 1),
        date(2022, 3, 31),
        "逐级督查、组织互查、重点抽查，反馈问题清单，重点督办",
    ),
    Phase(
        "acceptance",
        "检查验收阶段",
        "Acceptance",
        date(2022, 4, 1),
        date(2022, 6, 30),
        "县级、乡镇逐级验收，市残联、市委社治委、市民政局联合检查验收",
    ),
)

#: S4.1: each district files its work plan with the city federation by 30 October 2020.
WORK_PLAN_DEADLINE = date(2020, 10, 30)


def phase_on(day: date) -> Phase | None:
    """The phase the campaign was in on ``day`` (None before it began or after it ended)."""
    return next((p for p in PHASES if p.starts_on <= day <= p.ends_on), None)


def work_plan_id(district_code: str) -> UUID:
    """The id of a district's work plan: the same district always gives the same id."""
    return uuid5(NAMESPACE_URL, f"canxie:work-plan:{district_code}")


class WorkPlan(Aggregate):
    """A district's work plan for the campaign (S4.1), filed with the city federation."""

    @event("Filed", effective="filed_on")
    def __init__(
        self,
        district_code: str,
        title: str,
        summary: str,
        filed_on: date,
        deadline: date,
        by: Provenance,
    ) -> None:
        """The plan was filed with the city federation."""
        self.district_code = district_code
        self.filed_on = filed_on
        self.last_filed_on = filed_on
        self.deadline = deadline
        self.revisions = 0

    @property
    def late(self) -> bool:
        """Whether the first filing came after the deadline."""
        return self.filed_on > self.deadline

    @classmethod
    def file(
        cls,
        *,
        district_code: str,
        title: str,
        summary: str,
        filed_on: date,
        today: date,
        by: Provenance,
    ) -> WorkPlan:
        """File the district's plan; a filing date in the future is refused."""
        _check_filing_date(filed_on, today)
        return cls._create(
            cls.Filed,
            id=work_plan_id(district_code),
            district_code=district_code,
            title=title,
            summary=summary,
            filed_on=filed_on,
            deadline=WORK_PLAN_DEADLINE,
            by=by,
        )

    def revise(
        self, *, title: str, summary: str, filed_on: date, today: date, by: Provenance
    ) -> None:
        """File a revised plan, on or after the last filing."""
        _check_filing_date(filed_on, today)
        if filed_on < self.last_filed_on:
            raise BeforeLastFiling(day=filed_on, earliest=self.last_filed_on, field="filed_on")
        self._revise(
            district_code=self.district_code,
            title=title,
            summary=summary,
            filed_on=filed_on,
            by=by,
        )

    @event("Revised", effective="filed_on")
    def _revise(
        self, district_code: str, title: str, summary: str, filed_on: date, by: Provenance
    ) -> None:
        """A revised plan was filed: count the revision."""
        self.revisions += 1
        self.last_filed_on = filed_on


def _check_filing_date(filed_on: date, today: date) -> None:
    check_day(filed_on, today, "filed_on")
    if filed_on < PHASES[0].starts_on:
        raise BeforeCampaign(day=filed_on, earliest=PHASES[0].starts_on, field="filed_on")
