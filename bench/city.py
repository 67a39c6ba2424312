"""A synthetic city: Zhengzhou's 15 districts and 208 townships with generated villages, about
3,500 associations and 250,000 persons, two years of records: 3 million events at full scale.

    .venv/bin/python -m bench.city [--scale 1.0] [--seed 8] [--jobs 2]
        [--backend sqlite|postgresql] [--data-dir DIR | --database-url URL]

Built on the real divisions shipped in the package (``service.divisions.city_data``) and written
through the domain code by :func:`service.synthetic.villages.write_district` (one transaction per
village). Each district gets a share of the associations in proportion to its townships (at least
one), plus one village without an association (S2 coverage); village codes end 001-199 for
communities and 200-399 for villages. The same seed gives the same city (ids aside, which the
library draws at random): each district has its own random stream, so districts can be written in
parallel processes (``--jobs``).

Two in five associations are meant to meet every rule of the plan on 31 December 2022; each of
the others is short of exactly one rule (``bench.district.DEFECTS``, in turn), so the
compliance report of the generated city is known in advance and checked by
``tests/generator``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.district import (
    COMPLIANT,
    DEFECTS,
    GENERATOR,
    TODAY,
    shares,
    townships,
    village_codes,
    write_district,
)
from projections.platform.tenancy import Tenancy
from service.divisions.city_data import DISTRICTS, city_rows

FULL_ASSOCIATIONS = 3_500
FULL_PERSONS = 250_000
VISITS_PER_HOUSEHOLD = 4


@dataclass(frozen=True)
class DistrictPlan:
    """What one district of the city gets."""

    code: str
    name: str
    townships: int
    persons: int
    profiles: tuple[str, ...]  # one per association, in village order

    @property
    def associations(self) -> int:
        """Villages with an association (one more village has none)."""
        return len(self.profiles)


@dataclass
class CityGenerated:
    """What was written, district by district."""

    scale: float
    seed: int
    districts: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def events(self) -> int:
        """Every event written."""
        return sum(d["events"] for d in self.districts)

    def intended(self) -> dict[str, Any]:
        """The compliance mix the city was generated with, as of 31 December 2022."""
        profiles = Counter(p for d in self.districts for p in d["profiles"])
        return {
            "associations": sum(profiles.values()),
            "compliant": profiles[COMPLIANT],
            "short_of": {rule: profiles[rule] for rule in DEFECTS if profiles[rule]},
        }


def districts() -> list[tuple[str, str]]:
    """The city's real districts (code, name)."""
    return [(r["code"], r["name"]) for r in city_rows(DISTRICTS)]


