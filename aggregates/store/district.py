"""The district's event-store application: one instance per district (tenant).

Commands load an aggregate, call a method that enforces the plan's rules, and save the new
events in one transaction of the district's own store.  What comes back is the new event's
*position* in the district's notification log, so a client can ask a read model to have
caught up at least that far.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, Transcoding

from aggregates.association.association import (
    Association,
    Background,
    DivisionClaim,
    OfficerRole,
    division_claim_id,
)
from aggregates.association.commands import LifecycleCommands
from aggregates.campaign.commands import InspectionCommands
from aggregates.care.commands import CareCommands
from aggregates.clock import SYSTEM_CLOCK, Clock, on_its_clock
from aggregates.errors import (
    AssociationExists,
    DivisionNotInDistrict,
    NoSuchAssociation,
)
from aggregates.provenance import Provenance
from aggregates.roster.commands import RosterCommands
from aggregates.store.cached_copies import TrustingRepository
from aggregates.store.personal_data import Sealer, SealingMapper
from aggregates.store.retries import save_retrying
from aggregates.store.saved import Saved
from aggregates.store.topics import register_old_topics

T = TypeVar("T")

register_old_topics()  # stored events keep the topics their classes had before a move


class DateAsISO(Transcoding):
    """Stores ``datetime.date`` as ``YYYY-MM-DD``; the library knows datetimes only."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        """Write the date."""
        return obj.isoformat()

    def decode(self, data: str) -> date:
        """Read the date back."""
        return date.fromisoformat(data)


@on_its_clock
class DistrictRecords(
    CareCommands, RosterCommands, LifecycleCommands, InspectionCommands, Application[UUID]
):
    """The records of one district: its associations and their officers."""

    name = "District"  # table names: district_events, ...

    def __init__(
        self,
        district_code: str,
        env: Mapping[str, str] | None = None,
        clock: Clock = SYSTEM_CLOCK,
        sealer: Sealer | None = None,
    ) -> None:
        self.sealer = sealer  # needed by construct_mapper, which the library calls in __init__
        self.clock = clock  # likewise: each method of ours runs on it (on_its_clock)
        super().__init__(env=dict(env or {}))
        self.district_code = district_code

    def construct_mapper(self) -> Mapper[Any]:
        """The library's mapper, sealing personal fields with each person's own key."""
        return SealingMapper(
            transcoder=self.construct_transcoder(),
            compressor=self.factory.compressor(),
            cipher=self.factory.cipher(),
            sealer=self.sealer,
        )

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, able to lend cached copies to commands that save them."""
        plain = super().construct_repository()
        repository = TrustingRepository(
            event_store=plain.event_store,
            snapshot_store=plain.snapshot_store,
            fastforward=plain.fastforward,
            fastforward_skipping=plain.fastforward_skipping,
            deepcopy_from_cache=plain.deepcopy_from_cache,
        )
        repository.cache = plain.cache
        return repository

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Teach the stored-event encoder about dates."""
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- commands ---------------------------------------------------------------------

    def establish_association(
        self,
        *,
        division_code: str,
        name: str,
        township_code: str,
        established_on: date,
        by: Provenance,
    ) -> Saved:
        """Set up a village's association; a second one for the same village is a conflict."""
        if not division_code.startswith(self.district_code):
            raise DivisionNotInDistrict(
                code=division_code, district=self.district_code, field="division_code"
            )
        self.check_village_registered(division_code)
        association = Association.establish(
            division_code=division_code,
            name=name,
            township_code=township_code,
            established_on=established_on,
            today=self.clock.today(),
            by=by.as_dict(),
        )
        claim = DivisionClaim._create(
            DivisionClaim.Claimed,
            id=division_claim_id(division_code),
            division_code=division_code,
            association_id=association.id,
        )
        try:
            recordings = self.save(association, claim)
        except IntegrityError:
            raise AssociationExists(code=division_code, field="division_code") from None
        return Saved(association.id, max(r.notification.id for r in recordings))

    def appoint_officer(
        self,
        association_id: UUID,
        *,
        name: str,
        role: OfficerRole,
        full_time: bool,
        backgrounds: list[Background],
        appointed_on: date,
        by: Provenance,
        phone: str | None = None,
    ) -> Saved:
        """Seat an officer in an association."""

        def command(association: Association) -> UUID:
            return association.appoint_officer(
                phone=phone,
                name=name,
                role=role,
                full_time=full_time,
                backgrounds=backgrounds,
                appointed_on=appointed_on,
                today=self.clock.today(),
                by=by.as_dict(),
            )

        return self._change(association_id, command)

    def remove_officer(
        self,
        association_id: UUID,
        officer_id: UUID,
        *,
        removed_on: date,
        reason: str,
        by: Provenance,
    ) -> Saved:
        """Take an officer out of office."""

        def command(association: Association) -> None:
            association.remove_officer(
                officer_id=officer_id,
                removed_on=removed_on,
                reason=reason,
                today=self.clock.today(),
                by=by.as_dict(),
            )

        return self._change(association_id, command)

    # -- queries on the aggregates ---------------------------------------------------------

    def association(self, association_id: UUID) -> Association:
        """Load an association, or say it does not exist."""
        try:
            aggregate: Aggregate = self.repository.get(association_id)
        except AggregateNotFoundError:
            raise NoSuchAssociation(id=association_id, field="association_id") from None
        if not isinstance(aggregate, Association):
            raise NoSuchAssociation(id=association_id, field="association_id")
        return aggregate

    def head_position(self) -> int:
        """The position of the newest event in this district's log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    # -- plumbing --------------------------------------------------------------------------

    def _change(self, association_id: UUID, command: Callable[[Association], Any]) -> Saved:
        """Run ``command`` on a fresh copy and save, retrying a lost race (aggregates/retries)."""

        def attempt() -> tuple[list[Association], Any]:
            association = self.association(association_id)
            return [association], command(association)

        result, recordings = save_retrying(
            self.save,
            attempt,
            lambda: self.association(association_id).version,
            "the association",
            repository=self.repository,
        )
        new_id = result if isinstance(result, UUID) else None
        return Saved(new_id, max(r.notification.id for r in recordings))
