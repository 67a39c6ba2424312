"""A person's surveyed service status and needs, and the services that met them (S3.5).

The needs survey (需求调查) follows the categories of the national dynamic-update survey of
disabled persons' basic services and needs (残疾人基本服务状况和需求动态更新调查).  Each survey
records which services the person already receives and the needs found; a need stays open
until a service delivered against it is recorded as meeting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from aggregates.clock import check_day
from aggregates.errors import (
    BeforeLastSurvey,
    BeforeNeedFound,
    NeedMet,
    NeedStillOpen,
    NoSuchNeed,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance
from aggregates.roster.person import ServiceNeed

#: Categories of the national dynamic-update survey: the same list the roster records a
#: person's service needs in, so a surveyed need and a registered need are one vocabulary.
NeedCategory = ServiceNeed


def person_needs_id(person_id: UUID) -> UUID:
    """The id of a person's needs record: one per person, the same id every time."""
    return uuid5(NAMESPACE_URL, f"canxie:person-needs:{person_id}")


@dataclass(frozen=True)
class Need:
    """A need as the record must know it to accept services against it."""

    need_id: UUID
    category: NeedCategory
    found_on: date
    met_on: date | None = None


class PersonNeeds(Aggregate):
    """Every survey of one person and the services delivered against the needs found."""

    @event("Opened")
    def __init__(self, person_id: UUID, association_id: UUID, by: Provenance) -> None:
        """The person's needs record was started (by their first survey)."""
        self.person_id = person_id
        self.association_id = association_id
        self.needs: dict[UUID, Need] = {}
        self.last_surveyed_on: date | None = None

    @classmethod
    def open(cls, *, person_id: UUID, association_id: UUID, by: Provenance) -> PersonNeeds:
        """Start the record of a person (its id derives from the person's)."""
        return cls._create(
            cls.Opened,
            id=person_needs_id(person_id),
            person_id=person_id,
            association_id=association_id,
            by=by,
        )

    def survey(
        self,
        *,
        association_id: UUID,
        surveyed_on: date,
        surveyor: str,
        services_received: list[NeedCategory],
        needs: list[tuple[NeedCategory, str]],
        today: date,
        by: Provenance,
    ) -> tuple[UUID, list[UUID]]:
        """Record a survey; returns its id and the ids of the needs it found."""
        check_day(surveyed_on, today, "surveyed_on")
        if self.last_surveyed_on is not None and surveyed_on < self.last_surveyed_on:
            raise BeforeLastSurvey(
                day=surveyed_on, earliest=self.last_surveyed_on, field="surveyed_on"
            )
        still_open = {n.category for n in self.needs.values() if n.met_on is None}
        for index, (category, _) in enumerate(needs):
            if category in still_open:
                raise NeedStillOpen(category=category.value, field=f"needs.{index}.category")
            still_open.add(category)
        survey_id = uuid4()
        need_ids = [uuid4() for _ in needs]
        self._survey(
            survey_id=survey_id,
            person_id=self.person_id,
            association_id=association_id,
            surveyed_on=surveyed_on,
            surveyor=surveyor,
            services_received=sorted({c.value for c in services_received}),
            needs=[
                {"need_id": str(need_id), "category": category.value, "description": text}
                for need_id, (category, text) in zip(need_ids, needs, strict=True)
            ],
            by=by,
        )
        return survey_id, need_ids

    @event("Surveyed")
    def _survey(
        self,
        survey_id: UUID,
        person_id: UUID,  # repeated in each event so that read models need no lookup
        association_id: UUID,  # the association surveying: the person's, at the time
        surveyed_on: date,
        surveyor: str,
        services_received: list[str],
        needs: list[dict[str, Any]],  # need_id (str), category, description
        by: Provenance,
    ) -> None:
        """A survey: who surveyed when, the services received, and the needs found (opened)."""
        self.last_surveyed_on = surveyed_on
        self.association_id = association_id
        for need in needs:
            need_id = UUID(need["need_id"])
            self.needs[need_id] = Need(need_id, NeedCategory(need["category"]), surveyed_on)

    def deliver_service(
        self,
        *,
        need_id: UUID,
        delivered_on: date,
        provider: str,
        description: str,
        meets_need: bool,
        today: date,
        by: Provenance,
    ) -> UUID:
        """Record a service against an open need."""
        need = self.needs.get(need_id)
        if need is None:
            raise NoSuchNeed(id=need_id, field="need_id")
        if need.met_on is not None:
            raise NeedMet(met_on=need.met_on, field="need_id")
        check_day(delivered_on, today, "delivered_on", need.found_on, BeforeNeedFound)
        service_id = uuid4()
        self._deliver_service(
            service_id=service_id,
            person_id=self.person_id,
            association_id=self.association_id,
            need_id=need_id,
            delivered_on=delivered_on,
            provider=provider,
            description=description,
            meets_need=meets_need,
            by=by,
        )
        return service_id

    @event("ServiceDelivered")
    def _deliver_service(
        self,
        service_id: UUID,
        person_id: UUID,
        association_id: UUID,
        need_id: UUID,
        delivered_on: date,
        provider: str,
        description: str,
        meets_need: bool,
        by: Provenance,
    ) -> None:
        """A service delivered against a need: when, by whom, what; one that meets it closes it."""
        if meets_need:
            need = self.needs[need_id]
            self.needs[need_id] = Need(need.need_id, need.category, need.found_on, delivered_on)
