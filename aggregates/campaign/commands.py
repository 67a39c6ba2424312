"""Commands of the campaign (S4, S5.3): work plan, inspections, key supervision, models.

A mixin of the district's store (:class:`aggregates.records.Records`).  Rule findings for an
inspection are computed outside the domain (by the projections, as of the inspection date on
the effective clock: that day as known when the inspection is recorded) and passed in as
plain data; the inspection stores the findings it used and puts the failing ones on its
problem list in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.association.association import Status
from aggregates.campaign.campaign import WorkPlan, work_plan_id
from aggregates.campaign.cultivation import ModelAssociation, model_id
from aggregates.campaign.inspection import (
    ACCEPTANCE_KINDS,
    Body,
    Decision,
    Inspection,
    InspectionKind,
    ProblemSource,
)
from aggregates.campaign.supervision import KeySupervision
from aggregates.errors import (
    AssociationDidNotExist,
    AssociationNotActive,
    NoSuchInspection,
    NoSuchSupervision,
    NotAModel,
    SampledTwice,
)
from aggregates.provenance import Provenance
from aggregates.records import Records, Saved

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class WrittenProblem:
    """A problem the inspector writes: about a sampled association, a village or the district."""

    description: str
    association_id: UUID | None = None
    division_code: str | None = None
    clause: str | None = None
    rule_id: str | None = None  # the compliance rule it is about, if any

    def subject(self) -> str | None:
        """What the problem is about: the association, else the village (as findings name it)."""
        return str(self.association_id) if self.association_id else self.division_code


def findings_used(
    findings: list[dict[str, Any]], association_ids: set[str], kind: InspectionKind, within: str
) -> list[dict[str, Any]]:
    """The rule findings an inspection uses: those of its sampled associations, and for the
    acceptance kinds the villages ``within`` its township (or district) without one (S2)."""
    return [
        f
        for f in findings
        if f.get("association_id") in association_ids
        or (
            f.get("association_id") is None
            and kind in ACCEPTANCE_KINDS
            and str(f["division_code"]).startswith(within)
        )
    ]


def _subject(finding: dict[str, Any]) -> str:
    """What a finding is about: its association, else its village."""
    return str(finding.get("association_id") or finding["division_code"])


def _written_for(finding: dict[str, Any], written: list[WrittenProblem]) -> str | None:
    """Take out the inspector's problem written for this failing finding, if any: its note.

    The same failure found by the rules and written down by the inspector is one problem.
    """
    subject = _subject(finding)
    for problem in written:
        if problem.rule_id == finding["rule_id"] and problem.subject() == subject:
            written.remove(problem)
            return problem.description
    return None


def _rule_problem(finding: dict[str, Any], *, note: str | None) -> WrittenProblem:
    """A failing rule finding as a problem, described by the inspector's note if they wrote one."""
    association = finding.get("association_id")
    return WrittenProblem(
        description=note or finding.get("title_zh") or finding["rule_id"],
        association_id=UUID(association) if association else None,
        division_code=finding["division_code"],
        clause=finding["clause"],
        rule_id=finding["rule_id"],
    )


