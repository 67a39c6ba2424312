"""A/B of the write path: one seeded district caught up through every read model, then rebuilt,
by whichever checkout is on ``PYTHONPATH``, beside its raw read-and-decode rate.

    python bench/write_path_ab.py prepare --backend postgresql --events 20000 --template DIR
    PYTHONPATH=CHECKOUT python bench/write_path_ab.py measure --template DIR --label NAME

``prepare`` seeds the district once (the events do not depend on the read models' code);
``measure`` copies it (PostgreSQL: ``CREATE DATABASE … TEMPLATE``; SQLite: the files), opens
the copy as a deployment does (provisioning: the checkout's own tables and migrations), reads
and decodes every event (the reference), catches every read model up from position 0 in
batches of 1,000 as a worker does, signs the first tree head (before issue 17 that numbered
every leaf by an UPDATE of every entry; now the leaves are numbered as written), then rebuilds
every read model in one transaction as ``canxie rebuild`` does, and prints one JSON line.
Running checkouts in turn (A, B, A, B, ...) on the same seeded events makes their figures
comparable on a shared, loaded machine.  The script imports only what every checkout since
issue 8 has, so it measures older code too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.common import ADMIN_URL, read_and_decode
from projections.engine.catchup import catch_up
from projections.engine.rebuild import rebuild
from projections.ledger import ledger
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.seeding import SEEDER, seed_district

DISTRICT = "410108"
CYCLES = 100


def _url(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def prepare(backend: str, events: int, template: Path) -> None:
    """Seed the district into ``template`` (and, on PostgreSQL, a template database)."""
    template.mkdir(parents=True, exist_ok=True)
    url = None
    if backend == "postgresql":
        name = f"canxie_ab_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE DATABASE "{name}"')
        (template / "database").write_text(name)
        url = _url(name)
    tenancy = Tenancy(open_database(url, template / "data"))
    tenancy.provision()
    tenancy.create_district(DISTRICT, "上街区", SEEDER)
    seed_district(tenancy, DISTRICT, associations=max(1, events // (2 * CYCLES + 2)), cycles=CYCLES)
    tenancy.close()


def measure(template: Path, label: str) -> dict[str, Any]:
    """Copy the template, then the reference, the catch-up and the rebuild on the copy."""
    with tempfile.TemporaryDirectory() as folder:
        if (template / "data").exists():  # SQLite files, PostgreSQL's key file if any
            shutil.copytree(template / "data", Path(folder) / "data")
        source = template / "database"
        name = url = None
        if source.exists():
            name = f"canxie_ab_{uuid.uuid4().hex[:10]}"
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{source.read_text()}"')
            url = _url(name)
        try:
            return _measure(Tenancy(open_database(url, Path(folder) / "data")), label, url)
        finally:
            if name:
                _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(tenancy: Tenancy, label: str, url: str | None) -> dict[str, Any]:
    tenancy.provision()
    total, raw_seconds = read_and_decode(tenancy, DISTRICT)
    mapper = tenancy.records(DISTRICT).mapper
    cpu = time.process_time()
    started = time.perf_counter()
    caught = catch_up(tenancy.db, DISTRICT, mapper, batch_size=1000)
    catch_up_seconds = time.perf_counter() - started
    catch_up_cpu = time.process_time() - cpu
    assert caught.applied == total, (caught.applied, total)
    started = time.perf_counter()
    head = ledger.sign_head(tenancy.db, DISTRICT, Ed25519PrivateKey.generate())
    sign_seconds = time.perf_counter() - started
    assert head is not None and head.tree_size == total
    stored = trail_storage(tenancy.db)
    started = time.perf_counter()
    rebuilt = rebuild(tenancy.db, DISTRICT, mapper)
    rebuild_seconds = time.perf_counter() - started
    assert rebuilt.events == total
    tenancy.close()
    raw = total / raw_seconds
    return {
        "label": label,
        "backend": "postgresql" if url else "sqlite",
        "events": total,
        "read_decode_events_per_s": round(raw),
        "catch_up_events_per_s": round(total / catch_up_seconds),
        "catch_up_ratio": round(total / catch_up_seconds / raw, 3),
        "catch_up_cpu_s": round(catch_up_cpu, 2),
        **stored,
        "sign_seconds": round(sign_seconds, 3),
        "catch_up_and_sign_events_per_s": round(total / (catch_up_seconds + sign_seconds)),
        "rebuild_events_per_s": round(total / rebuild_seconds),
        "rebuild_ratio": round(total / rebuild_seconds / raw, 3),
        "at": time.strftime("%H:%M:%S", time.gmtime()),
    }


def trail_storage(db: Any) -> dict[str, Any]:
    """Bytes the audit trail takes after catch-up and signing: its table and its indexes
    (dead row versions of PostgreSQL's UPDATEs included until vacuum)."""
    with db.transaction(DISTRICT, write=False) as cur:
        if db.kind != "postgresql":
            cur.execute(
                "SELECT sum(pgsize) AS n FROM dbstat WHERE name = 'audit_entries' "
                "OR name LIKE 'audit_entries_%'"
            )
            return {"trail_bytes": int(cur.fetchone()["n"])}
        table = db.sql(DISTRICT, "{s}audit_entries")
        cur.execute(
            "SELECT pg_table_size(%s::regclass) AS t, pg_indexes_size(%s::regclass) AS i",
            (table, table),
        )
        row = cur.fetchone()
    return {"trail_bytes": int(row["t"]) + int(row["i"]), "trail_index_bytes": int(row["i"])}


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=["prepare", "measure"])
    parser.add_argument("--template", type=Path, required=True)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--label", default="?")
    args = parser.parse_args()
    if args.step == "prepare":
        prepare(args.backend, args.events, args.template)
    else:
        print(json.dumps(measure(args.template, args.label)), flush=True)


if __name__ == "__main__":
    main()
