"""An inspection of the campaign (S4) and the problem list it produces (问题清单).

Inspections sample associations, record problems (from the compliance rules as of the
inspection date, or written by the inspector) and are concluded; each problem is then
rectified (整改) with evidence, or escalated.  The city's joint acceptance (联合检查验收) is an
inspection too, one per district, in which each of the three city bodies records its decision;
the third decision concludes it with the overall outcome.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from aggregates.clock import check_day
from aggregates.errors import (
    AcceptanceNeedsTownship,
    BeforeInspection,
    BeforeProblemFound,
    BeforeRectification,
    BodyAlreadyDecided,
    DecisionsMissing,
    EvidenceRequired,
    InspectionClosed,
    InspectionConcluded,
    NoSuchProblem,
    NothingSampled,
    NotInTownship,
    NotJointAcceptance,
    NotRectified,
    NotSampled,
    OutsideDistrict,
    OutsideInspection,
    OwnRectification,
    ProblemAlreadyRectified,
    ProblemInState,
    ProblemListed,
    ReasonRequired,
    RectificationReviewed,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


class InspectionKind(StrEnum):
    """The kinds of check S4 names."""

    SUPERVISION = "supervision"  # 逐级督查
    MUTUAL_INSPECTION = "mutual_inspection"  # 组织互查
    SPOT_CHECK = "spot_check"  # 重点抽查
    TOWNSHIP_ACCEPTANCE = "township_acceptance"  # 乡镇验收
    DISTRICT_ACCEPTANCE = "district_acceptance"  # 县级验收
    CITY_JOINT_ACCEPTANCE = "city_joint_acceptance"  # 市级联合检查验收


#: Acceptance kinds also check coverage (S2): a village without an association is a problem.
ACCEPTANCE_KINDS = frozenset(
    {
        InspectionKind.TOWNSHIP_ACCEPTANCE,
        InspectionKind.DISTRICT_ACCEPTANCE,
        InspectionKind.CITY_JOINT_ACCEPTANCE,
    }
)


class ProblemSource(StrEnum):
    """Where a problem came from."""

    RULE = "rule"  # a compliance rule failing as of the inspection date
    INSPECTOR = "inspector"  # written by the inspector


class ProblemState(StrEnum):
    """Where a problem stands."""

    OPEN = "open"  # 待整改
    ESCALATED = "escalated"  # 已上报
    RECTIFIED = "rectified"  # 已整改


class Body(StrEnum):
    """The three city bodies of the joint acceptance (S4.4)."""

    CITY_FEDERATION = "city_federation"  # 市残联
    GOVERNANCE_COMMITTEE = "community_governance_committee"  # 市委社治委
    CIVIL_AFFAIRS_BUREAU = "civil_affairs_bureau"  # 市民政局


#: The bodies' Chinese names, for the summary the acceptance records (its text is data of the
#: event, kept as written); what users read of a body comes from service/translations.
_BODY_ZH = {
    Body.CITY_FEDERATION: "市残联",
    Body.GOVERNANCE_COMMITTEE: "市委社治委",
    Body.CIVIL_AFFAIRS_BUREAU: "市民政局",
}


class Decision(StrEnum):
    """A body's decision, and the overall outcome of an acceptance."""

    PASSED = "passed"  # 通过
    CONDITIONAL = "conditional"  # 限期整改后通过
    FAILED = "failed"  # 不通过


def overall_outcome(decisions: dict[str, str]) -> Decision:
    """All three passed: passed; any failed: failed; otherwise conditional."""
    values = set(decisions.values())
    if Decision.FAILED.value in values:
        return Decision.FAILED
    if values == {Decision.PASSED.value}:
        return Decision.PASSED
    return Decision.CONDITIONAL


