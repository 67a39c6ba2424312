"""What ``canxie audit check`` demands beyond matching events: heads that exist and stay.

Matching the events against the signed heads proves nothing when the heads themselves are
taken away: with no head, every event is "not yet covered".  So the check also fails when

- **signatures are missing**: an event recorded longer ago than the signing interval plus a
  grace is covered by no signed head (none at all, or none newer than the interval allows);
- **a head is gone**: like a certificate-transparency monitor, the check remembers the newest
  head it verified per district (a state file) or is handed one (``--last-head``); that head
  must still be in the store, and the newest head must extend it (a consistency proof).

Each failure has its own exit code (:data:`EXIT_CODES`).  Pure apart from reading and writing
the state file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from projections.ledger.merkle import InvalidProof, consistency_proof, verify_consistency
from projections.ledger.tree_heads import (
    InvalidTreeHead,
    SignedTreeHead,
    format_timestamp,
    verify_tree_head,
)
from projections.ledger.verify import Head, Report

STATE_FORMAT = "canxie-ledger-monitor"
STATE_VERSION = 1
#: The default state file, under the data dir.
STATE_FILE = "ledger-check-state.json"

EXIT_OK = 0
EXIT_TAMPERED = 1
EXIT_UNSIGNED = 3
EXIT_HEAD_GONE = 4
EXIT_CANNOT_CHECK = 5
#: Exit codes of ``canxie audit check``, for its help and the README.
EXIT_CODES = {
    EXIT_OK: "OK: the store matches its signed heads and none is missing",
    EXIT_TAMPERED: "events, audit trail or heads altered, deleted, inserted or moved",
    2: "the command line is wrong",
    EXIT_UNSIGNED: "missing signatures: events older than the signing interval plus the "
    "grace that no signed head covers",
    EXIT_HEAD_GONE: "a head verified before is gone, or the newest head does not extend it",
    EXIT_CANNOT_CHECK: "the check could not run (unknown district, no key, bad state file)",
}
UNSIGNED = "unsigned"
HEAD_GONE = ("head-gone", "head-inconsistent")


class MonitorError(ValueError):
    """The state file or the given last head cannot be used; the message says why."""


@dataclass(frozen=True)
class Overdue:
    """The events past the newest signed head: how many, and when the oldest was recorded."""

    count: int
    oldest: datetime | None


def exit_code(report: Report) -> int:
    """The exit code of a finished check: tampering first, then gone heads, then signatures."""
    kinds = set(report.kinds())
    if kinds - {UNSIGNED, *HEAD_GONE}:
        return EXIT_TAMPERED
    if kinds & set(HEAD_GONE):
        return EXIT_HEAD_GONE
    return EXIT_UNSIGNED if kinds else EXIT_OK


# -- missing signatures ----------------------------------------------------------------------


def check_signed_in_time(
    report: Report, overdue: Overdue, *, now: datetime, interval: float, grace: float
) -> None:
    """Fail when an event recorded before ``now - interval - grace`` has no signed head."""
    if overdue.oldest is None or overdue.count == 0:
        return
    deadline = now - timedelta(seconds=interval + grace)
    if overdue.oldest >= deadline:
        return
    after = report.covered_through if report.covered_through is not None else -1
    where = (
        "there is no signed head"
        if not report.verified
        else f"the newest signed head (size {report.verified[-1].size}) does not cover them"
    )
    report.add(
        UNSIGNED,
        f"{overdue.count} event(s) after position {after} are covered by no signed head, the "
        f"oldest recorded at {format_timestamp(overdue.oldest)}; heads are signed every "
        f"{interval:g} s (grace {grace:g} s), so they should be: {where} (signed heads were "
        "deleted, or signing is not running)",
    )


# -- the last verified head ------------------------------------------------------------------


def _parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise MonitorError(f"{what} is not valid JSON: {error.msg}") from None


def read_head(text: str) -> dict[str, Any]:
    """A head given as JSON text or as a file holding it (``--last-head``)."""
    source = text
    if not text.lstrip().startswith("{"):
        try:
            source = Path(text).read_text(encoding="utf-8")
        except OSError as error:
            raise MonitorError(f"--last-head: cannot read {text}: {error.strerror}") from None
    data = _parse_json(source, "--last-head")
    if isinstance(data, dict) and isinstance(data.get("head"), dict):
        data = data["head"]  # the answer of POST …/ledger/heads
    if not isinstance(data, dict):
        raise MonitorError("--last-head must be a signed head (a JSON object)")
    return data


def _trusted_head(
    data: dict[str, Any], district: str, keys: Sequence[Ed25519PublicKey], what: str
) -> SignedTreeHead:
    """The head if it is this district's and one of the trusted keys signed it."""
    fields = ("district_code", "tree_size", "root_hash", "timestamp", "signature")
    try:
        signed = SignedTreeHead.from_dict({k: data.get(k) for k in fields if k in data})
    except InvalidTreeHead as error:
        raise MonitorError(f"{what}: {error}") from None
    if signed.head.district_code != district:
        raise MonitorError(f"{what} is for district {signed.head.district_code}, not {district}")
    for key in keys:
        try:
            verify_tree_head(signed, key)
        except InvalidTreeHead:
            continue
        return signed
    raise MonitorError(f"{what}: its signature does not verify under any trusted key")


