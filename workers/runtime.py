"""The per-process wiring of settings, database and districts, made lazily after a fork."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from aggregates.clock import Clock
from projections.engine.catchup import CatchUp, catch_up, projected_position
from projections.platform.accounts import Accounts
from projections.platform.database import Database, open_database
from projections.platform.tenancy import Tenancy
from workers.settings import Settings


@dataclass
class Runtime:
    """What a process needs to take commands and project districts."""

    settings: Settings
    db: Database
    tenancy: Tenancy
    accounts: Accounts

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        """Connect to the configured store."""
        db = open_database(settings.database_url, settings.data_dir, pool_max=settings.pool_max)
        tenancy = Tenancy(
            db,
            encryption_key=settings.encryption_key,
            city_prefix=settings.city_prefix,
            clock=settings.clock,
        )
        return cls(settings=settings, db=db, tenancy=tenancy, accounts=Accounts(db))

    @property
    def clock(self) -> Clock:
        """Today (in China) and the events' timestamps, for the commands and the reads."""
        return self.settings.clock

    def catch_up(self, district: str, max_batches: int | None = None) -> CatchUp:
        """Project every new event of a district (or at most ``max_batches`` batches)."""
        records = self.tenancy.records(district)
        return catch_up(
            self.db,
            district,
            records.mapper,
            batch_size=self.settings.batch_size,
            max_batches=max_batches,
        )

    def head(self, district: str) -> int:
        """The newest event position of a district."""
        return self.tenancy.records(district).head_position()

    def lag(self, district: str) -> tuple[int, int]:
        """(newest event position, projected position) of a district."""
        return self.head(district), projected_position(self.db, district)

    def close(self) -> None:
        """Release the database."""
        self.tenancy.close()


_runtime: Runtime | None = None
_runtime_pid: int | None = None
_runtime_lock = threading.Lock()


def current_runtime() -> Runtime:
    """This process's runtime; a forked child opens its own connections."""
    global _runtime, _runtime_pid
    with _runtime_lock:
        if _runtime is None or _runtime_pid != os.getpid():
            _runtime = Runtime.open(Settings.from_environ())
            _runtime_pid = os.getpid()
        return _runtime
