"""The roster's commands and reads: scoped to the caller's villages, personal data masked.

A township officer sees and changes the persons of their township's villages, an
association worker those of their association's village; anything else is "no such person".
A move to another district is a hand-over between two districts' stores (step 1 here,
steps 2 and 3 in :func:`aggregates.roster.person.finish_transfer`), finished later by a
sweep when the receiving store is down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aggregates.errors import DomainError, NoSuchPerson, NotFound
from aggregates.records import Saved
from aggregates.roster.person import PersonDetails, finish_transfer
from aggregates.store.district import DistrictRecords
from projections.care.visits import overdue_households
from projections.platform.database import Database
from projections.roster import roster as read_models
from projections.roster.roster import PersonFilter, PersonPage
from service.application import scope
from service.application.caller import Caller
from service.application.disclosure import Unmasking, disclosure
from service.http.problems import ProblemError
from service.roster.imports import ImportReport, Opener, import_roster

log = logging.getLogger(__name__)

FILTERS = (
    "township_code",
    "village_code",
    "category",
    "grade",
    "certified",
    "special_hardship",
    "status",
    "household_id",
    "open_need",
    "name_contains",
    "grouped",
    "grouped_on",
)


# -- reads ------------------------------------------------------------------------------------


def _filter(caller: Caller, db: Database, code: str, query: dict[str, Any]) -> PersonFilter:
    """The query's filters, narrowed to the caller's villages (overdue: on the caller's day,
    from the read models ``db`` the list is read from)."""
    overdue: dict[str, Any] = {}
    if query.get("overdue_visit") is not None:
        households = overdue_households(db, code, caller.today())
        overdue = {
            "households": tuple(sorted(households)),
            "exclude_households": not query["overdue_visit"],
        }
    return PersonFilter(
        **{name: query.get(name) for name in FILTERS},
        **overdue,
        **scope.person_scope(caller.runtime, caller.principal, code),
    )


def _personal(person: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of a person's answer that hold personal data: itself and each change."""
    return [person, *(entry["details"] for entry in person.get("history", []))]


def persons(caller: Caller, code: str, query: dict[str, Any]) -> PersonPage:
    """Persons in scope, filtered, sorted and paged; masked unless asked (and recorded)."""
    db = caller.reading(code, query.get("min_position"))
    shown = disclosure(caller, Unmasking.asked(query))
    page = read_models.list_persons(
        db,
        code,
        _filter(caller, db, code, query),
        sort=query["sort"],
        limit=query["limit"],
        offset=query["offset"],
    )
    subject = ",".join(p["id"] for p in page.items)
    shown.mask(code, "person_list", subject, [part for p in page.items for part in _personal(p)])
    return page


def totals(caller: Caller, code: str, query: dict[str, Any]) -> tuple[Any, int, int]:
    """Persons in scope counted by ``query["by"]``: (groups, total, position)."""
    db = caller.reading(code, query.get("min_position"))
    return read_models.count_persons(db, code, _filter(caller, db, code, query), query["by"])


def person(caller: Caller, code: str, person_id: UUID, query: dict[str, Any]) -> dict[str, Any]:
    """The person with the history of their changes, masked unless asked (and recorded)."""
    db = caller.reading(code, query.get("min_position"))
    shown = disclosure(caller, Unmasking.asked(query))
    found = read_models.find_person(db, code, str(person_id))
    if found is None or not scope.covers_person(
        caller.runtime, caller.principal, code, found["village_code"]
    ):
        raise NoSuchPerson(id=person_id, field="person_id")
    shown.mask(code, "person", str(person_id), _personal(found))
    return found


# -- commands ---------------------------------------------------------------------------------


def register(caller: Caller, code: str, data: dict[str, Any]) -> Saved:
    """Put a person on the roster, in a village the caller covers."""
    records = caller.records(code)
    scope.require_person_village(
        caller.runtime,
        caller.principal,
        code,
        data["village_code"],
        "the village is outside your scope",
    )
    details = dict(data)
    registered_on, moved_in_from = details.pop("registered_on"), details.pop("moved_in_from")
    saved = records.register_person(
        PersonDetails(**details),
        registered_on=registered_on,
        by=caller.by,
        source="moved_in" if moved_in_from else "registered",
        origin=moved_in_from,
    )
    caller.committed(code)
    return saved


def change(
    caller: Caller,
    code: str,
    person_id: UUID,
    command: Callable[[DistrictRecords], Saved],
) -> Saved:
    """Run a command on a person in the caller's scope (404 otherwise), then wake the workers."""
    records = caller.records(code)
    found = records.person(person_id)
    if not scope.covers_person(caller.runtime, caller.principal, code, found.village_code):
        raise NoSuchPerson(id=person_id, field="person_id")
    saved = command(records)
    caller.committed(code)
    return saved


