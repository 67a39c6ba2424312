"""Model cultivation (典型培育, S5.3): associations picked as models, their practice recorded.

One aggregate per association (its id derives from the association's), so an association is
designated at most once at a time.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from aggregates.clock import check_day
from aggregates.errors import (
    AlreadyModel,
    DateTooEarly,
    ModelWithdrawn,
)
from aggregates.events import Aggregate, event
from aggregates.provenance import Provenance


def model_id(association_id: UUID) -> UUID:
    """The id of an association's model designation."""
    return uuid5(NAMESPACE_URL, f"canxie:model-association:{association_id}")


class ModelAssociation(Aggregate):
    """An association cultivated as a model, with the practice worth spreading."""

    @event("Designated", effective="designated_on")
    def __init__(
        self,
        association_id: UUID,
        name: str,
        division_code: str,
        township_code: str,
        designated_on: date,
        practice: str,
        by: Provenance,
    ) -> None:
        """Picked as a model (典型培育)."""
        self.association_id = association_id
        self.designated_on = designated_on
        self.withdrawn_on: date | None = None

    @classmethod
    def designate(
        cls,
        *,
        association_id: UUID,
        name: str,
        division_code: str,
        township_code: str,
        established_on: date,
        designated_on: date,
        practice: str,
        today: date,
        by: Provenance,
    ) -> ModelAssociation:
        """Designate an association as a model."""
        _check_date(designated_on, established_on, today)
        return cls._create(
            cls.Designated,
            id=model_id(association_id),
            association_id=association_id,
            name=name,
            division_code=division_code,
            township_code=township_code,
            designated_on=designated_on,
            practice=practice,
            by=by,
        )

    def redesignate(
        self, *, designated_on: date, practice: str, today: date, by: Provenance
    ) -> None:
        """Designate again after a withdrawal."""
        if self.withdrawn_on is None:
            raise AlreadyModel(since=self.designated_on, field="association_id")
        _check_date(designated_on, self.withdrawn_on, today)
        self._redesignate(
            association_id=self.association_id,
            designated_on=designated_on,
            practice=practice,
            by=by,
        )

    @event("Redesignated", effective="designated_on")
    def _redesignate(
        self, association_id: UUID, designated_on: date, practice: str, by: Provenance
    ) -> None:
        """Picked as a model again after a withdrawal: the designation reopens."""
        self.designated_on = designated_on
        self.withdrawn_on = None

    def withdraw(self, *, withdrawn_on: date, reason: str, today: date, by: Provenance) -> None:
        """End the designation."""
        if self.withdrawn_on is not None:
            raise ModelWithdrawn(withdrawn_on=self.withdrawn_on, field="association_id")
        _check_date(withdrawn_on, self.designated_on, today)
        self._withdraw(
            association_id=self.association_id, withdrawn_on=withdrawn_on, reason=reason, by=by
        )

    @event("Withdrawn", effective="withdrawn_on")
    def _withdraw(
        self, association_id: UUID, withdrawn_on: date, reason: str, by: Provenance
    ) -> None:
        """No longer a model: the designation ends."""
        self.withdrawn_on = withdrawn_on


def _check_date(day: date, earliest: date, today: date) -> None:
    check_day(day, today, "designated_on", earliest, DateTooEarly)
