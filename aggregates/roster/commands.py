"""The roster's commands on a district's store, and the hand-over between two districts.

:class:`RosterCommands` is mixed into the district application (``DistrictRecords``): it uses
the application's ``save``, ``repository``, ``recorder``, ``clock`` and ``district_code``.

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
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from aggregates.errors import (
    BatchOnTheRoster,
    Conflict,
    DomainError,
    InvalidValue,
    NoSuchPerson,
    OnTheRoster,
    PersonErased,
    TransferCollided,
)
from aggregates.provenance import Provenance
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
from aggregates.store.retries import RETRIES, save_retrying

if TYPE_CHECKING:
    from eventsourcing.application import Repository
    from eventsourcing.persistence import ApplicationRecorder, Recording

    from aggregates.clock import Clock
    from aggregates.store.personal_data import Sealer

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class PersonSaved:
    """What a roster command returns: the person (or transfer) id and the log position."""

    id: UUID | None
    position: int


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


class RosterCommands:
    """Commands on the roster of disabled persons (S3.3, S3.5) of one district."""

    if TYPE_CHECKING:
        district_code: str
        clock: Clock
        repository: Repository[UUID]
        recorder: ApplicationRecorder
        sealer: Sealer | None

        def head_position(self) -> int: ...

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...

    # -- reading the store -------------------------------------------------------------

    def _roster_get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def person(self, person_id: UUID) -> Person:
        """Load a person, or say they are not on this district's roster."""
        person = self._roster_get(person_id, Person)
        if person is None:
            raise NoSuchPerson(id=person_id, field="person_id")
        return person

    def person_id_for(self, resident_id: str) -> UUID | None:
        """The person holding a resident ID in this district, if any."""
        claim = self._roster_get(resident_claim_id(self.district_code, resident_id), ResidentClaim)
        return claim.person_id if claim else None

    def _roster_position(self, recordings: Sequence[Recording[UUID]]) -> int:
        return max(r.notification.id for r in recordings)

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
    ) -> PersonSaved:
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
            recordings = self.save(person, claim)
        except IntegrityError:
            existing = self._roster_get(claim.id, ResidentClaim)
            if existing is not None and existing.person_id is None:
                # A resident ID corrected away earlier: the new person may take it.
                existing.reclaim(person.id)
                recordings = self.save(person, existing)
            else:
                raise _on_the_roster() from None
        return PersonSaved(person.id, self._roster_position(recordings))

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
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise BatchOnTheRoster(field="resident_id") from None
        return len(entries), self._roster_position(recordings)

    # -- changes -------------------------------------------------------------------------

    def _change_person(
        self, person_id: UUID, command: Callable[[Person], list[Aggregate] | None]
    ) -> PersonSaved:
        """Run ``command`` on a fresh copy and save (with the aggregates it returns)."""

        def attempt() -> tuple[list[Aggregate], None]:
            person = self.person(person_id)
            if person.erased:
                raise PersonErased(field="person_id")
            return [person, *(command(person) or [])], None

        _, recordings = save_retrying(
            self.save,
            attempt,
            lambda: self.person(person_id).version,
            "the person",
            repository=self.repository,
        )
        return PersonSaved(person_id, self._roster_position(recordings))

    def relocate_person(
        self,
        person_id: UUID,
        *,
        village_code: str,
        address: str,
        effective_on: date,
        by: Provenance,
    ) -> PersonSaved:
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
    ) -> PersonSaved:
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
    ) -> PersonSaved:
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
    ) -> PersonSaved:
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
    ) -> PersonSaved:
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
    ) -> PersonSaved:
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

    def record_death(self, person_id: UUID, *, died_on: date, by: Provenance) -> PersonSaved:
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
    ) -> PersonSaved:
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
            old = self._roster_get(resident_claim_id(self.district_code, old_id), ResidentClaim)
            new_claim = self._roster_get(
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

    def erase_person(self, person_id: UUID, *, reason: str, by: Provenance) -> PersonSaved:
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
                    claim = self._roster_get(
                        resident_claim_id(self.district_code, person.resident_id), ResidentClaim
                    )
                person.erase(reason=reason, by=by.as_dict())
                if claim is not None and claim.person_id == person.id:
                    claim.release()
                    return [claim]
                return []

            position = self._change_person(person_id, command).position
        sealer = self.sealer
        if sealer is None:
            raise RuntimeError("erasure needs the district's key ring")
        sealer.destroy(str(person_id), by=by.actor, reason=reason)
        return PersonSaved(person_id, position)

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
    ) -> PersonSaved:
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
        return PersonSaved(transfer_id, saved.position)

    def receive_transfer(
        self,
        *,
        transfer_id: UUID,
        from_district: str,
        details: PersonDetails,
        effective_on: date,
        by: Provenance,
    ) -> PersonSaved:
        """Step 2, in the receiving district: idempotent by the transfer id."""
        for attempt in range(RETRIES):
            receipt = self._roster_get(transfer_receipt_id(transfer_id), TransferReceipt)
            if receipt is not None:
                return PersonSaved(receipt.person_id, self.recorder.max_notification_id() or 0)
            checked = validated(details, district=self.district_code, today=self.clock.today())
            claim = self._roster_get(
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
                recordings = self.save(person, receipt, *others)
            except IntegrityError:
                if attempt == RETRIES - 1:
                    raise TransferCollided(field="transfer_id") from None
                continue
            return PersonSaved(person.id, self._roster_position(recordings))
        raise AssertionError("unreachable")

    def complete_transfer_out(
        self, person_id: UUID, *, transfer_id: UUID, received_as: UUID, by: Provenance
    ) -> PersonSaved:
        """Step 3: the receiving district holds the person (idempotent)."""
        person = self.person(person_id)
        if not person.complete_transfer_out(
            transfer_id=transfer_id, received_as=received_as, by=by.as_dict()
        ):
            return PersonSaved(person_id, self.recorder.max_notification_id() or 0)
        try:
            recordings = self.save(person)
        except IntegrityError:
            return self.complete_transfer_out(
                person_id, transfer_id=transfer_id, received_as=received_as, by=by
            )
        return PersonSaved(person_id, self._roster_position(recordings))

    def cancel_transfer_out(
        self, person_id: UUID, *, transfer_id: UUID, reason: str, by: Provenance
    ) -> PersonSaved:
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
    "PersonSaved",
    "PersonStatus",
    "Registration",
    "RosterCommands",
    "TransferOutcome",
    "finish_transfer",
]
