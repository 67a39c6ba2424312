"""The verifiable ledger: building rate, proof sizes and times, verification rate of an export.

    .venv/bin/python -m bench.ledger [--events 100000] [--backend postgresql|sqlite|both]

Seeds a district through the domain code (like tests/seeding.py), then measures:

- the audit-trail projection alone (canonical encoding, digest and leaf hash of every stored
  record, rows written in batches as the workers do);
- the first signing: numbering every leaf, building the Merkle tree from the trail and
  signing its head; then signing again after 1,000 more events (the steady state);
- building the tree from leaf hashes already in memory;
- inclusion and consistency proofs: hashes per proof, bytes, time to produce (warm cache,
  as an API process has it) and to verify;
- exporting the bundle, verifying it offline (every leaf, root, signature, proof), and the
  live check against the database.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import (
    backends,
    print_table,
    scratch_store,
    seeded_run_arguments,
    write_results,
)
from projections.engine.catchup import catch_up
from projections.ledger import ledger
from projections.ledger.audit_trail import AUDIT_TRAIL_PROJECTION
from projections.ledger.merkle import MerkleLog, verify_consistency, verify_inclusion
from projections.ledger.records import Record
from projections.ledger.tree_heads import load_private_key, new_private_key_seed
from projections.ledger.verify import verify_bundle_file, verify_ledger
from projections.platform.database import open_database
from projections.platform.tenancy import Tenancy
from tests.seeding import SEEDER, seed_district

DISTRICT = "410108"


def timed(fn: Any, repeat: int) -> tuple[Any, float]:
    """(last result, median seconds) of ``repeat`` calls."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def _inclusion_figures(db: Any, snap: Any, size: int, root: bytes) -> dict[str, Any]:
    """Inclusion proofs at four leaves: warm API times, path lengths, verify times, one cold."""
    positions = [p for p, _ in snap.recorded_leaves]
    probes = [0, size // 3, size // 2, size - 1]
    inclusion_times, inclusion_sizes, verify_times = [], [], []
    for index in probes:
        proof, seconds = timed(
            lambda index=index: ledger.inclusion(db, DISTRICT, positions[index], size), 20
        )
        inclusion_times.append(seconds)
        path = [bytes.fromhex(p) for p in proof["audit_path"]]
        inclusion_sizes.append(len(path))
        leaf = Record(**{**proof["record"], "state": snap.records[index].state}).leaf_hash()
        _, seconds = timed(
            lambda leaf=leaf, index=index, path=path: verify_inclusion(
                leaf, index, size, path, root
            ),
            200,
        )
        verify_times.append(seconds)
    ledger.forget_cache()
    _, cold_inclusion_s = timed(lambda: ledger.inclusion(db, DISTRICT, positions[0], size), 1)
    return {
        "tree_size": size,
        "hashes": inclusion_sizes,
        "bytes": [32 * n for n in inclusion_sizes],
        "api_warm_ms_median": statistics.median(inclusion_times) * 1000,
        "api_cold_ms": cold_inclusion_s * 1000,
        "verify_us_median": statistics.median(verify_times) * 1e6,
    }


def _consistency_rows(
    merkle: MerkleLog, leaves: list[bytes], head_size: int, size: int, root: bytes
) -> list[dict[str, Any]]:
    """Consistency proofs from four older sizes to ``size``: their length and timings."""
    consistency_rows = []
    for first_size in (1, head_size, size // 2, size - 1):
        older = MerkleLog(leaves[:first_size]).root() if first_size else None
        proof = merkle.consistency_proof(first_size, size)
        _, produce_s = timed(
            lambda first_size=first_size: merkle.consistency_proof(first_size, size), 50
        )
        _, check_s = timed(
            lambda first_size=first_size, older=older, proof=proof: verify_consistency(
                first_size, size, older, root, proof
            ),
            200,
        )
        consistency_rows.append(
            {
                "from": first_size,
                "to": size,
                "hashes": len(proof),
                "bytes": 32 * len(proof),
                "produce_us": produce_s * 1e6,
                "verify_us": check_s * 1e6,
            }
        )
    return consistency_rows


def _export_and_check(
    db: Any, scratch: Path, key: Any
) -> tuple[Path, float, float, Any, float, Any]:
    """Export and verify the bundle, then check the live store against the public key."""
    bundle = scratch / "bundle.json"
    started = time.perf_counter()
    ledger.write_bundle(db, DISTRICT, bundle)
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    report = verify_bundle_file(bundle)
    verify_s = time.perf_counter() - started
    assert report.ok, report.text()

    from projections.ledger.tree_heads import load_public_key, public_key_base64

    public = load_public_key(public_key_base64(key))
    started = time.perf_counter()
    live = ledger.snapshot(db, DISTRICT)
    check = verify_ledger(
        DISTRICT, live.records, live.recorded_leaves, [h.to_dict() for h in live.heads], [public]
    )
    check_s = time.perf_counter() - started
    assert check.ok, check.text()
    return bundle, export_s, verify_s, report, check_s, check


def _seed(tenancy: Tenancy, events: int, cycles: int) -> None:
    """A fresh district with about ``events`` events of appointments and removals."""
    tenancy.provision()
    tenancy.create_district(DISTRICT, "上街区", SEEDER)
    associations = max(1, events // (2 * cycles + 1))
    seed_district(tenancy, DISTRICT, associations=associations, cycles=cycles)


def _sign_after_more_events(
    tenancy: Tenancy, mapper: Any, key: Any, batch: int, cycles: int
) -> tuple[Any, float]:
    """About 1,000 more events projected, then a head signed: the head and the signing time."""
    db = tenancy.db
    seed_district(tenancy, DISTRICT, associations=5, cycles=cycles)  # ~1,000 more events
    catch_up(db, DISTRICT, mapper, projections=(AUDIT_TRAIL_PROJECTION,), batch_size=batch)
    started = time.perf_counter()
    second = ledger.sign_head(db, DISTRICT, key)
    steady_sign_s = time.perf_counter() - started
    assert second is not None
    return second, steady_sign_s


def measure(tenancy: Tenancy, events: int, batch: int, scratch: Path) -> dict[str, Any]:
    """Every figure on a freshly seeded district."""
    db = tenancy.db
    cycles = 100
    _seed(tenancy, events, cycles)
    mapper = tenancy.records(DISTRICT).mapper
    key = load_private_key(new_private_key_seed())
    ledger.forget_cache()

    started = time.perf_counter()
    done = catch_up(db, DISTRICT, mapper, projections=(AUDIT_TRAIL_PROJECTION,), batch_size=batch)
    projection_s = time.perf_counter() - started
    total = done.applied

    ledger.forget_cache()
    started = time.perf_counter()
    head = ledger.sign_head(db, DISTRICT, key)
    first_sign_s = time.perf_counter() - started
    assert head is not None and head.tree_size == total

    second, steady_sign_s = _sign_after_more_events(tenancy, mapper, key, batch, cycles)
    grown = second.tree_size - head.tree_size

    snap = ledger.snapshot(db, DISTRICT)
    leaves = [bytes.fromhex(h) for _, h in snap.recorded_leaves]
    started = time.perf_counter()
    merkle = MerkleLog(leaves)
    tree_s = time.perf_counter() - started

    size, root = second.tree_size, second.root
    inclusion = _inclusion_figures(db, snap, size, root)

    consistency_rows = _consistency_rows(merkle, leaves, head.tree_size, size, root)
    # The API's consistency endpoint needs signed heads at both sizes: time it on the two.
    _, api_consistency_s = timed(lambda: ledger.consistency(db, DISTRICT, head.tree_size, size), 20)

    bundle, export_s, verify_s, report, check_s, check = _export_and_check(db, scratch, key)
    tenancy.close()
    return {
        "events": total,
        "batch": batch,
        "audit_projection_events_per_s": total / projection_s,
        "first_sign_seconds": first_sign_s,
        "first_sign_events_per_s": total / first_sign_s,
        "ledger_build_events_per_s": total / (projection_s + first_sign_s),
        "steady_sign_new_events": grown,
        "steady_sign_ms": steady_sign_s * 1000,
        "tree_from_memory_leaves_per_s": size / tree_s,
        "inclusion": inclusion,
        "consistency": consistency_rows,
        "api_consistency_warm_ms": api_consistency_s * 1000,
        "bundle_bytes": bundle.stat().st_size,
        "export_seconds": export_s,
        "export_events_per_s": (size + 0.0) / export_s,
        "verify_bundle_seconds": verify_s,
        "verify_bundle_events_per_s": report.events / verify_s,
        "live_check_seconds": check_s,
        "live_check_events_per_s": check.events / check_s,
    }


def run(backend: str, events: int, batch: int) -> dict[str, Any]:
    """Seed and measure on one back end."""
    with scratch_store(backend) as (path, url):
        return measure(Tenancy(open_database(url, path)), events, batch, path)


def _print_signing_and_inclusion(results: dict[str, Any]) -> None:
    """Per backend: projection and signing speeds, then inclusion proofs' size and time."""
    print_table(
        [
            "backend",
            "events",
            "audit proj ev/s",
            "1st sign s",
            "build ev/s",
            "+1k sign ms",
            "tree leaves/s",
        ],
        [
            [
                b,
                r["events"],
                r["audit_projection_events_per_s"],
                f"{r['first_sign_seconds']:.2f}",
                r["ledger_build_events_per_s"],
                r["steady_sign_ms"],
                r["tree_from_memory_leaves_per_s"],
            ]
            for b, r in results.items()
        ],
    )
    print()
    print_table(
        [
            "backend",
            "incl. hashes",
            "incl. bytes",
            "incl. API ms",
            "cold ms",
            "verify us",
            "cons. API ms",
        ],
        [
            [
                b,
                max(r["inclusion"]["hashes"]),
                max(r["inclusion"]["bytes"]),
                f"{r['inclusion']['api_warm_ms_median']:.2f}",
                r["inclusion"]["api_cold_ms"],
                r["inclusion"]["verify_us_median"],
                f"{r['api_consistency_warm_ms']:.2f}",
            ]
            for b, r in results.items()
        ],
    )


def main() -> None:
    """Parse arguments, run, print and save."""
    args, folder = seeded_run_arguments(__doc__)
    results = {b: run(b, args.events, args.batch) for b in backends(args.backend)}
    _print_signing_and_inclusion(results)
    print()
    print_table(
        ["backend", "from", "to", "hashes", "bytes", "produce us", "verify us"],
        [
            [b, c["from"], c["to"], c["hashes"], c["bytes"], c["produce_us"], c["verify_us"]]
            for b, r in results.items()
            for c in r["consistency"]
        ],
    )
    print()
    print_table(
        ["backend", "bundle MB", "export ev/s", "verify s", "verify ev/s", "live check ev/s"],
        [
            [
                b,
                r["bundle_bytes"] / 1e6,
                r["export_events_per_s"],
                f"{r['verify_bundle_seconds']:.2f}",
                r["verify_bundle_events_per_s"],
                r["live_check_events_per_s"],
            ]
            for b, r in results.items()
        ],
    )
    command = f"python -m bench.ledger --events {args.events} --backend {args.backend}"
    print(write_results(folder, "ledger", {"command": command, "results": results}))


if __name__ == "__main__":
    main()
