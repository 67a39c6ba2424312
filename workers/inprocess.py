"""The embedded worker: projection on a thread of the serving process, no broker needed."""

from __future__ import annotations

from workers.runtime import Runtime
from workers.wakeups import WakeupThread


def in_process_projector(runtime: Runtime) -> WakeupThread:
    """Catches up each changed district at once, and every district periodically."""

    def sweep() -> None:
        for district in runtime.tenancy.districts():
            runtime.catch_up(district.code)

    def project(district: str) -> None:
        runtime.catch_up(district)

    return WakeupThread(
        project,
        name="canxie-projector",
        retry_max_seconds=5.0,
        idle_callback=sweep,
        idle_seconds=runtime.settings.sweep_seconds,
    )