def run(
    caller: Caller, code: str, person_id: UUID, command: Callable[..., Saved], /, **data: Any
) -> Saved:
    """One change to a person in scope, with the caller's provenance."""
    return change(caller, code, person_id, lambda r: command(r, person_id, by=caller.by, **data))


def relocate(caller: Caller, code: str, person_id: UUID, /, **data: Any) -> Saved:
    """A move inside the district, to a village the caller also covers."""

    def command(records: DistrictRecords) -> Saved:
        scope.require_person_village(
            caller.runtime,
            caller.principal,
            code,
            data["village_code"],
            "the new village is outside your scope",
        )
        return records.relocate_person(person_id, by=caller.by, **data)

    return change(caller, code, person_id, command)


def correct(
    caller: Caller, code: str, person_id: UUID, /, *, reason: str, effective_on: Any, **changes: Any
) -> Saved:
    """Corrected details (only the fields given), recorded with the reason."""

    def command(records: DistrictRecords) -> Saved:
        if not changes:
            raise ProblemError.invalid(
                "body", "name at least one field to correct", "no field to correct"
            )
        return records.correct_person(
            person_id,
            changes=changes,
            reason=reason,
            effective_on=effective_on,
            by=caller.because(reason),
        )

    return change(caller, code, person_id, command)


def erase(caller: Caller, code: str, person_id: UUID, reason: str) -> Saved:
    """Erase the person's personal data for good, recorded with who and why."""
    return change(
        caller,
        code,
        person_id,
        lambda r: r.erase_person(person_id, reason=reason, by=caller.because(reason)),
    )


def import_file(
    caller: Caller,
    code: str,
    opener: Opener,
    filename: str,
    **options: Any,
) -> ImportReport:
    """Import a roster file: only rows of villages in the caller's scope; wakes the workers."""
    report = import_roster(
        caller.records(code),
        caller.runtime.db,
        opener,
        filename,
        by=caller.because(f"import {filename}"),
        in_scope=lambda village: scope.covers_person(
            caller.runtime, caller.principal, code, village
        ),
        **options,
    )
    if report.imported:
        caller.committed(code)
    return report


# -- moves between districts ------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """Where a hand-over to another district stands: completed, cancelled or pending."""

    transfer_id: str
    state: str
    to_district: str
    received_as: str | None
    position: int
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        """The plain form of the answer."""
        return dict(self.__dict__)


def _finish(caller: Caller, code: str, person_id: UUID, to_district: str) -> Handover:
    """Steps 2 and 3 of a hand-over; a failure other than a refusal leaves it pending."""
    tenancy = caller.runtime.tenancy
    sender, receiver = tenancy.records(code), tenancy.records(to_district)
    try:
        outcome = finish_transfer(sender, receiver, person_id, by=caller.by)
    except DomainError:
        raise
    except Exception as error:  # the receiving store is down: a sweep finishes it later
        log.warning(
            "transfer of a person from %s to %s left pending: %s",
            code,
            to_district,
            type(error).__name__,
        )
        pending = sender.person(person_id).pending_transfer
        transfer_id = str(pending.transfer_id) if pending else ""
        return Handover(transfer_id, "pending", to_district, None, sender.head_position(), None)
    caller.committed(code, to_district)
    received = str(outcome.received_as) if outcome.received_as else None
    return Handover(
        str(outcome.transfer_id or ""),
        outcome.state,
        to_district,
        received,
        outcome.position,
        outcome.reason,
    )


def transfer_out(
    caller: Caller, code: str, person_id: UUID, /, **data: Any
) -> tuple[Saved, Handover]:
    """Transfer a person out to another district (转出), which records the transfer-in."""
    to_district = data["to_district"]

    def start(records: DistrictRecords) -> Saved:
        try:
            caller.runtime.tenancy.district(to_district)
        except NotFound:
            raise ProblemError.invalid(
                "to_district", "no such district in this deployment", "unknown district"
            ) from None
        return records.start_transfer_out(person_id, by=caller.by, **data)

    started = change(caller, code, person_id, start)
    return started, _finish(caller, code, person_id, to_district)


def resume_transfers(caller: Caller, code: str) -> list[Handover]:
    """Finish every pending transfer-out of the district in the caller's scope."""
    caller.known(code)
    return [
        _finish(caller, code, UUID(person_id), to_district)
        for person_id, village, to_district in read_models.pending_transfers(
            caller.runtime.db, code
        )
        if scope.covers_person(caller.runtime, caller.principal, code, village)
    ]
