"""What a command of the district's store returns."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Saved:
    """What a command returns: the id it created (if any) and the log position it reached."""

    id: UUID | None
    position: int
