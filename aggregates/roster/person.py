"""A disabled person on a district's roster (残疾人名册, S3.3 and S3.5).

One Person aggregate per person per district.  Its details are validated against each other
(a resident ID's birth date and sex, a certificate number's resident ID, category and grade),
and every dynamic change is an event with its effective date and ``by`` provenance: moves
inside the district, departures and returns, certificates issued, changed or cancelled,
death, corrections, and the hand-over to another district (转出 / 转入).

Two index aggregates keep the store itself honest: :class:`ResidentClaim` (one person per
resident ID per district) and :class:`TransferReceipt` (a transfer is received once).

The roster's commands on a district's store sit beside the aggregate: :class:`RosterCommands`
is mixed into the district's store, written against :class:`aggregates.records.Records`.

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
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate as LibraryAggregate

from aggregates.clock import check_day
from aggregates.errors import (
    AlreadyErased,
    AlreadyHeld,
    AlreadyLivesThere,
    BadIdentifier,
    BadSex,
    BatchOnTheRoster,
    BeforeBirth,
    BeingTransferred,
    BirthDateMismatch,
    Blank,
    CategoryRequired,
    ChangedConcurrently,
    ChangesThroughOwnCommand,
    Conflict,
    DeathRecorded,
    DomainError,
    GradeRequired,
    GradeWithoutCertificate,
    HardshipReasonRequired,
    HardshipReasonWithoutHardship,
    HoldsCertificate,
    HoldsNoCertificate,
    IdentifierTaken,
    InvalidValue,
    NeedsRequired,
    NoPendingTransfer,
    NoSuchPerson,
    NothingChanges,
    OnTheRoster,
    OutsideDistrict,
    PersonErased,
    PersonNotActive,
    RelocationNotTransfer,
    SexMismatch,
    TransferCollided,
    UnknownChoice,
)
from aggregates.events import Aggregate, Index, event
from aggregates.identifiers import (
    DisabilityCategory,
    DivisionLevel,
    InvalidIdentifier,
    Sex,
    validate_certificate_number,
    validate_division_code,
    validate_resident_id,
)
from aggregates.provenance import Provenance
from aggregates.records import RETRIES, Records, Saved


class PersonStatus(StrEnum):
    """Where a person stands on this district's roster."""

    ACTIVE = "active"  # 在册
    MOVED_AWAY = "moved_away"  # 迁出（本市各区以外）
    TRANSFERRING_OUT = "transferring_out"  # 转出中：已交接，待对方接收
    TRANSFERRED_OUT = "transferred_out"  # 已转出至本市另一区县
    DECEASED = "deceased"  # 死亡


class HouseholdRelation(StrEnum):
    """Relation to the head of the household (与户主关系)."""

    HEAD = "head"  # 户主
    SPOUSE = "spouse"  # 配偶
    CHILD = "child"  # 子女
    PARENT = "parent"  # 父母
    GRANDCHILD = "grandchild"  # 孙子女
    GRANDPARENT = "grandparent"  # 祖父母
    SIBLING = "sibling"  # 兄弟姐妹
    OTHER = "other"  # 其他


class ServiceNeed(StrEnum):
    """Categories of the national dynamic-update survey of basic services and needs (S3.5)."""

    REHABILITATION = "rehabilitation"  # 康复
    EDUCATION = "education"  # 教育
    EMPLOYMENT = "employment"  # 就业扶贫
    SOCIAL_SECURITY = "social_security"  # 社会保障与救助
    CARE = "care"  # 托养照护
    BARRIER_FREE = "barrier_free"  # 无障碍改造
    ASSISTIVE_DEVICES = "assistive_devices"  # 辅助器具
    CULTURE_SPORTS = "culture_sports"  # 文化体育
    LEGAL_AID = "legal_aid"  # 法律援助
    OTHER = "other"  # 其他


