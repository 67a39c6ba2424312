"""The embedded worker: projection on a thread of the serving process, no broker needed."""

from __future__ import annotations

from workers.runtime import Runtime
from workers.signing import PeriodicSigner
from workers.wakeups import WakeupThread


def in_process_projector(runtime: Runtime) -> WakeupThread:
    """Catches up each changed district at once, and every district periodically."""

    sign_heads = PeriodicSigner(runtime)

    def sweep() -> None:
        for district in runtime.tenancy.districts():
            runtime.catch_up(district.code)
        sign_heads()

    def project(district: str) -> None:
        runtime.catch_up(district)

    return WakeupThread(
        project,
        name="canxie-projector",
        retry_max_seconds=5.0,
        idle_callback=sweep,
        idle_seconds=runtime.settings.sweep_seconds,
        # One SQLite writer at a time: a transaction per command would contend with the
        # commands themselves; a few milliseconds of patience batches a burst.
        coalesce_seconds=0.01,
    )
