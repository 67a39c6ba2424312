"""Commands of the association's lifecycle, the division register and training (S3.4-S3.7).

A mixin of the district's store, written against :class:`aggregates.records.Records`.
Commands that touch several aggregates (a village merge moving an association and its claim)
save them in one transaction of the district's store, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.association.association import (
    Association,
    DivisionClaim,
    FacilityKind,
    NewOfficer,
    PayKind,
    PriorityGroup,
    QualificationKind,
    SelectionMethod,
    Status,
    division_claim_id,
)
from aggregates.association.training import TrainingMode, TrainingSession
from aggregates.divisions.division import (
    Division,
    DivisionPart,
    DivisionRegister,
    division_register_id,
)
from aggregates.errors import (
    ActiveAssociationsToMerge,
    Conflict,
    DivisionImportRefused,
    DomainError,
    NoDivisionRegister,
    NoSuchAssociation,
    NoSuchTrainingSession,
    NotOnePart,
    RepeatedInFile,
    SayWhichPart,
    SessionForOtherTownship,
    TownshipNotRegistered,
)
from aggregates.provenance import Provenance
from aggregates.records import RETRIES, Records, Saved


@dataclass(frozen=True)
class DivisionRow:
    """One row of a division import: where it came from, its code, name and date."""

    line: int
    code: str
    name: str
    effective_on: date | None = None


@dataclass(frozen=True)
class DivisionImport:
    """What an import did."""

    created: int
    unchanged: int
    position: int | None


class LifecycleCommands(Records):
    """Divisions, the association's lifecycle, facilities, full-time members and training."""

    # -- loading ---------------------------------------------------------------------------

    def division_register(self) -> DivisionRegister | None:
        """The district's division register, if it keeps one."""
        return self.find(division_register_id(self.district_code), DivisionRegister)

    def _register_or_new(self, by: Provenance) -> DivisionRegister:
        return self.division_register() or DivisionRegister.open(self.district_code, by)

    def _existing_register(self) -> DivisionRegister:
        register = self.division_register()
        if register is None:
            raise NoDivisionRegister(district=self.district_code, field="division_code")
        return register

    def training_session(self, session_id: UUID) -> TrainingSession:
        """A training session of the district, or NotFound."""
        return self.load(session_id, TrainingSession, NoSuchTrainingSession, "session_id")

    def check_village_registered(self, division_code: str) -> None:
        """Once a district keeps a division register, associations need a registered village."""
        register = self.division_register()
        if register is not None:
            register.active_village(division_code, "division_code")

    # -- divisions ---------------------------------------------------------------------------

    def record_division(
        self, *, code: str, name: str, effective_on: date | None, by: Provenance
    ) -> Saved:
        """Enter one township or village; entering it again under the same name is a no-op."""
        register = self._register_or_new(by)
        register.record(
            code=code,
            name=name,
            effective_on=effective_on,
            today=self.clock.today(),
            by=by,
        )
        if not register.pending_events:
            return Saved(None, self.head_position())
        return self.record(register)

    def import_divisions(self, rows: Iterable[DivisionRow], *, by: Provenance) -> DivisionImport:
        """Enter many divisions in one transaction: all rows valid, or nothing and every error.

        Townships are entered before villages, so a file may list them in any order.
        """
        register = self._register_or_new(by)
        before = len(register.divisions)
        problems: list[dict[str, Any]] = []
        ordered = sorted(rows, key=lambda r: (len(r.code.strip()), r.line))
        seen: dict[str, int] = {}
        for row in ordered:
            try:
                if row.code.strip() in seen:
                    raise RepeatedInFile(first_line=seen[row.code.strip()], field="code")
                seen[row.code.strip()] = row.line
                register.record(
                    code=row.code,
                    name=row.name,
                    effective_on=row.effective_on,
                    today=self.clock.today(),
                    by=by,
                )
            except DomainError as error:
                problems.append(
                    {
                        "line": row.line,
                        "field": error.field or "code",
                        "message": error.detail,
                        "error": error,
                    }
                )
        if problems:
            raise DivisionImportRefused(rows=sorted(problems, key=lambda p: p["line"]))
        created = len(register.divisions) - before
        if not register.pending_events:
            return DivisionImport(created=0, unchanged=len(seen), position=None)
        saved = self.record(register)
        return DivisionImport(
            created=created, unchanged=len(seen) - created, position=saved.position
        )

    def rename_division(self, code: str, *, name: str, effective_on: date, by: Provenance) -> Saved:
        """Rename a township or village from a date."""
        register = self._existing_register()
        register.rename(
            code=code,
            name=name,
            effective_on=effective_on,
            today=self.clock.today(),
            by=by,
        )
        return self.record(register)

    def merge_villages(
        self,
        *,
        sources: list[str],
        into_code: str,
        into_name: str | None,
        effective_on: date,
        by: Provenance,
    ) -> Saved:
        """Merge villages; the one active association among them follows to the merged village.

        Two or more active associations must be merged (or dissolved) first: which association
        survives is the associations' decision, not the register's.
        """
        register = self._existing_register()
        name, created = register.check_merge(
            sources=sources,
            into_code=into_code,
            into_name=into_name,
            effective_on=effective_on,
            today=self.clock.today(),
        )
        active = [a for a in (self._holder(code) for code in sources) if a is not None]
        if len(active) > 1:
            raise ActiveAssociationsToMerge(field="sources")
        moved, changed = self._follow(active, into_code, effective_on, "merge", by)
        register.merge(
            sources=sources,
            into_code=into_code,
            into_name=name,
            created=created,
            effective_on=effective_on,
            associations=moved,
            by=by,
        )
        return self.record(register, *changed)

    def split_village(
        self,
        code: str,
        *,
        parts: list[DivisionPart],
        effective_on: date,
        association_to: str | None,
        by: Provenance,
    ) -> Saved:
        """Split a village; its association follows the part named (or stays if it continues)."""
        register = self._existing_register()
        register.check_split(
            code=code, parts=parts, effective_on=effective_on, today=self.clock.today()
        )
        codes = [p.code for p in parts]
        holder = self._holder(code)
        target = association_to or (code if code in codes else None)
        if association_to is not None and association_to not in codes:
            raise NotOnePart(field="association_to")
        if holder is not None and target is None:
            raise SayWhichPart(field="association_to")
        active = [holder] if holder is not None else []
        moved, changed = self._follow(active, target or code, effective_on, "split", by)
        register.split(code=code, parts=parts, effective_on=effective_on, associations=moved, by=by)
        return self.record(register, *changed)

    def _holder(self, division_code: str) -> Association | None:
        """The active association of a village, if it has one."""
        claim = self.find(division_claim_id(division_code), DivisionClaim)
        if claim is None:
            return None
        association = self.find(claim.association_id, Association)
        if association is None or association.status is not Status.ACTIVE:
            return None
        if association.division_code != division_code:
            return None
        return association

    def _follow(
        self,
        active: list[Association],
        to_code: str,
        effective_on: date,
        change: str,
        by: Provenance,
    ) -> tuple[dict[str, str], list[Aggregate]]:
        """Move the association to ``to_code`` with the claim on that village."""
        moved: dict[str, str] = {}
        changed: list[Aggregate] = []
        for association in active:
            moved[str(association.id)] = to_code
            if association.division_code == to_code:
                continue
            association.follow_village(
                division_code=to_code,
                effective_on=effective_on,
                change=change,
                by=by,
            )
            claim = self.find(division_claim_id(to_code), DivisionClaim)
            if claim is None:
                claim = DivisionClaim.claim(to_code, association.id)
            else:
                claim.transfer(association.id, by)
            changed += [association, claim]
        return moved, changed

    # -- lifecycle ---------------------------------------------------------------------------

    def reelect(
        self,
        association_id: UUID,
        *,
        started_on: date,
        ends_on: date,
        officers: list[NewOfficer],
        by: Provenance,
    ) -> tuple[Saved, list[UUID]]:
        """换届: a new term with its officers; returns the officers' ids in the order given."""
        ids: list[UUID] = []

        def command(association: Association) -> None:
            ids[:] = association.reelect(
                started_on=started_on,
                ends_on=ends_on,
                officers=officers,
                today=self.clock.today(),
                by=by,
            )

        return self.change_association(association_id, command), ids

    def dissolve_association(
        self, association_id: UUID, *, dissolved_on: date, reason: str, by: Provenance
    ) -> Saved:
        """Dissolve an association."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(Association.dissolve, dissolved_on=dissolved_on, reason=reason),
            by,
        )

    def merge_association(
        self,
        association_id: UUID,
        *,
        into_association_id: UUID,
        merged_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """Merge an association into another of the district, both saved together."""
        for attempt in range(RETRIES):
            association = self.association(association_id)
            other = self.load(
                into_association_id, Association, NoSuchAssociation, "into_association_id"
            )
            association.merge_into(
                other, merged_on=merged_on, reason=reason, today=self.clock.today(), by=by
            )
            try:
                return self.record(association, other)
            except Conflict:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def record_facility(
        self,
        association_id: UUID,
        *,
        kind: FacilityKind,
        description: str,
        recorded_on: date,
        evidence: str,
        by: Provenance,
    ) -> Saved:
        """Record a venue, barrier-free facility or wall display (S3.4, S3.5)."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.record_facility,
                kind=kind,
                description=description,
                recorded_on=recorded_on,
                evidence=evidence,
            ),
            by,
        )

    def withdraw_facility(
        self,
        association_id: UUID,
        facility_id: UUID,
        *,
        withdrawn_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """Record that a facility is gone."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.withdraw_facility,
                facility_id=facility_id,
                withdrawn_on=withdrawn_on,
                reason=reason,
            ),
            by,
        )

    # -- full-time members (S3.6) ------------------------------------------------------------

    def select_full_time_member(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        method: SelectionMethod,
        priority_group: PriorityGroup,
        selected_on: date,
        note: str,
        by: Provenance,
    ) -> Saved:
        """Select a committee member as full-time member; the id is the membership's."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.select_full_time,
                officer_id=officer_id,
                method=method,
                priority_group=priority_group,
                selected_on=selected_on,
                note=note,
            ),
            by,
        )

    def arrange_full_time_pay(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        kind: PayKind,
        monthly_amount: Decimal,
        from_on: date,
        by: Provenance,
    ) -> Saved:
        """Record a full-time member's pay arrangement from a date."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.arrange_pay,
                officer_id=officer_id,
                kind=kind,
                monthly_amount=monthly_amount,
                from_on=from_on,
            ),
            by,
        )

    def exit_full_time_member(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        exited_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """End a full-time membership (能进能出)."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.exit_full_time,
                officer_id=officer_id,
                exited_on=exited_on,
                reason=reason,
            ),
            by,
        )

    # -- training (S3.7) -----------------------------------------------------------------

    def record_qualification(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        kind: QualificationKind,
        title: str,
        obtained_on: date,
        issuer: str,
        evidence: str,
        by: Provenance,
    ) -> Saved:
        """Record an officer's qualification."""
        return self.command_on(
            lambda: self.association(association_id),
            partial(
                Association.record_qualification,
                officer_id=officer_id,
                kind=kind,
                title=title,
                obtained_on=obtained_on,
                issuer=issuer,
                evidence=evidence,
            ),
            by,
        )

    def hold_training(
        self,
        *,
        township_code: str | None,
        topic: str,
        mode: TrainingMode,
        hours: float,
        held_on: date,
        organiser: str,
        by: Provenance,
    ) -> Saved:
        """Record a training session of the district or one of its townships."""
        if township_code is not None:
            register = self.division_register()
            known: Division | None = register.find(township_code) if register else None
            if register is not None and known is None:
                raise TownshipNotRegistered(code=township_code, field="township_code")
        session = TrainingSession.hold(
            district_code=self.district_code,
            township_code=township_code,
            topic=topic,
            mode=mode,
            hours=hours,
            held_on=held_on,
            organiser=organiser,
            today=self.clock.today(),
            by=by,
        )
        return self.record(session, created=session.id)

    def attend_training(
        self,
        association_id: UUID,
        *,
        session_id: UUID,
        officer_id: UUID,
        hours: float | None,
        by: Provenance,
    ) -> Saved:
        """Record that one of the association's officers attended a session."""
        session = self.training_session(session_id)

        def command(association: Association) -> None:
            if session.township_code not in (None, association.township_code):
                raise SessionForOtherTownship(township=session.township_code, field="session_id")
            association.attend_training(
                session_id=session_id,
                held_on=session.held_on,
                officer_id=officer_id,
                hours=session.hours if hours is None else hours,
                session_hours=session.hours,
                by=by,
            )

        return self.change_association(association_id, command)