class InspectionCommands(Records):
    """The campaign's records in a district's store."""

    # -- loading -----------------------------------------------------------------------------

    def inspection(self, inspection_id: UUID) -> Inspection:
        """An inspection of the district, or NotFound."""
        return self.load(inspection_id, Inspection, NoSuchInspection, "inspection_id")

    def work_plan(self) -> WorkPlan | None:
        """The district's work plan, if filed."""
        return self.find(work_plan_id(self.district_code), WorkPlan)

    # -- the work plan (S4.1) ---------------------------------------------------------------

    def file_work_plan(self, *, title: str, summary: str, filed_on: date, by: Provenance) -> Saved:
        """File the district's work plan; filing again files a revision."""
        plan = self.work_plan()
        if plan is None:
            plan = WorkPlan.file(
                district_code=self.district_code,
                title=title,
                summary=summary,
                filed_on=filed_on,
                today=self.clock.today(),
                by=by,
            )
        else:
            plan.revise(
                title=title,
                summary=summary,
                filed_on=filed_on,
                today=self.clock.today(),
                by=by,
            )
        return self.record(plan, created=plan.id)

    # -- inspections (S4.3, S4.4) -------------------------------------------------------------

    def _sample(self, association_id: UUID, on: date) -> dict[str, Any]:
        association = self.association(association_id)
        if association.established_on > on:
            raise AssociationDidNotExist(id=association_id, day=on, field="association_ids")
        if association.status is not Status.ACTIVE and (association.ended_on or on) <= on:
            raise AssociationNotActive(
                association_status=association.status.value,
                since=association.ended_on,
                field="association_ids",
            )
        return {
            "association_id": str(association.id),
            "name": association.name,
            "division_code": association.division_code,
            "township_code": association.township_code,
        }

    def open_inspection(
        self,
        *,
        kind: InspectionKind,
        title: str,
        inspected_on: date,
        township_code: str | None,
        inspectors: list[str],
        association_ids: list[UUID],
        rules_basis: str | None,
        rule_findings: list[dict[str, Any]],
        written: list[WrittenProblem],
        by: Provenance,
        dismissed: Sequence[tuple[str, str]] = (),
    ) -> Saved:
        """Record an inspection, its samples, the rule findings it used and its problem list.

        Failing rule findings of the sampled associations become problems; so do uncovered
        villages (S2) for the acceptance kinds.  ``written`` problems are the inspector's own;
        one written for a rule that failed on the same association or village is merged into
        that rule's problem (one problem, with the inspector's description).  ``dismissed``
        names failing findings (rule id, association id or village code) the inspector left
        off the list: they stay among the recorded findings, with no problem.
        """
        if len(set(association_ids)) != len(association_ids):
            raise SampledTwice(field="association_ids")
        sampled = [self._sample(a, inspected_on) for a in association_ids]
        ids = {s["association_id"] for s in sampled}
        used = findings_used(rule_findings, ids, kind, township_code or self.district_code)
        inspection = Inspection.open(
            district_code=self.district_code,
            kind=kind,
            title=title,
            inspected_on=inspected_on,
            township_code=township_code,
            inspectors=inspectors,
            sampled=sampled,
            rules_basis=rules_basis,
            rule_findings=used,
            today=self.clock.today(),
            by=by,
        )
        left_off = set(dismissed)
        listed = [f for f in used if (f["rule_id"], _subject(f)) not in left_off]
        problems = self._problems_found(inspection, listed, written, found_on=inspected_on, by=by)
        return self.record(inspection, created=inspection.id, more=tuple(problems))

    def _problems_found(
        self,
        inspection: Inspection,
        findings: list[dict[str, Any]],
        written: list[WrittenProblem],
        *,
        found_on: date,
        by: Provenance,
    ) -> list[UUID]:
        """Put the failing rule findings, then the inspector's other problems, on the list."""
        problems: list[UUID] = []
        unmerged = list(written)
        for finding in findings:
            if not finding["passed"]:
                problem = _rule_problem(finding, note=_written_for(finding, unmerged))
                facts = finding.get("facts") or {}
                problems.append(
                    self._put_problem(inspection, problem, facts, found_on=found_on, by=by)
                )
        for problem in unmerged:
            problems.append(self._put_problem(inspection, problem, None, found_on=found_on, by=by))
        return problems

    def _put_problem(
        self,
        inspection: Inspection,
        problem: WrittenProblem,
        facts: dict[str, Any] | None,
        *,
        found_on: date,
        by: Provenance,
    ) -> UUID:
        """One problem on an inspection's list: a rule's, with the facts it found, or else the
        inspector's (``facts`` None)."""
        return inspection.record_problem(
            association_id=problem.association_id,
            division_code=problem.division_code,
            source=ProblemSource.INSPECTOR if facts is None else ProblemSource.RULE,
            rule_id=problem.rule_id,
            clause=problem.clause,
            description=problem.description,
            facts=facts or {},
            found_on=found_on,
            today=self.clock.today(),
            by=by,
        )

    def record_problem(
        self, inspection_id: UUID, problem: WrittenProblem, *, found_on: date, by: Provenance
    ) -> Saved:
        """Add a problem the inspector wrote to an inspection's list."""
        return self.change(
            lambda: self.inspection(inspection_id),
            lambda i: self._put_problem(i, problem, None, found_on=found_on, by=by),
        )

    def rectify_problem(
        self,
        inspection_id: UUID,
        problem_id: UUID,
        *,
        rectified_on: date,
        evidence: str,
        note: str,
        by: Provenance,
    ) -> Saved:
        """Record a problem's rectification with its evidence."""
        return self.command_on(
            lambda: self.inspection(inspection_id),
            partial(
                Inspection.rectify,
                problem_id=problem_id,
                rectified_on=rectified_on,
                evidence=evidence,
                note=note,
            ),
            by,
        )

    def review_rectification(
        self,
        inspection_id: UUID,
        problem_id: UUID,
        *,
        reviewed_on: date,
        accepted: bool,
        remarks: str,
        by: Provenance,
    ) -> Saved:
        """The inspector confirms a rectification, or returns it (the problem opens again)."""
        return self.command_on(
            lambda: self.inspection(inspection_id),
            partial(
                Inspection.review_rectification,
                problem_id=problem_id,
                reviewed_on=reviewed_on,
                accepted=accepted,
                remarks=remarks,
            ),
            by,
        )

    def escalate_problem(
        self,
        inspection_id: UUID,
        problem_id: UUID,
        *,
        escalated_on: date,
        escalated_to: str,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """Escalate an open problem."""
        return self.command_on(
            lambda: self.inspection(inspection_id),
            partial(
                Inspection.escalate,
                problem_id=problem_id,
                escalated_on=escalated_on,
                escalated_to=escalated_to,
                reason=reason,
            ),
            by,
        )

    def record_decision(
        self,
        inspection_id: UUID,
        *,
        body: Body,
        decision: Decision,
        decided_on: date,
        signatory: str,
        remarks: str,
        by: Provenance,
    ) -> Saved:
        """Record one city body's decision in the joint acceptance."""
        return self.command_on(
            lambda: self.inspection(inspection_id),
            partial(
                Inspection.decide,
                body=body,
                decision=decision,
                decided_on=decided_on,
                signatory=signatory,
                remarks=remarks,
            ),
            by,
        )

    def conclude_inspection(
        self,
        inspection_id: UUID,
        *,
        concluded_on: date,
        outcome: Decision | None,
        summary: str,
        by: Provenance,
    ) -> Saved:
        """Conclude an inspection with its outcome."""
        return self.command_on(
            lambda: self.inspection(inspection_id),
            partial(
                Inspection.conclude, concluded_on=concluded_on, outcome=outcome, summary=summary
            ),
            by,
        )

    # -- key supervision (S4.3) ----------------------------------------------------------------

    def start_key_supervision(
        self,
        *,
        association_id: UUID | None,
        reason: str,
        started_on: date,
        inspection_id: UUID | None,
        by: Provenance,
    ) -> Saved:
        """Put the district, or one of its associations, under key supervision."""
        if inspection_id is not None:
            self.inspection(inspection_id)
        name = division = township = None
        if association_id is not None:
            association = self.association(association_id)
            name, division = association.name, association.division_code
            township = association.township_code
        spell = KeySupervision.start(
            district_code=self.district_code,
            association_id=association_id,
            association_name=name,
            division_code=division,
            township_code=township,
            reason=reason,
            started_on=started_on,
            inspection_id=inspection_id,
            today=self.clock.today(),
            by=by,
        )
        return self.record(spell, created=spell.id)

    def key_supervision(self, supervision_id: UUID) -> KeySupervision:
        """A spell of key supervision, or NotFound."""
        return self.load(supervision_id, KeySupervision, NoSuchSupervision, "supervision_id")

    def release_key_supervision(
        self, supervision_id: UUID, *, released_on: date, reason: str, by: Provenance
    ) -> Saved:
        """Release from key supervision."""
        return self.command_on(
            lambda: self.key_supervision(supervision_id),
            partial(KeySupervision.release, released_on=released_on, reason=reason),
            by,
        )

    # -- model cultivation (S5.3) --------------------------------------------------------------

    def designate_model(
        self, association_id: UUID, *, designated_on: date, practice: str, by: Provenance
    ) -> Saved:
        """Designate an association as a model (again, after a withdrawal)."""
        association = self.association(association_id)
        if association.status is not Status.ACTIVE:
            raise AssociationNotActive(
                association_status=association.status.value,
                since=association.ended_on,
                field="association_id",
            )
        existing = self.find(model_id(association_id), ModelAssociation)
        if existing is not None:
            existing.redesignate(
                designated_on=designated_on,
                practice=practice,
                today=self.clock.today(),
                by=by,
            )
            return self.record(existing, created=existing.id)
        model = ModelAssociation.designate(
            association_id=association_id,
            name=association.name,
            division_code=association.division_code,
            township_code=association.township_code,
            established_on=association.established_on,
            designated_on=designated_on,
            practice=practice,
            today=self.clock.today(),
            by=by,
        )
        return self.record(model, created=model.id)

    def withdraw_model(
        self, association_id: UUID, *, withdrawn_on: date, reason: str, by: Provenance
    ) -> Saved:
        """End an association's designation as a model."""
        return self.command_on(
            lambda: self.load(
                model_id(association_id), ModelAssociation, NotAModel, "association_id"
            ),
            partial(ModelAssociation.withdraw, withdrawn_on=withdrawn_on, reason=reason),
            by,
        )
