"""Moves between villages as the township officer's list reads them (projections/roster/
moves.py): from the village before to the one after, into, out of or inside a township, on
either store."""

from __future__ import annotations

from datetime import date

import pytest

from projections.roster.moves import moves
from tests import factories
from tests.factories import SEED
from tests.plugin import MakeApp

DISTRICT = "410102"
FIRST, SECOND, ELSEWHERE = "410102001001", "410102001002", "410102002001"


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_moves_are_listed_from_the_village_before_to_the_one_after(
    make_app: MakeApp, request: pytest.FixtureRequest, store: str
) -> None:
    overrides = {"database_url": request.getfixturevalue("pg_url")} if store == "postgresql" else {}
    runtime = make_app(**overrides).extensions["canxie"].runtime
    records = factories.district(runtime.tenancy, DISTRICT)
    mover = factories.person(runtime.tenancy, FIRST, 1).id
    factories.person(runtime.tenancy, FIRST, 2)  # never moves
    for village, day in [(SECOND, date(2024, 3, 1)), (ELSEWHERE, date(2024, 9, 1))]:
        records.relocate_person(
            mover, village_code=village, address=f"{village}号", effective_on=day, by=SEED
        )
    runtime.catch_up(DISTRICT)

    def listed(township: str | None) -> list[tuple[str | None, str, str]]:
        found, total = moves(runtime.db, DISTRICT, township_code=township, limit=10, offset=0)
        assert total == len(found)
        return [(m.from_village, m.to_village, m.effective_on) for m in found]

    both = [(SECOND, ELSEWHERE, "2024-09-01"), (FIRST, SECOND, "2024-03-01")]
    assert listed(None) == both
    assert listed(FIRST[:9]) == both  # inside, then out of the township
    assert listed(ELSEWHERE[:9]) == both[:1]  # into it
    assert listed("410102003") == []
