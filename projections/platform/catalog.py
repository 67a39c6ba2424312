"""The catalog: which districts (tenants) exist.  It sits beside the districts' stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aggregates.errors import DistrictExists
from aggregates.provenance import Provenance
from projections.engine.claims import MISSED_WAKEUPS
from projections.platform.accounts import ACCOUNT_TABLES
from projections.platform.database import Database
from projections.platform.import_jobs import IMPORT_JOBS
from projections.platform.submissions import SUBMISSIONS
from projections.platform.tables import Table, columns

DISTRICTS = Table(
    name="districts",
    columns=columns(
        "code text, name text, created_at timestamp, created_by text, request_id text, "
        "key_check text"
    ),
    key=("code",),
)


@dataclass(frozen=True)
class District:
    """A tenant: a 6-digit division code and its name."""

    code: str
    name: str
    created_at: str
    key_check: str = ""


def _district(row: Any) -> District:
    return District(
        code=row["code"],
        name=row["name"],
        created_at=row["created_at"],
        key_check=row["key_check"] or "",
    )


class Catalog:
    """Reads and writes the districts table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def provision(self) -> None:
        """Create the catalog's schema and tables if they are missing."""
        if self.db.kind == "postgresql":
            with self.db.catalog(write=True) as cur:
                cur.execute('CREATE SCHEMA IF NOT EXISTS "canxie_catalog"')
        with self.db.catalog(write=True) as cur:
            for table in (DISTRICTS, *ACCOUNT_TABLES, MISSED_WAKEUPS, SUBMISSIONS, IMPORT_JOBS):
                for statement in table.ddl(self.db.kind):
                    cur.execute(self.db.sql(None, statement))

    def districts(self) -> list[District]:
        """Every district, by code."""
        with self.db.catalog(write=False) as cur:
            cur.execute(self.db.sql(None, "SELECT * FROM {s}districts ORDER BY code"))
            return [_district(row) for row in cur.fetchall()]

    def find(self, code: str) -> District | None:
        """One district, if it exists."""
        with self.db.catalog(write=False) as cur:
            cur.execute(self.db.sql(None, "SELECT * FROM {s}districts WHERE code = %s"), (code,))
            row = cur.fetchone()
        return _district(row) if row else None

    def add(
        self, code: str, name: str, by: Provenance, provision: Any, key_check: str = ""
    ) -> District:
        """Register a district after ``provision(code)`` has built its store.

        The catalog's write lock is held throughout, so two requests for one code end in one
        district and one conflict, and a district is never listed before its store exists.
        """
        with self.db.catalog(write=True) as cur:
            cur.execute(self.db.sql(None, "SELECT code FROM {s}districts WHERE code = %s"), (code,))
            if cur.fetchone():
                raise DistrictExists(code=code, field="code")
            provision(code)
            created_at = datetime.now(UTC).isoformat()
            cur.execute(
                self.db.sql(
                    None,
                    "INSERT INTO {s}districts "
                    "(code, name, created_at, created_by, request_id, key_check) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                ),
                (code, name, created_at, by.actor, by.request_id, key_check),
            )
        return District(code=code, name=name, created_at=created_at, key_check=key_check)