def plan(scale: float = 1.0) -> list[DistrictPlan]:
    """Associations and persons per district at ``scale`` (1.0: 3,500 and 250,000)."""
    towns = {code: len(townships(code)) for code, _ in districts()}
    total_towns = sum(towns.values())
    total_associations = max(1, round(FULL_ASSOCIATIONS * scale))
    total_persons = max(1, round(FULL_PERSONS * scale))
    counts = {
        code: max(1, round(total_associations * n / total_towns)) for code, n in towns.items()
    }
    all_associations = sum(counts.values())
    plans, index = [], 0
    for code, name in districts():
        profiles = []
        for _ in range(counts[code]):
            # Two in five compliant; the others each short of one rule, in turn.
            if index % 5 < 2:
                profiles.append(COMPLIANT)
            else:
                profiles.append(DEFECTS[(3 * (index // 5) + index % 5 - 2) % len(DEFECTS)])
            index += 1
        persons = max(counts[code], round(total_persons * counts[code] / all_associations))
        plans.append(DistrictPlan(code, name, towns[code], persons, tuple(profiles)))
    return plans


def birth_span(persons: int) -> int:
    """Days per run of 500 persons, so that every birth date falls between 1935 and 2004."""
    runs = persons // 500 + 1
    return max(1, min(725, (date(2004, 1, 1) - date(1935, 1, 1)).days // runs))


def generate_district(tenancy: Tenancy, district: DistrictPlan, seed: int) -> dict[str, Any]:
    """Write one district of the city through the domain code; what was written."""
    rng = random.Random(f"{seed}-{district.code}")
    records = tenancy.records(district.code)
    started = time.perf_counter()
    head_before = records.head_position()
    codes = village_codes(district.associations + 1, district.code)
    write_district(
        records,
        rng,
        district=district.code,
        district_name=district.name,
        codes=codes,
        people=shares(district.persons, district.associations),
        by=GENERATOR,
        profiles=district.profiles,
        visits_per_household=VISITS_PER_HOUSEHOLD,
        birth_span=birth_span(district.persons),
    )
    return {
        "code": district.code,
        "name": district.name,
        "townships": district.townships,
        "villages": len(codes),
        "associations": district.associations,
        "persons": district.persons,
        "profiles": list(district.profiles),
        "events": records.head_position() - head_before,
        "seconds": time.perf_counter() - started,
    }


def open_city(database_url: str | None, data_dir: Path) -> Tenancy:
    """The store of the city (created if new), every district in its catalog."""
    from projections.platform.database import open_database

    tenancy = Tenancy(open_database(database_url, data_dir))
    tenancy.provision()
    known = {d.code for d in tenancy.districts()}
    for code, name in districts():
        if code not in known:
            tenancy.create_district(code, name, GENERATOR)
    return tenancy


def _one(args: tuple[str | None, str, DistrictPlan, int]) -> dict[str, Any]:
    """A child process writes one district."""
    database_url, data_dir, district, seed = args
    from projections.platform.database import open_database

    tenancy = Tenancy(open_database(database_url, Path(data_dir)))
    try:
        return generate_district(tenancy, district, seed)
    finally:
        tenancy.close()


def generate_city(
    database_url: str | None,
    data_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 8,
    jobs: int = 1,
    verbose: bool = False,
) -> CityGenerated:
    """Create the city's districts and write them (``jobs`` processes); what was written."""
    open_city(database_url, data_dir).close()
    result = CityGenerated(scale=scale, seed=seed)
    started = time.perf_counter()
    plans = plan(scale)
    # Largest first, so that parallel jobs finish together.
    work = [(database_url, str(data_dir), p, seed) for p in sorted(plans, key=lambda p: -p.persons)]
    if jobs <= 1:
        done = map(_one, work)
        for written in done:
            result.districts.append(written)
            if verbose:
                _report(written, started)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            for written in pool.map(_one, work):
                result.districts.append(written)
                if verbose:
                    _report(written, started)
    order = [p.code for p in plans]
    result.districts.sort(key=lambda d: order.index(d["code"]))
    result.seconds = time.perf_counter() - started
    return result


def _report(written: dict[str, Any], started: float) -> None:
    print(
        f"  {written['code']} {written['name']}: {written['associations']} associations, "
        f"{written['persons']} persons, {written['events']:,} events in "
        f"{written['seconds']:.1f} s (at {time.perf_counter() - started:.0f} s)",
        flush=True,
    )


def main() -> None:
    """Generate the city into a store and report what was written."""
    from bench.common import add_results_option, results_folder, write_results

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--data-dir", type=Path, default=Path("data-city"), help="embedded store folder (SQLite)"
    )
    parser.add_argument("--database-url", help="postgresql:// URL of a hosted store instead")
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    result = generate_city(
        args.database_url,
        args.data_dir,
        scale=args.scale,
        seed=args.seed,
        jobs=args.jobs,
        verbose=True,
    )
    _print_city(result, args.jobs)
    backend = "postgresql" if args.database_url else "sqlite"
    print(
        write_results(
            folder,
            "city",
            {
                "command": f"python -m bench.city --scale {args.scale} --seed {args.seed} "
                f"--jobs {args.jobs}" + (" --database-url URL" if args.database_url else ""),
                "backend": backend,
                "scale": args.scale,
                "events": result.events,
                "seconds": result.seconds,
                "events_per_s": result.events / result.seconds,
                "intended": result.intended(),
                "districts": [
                    {k: v for k, v in d.items() if k != "profiles"} for d in result.districts
                ],
            },
        )
    )


def _print_city(result: CityGenerated, jobs: int) -> None:
    """Per district what was written, then the city's totals and what it intends."""
    from bench.common import print_table

    print_table(
        [
            "district",
            "name",
            "townships",
            "villages",
            "associations",
            "persons",
            "events",
            "seconds",
            "events/s",
        ],
        [
            [
                d["code"],
                d["name"],
                d["townships"],
                d["villages"],
                d["associations"],
                d["persons"],
                d["events"],
                d["seconds"],
                d["events"] / d["seconds"],
            ]
            for d in result.districts
        ],
    )
    print(
        f"city: {result.events:,} events in {result.seconds:.1f} s "
        f"({result.events / result.seconds:,.0f} events/s, {jobs} jobs); "
        f"as of {TODAY}: {result.intended()}"
    )


if __name__ == "__main__":
    main()
