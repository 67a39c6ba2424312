"""Verify a district's ledger with nothing but hashes and signatures.

This module needs no database, server or broker: only :mod:`hashlib` and ``cryptography``
(through :mod:`projections.ledger.merkle`, :mod:`projections.ledger.tree_heads` and
:mod:`projections.ledger.records`).  It serves two callers:

- ``canxie audit verify BUNDLE`` checks an exported bundle offline;
- ``canxie audit check DISTRICT`` feeds it the live store's events, the audit trail's
  recorded leaves and the signed heads.

What is trusted: only the public key(s) given and the signed heads they verify.  The steps:

1. every head's signature (and district, key id); heads ordered by size and time; the
   consistency proofs between successive heads;
2. every stored event's leaf is recomputed from its bytes (:mod:`projections.ledger.records`);
3. a *reference* list of leaves is authenticated: the recorded leaves (the audit trail's,
   or the bundle's ``leaves``) if they reproduce every signed root, else the recomputed
   leaves if those do;
4. the events are compared with the reference within the range the newest head covers,
   which names each event that was **modified**, **deleted**, **inserted** or **moved**
   (reordered) by position, aggregate and version.

Run it as ``python -m projections.ledger.verify BUNDLE [--public-key KEY]``, too.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import itertools
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from projections.ledger.merkle import InvalidProof, MerkleLog, verify_consistency
from projections.ledger.records import Record
from projections.ledger.tree_heads import (
    InvalidSigningKey,
    InvalidTreeHead,
    SignedTreeHead,
    load_public_key,
    public_key_base64,
    verify_tree_head,
)

BUNDLE_FORMAT = "canxie-audit-bundle"
BUNDLE_VERSION = 1
RECORD_ENCODING = "canxie-record-v1"
#: At most this many (moved event, missing leaf) pairs are tried when looking for moves.
MOVE_SEARCH_LIMIT = 250_000


class BundleError(ValueError):
    """The bundle cannot be read at all; the message says where."""


@dataclass(frozen=True)
class Problem:
    """One thing that does not verify."""

    kind: str
    message: str
    position: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass
class Report:
    """The outcome of a verification."""

    district: str
    events: int = 0
    heads: int = 0
    covered_leaves: int = 0
    covered_through: int | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the heads whose signatures verified, by size (what a monitor compares with next time)
    verified: list[Head] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems

    def add(self, kind: str, message: str, position: int | None = None) -> None:
        """Record a problem."""
        self.problems.append(Problem(kind, message, position))

    def kinds(self) -> list[str]:
        """The kinds of problem found, in order."""
        return [p.kind for p in self.problems]

    def text(self) -> str:
        """A report for people: a summary line, then each problem and note."""
        through = (
            f" (events through position {self.covered_through})"
            if self.covered_through is not None
            else ""
        )
        verdict = "OK" if self.ok else f"FAILED with {len(self.problems)} problem(s)"
        lines = [
            f"district {self.district}: {self.events} events, {self.heads} signed heads, "
            f"{self.covered_leaves} leaves covered by the newest head{through}: {verdict}"
        ]
        lines += [f"  FAIL {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class Head:
    """A verified head: its size, root and time."""

    signed: SignedTreeHead

    @property
    def size(self) -> int:
        return self.signed.head.tree_size

    @property
    def root(self) -> bytes:
        return self.signed.head.root_hash_bytes


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: the key id heads carry."""
    return hashlib.sha256(base64.b64decode(public_key_base64(key))).hexdigest()


# -- heads -----------------------------------------------------------------------------------


def _verify_heads(
    report: Report,
    district: str,
    heads: Sequence[dict[str, Any]],
    trusted: dict[str, Ed25519PublicKey],
) -> list[Head]:
    good: list[Head] = []
    for n, data in enumerate(heads):
        label = f"head #{n + 1}"
        try:
            fields = {
                k: data[k]
                for k in ("district_code", "tree_size", "root_hash", "timestamp", "signature")
            }
            signed = SignedTreeHead.from_dict(fields)
        except (KeyError, TypeError, InvalidTreeHead) as error:
            report.add("head-malformed", f"{label} cannot be read: {error}")
            continue
        label = f"head of size {signed.head.tree_size}"
        if signed.head.district_code != district:
            report.add(
                "head-district",
                f"{label} is for district {signed.head.district_code}, not {district}",
            )
            continue
        key = trusted.get(str(data.get("key_id")))
        if key is None:
            report.add(
                "head-key",
                f"{label} names key {data.get('key_id')}, which is not a trusted key "
                f"({', '.join(sorted(trusted)) or 'none given'})",
            )
            continue
        try:
            verify_tree_head(signed, key)
        except InvalidTreeHead as error:
            report.add("head-signature", f"{label}: {error}")
            continue
        good.append(Head(signed))
    good.sort(key=lambda h: h.size)
    unique: list[Head] = []
    for head in good:
        if unique and unique[-1].size == head.size:
            if unique[-1].root != head.root:
                report.add(
                    "head-fork",
                    f"two signed heads of size {head.size} have different roots "
                    f"{unique[-1].root.hex()} and {head.root.hex()}",
                )
            continue
        if unique and head.signed.head.timestamp < unique[-1].signed.head.timestamp:
            report.add(
                "head-order",
                f"head of size {head.size} is dated before the smaller head of size "
                f"{unique[-1].size}",
            )
        unique.append(head)
    return unique


