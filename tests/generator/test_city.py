"""The synthetic city of issue 8 at a small scale: it checks its own output.

Counts per district, valid identifiers (resident IDs, certificates, division codes) and the
compliance mix it was generated with, evaluated by the rules of the plan on the replayed read
models, and the live read models built by catch-up agreeing with the replay.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from aggregates.clock import SYSTEM_CLOCK
from aggregates.identifiers import (
    DivisionLevel,
    VillageKind,
    validate_certificate_number,
    validate_division_code,
    validate_resident_id,
    village_kind,
)
from bench.city import CityGenerated, generate_city, open_city, plan
from bench.district import COMPLIANT, TODAY
from projections.compliance import evaluate
from projections.engine.catchup import catch_up
from projections.engine.memory import MemoryTables
from projections.engine.replay import Basis, load_live, replay
from projections.platform.tenancy import Tenancy

SCALE = 0.002


def everything(tenancy: Tenancy, code: str) -> MemoryTables:
    """The district's read models from every event recorded (judged as of ``TODAY``)."""
    return replay(
        tenancy.db,
        code,
        tenancy.records(code).mapper,
        as_of=SYSTEM_CLOCK.today(),
        basis=Basis.RECORDED,
    ).tables


@pytest.fixture(scope="module")
def generated_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CityGenerated]:
    data_dir = tmp_path_factory.mktemp("city")
    return data_dir, generate_city(None, data_dir, scale=SCALE, seed=8, jobs=1)


def test_the_plan_covers_the_real_divisions_at_every_scale() -> None:
    small, full = plan(SCALE), plan(1.0)
    assert len(small) == len(full) == 15
    assert sum(p.townships for p in full) == 208
    assert 3_450 <= sum(p.associations for p in full) <= 3_550
    assert 249_000 <= sum(p.persons for p in full) <= 251_000
    assert all(p.associations >= 1 for p in small)
    assert [p.profiles for p in plan(SCALE)] == [p.profiles for p in small]  # deterministic


def test_counts_and_identifiers(generated_city: tuple[Path, CityGenerated]) -> None:
    data_dir, generated = generated_city
    intended = generated.intended()
    assert len(generated.districts) == 15
    assert intended["associations"] == sum(p.associations for p in plan(SCALE))
    assert generated.events >= 13 * sum(d["persons"] for d in generated.districts)
    tenancy = open_city(None, data_dir)
    try:
        residents: set[str] = set()
        for district in generated.districts:
            code = district["code"]
            tables = everything(tenancy, code)
            assert len(list(tables.rows("associations"))) == district["associations"]
            persons = list(tables.rows("persons"))
            assert len(persons) == district["persons"]
            for person in persons:
                resident = validate_resident_id(person["resident_id"], TODAY)
                validate_certificate_number(
                    person["certificate_number"],
                    TODAY,
                    person["category"],
                    person["grade"],
                    resident_id=resident,
                )
                assert person["resident_id"][:6] == code
                residents.add(person["resident_id"])
            villages = [d for d in tables.rows("divisions") if d["level"] == "village"]
            assert len(villages) == district["villages"] == district["associations"] + 1
            for village in villages:
                validate_division_code(village["code"], DivisionLevel.VILLAGE)
                assert village["code"][:6] == code
                suffix = int(village["code"][-3:])
                expected = VillageKind.COMMUNITY if suffix < 200 else VillageKind.VILLAGE
                assert village_kind(village["code"]) is expected
                assert 1 <= suffix <= 399
        assert len(residents) == sum(d["persons"] for d in generated.districts)
    finally:
        tenancy.close()


def test_the_compliance_mix_is_the_one_intended(generated_city: tuple[Path, CityGenerated]) -> None:
    data_dir, generated = generated_city
    intended = generated.intended()
    assert 0 < intended["compliant"] < intended["associations"]
    tenancy = open_city(None, data_dir)
    compliant = 0
    failures: Counter[str] = Counter()
    try:
        for district in generated.districts:
            code = district["code"]
            tables = everything(tenancy, code)
            report = evaluate(code, tables, TODAY)
            compliant += report.summary["fully_compliant"]
            failures.update(report.summary["failures_by_rule"])
            assert report.summary["covered_villages"] == district["associations"]
            # Each association fails exactly the rule it was generated short of.
            by_name = {a["id"]: a["division_code"] for a in tables.rows("associations")}
            codes = sorted(by_name.values())
            profiles = dict(zip(codes, district["profiles"], strict=True))
            for finding in report.findings:
                if finding.association_id is None:
                    continue
                profile = profiles[finding.division_code]
                assert finding.passed == (profile == COMPLIANT or finding.rule_id != profile), (
                    finding.rule_id,
                    profile,
                    finding.facts,
                )
        # The live read models, built by catch-up, give the same answer as the replay.
        catch_up(tenancy.db, code, tenancy.records(code).mapper)
        live = evaluate(code, load_live(tenancy.db, code), TODAY)
        assert live.summary == report.summary
    finally:
        tenancy.close()
    assert compliant == intended["compliant"]
    assert failures.pop("S2-coverage") == len(generated.districts)
    assert dict(failures) == intended["short_of"]
