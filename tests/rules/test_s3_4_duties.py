"""S3.4: a service venue in the village's service facilities."""

from __future__ import annotations

from datetime import date

import pytest

from aggregates.association.association import FacilityKind
from projections.engine.replay import Basis
from projections.rules.s3_4_duties import SERVICE_VENUE
from tests.rules.history import History

DAY = date(2021, 3, 1)


@pytest.mark.parametrize("basis", list(Basis))
def test_s3_4_a_recorded_service_venue_passes(basis: Basis) -> None:
    history = History()
    history.establish()
    history.facility(FacilityKind.SERVICE_VENUE, DAY)
    assert history.check(SERVICE_VENUE, DAY, basis) == (True, {"missing": []})


def test_s3_4_no_venue_fails_and_a_later_one_does_not_count_before_its_day() -> None:
    history = History()
    history.establish()
    history.facility(FacilityKind.BARRIER_FREE, DAY)
    history.facility(FacilityKind.SERVICE_VENUE, date(2021, 4, 1))
    assert history.check(SERVICE_VENUE, DAY, Basis.EFFECTIVE) == (
        False,
        {"missing": ["service_venue"]},
    )
    assert not history.check(SERVICE_VENUE, DAY, Basis.RECORDED)[0]
