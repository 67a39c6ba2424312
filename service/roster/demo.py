"""Demo roster: disabled persons in the demo villages, with a few changes over time."""

from __future__ import annotations

from datetime import date
from typing import Any

from aggregates.identifiers import Sex, make_resident_id
from aggregates.provenance import Provenance
from aggregates.roster.person import PersonDetails

#: (name, sex, birth date, village, category, grade or None when uncertified, hardship reason)
PERSONS: list[tuple[str, Sex, date, str, int | None, int | None, str | None]] = [
    ("张桂兰", Sex.FEMALE, date(1948, 3, 12), "410102001001", 1, 1, "独居老人，视力一级"),
    ("李国强", Sex.MALE, date(1975, 8, 2), "410102001001", 4, 3, None),
    ("王小明", Sex.MALE, date(2012, 5, 20), "410102001001", 5, 2, None),
    ("赵淑芬", Sex.FEMALE, date(1962, 11, 30), "410102001002", 2, 4, None),
    ("陈志远", Sex.MALE, date(1989, 1, 15), "410102001002", 6, 2, "低保户，监护人年迈"),
    ("刘秀珍", Sex.FEMALE, date(1955, 7, 7), "410102002001", 4, 1, None),
    ("孙建华", Sex.MALE, date(1968, 4, 18), "410102002001", None, None, None),
    ("周玉梅", Sex.FEMALE, date(1940, 2, 2), "410102100201", 7, 2, "特困供养"),
]


def load_demo_roster(records: Any, by: Provenance) -> dict[str, list[Any]]:
    """Register the demo persons and record a relocation, a re-assessment and a death.

    Returns the ids of the persons still living in each village, for the care records.
    """
    ids = []
    for n, (name, sex, born, village, category, grade, hardship) in enumerate(PERSONS):
        rid = make_resident_id("410102", born, 100 + n, sex)
        certified = grade is not None
        saved = records.register_person(
            PersonDetails(
                name=name,
                sex=sex.value,
                birth_date=born,
                resident_id=rid,
                village_code=village,
                address=f"{village[-3:]}号院{n + 1}号楼",
                certificate_number=f"{rid}{category}{grade}" if certified else None,
                category=category,
                grade=grade,
                service_needs=[] if certified else ["rehabilitation", "assistive_devices"],
                household_id=f"H{village[-6:]}{n:02d}",
                household_relation="head",
                phone=f"1390371{n:04d}",
                special_hardship=hardship is not None,
                hardship_reason=hardship,
            ),
            registered_on=date(2021, 6, 1),
            by=by,
        )
        ids.append((saved.id, rid))
    records.relocate_person(
        ids[1][0],
        village_code="410102002001",
        address="西里小区5号楼",
        effective_on=date(2022, 4, 1),
        by=by,
    )
    records.change_certificate(
        ids[5][0],
        certificate_number=f"{ids[5][1]}42",
        category=4,
        grade=2,
        effective_on=date(2022, 9, 1),
        reason="复评 reassessed",
        by=by,
    )
    records.record_death(ids[7][0], died_on=date(2023, 2, 14), by=by)
    living: dict[str, list[Any]] = {}
    for n, (person_id, _) in enumerate(ids):
        village = "410102002001" if n == 1 else PERSONS[n][3]
        if n != 7:
            living.setdefault(village, []).append(person_id)
    return living
