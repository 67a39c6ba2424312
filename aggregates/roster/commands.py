"""The roster's commands on a district's store, and the hand-over between two districts.

:class:`RosterCommands` is mixed into the district's store, written against
:class:`aggregates.records.Records`.

A move between districts touches two tenants' stores, which share no transaction.  It is
made recoverable instead of atomic:

1. the sending district records ``TransferOutStarted`` with a new transfer id: the person is
   held there, as "transferring out", until the hand-over completes;
2. the receiving district records the person (new, or back on an old record) together with a
   :class:`TransferReceipt` whose id derives from the transfer id, so receiving twice
   finds the receipt and changes nothing;
3. the sending district records ``TransferOutCompleted``.

A crash after 1 or 2 leaves the transfer pending; :func:`finish_transfer` (run again by the
API, the CLI or a sweep) repeats 2 (idempotent) and 3.  At no moment is the person on
neither roster, and they are active on at most one: "transferring out" is not active.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from aggregates.errors import (
    BatchOnTheRoster,
    ChangedConcurrently,
    Conflict,
    DomainError,
    InvalidValue,
    NoSuchPerson,
    OnTheRoster,
    PersonErased,
    TransferCollided,
)
from aggregates.provenance import Provenance
from aggregates.records import RETRIES, Records, Saved
from aggregates.roster.person import (
    Person,
    PersonDetails,
    PersonStatus,
    ResidentClaim,
    TransferReceipt,
    resident_claim_id,
    transfer_receipt_id,
    validated,
)

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Registration:
    """One person to enter in a batch (an import), with the digest of the row it came from."""

    details: PersonDetails
    registered_on: date
    import_digest: str | None = None


@dataclass(frozen=True)
class TransferOutcome:
    """How a hand-over ended: completed, cancelled (refused by the receiver) or still pending."""

    transfer_id: UUID | None
    state: str
    received_as: UUID | None = None
    position: int = 0
    reason: str | None = None


class RosterCommands(Records):
    """Commands on the roster of disabled persons (S3.3, S3.5) of one district."""

    # -- reading the store -------------------------------------------------------------

    def person(self, person_id: UUID) -> Person:
        """Load a person, or say they are not on this district's roster."""
        person = self.find(person_id, Person)
        if person is None:
            raise NoSuchPerson(id=person_id, field="person_id")
        return person

    def person_id_for(self, resident_id: str) -> UUID | None:
        """The person holding a resident ID in this district, if any."""
        claim = self.find(resident_claim_id(self.district_code, resident_id), ResidentClaim)
        return claim.person_id if claim else None

    # -- entering people -----------------------------------------------------------------

    def register_person(
        self,
        details: PersonDetails,
        *,
        registered_on: date,
        by: Provenance,
        source: str = "registered",
        origin: str | None = None,
        import_digest: str | None = None,
    ) -> Saved:
        """Put a person on the roster; a resident ID already on it is a conflict (409)."""
        person = Person.register(
            details,
            district=self.district_code,
            registered_on=registered_on,
            today=self.clock.today(),
            by=by.as_dict(),
            source=source,
            origin=origin,
            import_digest=import_digest,
        )
        claim = ResidentClaim.claim(self.district_code, person.resident_id, person.id)
        try:
            return self.record(person, claim, created=person.id)
        except ChangedConcurrently:
            existing = self.find(claim.id, ResidentClaim)
            if existing is None or existing.person_id is not None:
                raise _on_the_roster() from None
        # A resident ID corrected away earlier: the new person may take it.
        existing.reclaim(person.id)
        return self.record(person, existing, created=person.id)

    def register_people(
        self, entries: Sequence[Registration], *, by: Provenance
    ) -> tuple[int, int]:
        """Enter a batch of people in one transaction; (how many, last position).

        Any resident ID already claimed makes the whole batch a conflict: the importer
        checks first and falls back to one by one when another request won a race.
        """
        aggregates: list[Aggregate] = []
        today, provenance = self.clock.today(), by.as_dict()
        for entry in entries:
            person = Person.register(
                entry.details,
                district=self.district_code,
                registered_on=entry.registered_on,
                today=today,
                by=provenance,
                source="imported",
                import_digest=entry.import_digest,
            )
            aggregates += [
                person,
                ResidentClaim.claim(self.district_code, person.resident_id, person.id),
            ]
        if not aggregates:
            return 0, 0
        try:
            return len(entries), self.record(*aggregates).position
        except ChangedConcurrently:
            raise BatchOnTheRoster(field="resident_id") from None

    # -- changes -------------------------------------------------------------------------

    def _change_person(
        self, person_id: UUID, command: Callable[[Person], list[Aggregate] | None]
    ) -> Saved:
        """Run ``command`` on a fresh copy and save (with the aggregates it returns)."""

        def attempt() -> tuple[list[Aggregate], None]:
            person = self.person(person_id)
            if person.erased:
                raise PersonErased(field="person_id")
            return [person, *(command(person) or [])], None

        _, position = self.retrying(attempt)
        return Saved(person_id, position)

    def relocate_person(
        self,
        person_id: UUID,
        *,
        village_code: str,
        address: str,
        effective_on: date,
        by: Provenance,
    ) -> Saved:
        """Moved to another village or township of this district."""
        return self._change_person(
            person_id,
            lambda p: p.relocate(
                village_code=village_code,
                address=address,
                effective_on=effective_on,
                district=self.district_code,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def record_departure(
        self, person_id: UUID, *, destination: str, effective_on: date, by: Provenance
    ) -> Saved:
        """Moved out to a place outside the city's districts."""
        return self._change_person(
            person_id,
            lambda p: p.move_away(
                destination=destination,
                effective_on=effective_on,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def record_return(
        self,
        person_id: UUID,
        *,
        village_code: str,
        address: str,
        origin: str,
        effective_on: date,
        by: Provenance,
    ) -> Saved:
        """Moved in again after having left."""
        return self._change_person(
            person_id,
            lambda p: p.move_in(
                village_code=village_code,
                address=address,
                origin=origin,
                effective_on=effective_on,
                district=self.district_code,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def issue_certificate(
        self,
        person_id: UUID,
        *,
        certificate_number: str,
        category: int,
        grade: int,
        effective_on: date,
        by: Provenance,
    ) -> Saved:
        """A certificate for an uncertified person."""
        return self._change_person(
            person_id,
            lambda p: p.issue_certificate(
                certificate_number=certificate_number,
                category=category,
                grade=grade,
                effective_on=effective_on,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def change_certificate(
        self,
        person_id: UUID,
        *,
        certificate_number: str,
        category: int,
        grade: int,
        effective_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """A re-issued certificate."""
        return self._change_person(
            person_id,
            lambda p: p.change_certificate(
                certificate_number=certificate_number,
                category=category,
                grade=grade,
                effective_on=effective_on,
                reason=reason,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def cancel_certificate(
        self,
        person_id: UUID,
        *,
        effective_on: date,
        reason: str,
        service_needs: list[str],
        by: Provenance,
    ) -> Saved:
        """A cancelled certificate."""
        return self._change_person(
            person_id,
            lambda p: p.cancel_certificate(
                effective_on=effective_on,
                reason=reason,
                service_needs=service_needs,
                today=self.clock.today(),
                by=by.as_dict(),
            ),
        )

    def record_death(self, person_id: UUID, *, died_on: date, by: Provenance) -> Saved:
        """The person died."""
        return self._change_person(
            person_id, lambda p: p.die(died_on=died_on, today=self.clock.today(), by=by.as_dict())
        )

    def correct_person(
        self,
        person_id: UUID,
        *,
        changes: dict[str, Any],
        reason: str,
        effective_on: date,
        by: Provenance,
    ) -> Saved:
        """Correct details; a corrected resident ID moves its claim in the same transaction."""

        def command(person: Person) -> list[Aggregate]:
            old_id = person.resident_id
            changed = person.correct(
                changes=changes,
                reason=reason,
                effective_on=effective_on,
                district=self.district_code,
                today=self.clock.today(),
                by=by.as_dict(),
            )
            if "resident_id" not in changed:
                return []
            old = self.find(resident_claim_id(self.district_code, old_id), ResidentClaim)
            new_claim = self.find(
                resident_claim_id(self.district_code, person.resident_id), ResidentClaim
            )
            if new_claim is None:
                new_claim = ResidentClaim.claim(self.district_code, person.resident_id, person.id)
            else:
                new_claim.reclaim(person.id)  # 409 when another person holds it
            claims: list[Aggregate] = [new_claim]
            if old is not None:
                old.release()
                claims.append(old)
            return claims

        return self._change_person(person_id, command)

    def erase_person(self, person_id: UUID, *, reason: str, by: Provenance) -> Saved:
        """Erase a person's personal data for good (crypto-shredding).

        First the erasure is recorded (who, why) and the resident ID's claim released, in one
        transaction; then the person's key is destroyed.  Asking again after a crash between
        the two destroys the key again and records nothing more.
        """
        person = self.person(person_id)
        if person.erased:
            position = self.head_position()
        else:

            def command(person: Person) -> list[Aggregate]:
                claim = None
                if person.resident_id:
                    claim = self.find(
                        resident_claim_id(self.district_code, person.resident_id), ResidentClaim
                    )
                person.erase(reason=reason, by=by.as_dict())
                if claim is not None and claim.person_id == person.id:
                    claim.release()
                    return [claim]
                return []

            position = self._change_person(person_id, command).position
        self.forget_person_key(person_id, by=by.actor, reason=reason)
        return Saved(person_id, position)

    # -- hand-over between districts ---------------------------------------------------

    def start_transfer_out(
        self,
        person_id: UUID,
        *,
        to_district: str,
        village_code: str,
        address: str,
        effective_on: date,
        by: Provenance,
        household_id: str | None = None,
        household_relation: str | None = None,
    ) -> Saved:
        """Step 1: hold the person as transferring out; returns the transfer id."""
        transfer_id = uuid4()

        def command(person: Person) -> None:
            person.start_transfer_out(
                transfer_id=transfer_id,
                to_district=to_district,
                village_code=village_code,
                address=address,
                household_id=household_id if household_id is not None else person.household_id,
                household_relation=household_relation
                if household_relation is not None
                else person.household_relation,
                effective_on=effective_on,
                district=self.district_code,
                today=self.clock.today(),
                by=by.as_dict(),
            )

        saved = self._change_person(person_id, command)
        return Saved(transfer_id, saved.position)

    def receive_transfer(
        self,
        *,
        transfer_id: UUID,
        from_district: str,
        details: PersonDetails,
        effective_on: date,
        by: Provenance,
    ) -> Saved:
        """Step 2, in the receiving district: idempotent by the transfer id."""
        for attempt in range(RETRIES):
            receipt = self.find(transfer_receipt_id(transfer_id), TransferReceipt)
            if receipt is not None:
                return Saved(receipt.person_id, self.head_position())
            checked = validated(details, district=self.district_code, today=self.clock.today())
            claim = self.find(
                resident_claim_id(self.district_code, checked.resident_id), ResidentClaim
            )
            person: Person | None = None
            if claim is not None and claim.person_id is not None:
                person = self.person(claim.person_id)
                person.transfer_in(
                    transfer_id=transfer_id,
                    from_district=from_district,
                    details=checked,
                    effective_on=effective_on,
                    by=by.as_dict(),
                )
                others: list[Aggregate] = []
            else:
                person = Person.register(
                    checked,
                    district=self.district_code,
                    registered_on=effective_on,
                    today=self.clock.today(),
                    by=by.as_dict(),
                    source="transferred_in",
                    origin=from_district,
                    transfer_id=transfer_id,
                )
                if claim is None:
                    claim = ResidentClaim.claim(self.district_code, person.resident_id, person.id)
                else:
                    claim.reclaim(person.id)
                others = [claim]
            receipt = TransferReceipt._create(
                TransferReceipt.Received,
                id=transfer_receipt_id(transfer_id),
                person_id=person.id,
                from_district=from_district,
            )
            try:
                return self.record(person, receipt, *others, created=person.id)
            except ChangedConcurrently:
                if attempt == RETRIES - 1:
                    raise TransferCollided(field="transfer_id") from None
        raise AssertionError("unreachable")

    def complete_transfer_out(
        self, person_id: UUID, *, transfer_id: UUID, received_as: UUID, by: Provenance
    ) -> Saved:
        """Step 3: the receiving district holds the person (idempotent)."""
        person = self.person(person_id)
        if not person.complete_transfer_out(
            transfer_id=transfer_id, received_as=received_as, by=by.as_dict()
        ):
            return Saved(person_id, self.head_position())
        try:
            return self.record(person, created=person_id)
        except ChangedConcurrently:
            return self.complete_transfer_out(
                person_id, transfer_id=transfer_id, received_as=received_as, by=by
            )

    def cancel_transfer_out(
        self, person_id: UUID, *, transfer_id: UUID, reason: str, by: Provenance
    ) -> Saved:
        """The receiving district refused: the person stays here, active."""
        return self._change_person(
            person_id,
            lambda p: p.cancel_transfer_out(
                transfer_id=transfer_id, reason=reason, by=by.as_dict()
            ),
        )


def _on_the_roster() -> Conflict:
    """A resident ID already claimed in this district, said the same whoever asks.

    A township officer must not learn from it where in the district the person is (their
    own township or another), only how the person comes over: the district relocates them.
    """
    return OnTheRoster(field="resident_id")


#: What the sending district learns when the receiving one holds the resident ID already
#: (in whatever status): nothing about that district's records beyond the refusal itself.
RECEIVER_HOLDS_THE_ID = (
    "the receiving district cannot take this resident ID; its district administrator can "
    "check its roster and take the person over there"
)


def _refusal_to_sender(refusal: DomainError) -> str:
    """The reason a sending district may see: its own input's faults, else nothing more."""
    if isinstance(refusal, InvalidValue):
        return refusal.detail  # about the hand-over's own details (the village, the dates)
    return RECEIVER_HOLDS_THE_ID


def finish_transfer(
    sender: RosterCommands, receiver: RosterCommands, person_id: UUID, *, by: Provenance
) -> TransferOutcome:
    """Steps 2 and 3 of a hand-over that step 1 started; safe to run again at any time.

    A refusal by the receiving district (the person is already held there, the village is
    not one of its villages) cancels the transfer and the person stays where they were.
    Anything else (a store down, a crash) leaves it pending for the next run.
    """
    person = sender.person(person_id)
    pending = person.pending_transfer
    if pending is None:
        return TransferOutcome(None, "none-pending")
    if pending.to_district != receiver.district_code:
        raise ValueError("the receiver is not the transfer's destination")
    details = replace(
        person.details(),
        village_code=pending.village_code,
        address=pending.address,
        household_id=pending.household_id,
        household_relation=pending.household_relation,
    )
    try:
        received = receiver.receive_transfer(
            transfer_id=pending.transfer_id,
            from_district=sender.district_code,
            details=details,
            effective_on=pending.effective_on,
            by=by,
        )
    except Conflict:
        # Another change raced the receipt three times: transient, try again later.
        return TransferOutcome(pending.transfer_id, "pending")
    except DomainError as refusal:
        reason = _refusal_to_sender(refusal)
        cancelled = sender.cancel_transfer_out(
            person_id,
            transfer_id=pending.transfer_id,
            reason=f"refused by district {receiver.district_code}: {reason}",
            by=by,
        )
        return TransferOutcome(
            pending.transfer_id, "cancelled", position=cancelled.position, reason=reason
        )
    assert received.id is not None
    done = sender.complete_transfer_out(
        person_id, transfer_id=pending.transfer_id, received_as=received.id, by=by
    )
    return TransferOutcome(
        pending.transfer_id, "completed", received_as=received.id, position=done.position
    )


__all__ = [
    "PersonStatus",
    "Registration",
    "RosterCommands",
    "Saved",
    "TransferOutcome",
    "finish_transfer",
]
