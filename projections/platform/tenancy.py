"""The districts of a deployment and their open stores, shared by the API and the workers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from eventsourcing.utils import get_topic

from aggregates.clock import SYSTEM_CLOCK, Clock
from aggregates.errors import (
    BadIdentifier,
    BlanksAroundCode,
    NoSuchDistrict,
    OutsideCity,
)
from aggregates.identifiers import DivisionLevel, InvalidIdentifier, validate_division_code
from aggregates.provenance import Provenance
from aggregates.roster.person import Person
from aggregates.store.district import DistrictRecords
from aggregates.store.personal_data import subject_of
from projections.association.associations import drop_division_uniqueness
from projections.engine import tracking
from projections.engine.read_models import HISTORY, PROJECTIONS, adopt
from projections.ledger.trail_upgrade import upgrade_trail
from projections.platform.catalog import Catalog, District
from projections.platform.database import Cursor, Database, SqliteDatabase
from projections.platform.encryption import WrongEncryptionKey, cipher_env, district_key, key_check
from projections.platform.key_ring import PersonKeyRing, local_wrapping_key

log = logging.getLogger(__name__)


class Tenancy:
    """Opens each district's event-store application once per process and provisions stores."""

    def __init__(
        self,
        db: Database,
        *,
        aggregate_cache_size: int = 1000,
        encryption_key: str | None = None,
        city_prefix: str = "",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.db = db
        self.clock = clock
        self.city_prefix = city_prefix
        self.encryption_key = encryption_key
        self.catalog = Catalog(db)
        self.aggregate_cache_size = aggregate_cache_size
        self._records: dict[str, DistrictRecords] = {}
        self._rings: dict[str, PersonKeyRing] = {}
        self._known: dict[str, District] = {}
        self._lock = threading.Lock()
        if encryption_key is None and not isinstance(db, SqliteDatabase):
            log.warning(
                "CANXIE_ENCRYPTION_KEY is not set: person keys are kept unwrapped in the "
                "keyring_* schemas; back those up apart from the events (README)"
            )

    def provision(self) -> None:
        """Make sure the catalog and every listed district's tables exist (idempotent)."""
        self.catalog.provision()
        for district in self.catalog.districts():
            self.provision_district(district.code)

    def district_key(self, code: str) -> str | None:
        """The district's encryption key, when encryption at rest is configured."""
        return district_key(self.encryption_key, code) if self.encryption_key else None

    def wrapping_key(self, code: str) -> str | None:
        """The key the district's person keys are wrapped under (None: hosted, no key set)."""
        master = self.encryption_key
        if master is None and isinstance(self.db, SqliteDatabase):
            master = local_wrapping_key(self.db.data_dir)
        return district_key(master, code) if master else None

    def key_ring(self, code: str) -> PersonKeyRing:
        """The district's key ring (moved out of its store if an older release kept it there)."""
        return PersonKeyRing(self.db, code, self.wrapping_key(code)).open()

    def provision_district(self, code: str) -> None:
        """Create the district's schema or file, its event tables, read models and tracking,
        and its key ring; keys of persons the log says were erased are destroyed (again)."""
        self.db.create_district_store(code)
        DistrictRecords(code, env={**self.db.district_env(code), "CREATE_TABLE": "yes"}).close()
        sql = partial(self.db.sql, code)
        with self.db.transaction(code, write=True) as cur:
            for statement in tracking.TRACKING.ddl(self.db.kind):
                cur.execute(sql(statement))
            fresh = not tracking.positions(cur, sql)
            adopt(cur, sql, self.db.kind, PROJECTIONS)
            drop_division_uniqueness(cur, sql, self.db.kind)
            upgrade_trail(cur, sql, self.db.kind)
            if fresh:  # its temporal tables start with its first event, as the others do
                tracking.register(cur, sql, [HISTORY])
            erased = erased_persons(cur, sql)
        ring = self.key_ring(code)
        ring.destroy_erased(erased, by="provision")
        ring.close()

    def create_district(self, code: str, name: str, by: Provenance) -> District:
        """A new tenant with its own store; 409 if the code exists, 422 if it is no code of
        the city's."""
        self.check_district_code(code)
        check = key_check(self.district_key(code))
        district = self.catalog.add(code, name, by, self.provision_district, key_check=check)
        with self._lock:
            self._known[code] = district
        return district

    def check_district_code(self, code: str) -> None:
        """Six ASCII digits of a real county-level code, within the city's prefix.

        The code names the district's SQLite file or PostgreSQL schema, so "４１０１０２"
        (full-width) or "410102 " must never get that far.
        """
        try:
            checked = validate_division_code(code, DivisionLevel.DISTRICT)
        except InvalidIdentifier as error:
            raise BadIdentifier(
                reason=f"district code: {error.reason}",
                reason_zh=f"区县代码：{error.reason_zh}",
                field="code",
            ) from None
        if checked != code:
            raise BlanksAroundCode(field="code")
        if not code.startswith(self.city_prefix):
            raise OutsideCity(code=code, prefix=self.city_prefix, field="code")

    def district(self, code: str) -> District:
        """The district, or NotFound; the catalog is asked again only on a miss."""
        district = self._known.get(code)
        if district is None:
            district = self.catalog.find(code)
            if district is None:
                raise NoSuchDistrict(id=code, field="code")
            with self._lock:
                self._known[code] = district
        return district

    def districts(self) -> list[District]:
        """Every district in the catalog."""
        return self.catalog.districts()

    def records(self, code: str) -> DistrictRecords:
        """The district's event-store application, opened on first use."""
        records = self._records.get(code)
        if records is not None:
            return records
        district = self.district(code)
        key = self.district_key(code)
        if key_check(key) != district.key_check:
            raise WrongEncryptionKey(
                f"district {code} was written "
                + (
                    "with a different CANXIE_ENCRYPTION_KEY"
                    if district.key_check and key
                    else "encrypted, but CANXIE_ENCRYPTION_KEY is not set"
                    if district.key_check
                    else "unencrypted, but CANXIE_ENCRYPTION_KEY is set"
                )
            )
        with self._lock:
            records = self._records.get(code)
            if records is None:
                env = {
                    **self.db.district_env(code),
                    **cipher_env(key),
                    "CREATE_TABLE": "no",
                    "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size),
                    "AGGREGATE_CACHE_FASTFORWARD": "y",
                }
                ring = self._rings[code] = self.key_ring(code)
                records = DistrictRecords(code, env=env, clock=self.clock, sealer=ring)
                self._records[code] = records
        return records

    def close(self) -> None:
        """Close every open application and the database."""
        with self._lock:
            for records in self._records.values():
                records.close()
            for ring in self._rings.values():
                ring.close()
            self._rings.clear()
            self._records.clear()
        self.db.close()


def erased_persons(cur: Cursor, sql: Callable[[str], str]) -> list[str]:
    """The persons whose erasure the district's log records (as its audit trail shows it)."""
    cur.execute(
        sql("SELECT DISTINCT aggregate_id FROM {s}audit_entries WHERE event_type = %s"),
        (get_topic(Person.Erased).rpartition(":")[2],),
    )
    return [subject_of(row["aggregate_id"]) for row in cur.fetchall()]
