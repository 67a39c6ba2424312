"""Read-your-writes: wait, briefly, until a read model has reached a position."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from projections.engine.catchup import projected_position
from service.http.problems import ProblemError

if TYPE_CHECKING:
    from workers.runtime import Runtime


def wait_for_position(
    runtime: Runtime, wake: Callable[[str], None], district: str, min_position: int | None
) -> None:
    """Return once the district's read models include ``min_position``, or answer 503.

    The wait is bounded (``CANXIE_READ_WAIT_SECONDS``) so a village worker on a slow link
    gets a clear "still updating, retry" rather than a hanging request.
    """
    if not min_position:
        return
    head = runtime.tenancy.records(district).head_position()
    if min_position > head:
        raise ProblemError(
            422,
            "position-ahead",
            f"position {min_position} does not exist yet; the newest is {head}",
            extra={"field": "min_position", "head_position": head},
        )
    deadline = time.monotonic() + runtime.settings.read_wait_seconds
    pause = 0.005
    nudged = False
    while True:
        position = projected_position(runtime.db, district)
        if position >= min_position:
            return
        if time.monotonic() >= deadline:
            raise ProblemError(
                503,
                "read-model-behind",
                f"the read model is at position {position}, not yet at {min_position}",
                extra={"position": position, "min_position": min_position},
                headers={"Retry-After": "1"},
            )
        if not nudged:
            wake(district)
            nudged = True
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