#: Statuses in which a person is held on this district's roster (not lost, not twice).
HELD = frozenset({PersonStatus.ACTIVE, PersonStatus.TRANSFERRING_OUT})


@dataclass(frozen=True)
class PersonDetails:
    """Everything registered about a person, as plain values (validated by :func:`validated`)."""

    name: str
    sex: str
    birth_date: date
    resident_id: str
    village_code: str
    address: str
    certificate_number: str | None = None
    category: int | None = None
    grade: int | None = None
    service_needs: list[str] = field(default_factory=list)
    household_id: str | None = None
    household_relation: str | None = None
    phone: str | None = None
    special_hardship: bool = False
    hardship_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain form stored in events."""
        return asdict(self)


def _identifier(error: InvalidIdentifier) -> InvalidValue:
    # The reasons never quote the number itself (identifiers.py promises that).
    return BadIdentifier(reason=error.reason, reason_zh=error.reason_zh, field=error.field)


def validated(details: PersonDetails, *, district: str, today: date) -> PersonDetails:
    """The details normalised, or InvalidValue naming the first field at fault.

    Birth date and sex must agree with the resident ID; a certificate number must be the
    resident ID followed by the category and grade digits, which must match the separate
    fields; an uncertified person needs at least one service need; the village must be a
    12-digit code of this district; special hardship needs its reason.
    """
    if not details.name.strip():
        raise Blank(field="name")
    try:
        sex = Sex(details.sex)
    except ValueError:
        raise BadSex(field="sex") from None
    try:
        resident = validate_resident_id(details.resident_id, today)
    except InvalidIdentifier as error:
        raise _identifier(error) from None
    if resident.birth_date != details.birth_date:
        raise BirthDateMismatch(field="birth_date")
    if resident.sex is not sex:
        raise SexMismatch(field="sex")
    certificate, category, grade = _certificate(details, resident.value, today)
    needs = _needs(details.service_needs)
    if certificate is None and not needs:
        raise NeedsRequired(field="service_needs")
    village = _village(details.village_code, district)
    if not details.address.strip():
        raise Blank(field="address")
    relation = details.household_relation
    if relation is not None and relation not in set(HouseholdRelation):
        raise UnknownChoice(field="household_relation")
    reason = (details.hardship_reason or "").strip() or None
    if details.special_hardship and reason is None:
        raise HardshipReasonRequired(field="hardship_reason")
    if not details.special_hardship and reason is not None:
        raise HardshipReasonWithoutHardship(field="hardship_reason")
    return replace(
        details,
        name=details.name.strip(),
        resident_id=resident.value,
        certificate_number=certificate,
        category=category,
        grade=grade,
        service_needs=needs,
        village_code=village,
        address=details.address.strip(),
        hardship_reason=reason,
    )


def _certificate(
    details: PersonDetails, resident_id: str, today: date
) -> tuple[str | None, int | None, int | None]:
    if details.certificate_number is None:
        if details.grade is not None:
            raise GradeWithoutCertificate(field="grade")
        if details.category is not None and details.category not in set(DisabilityCategory):
            raise UnknownChoice(field="category")
        return None, details.category, None
    if details.category is None:
        raise CategoryRequired(field="category")
    if details.grade is None:
        raise GradeRequired(field="grade")
    try:
        number = validate_certificate_number(
            details.certificate_number, today, details.category, details.grade, resident_id
        )
    except InvalidIdentifier as error:
        raise _identifier(error) from None
    return number.value, int(number.category), int(number.grade)


def _needs(needs: list[str]) -> list[str]:
    known = set(ServiceNeed)
    for need in needs:
        if need not in known:
            raise UnknownChoice(field="service_needs")
    return sorted(set(needs))


def _village(code: str, district: str) -> str:
    try:
        village = validate_division_code(code, DivisionLevel.VILLAGE)
    except InvalidIdentifier as error:
        raise BadIdentifier(
            reason=error.reason, reason_zh=error.reason_zh, field="village_code"
        ) from None
    if not village.startswith(district):
        raise OutsideDistrict(code=village, district=district, field="village_code")
    return village


def _check_effective(effective_on: date, person: Person, today: date, name: str) -> None:
    check_day(effective_on, today, name, person.birth_date, BeforeBirth)


@dataclass(frozen=True)
class PendingTransfer:
    """A hand-over to another district that the receiving district has not confirmed yet."""

    transfer_id: UUID
    to_district: str
    village_code: str
    address: str
    household_id: str | None
    household_relation: str | None
    effective_on: date


#: The fields of a person's details that identify them: sealed with the person's own key in
#: every event and destroyed with it on erasure (aggregates/store/personal_data.py).  Sex, village,
#: household label, disability category and grade, needs and the hardship flag stay readable:
#: they are what the counts and the compliance rules are made of.
PERSONAL_DETAILS: tuple[str, ...] = tuple(
    f"details.{name}"
    for name in (
        "name",
        "birth_date",
        "resident_id",
        "certificate_number",
        "address",
        "phone",
        "hardship_reason",
    )
)
#: The same fields among the changes of a correction.
CORRECTED_PERSONAL = tuple(p.replace("details.", "changes.") for p in PERSONAL_DETAILS)


class Person(Aggregate):
    """A disabled person (or an uncertified person with service needs) on a district's roster."""

    @event("Registered", personal=PERSONAL_DETAILS)
    def __init__(
        self,
        details: dict[str, Any],
        registered_on: date,
        source: str,  # registered | moved_in | imported | transferred_in
        by: Provenance,
        origin: str | None = None,  # where a person moved in from (a place, or a district)
        transfer_id: UUID | None = None,
        import_digest: str | None = None,
    ) -> None:
        """Entered on the roster: registered, moved in from outside, imported, transferred in."""
        self._take(details)
        self.registered_on = registered_on
        self.source = source
        self.status = PersonStatus.ACTIVE
        self.pending_transfer: PendingTransfer | None = None
        self.import_digest = import_digest
        self.erased = False

    def _take(self, details: dict[str, Any]) -> None:
        self.name: str = details["name"]
        self.sex: str = details["sex"]
        self.birth_date: date = details["birth_date"]
        self.resident_id: str = details["resident_id"]
        self.village_code: str = details["village_code"]
        self.address: str = details["address"]
        self.certificate_number: str | None = details["certificate_number"]
        self.category: int | None = details["category"]
        self.grade: int | None = details["grade"]
        self.service_needs: list[str] = list(details["service_needs"])
        self.household_id: str | None = details["household_id"]
        self.household_relation: str | None = details["household_relation"]
        self.phone: str | None = details["phone"]
        self.special_hardship: bool = details["special_hardship"]
        self.hardship_reason: str | None = details["hardship_reason"]

    # -- reading -------------------------------------------------------------------------

    def details(self) -> PersonDetails:
        """The current details, as registered and changed since."""
        return PersonDetails(
            name=self.name,
            sex=self.sex,
            birth_date=self.birth_date,
            resident_id=self.resident_id,
            village_code=self.village_code,
            address=self.address,
            certificate_number=self.certificate_number,
            category=self.category,
            grade=self.grade,
            service_needs=list(self.service_needs),
            household_id=self.household_id,
            household_relation=self.household_relation,
            phone=self.phone,
            special_hardship=self.special_hardship,
            hardship_reason=self.hardship_reason,
        )

    @property
    def held(self) -> bool:
        """Whether this district holds the person (active, or handing them over)."""
        return self.status in HELD

    # -- commands ------------------------------------------------------------------------

    @classmethod
    def register(
        cls,
        details: PersonDetails,
        *,
        district: str,
        registered_on: date,
        today: date,
        by: Provenance,
        source: str = "registered",
        origin: str | None = None,
        transfer_id: UUID | None = None,
        import_digest: str | None = None,
    ) -> Person:
        """Put a person on the roster; refuses details that disagree with each other."""
        checked = validated(details, district=district, today=today)
        check_day(registered_on, today, "registered_on", checked.birth_date, BeforeBirth)
        return cls(
            details=checked.as_dict(),
            registered_on=registered_on,
            source=source,
            origin=origin,
            transfer_id=transfer_id,
            import_digest=import_digest,
            by=by,
        )

    def _require(self, *allowed: PersonStatus, action: str) -> None:
        if self.status not in allowed:
            raise PersonNotActive(person_status=self.status.value, field="status")

    def relocate(
        self,
        *,
        village_code: str,
        address: str,
        effective_on: date,
        district: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Move to another village or township of this district."""
        self._require(PersonStatus.ACTIVE, action="move")
        village = _village(village_code, district)
        if not address.strip():
            raise Blank(field="address")
        if village == self.village_code and address.strip() == self.address:
            raise AlreadyLivesThere(field="village_code")
        _check_effective(effective_on, self, today, "effective_on")
        self._relocate(
            village_code=village,
            address=address.strip(),
            effective_on=effective_on,
            by=by,
        )

    @event("Relocated", personal=("address",))
    def _relocate(
        self, village_code: str, address: str, effective_on: date, by: Provenance
    ) -> None:
        """Moved to another village or township of the same district."""
        self.village_code, self.address = village_code, address

    def move_away(
        self, *, destination: str, effective_on: date, today: date, by: Provenance
    ) -> None:
        """Leave for a place outside the city's districts (a district uses a transfer)."""
        self._require(PersonStatus.ACTIVE, action="move away")
        _check_effective(effective_on, self, today, "effective_on")
        self._move_away(destination=destination, effective_on=effective_on, by=by)

    @event("MovedAway")
    def _move_away(self, destination: str, effective_on: date, by: Provenance) -> None:
        """Moved out to a place no district of this city keeps (e.g. another province): off
        the active roster."""
        self.status = PersonStatus.MOVED_AWAY

    def move_in(
        self,
        *,
        village_code: str,
        address: str,
        origin: str,
        effective_on: date,
        district: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Come back after having moved away or been transferred out."""
        self._require(PersonStatus.MOVED_AWAY, PersonStatus.TRANSFERRED_OUT, action="move in")
        village = _village(village_code, district)
        if not address.strip():
            raise Blank(field="address")
        _check_effective(effective_on, self, today, "effective_on")
        self._move_in(
            village_code=village,
            address=address.strip(),
            origin=origin,
            effective_on=effective_on,
            by=by,
        )

    @event("MovedIn", personal=("address",))
    def _move_in(
        self, village_code: str, address: str, origin: str, effective_on: date, by: Provenance
    ) -> None:
        """A person who had left came back to live in a village of the district."""
        self.status = PersonStatus.ACTIVE
        self.village_code, self.address = village_code, address

    def _checked_certificate(
        self, number: str, category: int, grade: int, today: date
    ) -> tuple[str, int, int]:
        try:
            checked = validate_certificate_number(number, today, category, grade, self.resident_id)
        except InvalidIdentifier as error:
            raise _identifier(error) from None
        return checked.value, int(checked.category), int(checked.grade)

    def _require_certificate(self, action: str, *, held: bool) -> None:
        """The person must be active and hold a certificate (``held``) or none, for ``action``."""
        self._require(PersonStatus.ACTIVE, action=action)
        if held and self.certificate_number is None:
            raise HoldsNoCertificate(field="certificate_number")
        if not held and self.certificate_number is not None:
            raise HoldsCertificate(field="certificate_number")

    def issue_certificate(
        self,
        *,
        certificate_number: str,
        category: int,
        grade: int,
        effective_on: date,
        today: date,
        by: Provenance,
    ) -> None:
        """Record a first certificate for an uncertified person."""
        self._require_certificate("issue a certificate", held=False)
        number, category, grade = self._checked_certificate(
            certificate_number, category, grade, today
        )
        _check_effective(effective_on, self, today, "effective_on")
        self._issue_certificate(
            certificate_number=number,
            category=category,
            grade=grade,
            effective_on=effective_on,
            by=by,
        )

    @event("CertificateIssued", personal=("certificate_number",))
    def _issue_certificate(
        self,
        certificate_number: str,
        category: int,
        grade: int,
        effective_on: date,
        by: Provenance,
    ) -> None:
        """A disability certificate (残疾人证) was issued: now certified."""
        self._certify(certificate_number, category, grade)

    def change_certificate(
        self,
        *,
        certificate_number: str,
        category: int,
        grade: int,
        effective_on: date,
        reason: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Record a re-issued certificate (new category or grade)."""
        self._require_certificate("change the certificate", held=True)
        number, category, grade = self._checked_certificate(
            certificate_number, category, grade, today
        )
        if (number, category, grade) == (self.certificate_number, self.category, self.grade):
            raise NothingChanges(field="certificate_number")
        _check_effective(effective_on, self, today, "effective_on")
        self._change_certificate(
            certificate_number=number,
            category=category,
            grade=grade,
            effective_on=effective_on,
            reason=reason,
            by=by,
        )

    @event("CertificateChanged", personal=("certificate_number",))
    def _change_certificate(
        self,
        certificate_number: str,
        category: int,
        grade: int,
        effective_on: date,
        reason: str,
        by: Provenance,
    ) -> None:
        """The certificate was re-issued, e.g. after a new assessment of category or grade."""
        self._certify(certificate_number, category, grade)

    def _certify(self, certificate_number: str, category: int, grade: int) -> None:
        self.certificate_number = certificate_number
        self.category, self.grade = category, grade

    def cancel_certificate(
        self,
        *,
        effective_on: date,
        reason: str,
        service_needs: list[str],
        today: date,
        by: Provenance,
    ) -> None:
        """Record a cancelled certificate; the person stays rostered for their service needs."""
        self._require_certificate("cancel the certificate", held=True)
        needs = _needs(service_needs)
        if not needs:
            raise NeedsRequired(field="service_needs")
        _check_effective(effective_on, self, today, "effective_on")
        self._cancel_certificate(
            effective_on=effective_on,
            reason=reason,
            service_needs=needs,
            by=by,
        )

    @event("CertificateCancelled")
    def _cancel_certificate(
        self, effective_on: date, reason: str, service_needs: list[str], by: Provenance
    ) -> None:
        """The certificate was cancelled (注销); the person stays for their service needs."""
        self.certificate_number = None
        self.grade = None
        self.service_needs = list(service_needs)

    def erase(self, *, reason: str, by: Provenance) -> None:
        """Erase the person's personal data lawfully (the key is destroyed after this event)."""
        if self.erased:
            raise AlreadyErased(field="person_id")
        self._erase(reason=reason, by=by)

    @event("Erased")
    def _erase(self, reason: str, by: Provenance) -> None:
        """The person's personal data was erased (被遗忘): their key is destroyed.  Every
        personal value is forgotten; what the counts are made of is kept."""
        for path in PERSONAL_DETAILS:
            setattr(self, path.removeprefix("details."), None)
        self.erased = True

    def die(self, *, died_on: date, today: date, by: Provenance) -> None:
        """Record the death."""
        if self.status is PersonStatus.DECEASED:
            raise DeathRecorded(field="died_on")
        self._require(PersonStatus.ACTIVE, PersonStatus.MOVED_AWAY, action="record a death")
        _check_effective(died_on, self, today, "died_on")
        self._die(died_on=died_on, by=by)

    @event("Died")
    def _die(self, died_on: date, by: Provenance) -> None:
        """The person died: off the roster for good."""
        self.status = PersonStatus.DECEASED

    def correct(
        self,
        *,
        changes: dict[str, Any],
        reason: str,
        effective_on: date,
        district: str,
        today: date,
        by: Provenance,
    ) -> list[str]:
        """Correct details; the result is checked whole, as at registration.

        Returns the names that really change.  The village and the certificate change
        through their own events, never here.
        """
        forbidden = set(changes) & {"village_code", "certificate_number", "category", "grade"}
        if forbidden:
            name = sorted(forbidden)[0]
            raise ChangesThroughOwnCommand(field=name)
        if self.status is PersonStatus.TRANSFERRING_OUT:
            raise BeingTransferred(field="status")
        checked = validated(replace(self.details(), **changes), district=district, today=today)
        current = self.details().as_dict()
        new = {k: v for k, v in checked.as_dict().items() if current[k] != v}
        if not new:
            raise NothingChanges(field=sorted(changes)[0] if changes else None)
        _check_effective(effective_on, self, today, "effective_on")
        self._correct(changes=new, reason=reason, effective_on=effective_on, by=by)
        return sorted(new)

    @event("DetailsCorrected", personal=CORRECTED_PERSONAL)
    def _correct(
        self, changes: dict[str, Any], reason: str, effective_on: date, by: Provenance
    ) -> None:
        """Details were corrected or updated (household, phone, hardship, a mistyped ID)."""
        for name, value in changes.items():
            setattr(self, name, value)

    def start_transfer_out(
        self,
        *,
        transfer_id: UUID,
        to_district: str,
        village_code: str,
        address: str,
        household_id: str | None,
        household_relation: str | None,
        effective_on: date,
        district: str,
        today: date,
        by: Provenance,
    ) -> None:
        """Begin handing the person over to another district of the city."""
        self._require(PersonStatus.ACTIVE, action="transfer out")
        if to_district == district:
            raise RelocationNotTransfer(field="to_district")
        village = _village(village_code, to_district)
        if not address.strip():
            raise Blank(field="address")
        if household_relation is not None and household_relation not in set(HouseholdRelation):
            raise UnknownChoice(field="household_relation")
        _check_effective(effective_on, self, today, "effective_on")
        self._start_transfer_out(
            transfer_id=transfer_id,
            to_district=to_district,
            village_code=village,
            address=address.strip(),
            household_id=household_id,
            household_relation=household_relation,
            effective_on=effective_on,
            by=by,
        )

    @event("TransferOutStarted", personal=("address",))
    def _start_transfer_out(
        self,
        transfer_id: UUID,
        to_district: str,
        village_code: str,
        address: str,
        household_id: str | None,
        household_relation: str | None,
        effective_on: date,
        by: Provenance,
    ) -> None:
        """The hand-over to another district began (转出); the person is held until confirmed."""
        self.status = PersonStatus.TRANSFERRING_OUT
        self.pending_transfer = PendingTransfer(
            transfer_id=transfer_id,
            to_district=to_district,
            village_code=village_code,
            address=address,
            household_id=household_id,
            household_relation=household_relation,
            effective_on=effective_on,
        )

    def complete_transfer_out(
        self, *, transfer_id: UUID, received_as: UUID, by: Provenance
    ) -> bool:
        """The receiving district holds the person; False when this was already recorded."""
        pending = self.pending_transfer
        if pending is None or pending.transfer_id != transfer_id:
            if self.status is PersonStatus.TRANSFERRED_OUT:
                return False
            raise NoPendingTransfer(field="transfer_id")
        self._complete_transfer_out(
            transfer_id=transfer_id,
            to_district=pending.to_district,
            received_as=received_as,
            by=by,
        )
        return True

    @event("TransferOutCompleted")
    def _complete_transfer_out(
        self, transfer_id: UUID, to_district: str, received_as: UUID, by: Provenance
    ) -> None:
        """The receiving district holds the person now: transferred out."""
        self.status = PersonStatus.TRANSFERRED_OUT
        self.pending_transfer = None

    def cancel_transfer_out(self, *, transfer_id: UUID, reason: str, by: Provenance) -> None:
        """Keep the person here: the other district refused, or the move was withdrawn."""
        pending = self.pending_transfer
        if pending is None or pending.transfer_id != transfer_id:
            raise NoPendingTransfer(field="transfer_id")
        self._cancel_transfer_out(transfer_id=transfer_id, reason=reason, by=by)

    @event("TransferOutCancelled")
    def _cancel_transfer_out(self, transfer_id: UUID, reason: str, by: Provenance) -> None:
        """The hand-over was refused or withdrawn; the person stays here, active again."""
        self.status = PersonStatus.ACTIVE
        self.pending_transfer = None

    def transfer_in(
        self,
        *,
        transfer_id: UUID,
        from_district: str,
        details: PersonDetails,
        effective_on: date,
        by: Provenance,
    ) -> None:
        """Take back a person this district once held, by a transfer from another district."""
        if self.held:
            raise AlreadyHeld(field="resident_id")
        self._require(PersonStatus.MOVED_AWAY, PersonStatus.TRANSFERRED_OUT, action="transfer in")
        self._transfer_in(
            transfer_id=transfer_id,
            from_district=from_district,
            details=details.as_dict(),
            effective_on=effective_on,
            by=by,
        )

    @event("TransferredIn", personal=PERSONAL_DETAILS)
    def _transfer_in(
        self,
        transfer_id: UUID,
        from_district: str,
        details: dict[str, Any],
        effective_on: date,
        by: Provenance,
    ) -> None:
        """A person who once left this district came back by a transfer from another one,
        active with the details the sending district held."""
        self._take(details)
        self.status = PersonStatus.ACTIVE


def resident_claim_id(district: str, resident_id: str) -> UUID:
    """The id of the claim on a resident ID in a district: same inputs, same id."""
    return uuid5(NAMESPACE_URL, f"canxie:resident-claim:{district}:{resident_id}")


def transfer_receipt_id(transfer_id: UUID) -> UUID:
    """The id of the receipt of a transfer in the receiving district."""
    return uuid5(NAMESPACE_URL, f"canxie:transfer-receipt:{transfer_id}")


class ResidentClaim(Index):
    """Index aggregate: a resident ID's single person in a district.

    Its id derives from the district and the resident ID, so a second person with the same
    ID collides at the event store, in the registration's own transaction.  The number is
    not stored in it.  A corrected ID releases its old claim, which may later be taken again.
    """

    @event("Claimed")
    def __init__(self, person_id: UUID) -> None:
        """The resident ID belongs to this person."""
        self.person_id: UUID | None = person_id

    @classmethod
    def claim(cls, district: str, resident_id: str, person_id: UUID) -> ResidentClaim:
        """A new claim."""
        return cls._create(
            cls.Claimed, id=resident_claim_id(district, resident_id), person_id=person_id
        )

    def release(self) -> None:
        """Give the resident ID up."""
        self._release()

    def reclaim(self, person_id: UUID) -> None:
        """Take a released resident ID."""
        if self.person_id is not None:
            raise IdentifierTaken(field="resident_id")
        self._reclaim(person_id=person_id)

    @event("Released")
    def _release(self) -> None:
        """The resident ID was corrected away from this person: nobody holds it."""
        self.person_id = None

    @event("Reclaimed")
    def _reclaim(self, person_id: UUID) -> None:
        """A released resident ID belongs to a person again."""
        self.person_id = person_id


class TransferReceipt(Index):
    """Index aggregate: a transfer received by this district, so receiving is idempotent."""

    @event("Received")
    def __init__(self, person_id: UUID, from_district: str) -> None:
        """The transfer's person is held here as ``person_id``."""
        self.person_id = person_id
        self.from_district = from_district


# -- the roster's commands on a district's store --------------------------------------------


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
        return self.load(person_id, Person, NoSuchPerson, "person_id")

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
            by=by,
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
        aggregates: list[LibraryAggregate] = []
        today = self.clock.today()
        for entry in entries:
            person = Person.register(
                entry.details,
                district=self.district_code,
                registered_on=entry.registered_on,
                today=today,
                by=by,
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
        self, person_id: UUID, command: Callable[[Person], list[LibraryAggregate] | None]
    ) -> Saved:
        """Run ``command`` on a fresh copy and save (with the aggregates it returns)."""

        def attempt() -> tuple[list[LibraryAggregate], None]:
            person = self.person(person_id)
            if person.erased:
                raise PersonErased(field="person_id")
            return [person, *(command(person) or [])], None

        _, position = self.retrying(attempt)
        return Saved(person_id, position)

    def _on_person(self, person_id: UUID, command: Callable[..., None], by: Provenance) -> Saved:
        """:meth:`_change_person` with a command of :class:`Person` whose other arguments are
        bound (``partial(Person.die, died_on=...)``), run on today's date with the provenance."""
        return self._change_person(
            person_id, lambda person: command(person, today=self.clock.today(), by=by)
        )

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
        return self._on_person(
            person_id,
            partial(
                Person.relocate,
                village_code=village_code,
                address=address,
                effective_on=effective_on,
                district=self.district_code,
            ),
            by,
        )

    def record_departure(
        self, person_id: UUID, *, destination: str, effective_on: date, by: Provenance
    ) -> Saved:
        """Moved out to a place outside the city's districts."""
        return self._on_person(
            person_id,
            partial(Person.move_away, destination=destination, effective_on=effective_on),
            by,
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
        return self._on_person(
            person_id,
            partial(
                Person.move_in,
                village_code=village_code,
                address=address,
                origin=origin,
                effective_on=effective_on,
                district=self.district_code,
            ),
            by,
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
        return self._on_person(
            person_id,
            partial(
                Person.issue_certificate,
                certificate_number=certificate_number,
                category=category,
                grade=grade,
                effective_on=effective_on,
            ),
            by,
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
        return self._on_person(
            person_id,
            partial(
                Person.change_certificate,
                certificate_number=certificate_number,
                category=category,
                grade=grade,
                effective_on=effective_on,
                reason=reason,
            ),
            by,
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
        return self._on_person(
            person_id,
            partial(
                Person.cancel_certificate,
                effective_on=effective_on,
                reason=reason,
                service_needs=service_needs,
            ),
            by,
        )

    def record_death(self, person_id: UUID, *, died_on: date, by: Provenance) -> Saved:
        """The person died."""
        return self._on_person(person_id, partial(Person.die, died_on=died_on), by)

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

        def command(person: Person) -> list[LibraryAggregate]:
            old_id = person.resident_id
            changed = person.correct(
                changes=changes,
                reason=reason,
                effective_on=effective_on,
                district=self.district_code,
                today=self.clock.today(),
                by=by,
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
            claims: list[LibraryAggregate] = [new_claim]
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

            def command(person: Person) -> list[LibraryAggregate]:
                claim = None
                if person.resident_id:
                    claim = self.find(
                        resident_claim_id(self.district_code, person.resident_id), ResidentClaim
                    )
                person.erase(reason=reason, by=by)
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
                by=by,
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
                    by=by,
                )
                others: list[LibraryAggregate] = []
            else:
                person = Person.register(
                    checked,
                    district=self.district_code,
                    registered_on=effective_on,
                    today=self.clock.today(),
                    by=by,
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
            transfer_id=transfer_id, received_as=received_as, by=by
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
            lambda p: p.cancel_transfer_out(transfer_id=transfer_id, reason=reason, by=by),
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