def _verify_proofs(report: Report, heads: list[Head], proofs: Iterable[dict[str, Any]]) -> None:
    by_size = {h.size: h for h in heads}
    checked: set[tuple[int, int]] = set()
    for n, data in enumerate(proofs):
        try:
            first, second = int(data["first"]), int(data["second"])
            path = [bytes.fromhex(p) for p in data["proof"]]
        except (KeyError, TypeError, ValueError) as error:
            report.add("proof-malformed", f"consistency proof #{n + 1} cannot be read: {error}")
            continue
        if first not in by_size or second not in by_size:
            continue
        try:
            verify_consistency(first, second, by_size[first].root, by_size[second].root, path)
        except InvalidProof as error:
            report.add(
                "head-consistency",
                f"the head of size {second} does not extend the head of size {first}: {error}",
            )
        checked.add((first, second))
    if heads:
        report.notes.append(
            f"{len(checked)} consistency proof(s) between successive heads verified"
            if checked
            else "consistency of the heads follows from the leaves (no proofs given)"
        )


# -- events ----------------------------------------------------------------------------------


def _reproduces(leaves: Sequence[bytes], heads: list[Head]) -> Head | None:
    """The first head whose root the leaves do not reproduce, or None if all are."""
    merkle = MerkleLog()
    for head in heads:
        if len(leaves) < head.size:
            return head
        while merkle.size < head.size:
            merkle.append(leaves[merkle.size])
        if merkle.root(head.size) != head.root:
            return head
    return None


def leaf_from_hex(text: Any) -> bytes | None:
    """A 32-byte leaf hash from its hex form, or None when the text is not one."""
    try:
        value = bytes.fromhex(text)
    except (TypeError, ValueError):
        return None
    return value if len(value) == 32 else None


def _report_duplicates(report: Report, ordered: list[Record]) -> None:
    """Report two events claiming one position (``ordered`` is sorted by position)."""
    for a, b in itertools.pairwise(ordered):
        if a.position == b.position:
            report.add(
                "duplicate-position",
                f"two events claim position {a.position}: {a.describe()} and {b.describe()}",
                a.position,
            )


def _report_trail_altered(
    report: Report,
    signed: list[Record],
    actual: list[bytes],
    claimed_positions: list[int],
    claimed: list[bytes],
) -> None:
    """Report signed events whose leaf the audit trail recorded differently."""
    recorded_at = dict(zip(claimed_positions, claimed, strict=False))
    for record, leaf in zip(signed, actual, strict=False):
        if recorded_at.get(record.position) != leaf:
            report.add(
                "trail-altered",
                f"the audit trail's recorded leaf for {record.describe()} was altered; "
                "the stored event itself matches the signed log",
                record.position,
            )


def _report_unsigned_tail(
    report: Report, ordered: list[Record], claimed_positions: list[int], claimed: list[bytes]
) -> None:
    """Check events after the signed range against the trail's digests; note how many."""
    covered_end = report.covered_through if report.covered_through is not None else -1
    tail = [r for r in ordered if r.position > covered_end]
    if tail:
        recorded_at = dict(zip(claimed_positions, claimed, strict=False))
        unrecorded = 0
        for record in tail:
            recorded_leaf = recorded_at.get(record.position)
            if recorded_leaf is None:
                unrecorded += 1
            elif recorded_leaf != record.leaf_hash():
                report.add(
                    "unsigned-mismatch",
                    f"{record.describe()} differs from the digest the audit trail recorded "
                    "for it (not yet covered by a signed head)",
                    record.position,
                )
        report.notes.append(
            f"{len(tail)} event(s) after position {covered_end} are not yet covered by a "
            f"signed head ({unrecorded} not yet in the audit trail)"
        )


