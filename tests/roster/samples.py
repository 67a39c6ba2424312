"""Sample persons for tests: valid resident IDs and certificate numbers, made deterministically."""

from __future__ import annotations

from datetime import date
from typing import Any

from aggregates.identifiers import Sex, make_resident_id
from aggregates.roster.person import PersonDetails


def resident_id(sequence: int, born: date = date(1970, 5, 6), sex: Sex = Sex.MALE) -> str:
    """A valid resident ID issued in 中原区 (410102)."""
    return make_resident_id("410102", born, sequence, sex)


def person_body(village: str, sequence: int, **overrides: Any) -> dict[str, Any]:
    """A valid registration body for the API: a certified person with a physical disability."""
    born = date(1960 + sequence % 40, 1 + sequence % 12, 1 + sequence % 28)
    sex = Sex.FEMALE if sequence % 2 else Sex.MALE
    rid = make_resident_id("410102", born, sequence % 500, sex)
    body = {
        "name": f"残疾人{sequence}",
        "sex": sex.value,
        "birth_date": born.isoformat(),
        "resident_id": rid,
        "certificate_number": rid + "42",
        "category": 4,
        "grade": 2,
        "household_id": f"H{sequence:04d}",
        "household_relation": "head",
        "village_code": village,
        "address": f"{village[-3:]}号院{sequence}号楼",
        "phone": f"139{sequence:08d}",
        "special_hardship": False,
        "registered_on": "2022-03-01",
    }
    body.update(overrides)
    return body


def details(village: str, sequence: int, **overrides: Any) -> PersonDetails:
    """The same person as domain details."""
    body = person_body(village, sequence, **overrides)
    body.pop("registered_on")
    body["birth_date"] = date.fromisoformat(body["birth_date"])
    return PersonDetails(**body)
