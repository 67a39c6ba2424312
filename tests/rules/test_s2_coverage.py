"""S2: by the end of 2022 every village and community has an association (全覆盖)."""

from __future__ import annotations

from datetime import date

import pytest

from projections.engine.replay import Basis
from projections.rules import RULES_BY_ID
from projections.rules.s2_coverage import COVERAGE
from tests.rules.history import ESTABLISHED, VILLAGE, History

OTHER = "410102001002"
REGISTERED = date(2021, 1, 2)


def _coverage(history: History, day: date, basis: Basis) -> list[str]:
    report = history.report(day, basis)
    return [f.division_code for f in report.findings if f.rule_id == COVERAGE.rule_id]


@pytest.mark.parametrize("basis", list(Basis))
def test_s2_a_village_with_an_association_is_covered(basis: Basis) -> None:
    history = History()
    history.divisions([VILLAGE], REGISTERED, REGISTERED)
    history.establish()
    assert _coverage(history, ESTABLISHED, basis) == []
    summary = history.report(ESTABLISHED, basis).summary
    assert (summary["villages"], summary["covered_villages"]) == (1, 1)


def test_s2_a_village_without_an_association_is_a_failing_finding() -> None:
    history = History()
    history.divisions([VILLAGE, OTHER], REGISTERED, REGISTERED)
    history.establish()
    report = history.report(ESTABLISHED, Basis.EFFECTIVE)
    [finding] = [f for f in report.findings if f.rule_id == "S2-coverage"]
    assert (finding.passed, finding.division_code, finding.clause) == (False, OTHER, "S2")
    assert report.summary["coverage_rate"] == 0.5
    assert RULES_BY_ID["S2-coverage"] is COVERAGE


def test_s2_villages_entered_late_count_on_the_effective_clock_only() -> None:
    """Villages in force from 2 January but entered on 1 March: on 1 February the records
    knew no village, so nothing was uncovered on the recorded clock."""
    history = History()
    history.divisions([OTHER], REGISTERED, date(2021, 3, 1))
    february = date(2021, 2, 1)
    assert _coverage(history, february, Basis.EFFECTIVE) == [OTHER]
    assert _coverage(history, february, Basis.RECORDED) == []
