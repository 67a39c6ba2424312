"""A generated district at the scale of issue 6: 300 villages, 20,000 persons, ~225,000 events.

    .venv/bin/python -m bench.district [--backend postgresql|sqlite] [--seed 6]

Everything goes through the real domain code (aggregates and their rules), saved in batches:
each village's records in one transaction.  Villages are spread over the real townships of
中牟县 (410122) from the package's township file (``service.divisions.city_data``); codes ending
001-199 are communities, 200-399 villages.  Each village has its association and officers
(S3.3, S3.6), facilities, ~67 persons with valid resident IDs and certificates, groups
everyone joins, needs surveys and services, home visits, training and yearly evaluations.
The same seed gives the same district (ids aside, which the library draws at random).  The writer
(``write_district``) lives in :mod:`service.synthetic.villages`, which also
builds the city of :mod:`bench.city` and the demo of ``canxie serve --demo``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from projections.platform.tenancy import Tenancy
from service.synthetic.villages import (
    COMPLIANT,
    DEFECTS,
    GENERATOR,
    TODAY,
    shares,
    village_codes,
    write_district,
)
from service.synthetic.villages import townships as district_townships

__all__ = ["COMPLIANT", "DEFECTS", "GENERATOR", "TODAY"]

DISTRICT = "410122"
DISTRICT_NAME = "中牟县"


@dataclass(frozen=True)
class Generated:
    """What was written."""

    district: str
    villages: int
    persons: int
    events: int
    seconds: float


def townships(district: str = DISTRICT) -> list[tuple[str, str]]:
    """The district's real townships (code, name)."""
    return district_townships(district)


def generate(
    tenancy: Tenancy,
    *,
    district: str = DISTRICT,
    villages: int = 300,
    persons: int = 20_000,
    seed: int = 6,
    visits_per_household: int = 3,
    progress: Callable[[int, int], None] | None = None,
) -> Generated:
    """Write the district through the domain code; returns what was written."""
    rng = random.Random(seed)
    records = tenancy.records(district)
    started = time.perf_counter()
    head_before = records.head_position()
    per_village = shares(persons, villages)
    write_district(
        records,
        rng,
        district=district,
        district_name=DISTRICT_NAME,
        codes=village_codes(villages, district),
        people=per_village,
        by=GENERATOR,
        visits_per_household=visits_per_household,
        progress=progress,
    )
    events = records.head_position() - head_before
    return Generated(district, villages, sum(per_village), events, time.perf_counter() - started)


def open_store(backend: str, scratch: Path, url: str | None) -> Tenancy:
    """A provisioned store with the district created."""
    from projections.platform.database import open_database

    tenancy = Tenancy(open_database(url if backend == "postgresql" else None, scratch))
    tenancy.provision()
    tenancy.create_district(DISTRICT, DISTRICT_NAME, GENERATOR)
    return tenancy


def main() -> None:
    """Generate the district once and report how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    from bench.common import scratch_store

    with scratch_store(args.backend) as (scratch, url):
        tenancy = open_store(args.backend, scratch, url)
        result = generate(tenancy, villages=args.villages, persons=args.persons, seed=args.seed)
        tenancy.close()
    print(
        f"{result.events} events ({result.villages} villages, {result.persons} persons) "
        f"in {result.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