class Inspection(Aggregate):
    """One inspection of a district (or one of its townships), with its problem list."""

    @event("Opened", effective="inspected_on")
    def __init__(
        self,
        district_code: str,
        kind: str,
        title: str,
        inspected_on: date,
        township_code: str | None,
        inspectors: list[str],
        sampled: list[dict[str, Any]],  # association_id, name, division_code, township_code
        rules_basis: str | None,  # the clock of the rule findings, None without rules
        rule_findings: list[dict[str, Any]],  # rule_id, clause, passed, association_id, facts
        by: Provenance,
    ) -> None:
        """The inspection took place: what was sampled, and the rule findings it used."""
        self.district_code = district_code
        self.kind = InspectionKind(kind)
        self.inspected_on = inspected_on
        self.township_code = township_code
        self.sampled = {str(s["association_id"]): s for s in sampled}
        self.problems: dict[UUID, tuple[ProblemState, date]] = {}
        #: problem id -> (association id or None, township code or "") for scope checks
        self.subjects: dict[UUID, tuple[str | None, str]] = {}
        #: (rule id, division code) -> the problem on the list for that rule there
        self.rule_problems: dict[tuple[str, str], UUID] = {}
        self.decisions: dict[str, str] = {}
        self.concluded_on: date | None = None

    @classmethod
    def open(
        cls,
        *,
        district_code: str,
        kind: InspectionKind,
        title: str,
        inspected_on: date,
        township_code: str | None,
        inspectors: list[str],
        sampled: list[dict[str, Any]],
        rules_basis: str | None,
        rule_findings: list[dict[str, Any]],
        today: date,
        by: Provenance,
    ) -> Inspection:
        """Record an inspection held on ``inspected_on`` that sampled the given associations."""
        check_day(inspected_on, today, "inspected_on")
        if township_code is not None and not township_code.startswith(district_code):
            raise OutsideDistrict(code=township_code, district=district_code, field="township_code")
        if not sampled:
            raise NothingSampled(field="association_ids")
        if kind is InspectionKind.TOWNSHIP_ACCEPTANCE and township_code is None:
            raise AcceptanceNeedsTownship(field="township_code")
        for sample in sampled:
            if township_code is not None and sample["township_code"] != township_code:
                raise NotInTownship(
                    id=sample["association_id"], township=township_code, field="association_ids"
                )
        return cls._create(
            cls.Opened,
            district_code=district_code,
            kind=kind.value,
            title=title,
            inspected_on=inspected_on,
            township_code=township_code,
            inspectors=inspectors,
            sampled=sampled,
            rules_basis=rules_basis,
            rule_findings=rule_findings,
            by=by,
        )

    def record_problem(
        self,
        *,
        association_id: UUID | None,
        division_code: str | None,
        source: ProblemSource,
        rule_id: str | None,
        clause: str | None,
        description: str,
        facts: dict[str, Any],
        found_on: date,
        today: date,
        by: Provenance,
    ) -> UUID:
        """Put a problem on the list: about a sampled association, or a village or the district."""
        if self.concluded_on is not None:
            raise InspectionClosed(concluded_on=self.concluded_on, field="inspection_id")
        check_day(found_on, today, "found_on", self.inspected_on, BeforeInspection)
        name = None
        if association_id is not None:
            sample = self.sampled.get(str(association_id))
            if sample is None:
                raise NotSampled(field="association_id")
            name = sample["name"]
            division_code = sample["division_code"]
        code = division_code or self.township_code or self.district_code
        if not code.startswith(self.township_code or self.district_code):
            raise OutsideInspection(field="division_code")
        self._refuse_second_problem_of_rule(rule_id, code)
        problem_id = uuid4()
        self._record_problem(
            problem_id=problem_id,
            association_id=association_id,
            association_name=name,
            division_code=code,
            township_code=code[:9] if len(code) >= 9 else "",
            source=source.value,
            rule_id=rule_id,
            clause=clause,
            description=description,
            facts=facts,
            found_on=found_on,
            by=by,
        )
        return problem_id

    @event("ProblemRecorded", effective="found_on")
    def _record_problem(
        self,
        problem_id: UUID,
        association_id: UUID | None,
        association_name: str | None,
        division_code: str,
        township_code: str,
        source: str,
        rule_id: str | None,
        clause: str | None,
        description: str,
        facts: dict[str, Any],
        found_on: date,
        by: Provenance,
    ) -> None:
        """A problem was put on the list, open."""
        self.problems[problem_id] = (ProblemState.OPEN, found_on)
        self.subjects[problem_id] = (str(association_id) if association_id else None, township_code)
        if rule_id is not None:
            self.rule_problems[(rule_id, division_code)] = problem_id

    def _refuse_second_problem_of_rule(self, rule_id: str | None, code: str) -> None:
        """A rule's failure in one place is one problem while it is unresolved (merged, not
        counted twice); once rectified, the same failure found again is a new problem."""
        existing = self.rule_problems.get((rule_id, code)) if rule_id is not None else None
        if existing is not None and self.problems[existing][0] is not ProblemState.RECTIFIED:
            raise ProblemListed(rule=rule_id, existing=existing, field="rule_id")

    def rectify(
        self,
        *,
        problem_id: UUID,
        rectified_on: date,
        evidence: str,
        note: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Record the rectification of a problem (open or escalated), with evidence."""
        state, since = self._problem(problem_id)
        if state is ProblemState.RECTIFIED:
            raise ProblemAlreadyRectified(rectified_on=since, field="problem_id")
        check_day(rectified_on, today, "rectified_on", since, BeforeProblemFound)
        if not evidence.strip():
            raise EvidenceRequired(field="evidence")
        self._rectify(
            problem_id=problem_id,
            rectified_on=rectified_on,
            evidence=evidence,
            note=note,
            by=by,
        )

    @event("ProblemRectified", effective="rectified_on")
    def _rectify(
        self, problem_id: UUID, rectified_on: date, evidence: str, note: str, by: Provenance
    ) -> None:
        """A problem was rectified, with the evidence: it closes."""
        self.problems[problem_id] = (ProblemState.RECTIFIED, rectified_on)
        self._rectifiers()[problem_id] = by.actor

    def _rectifiers(self) -> dict[UUID, str]:
        """Who recorded each problem's latest rectification (older aggregates build it from
        their events on load, as every rectification carries its provenance)."""
        rectifiers: dict[UUID, str] = self.__dict__.setdefault("rectifiers", {})
        return rectifiers

    def _confirmations(self) -> dict[UUID, date]:
        """Problems whose rectification an inspector confirmed (older aggregates have none)."""
        confirmed: dict[UUID, date] = self.__dict__.setdefault("confirmed", {})
        return confirmed

    def review_rectification(
        self,
        *,
        problem_id: UUID,
        reviewed_on: date,
        accepted: bool,
        remarks: str,
        today: date,
        by: Provenance,
    ) -> None:
        """The inspector's review of a rectification (整改确认): confirmed, the problem stays
        closed; returned, it opens again with the reason."""
        state, since = self._problem(problem_id)
        if state is not ProblemState.RECTIFIED:
            raise NotRectified(state=state.value, field="problem_id")
        if problem_id in self._confirmations():
            raise RectificationReviewed(
                confirmed_on=self._confirmations()[problem_id], field="problem_id"
            )
        check_day(reviewed_on, today, "reviewed_on", since, BeforeRectification)
        if self._rectifiers().get(problem_id) == by.actor:  # separation of duties
            raise OwnRectification(field="problem_id")
        if accepted:
            self._confirm(problem_id=problem_id, confirmed_on=reviewed_on, remarks=remarks, by=by)
            return
        if not remarks.strip():
            raise ReasonRequired(field="remarks")
        self._return(problem_id=problem_id, returned_on=reviewed_on, reason=remarks, by=by)

    @event("RectificationConfirmed", effective="confirmed_on")
    def _confirm(self, problem_id: UUID, confirmed_on: date, remarks: str, by: Provenance) -> None:
        """An inspector confirmed the rectification: the problem is closed for good."""
        self._confirmations()[problem_id] = confirmed_on

    @event("RectificationReturned", effective="returned_on")
    def _return(self, problem_id: UUID, returned_on: date, reason: str, by: Provenance) -> None:
        """An inspector did not accept the rectification: the problem is open again."""
        self.problems[problem_id] = (ProblemState.OPEN, returned_on)

    def escalate(
        self,
        *,
        problem_id: UUID,
        escalated_on: date,
        escalated_to: str,
        reason: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Escalate an open problem to a higher level (e.g. key supervision)."""
        state, since = self._problem(problem_id)
        if state is not ProblemState.OPEN:
            raise ProblemInState(state=state.value, field="problem_id")
        check_day(escalated_on, today, "escalated_on", since, BeforeProblemFound)
        self._escalate(
            problem_id=problem_id,
            escalated_on=escalated_on,
            escalated_to=escalated_to,
            reason=reason,
            by=by,
        )

    @event("ProblemEscalated", effective="escalated_on")
    def _escalate(
        self,
        problem_id: UUID,
        escalated_on: date,
        escalated_to: str,
        reason: str,
        by: Provenance,
    ) -> None:
        """A problem was escalated (reported up) rather than rectified locally."""
        self.problems[problem_id] = (ProblemState.ESCALATED, escalated_on)

    def decide(
        self,
        *,
        body: Body,
        decision: Decision,
        decided_on: date,
        signatory: str,
        remarks: str,
        today: date,
        by: Provenance,
    ) -> Decision | None:
        """Record one city body's decision; the third concludes with the overall outcome."""
        if self.kind is not InspectionKind.CITY_JOINT_ACCEPTANCE:
            raise NotJointAcceptance(field="inspection_id")
        if body.value in self.decisions:
            raise BodyAlreadyDecided(body=body.value, field="body")
        check_day(decided_on, today, "decided_on", self.inspected_on, BeforeInspection)
        self._decide(
            body=body.value,
            decision=decision.value,
            decided_on=decided_on,
            signatory=signatory,
            remarks=remarks,
            by=by,
        )
        if len(self.decisions) < len(Body):
            return None
        outcome = overall_outcome(self.decisions)
        self._conclude(
            concluded_on=decided_on,
            outcome=outcome.value,
            summary="三方联合验收："
            + "、".join(
                f"{_BODY_ZH[Body(b)]}{_DECISION_ZH[Decision(d)]}"
                for b, d in sorted(self.decisions.items())
            ),
            by=by,
        )
        return outcome

    @event("BodyDecided", effective="decided_on")
    def _decide(
        self,
        body: str,
        decision: str,
        decided_on: date,
        signatory: str,
        remarks: str,
        by: Provenance,
    ) -> None:
        """One of the three city bodies recorded its acceptance decision."""
        self.decisions[body] = decision

    def conclude(
        self,
        *,
        concluded_on: date,
        outcome: Decision | None,
        summary: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Conclude the inspection (the joint acceptance concludes with its third decision)."""
        if self.kind is InspectionKind.CITY_JOINT_ACCEPTANCE:
            raise DecisionsMissing(field="inspection_id")
        if self.concluded_on is not None:
            raise InspectionConcluded(concluded_on=self.concluded_on, field="inspection_id")
        check_day(concluded_on, today, "concluded_on", self.inspected_on, BeforeInspection)
        self._conclude(
            concluded_on=concluded_on,
            outcome=outcome.value if outcome else None,
            summary=summary,
            by=by,
        )

    @event("Concluded", effective="concluded_on")
    def _conclude(
        self, concluded_on: date, outcome: str | None, summary: str, by: Provenance
    ) -> None:
        """The inspection was concluded, with its outcome."""
        self.concluded_on = concluded_on

    def subject_of(self, problem_id: UUID) -> tuple[str | None, str]:
        """The association (if any) and township a problem is about."""
        self._problem(problem_id)
        return self.subjects[problem_id]

    def _problem(self, problem_id: UUID) -> tuple[ProblemState, date]:
        problem = self.problems.get(problem_id)
        if problem is None:
            raise NoSuchProblem(id=problem_id, field="problem_id")
        return problem


_DECISION_ZH = {
    Decision.PASSED: "通过",
    Decision.CONDITIONAL: "限期整改后通过",
    Decision.FAILED: "不通过",
}
