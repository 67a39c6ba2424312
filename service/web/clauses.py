"""The plan's own words for each compliance rule, shown beside a failed finding.

Copied from the municipal plan 郑残联〔2020〕43号 (《关于加强和改进村（社区）残疾人协会工作的
实施方案》, 12 Oct 2020): the sentence of the clause a rule checks, in Chinese as the plan
has it, with its place in the plan, and an English digest for English pages.  Kept in the
package (never read from outside the repository at run time).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    """A clause of the plan as a supervisor reads it beside a finding."""

    #: Where it stands in the plan, e.g. "三、具体措施 3．健全残协组织".
    place: str
    #: The plan's own sentence.
    wording_zh: str
    #: A digest in English (the plan exists only in Chinese).
    wording_en: str


_S2 = Clause(
    "二、工作目标",
    "确保在2022年底前实现辖区内所有村（社区）残协建设全覆盖，服务提水平，工作上台阶。",
    "By the end of 2022 every village and community has an association (full coverage).",
)
_S3_3 = Clause(
    "三、具体措施 3．健全残协组织",
    "村（社区）残协一般设主席1名，可由村（社区）“两委”成员担任；副主席2至3名，由残疾人及亲友"
    "代表、扶残助残人士等担任；委员3至5名，由残疾人及亲友和各方面热心服务残疾人的代表担任。",
    "An association usually has one chair (who may sit on the village's two committees), two "
    "or three vice-chairs and three to five committee members.",
)
_S3_3_GROUPS = Clause(
    "三、具体措施 3．健全残协组织",
    "按照残疾类别或区域分布设立若干残疾人小组，实现对辖区内残疾人“一个不能少”的组织覆盖。",
    "Groups by disability category or by area, so that every disabled person of the village "
    "belongs to one: not one left out.",
)
_S3_4 = Clause(
    "三、具体措施 4．明确残协工作职责",
    "要增强服务能力，依托村（社区）综合服务设施建立残疾人活动和服务阵地。",
    "A venue for activities and services in the village's service facilities.",
)
_S3_5_VISITS = Clause(
    "三、具体措施 5．完善残协工作制度",
    "建立入户访视制度，特别是深入特殊困难残疾人家庭，现场了解残疾人真实情况，及时反映困难诉求，"
    "协调推动解决。",
    "Home visits: visit households on site, above all the families in special hardship, report "
    "their difficulties and follow them up.",
)
_S3_5_ARCHIVES = Clause(
    "三、具体措施 5．完善残协工作制度",
    "建立档案管理制度，辖区内残疾人名册和各项工作档案要完整、规范。",
    "Archives: the roster of disabled persons and every work file complete and in order.",
)
_S3_5_WALL = Clause(
    "三、具体措施 5．完善残协工作制度",
    "村（社区）残协工作职责、规章制度等应上墙公示。",
    "The association's duties and rules are displayed on the wall.",
)
_S3_5_EVALUATION = Clause(
    "三、具体措施 5．完善残协工作制度",
    "县级残联要制定考核办法，加强对残协工作的考核评估，大力推进村（社区）残协规范化、信息化建设。",
    "The district federation sets evaluation methods and evaluates the associations' work.",
)
_S3_6 = Clause(
    "三、具体措施 6．加强专职委员队伍建设",
    "村（社区）残协委员中至少明确1名为专职委员，负责残协的日常工作，其他残协委员配合专职委员开展工作。",
    "At least one committee member is full-time and does the association's daily work.",
)
_S3_7 = Clause(
    "三、具体措施 7．提升履职能力和服务水平",
    "对残协主席、副主席、专职委员、残协骨干等开展线上线下多种形式的教育培训。",
    "Chairs, vice-chairs, full-time members and core members are trained, online and offline.",
)

#: The clause each rule of :mod:`projections.rules` checks, by rule id.
CLAUSES: dict[str, Clause] = {
    "S2-coverage": _S2,
    "S3.3-chair": _S3_3,
    "S3.3-vice-chairs": _S3_3,
    "S3.3-committee-members": _S3_3,
    "S3.3-everyone-in-a-group": _S3_3_GROUPS,
    "S3.4-service-venue": _S3_4,
    "S3.5-visits-on-time": _S3_5_VISITS,
    "S3.5-roster-complete": _S3_5_ARCHIVES,
    "S3.5-duties-and-rules-on-wall": _S3_5_WALL,
    "S3.5-evaluated": _S3_5_EVALUATION,
    "S3.6-full-time-member": _S3_6,
    "S3.7-officers-trained": _S3_7,
}
