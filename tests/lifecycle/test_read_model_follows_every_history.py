"""The read models accept every history the domain accepts: a projection never stops on an event.

A village whose association was dissolved can receive another association (here by a merge of
villages: the surviving association follows to the merged village's code).  Two associations
then hold the same village code over time; the associations table must not refuse that, or the
district's read models stop at that event for good.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from projections.association.associations import ASSOCIATIONS, RETIRED_UNIQUE
from projections.engine.catchup import projected_position
from projections.platform.tenancy import Tenancy
from tests.factories import SEED, association, district

D, T = "410102", "410102001"
V1, V2 = f"{T}001", f"{T}002"


def _merge_onto_a_dissolved_association(tenancy: Tenancy) -> tuple[Any, Any]:
    """A (dissolved) held V1, B holds V2; V1 and V2 merge into V1, so B follows to V1."""
    if tenancy.catalog.find(D) is None:
        district(tenancy, D)
    records = tenancy.records(D)
    for code, name in ((T, "林山寨街道"), (V1, "友谊社区"), (V2, "百花社区")):
        records.record_division(code=code, name=name, effective_on=date(2020, 1, 1), by=SEED)
    a = association(tenancy, V1, "友谊社区残协", established_on=date(2021, 3, 1)).id
    b = association(tenancy, V2, "百花社区残协", established_on=date(2021, 4, 1)).id
    records.dissolve_association(a, dissolved_on=date(2022, 1, 1), reason="社区撤并", by=SEED)
    records.merge_villages(
        sources=[V1, V2],
        into_code=V1,
        into_name="友谊百花社区",
        effective_on=date(2022, 6, 1),
        by=SEED,
    )
    return a, b


def _associations_at(tenancy: Tenancy, code: str) -> set[str]:
    db = tenancy.db
    with db.transaction(D, write=False) as cur:
        cur.execute(db.sql(D, "SELECT id FROM {s}associations WHERE division_code = %s"), (code,))
        return {str(row["id"]) for row in cur.fetchall()}


def test_a_merge_onto_a_dissolved_associations_village_is_projected(
    store_url: str | None, make_runtime: Any
) -> None:
    runtime = make_runtime(database_url=store_url)
    a, b = _merge_onto_a_dissolved_association(runtime.tenancy)
    head = runtime.tenancy.records(D).head_position()
    runtime.catch_up(D)
    assert projected_position(runtime.db, D) == head
    assert _associations_at(runtime.tenancy, V1) == {str(a), str(b)}


def _age(tenancy: Tenancy) -> None:
    """Give the district's associations table the unique village code older stores have."""
    db, sql = tenancy.db, partial(tenancy.db.sql, D)
    with db.transaction(D, write=True) as cur:
        if db.kind == "postgresql":
            cur.execute(
                sql(
                    f"ALTER TABLE {{s}}associations ADD CONSTRAINT {RETIRED_UNIQUE} "
                    "UNIQUE (division_code)"
                )
            )
            return
        columns = ", ".join(f"{name} {kind}" for name, kind in ASSOCIATIONS.columns.items())
        cur.execute("DROP TABLE associations")
        cur.execute(
            f"CREATE TABLE associations ({columns}, PRIMARY KEY (id), UNIQUE (division_code))"
        )


def test_an_older_store_loses_its_unique_village_code_when_opened(
    store_url: str | None, make_runtime: Any
) -> None:
    runtime = make_runtime(database_url=store_url)
    district(runtime.tenancy, D)
    _age(runtime.tenancy)
    runtime.tenancy.provision_district(D)  # what every start does for every district
    a, b = _merge_onto_a_dissolved_association(runtime.tenancy)
    runtime.catch_up(D)
    assert projected_position(runtime.db, D) == runtime.tenancy.records(D).head_position()
    assert _associations_at(runtime.tenancy, V1) == {str(a), str(b)}
