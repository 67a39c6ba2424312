"""Who calls the application layer, built once per HTTP request or CLI run.

A :class:`Caller` carries the typed principal (scope, role) and the typed provenance every
event stores, together with the runtime the command runs on and how to wake the workers.
The HTTP layer, the CLI and the web UI each build one and call the same functions.
"""

from __future__ import annotations

import getpass
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from aggregates.errors import DateInFuture
from aggregates.provenance import Provenance
from projections.engine.as_of import AsOf, reading
from projections.engine.history import Basis
from service.compliance.queries import settled
from service.http.access import Principal, Role
from service.http.freshness import wait_for_position
from service.http.problems import ProblemError

if TYPE_CHECKING:
    from aggregates.store.district import DistrictRecords
    from projections.platform.database import Database
    from workers.runtime import Runtime

T = TypeVar("T")

# [0-9], not \d: a district code names a file or schema, and \d takes any Unicode digit.
DISTRICT_CODE = re.compile(r"[0-9]{6}")

#: The role the command line's provenance names (it is no account's role).
OPERATOR_ROLE = "operator"


def provenance_of(principal: Principal, request_id: str, reason: str | None = None) -> Provenance:
    """The provenance of a principal's acts in one request: what every event stores as ``by``."""
    return Provenance(
        actor=principal.actor,
        role=principal.role.value,
        organisation=principal.organisation,
        request_id=request_id,
        reason=reason,
    )


@dataclass(frozen=True)
class Caller:
    """One caller of the application layer: who, in which request, on which runtime."""

    runtime: Runtime
    principal: Principal
    by: Provenance
    #: Tells the workers a district has new events (never fails the command).
    wake: Callable[[str], None]
    #: Reads answer as of this day on this clock (issue 15); None: today, live.
    as_of: AsOf | None = None

    def on(self, day: date | None, basis: str = "recorded") -> Caller:
        """The same caller reading as of ``day`` on ``basis`` (today, live, when None).

        A day after today is refused (422, the field named): nothing is known of it yet.
        """
        if day is None:
            return replace(self, as_of=None)
        if day > self.runtime.clock.today():
            raise DateInFuture(day=day, field="as_of")
        return replace(self, as_of=AsOf(day, Basis(basis)))

    def because(self, reason: str | None) -> Provenance:
        """The provenance of an act done for a stated reason (corrections, erasure, imports)."""
        return replace(self.by, reason=reason)

    def today(self) -> date:
        """Today where the associations are, on the runtime's clock (not the request's); the
        day asked about when reading as of a day (what was due, overdue, in force then)."""
        if self.as_of is not None:
            return self.as_of.day
        return self.runtime.clock.today()

    def known(self, code: str) -> str:
        """A district code from the caller: malformed is 422, unknown is 404 (NotFound)."""
        if not DISTRICT_CODE.fullmatch(code):
            raise ProblemError.invalid(
                "code", "the district code in the path must have 6 digits", "must be 6 digits"
            )
        self.runtime.tenancy.district(code)  # raises NotFound
        return code

    def records(self, code: str) -> DistrictRecords:
        """The event store of a known district."""
        return self.runtime.tenancy.records(self.known(code))

    def change(self, code: str, command: Callable[[DistrictRecords], T]) -> T:
        """Run a command on the district's records, then wake the workers."""
        saved = command(self.records(code))
        self.committed(code)
        return saved

    def run(self, code: str, command: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run one command of the district's records as this caller, then wake the workers.

        ``command`` is a method of the records (``DistrictRecords.appoint_officer``); it
        receives this caller's provenance as ``by``.
        """
        return self.change(code, lambda records: command(records, *args, by=self.by, **kwargs))

    def committed(self, *codes: str) -> None:
        """Tell the workers these districts have new events."""
        for code in codes:
            self.wake(code)

    def reading(self, code: str, min_position: int | None = None) -> Database:
        """The read models of a known district, once they include ``min_position``; as of the
        caller's day when it reads as of one (the temporal tables, the same queries), brought
        up to every event committed so far first: an answer about a past day must not miss
        what was just recorded about it (``settled``)."""
        self.known(code)
        wait_for_position(self.runtime, self.wake, code, min_position)
        if self.as_of is None:
            return self.runtime.db
        settled(self.runtime, code)
        return reading(self.runtime.db, self.as_of.day, self.as_of.basis)


def operator(runtime: Runtime, reason: str | None = None) -> Caller:
    """The command line's caller: the server's operator, city-wide, one request id per run.

    With no worker to wake, the command catches the district's read models up itself.
    """
    user = getpass.getuser()
    principal = Principal(actor=f"cli:{user}", name=user, role=Role.CITY_ADMIN)
    by = Provenance(
        actor=principal.actor, role=OPERATOR_ROLE, request_id=uuid.uuid4().hex, reason=reason
    )

    def catch_up(code: str) -> None:
        runtime.catch_up(code)

    return Caller(runtime=runtime, principal=principal, by=by, wake=catch_up)