def verify_ledger(
    district: str,
    records: Sequence[Record],
    recorded_leaves: Sequence[tuple[int, str]] | None,
    heads: Sequence[dict[str, Any]],
    trusted_keys: Sequence[Ed25519PublicKey],
    consistency_proofs: Iterable[dict[str, Any]] = (),
) -> Report:
    """Check the events against the signed heads; see the module docstring."""
    report = Report(district=district, events=len(records))
    trusted = {key_fingerprint(k): k for k in trusted_keys}
    good = _verify_heads(report, district, heads, trusted)
    report.heads = len(good)
    report.verified = good
    _verify_proofs(report, good, consistency_proofs)

    ordered = sorted(records, key=lambda r: r.position)
    _report_duplicates(report, ordered)
    actual = [r.leaf_hash() for r in ordered]
    recorded = list(recorded_leaves or [])
    claimed = [leaf_from_hex(h) or b"\0" * 32 for _, h in recorded]
    claimed_positions = [int(p) for p, _ in recorded]
    size = good[-1].size if good else 0
    report.covered_leaves = size
    if not good:
        report.notes.append("no verified signed head: no event can be checked against one")

    claimed_miss = _reproduces(claimed, good)
    actual_miss = _reproduces(actual, good)
    trail_suspect = False
    if claimed_miss is None:
        reference, hints = claimed[:size], claimed_positions[:size]
    elif actual_miss is None:
        reference, hints = actual[:size], [r.position for r in ordered[:size]]
        trail_suspect = recorded_leaves is not None
    else:
        reference, hints = claimed[:size], claimed_positions[:size]
        what = "the recorded leaves" if recorded_leaves is not None else "no recorded leaves given"
        report.add(
            "unauthenticated",
            f"neither the stored events nor {what} reproduce the signed head of size "
            f"{actual_miss.size} (root {actual_miss.root.hex()}); the locations below compare "
            "the events with the recorded leaves, which were altered too",
        )
    if trail_suspect:
        _report_trail_altered(report, ordered[:size], actual[:size], claimed_positions, claimed)

    _compare(report, ordered, actual, reference, hints, good)

    _report_unsigned_tail(report, ordered, claimed_positions, claimed)
    report.problems.sort(key=lambda p: (p.position is None, p.position or 0))
    return report


def _head_of(heads: list[Head], index: int) -> int:
    """The size of the first head that signs leaf ``index``."""
    return next(h.size for h in heads if h.size > index)


def _moved(
    ordered: list[Record],
    reference: list[bytes],
    hints: list[int],
    extra: list[int],
    missing: list[int],
) -> dict[int, int]:
    """Extra events (by index) that are a missing signed leaf (by number) moved elsewhere."""
    moved: dict[int, int] = {}
    if extra and missing and len(extra) * len(missing) <= MOVE_SEARCH_LIMIT:
        wanted = {reference[i]: i for i in missing}
        for j in extra:
            for position in {hints[i] for i in missing}:
                i = wanted.get(ordered[j].at(position).leaf_hash())
                if i is not None and i not in moved.values():
                    moved[j] = i
                    break
    return moved


def _report_unmatched(
    report: Report,
    ordered: list[Record],
    actual: list[bytes],
    reference: list[bytes],
    hints: list[int],
    heads: list[Head],
    missing: list[int],
    extra: list[int],
) -> None:
    """Report what is left as modified (same position), deleted or inserted."""
    by_position = {hints[i]: i for i in missing}
    for j in list(extra):
        record = ordered[j]
        i = by_position.pop(record.position, None)
        if i is None:
            continue
        extra.remove(j)
        missing.remove(i)
        report.add(
            "modified",
            f"{record.describe()} was modified: its stored record hashes to leaf "
            f"{actual[j].hex()}, but leaf {i} signed in the head of size {_head_of(heads, i)} is "
            f"{reference[i].hex()}",
            record.position,
        )
    for i in missing:
        report.add(
            "deleted",
            f"the event signed at position {hints[i]} (leaf {i}, head of size "
            f"{_head_of(heads, i)}, leaf hash {reference[i].hex()}) is missing from the store",
            hints[i],
        )
    for j in extra:
        record = ordered[j]
        report.add(
            "inserted",
            f"{record.describe()} is not in the signed log although it lies within the range "
            f"the newest head covers (through position {report.covered_through})",
            record.position,
        )


def _compare(
    report: Report,
    ordered: list[Record],
    actual: list[bytes],
    reference: list[bytes],
    hints: list[int],
    heads: list[Head],
) -> None:
    """Locate every difference between the events and the authenticated leaves."""
    if not reference:
        return
    index_of = {leaf: j for j, leaf in enumerate(actual)}
    reference_set = set(reference)
    missing = [i for i, leaf in enumerate(reference) if leaf not in index_of]
    matched_positions = [ordered[index_of[leaf]].position for leaf in reference if leaf in index_of]
    covered_end = max([*matched_positions, *(hints[i] for i in missing)], default=-1)
    report.covered_through = covered_end
    extra = [
        j
        for j, record in enumerate(ordered)
        if record.position <= covered_end and actual[j] not in reference_set
    ]
    moved = _moved(ordered, reference, hints, extra, missing)
    for j, i in moved.items():
        record = ordered[j]
        report.add(
            "moved",
            f"the event signed at position {hints[i]} (leaf {i}, head of size "
            f"{_head_of(heads, i)}) now sits at {record.describe()}: the log was reordered",
            record.position,
        )
    taken = set(moved.values())
    missing = [i for i in missing if i not in taken]
    extra = [j for j in extra if j not in moved]
    _report_unmatched(report, ordered, actual, reference, hints, heads, missing, extra)