def check_last_head(
    report: Report,
    last: dict[str, Any],
    keys: Sequence[Ed25519PublicKey],
    leaf_sets: Sequence[Sequence[bytes]],
    *,
    what: str,
) -> None:
    """Fail unless the last verified head is still there and the newest head extends it.

    The proof is built from each of ``leaf_sets`` in turn (the trail's recorded leaves, the
    stored events' leaves): the newest head extends the last one if either proves it.
    """
    remembered = _trusted_head(last, report.district, keys, what).head
    size, root = remembered.tree_size, remembered.root_hash_bytes
    seen = f"the signed head of size {size} (root {remembered.root_hash}, signed at " + (
        f"{format_timestamp(remembered.timestamp)}), which {what} holds,"
    )
    if not any(h.size == size and h.root == root for h in report.verified):
        report.add("head-gone", f"{seen} is no longer in the store: a signed head was deleted")
        return
    newest = report.verified[-1]
    if newest.size == size:
        return
    failure = "no leaves to build a proof from"
    for leaves in leaf_sets:
        if len(leaves) < newest.size:
            failure = f"only {len(leaves)} leaves to prove it from"
            continue
        proof = consistency_proof(leaves[: newest.size], size)
        try:
            verify_consistency(size, newest.size, root, newest.root, proof)
        except InvalidProof as error:
            failure = str(error)
            continue
        return
    report.add(
        "head-inconsistent",
        f"the newest head (size {newest.size}) does not extend {seen}: {failure}",
    )


# -- the state file --------------------------------------------------------------------------


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    """The last verified head per district (empty when the file does not exist yet)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise MonitorError(f"cannot read the state file {path}: {error.strerror}") from None
    data = _parse_json(raw, f"the state file {path}")
    if (
        not isinstance(data, dict)
        or data.get("format") != STATE_FORMAT
        or not isinstance(data.get("districts"), dict)
    ):
        raise MonitorError(f"{path} is not a canxie ledger-check state file")
    districts: dict[str, dict[str, Any]] = data["districts"]
    return districts


def remember(path: Path, district: str, newest: Head | None) -> None:
    """Keep the newest verified head of the district (atomically: a crash keeps the old file)."""
    if newest is None:
        return
    districts = load_state(path)
    districts[district] = {
        **newest.signed.to_dict(),
        "verified_at": format_timestamp(datetime.now(UTC)),
    }
    body = {"format": STATE_FORMAT, "version": STATE_VERSION, "districts": districts}
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    scratch.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)