# -- bundles ---------------------------------------------------------------------------------


def load_bundle(path: Path) -> dict[str, Any]:
    """Read a bundle file (JSON, gzip or not); BundleError says where it breaks."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise BundleError(f"cannot read {path}: {error}") from error
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise BundleError(f"{path} is a damaged gzip file: {error}") from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BundleError(f"{path} is not UTF-8 text at byte {error.start}") from error
    except json.JSONDecodeError as error:
        raise BundleError(
            f"{path} is not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{path} is not a canxie audit bundle")
    if data.get("version") != BUNDLE_VERSION:
        raise BundleError(f"bundle version {data.get('version')!r} is not {BUNDLE_VERSION}")
    if data.get("record_encoding") != RECORD_ENCODING:
        raise BundleError(f"record encoding {data.get('record_encoding')!r} is unknown")
    return data


def _bundle_records(report: Report, events: Any) -> list[Record]:
    records: list[Record] = []
    if not isinstance(events, list):
        report.add("bundle-malformed", "the bundle's events are not a list")
        return records
    for n, item in enumerate(events):
        try:
            state = base64.b64decode(item["state"], validate=True)
            position = item["position"]
            version = item["originator_version"]
            if not isinstance(position, int) or not isinstance(version, int):
                raise TypeError("position and originator_version must be integers")
            records.append(
                Record(position, str(item["originator_id"]), version, str(item["topic"]), state)
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            where = item.get("position") if isinstance(item, dict) else None
            report.add(
                "event-malformed",
                f"event #{n + 1} (position {where}) cannot be read: {error}",
                where if isinstance(where, int) else None,
            )
    return records


def verify_bundle(bundle: dict[str, Any], trusted_keys: Sequence[Ed25519PublicKey] = ()) -> Report:
    """Verify a loaded bundle; its own public key is trusted unless keys are given."""
    district = str(bundle.get("district"))
    keys = list(trusted_keys)
    problems: list[Problem] = []
    if not keys:
        try:
            key = load_public_key(bundle.get("public_key") or "")
        except InvalidSigningKey as error:
            problems.append(Problem("public-key", f"the bundle's public key: {error}"))
        else:
            keys.append(key)
            if bundle.get("key_id") not in (None, key_fingerprint(key)):
                problems.append(
                    Problem(
                        "public-key",
                        f"the bundle's key id {bundle.get('key_id')} is not the fingerprint "
                        f"{key_fingerprint(key)} of its public key",
                    )
                )
    scratch = Report(district=district)
    records = _bundle_records(scratch, bundle.get("events"))
    leaves: list[tuple[int, str]] = []
    for n, item in enumerate(bundle.get("leaves") or []):
        try:
            position, leaf = item
            leaves.append((int(position), str(leaf)))
        except (TypeError, ValueError):
            scratch.add("bundle-malformed", f"recorded leaf #{n + 1} is not [position, hash]")
    report = verify_ledger(
        district,
        records,
        leaves,
        bundle.get("heads") or [],
        keys,
        bundle.get("consistency") or [],
    )
    report.problems[:0] = problems + scratch.problems
    report.events = len(bundle.get("events") or [])
    if not trusted_keys:
        report.notes.append(
            "trusted the bundle's own public key; compare it with the published one "
            "(GET /api/v1/ledger/public-key) or pass --public-key"
        )
    return report


def verify_bundle_file(path: Path, public_keys: Sequence[str] = ()) -> Report:
    """Load and verify a bundle file; BundleError or InvalidSigningKey if it cannot start."""
    keys = [load_public_key(k) for k in public_keys]
    return verify_bundle(load_bundle(path), keys)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m projections.ledger.verify BUNDLE [--public-key KEY]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    keys: list[str] = []
    while "--public-key" in args:
        at = args.index("--public-key")
        keys.append(args[at + 1])
        del args[at : at + 2]
    if len(args) != 1:
        print("usage: python -m projections.ledger.verify BUNDLE [--public-key KEY]")
        return 2
    try:
        report = verify_bundle_file(Path(args[0]), keys)
    except (BundleError, InvalidSigningKey) as error:
        print(f"FAILED: {error}")
        return 1
    print(report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
