"""``canxie audit``: export, verify offline, check the live store, sign heads, keys.

``verify`` imports nothing but the pure verifier: it runs with no database, server or
broker, on any machine that has the bundle.
"""

from __future__ import annotations

import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from projections.ledger.monitor import (
    EXIT_CANNOT_CHECK,
    EXIT_CODES,
    EXIT_OK,
    EXIT_UNSIGNED,
    STATE_FILE,
)


@click.group()
def audit() -> None:
    """The verifiable audit trail: export, verify, check, sign."""


def _runtime():  # type: ignore[no-untyped-def]
    from workers.runtime import Runtime
    from workers.settings import Settings

    return Runtime.open(Settings.from_environ())


def _known(runtime, district: str) -> None:  # type: ignore[no-untyped-def]
    from aggregates.errors import NotFound

    try:
        runtime.tenancy.district(district)
    except (NotFound, ValueError) as error:
        raise click.ClickException(str(error)) from None


@audit.command("export")
@click.argument("district")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Bundle file to write (JSON; gzip-compressed when it ends in .gz).",
)
def export(district: str, out: Path) -> None:
    """Write DISTRICT's bundle: events as stored, recorded leaves, signed heads, public key."""
    from projections.ledger.ledger import write_bundle
    from projections.ledger.tree_heads import load_public_key
    from workers.signing import signing_key

    runtime = _runtime()
    try:
        _known(runtime, district)
        key = signing_key(runtime.settings)
        public = load_public_key(key.public_key) if key.public_key else None
        counts = write_bundle(runtime.db, district, out, public_key=public)
    finally:
        runtime.close()
    click.echo(f"wrote {out}: {counts['events']} events, {counts['heads']} signed heads")


@audit.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    help="Trust this key (base64 or hex) instead of the bundle's own; repeatable.",
)
def verify(bundle: Path, public_keys: tuple[str, ...]) -> None:
    """Verify BUNDLE offline: every leaf, root, signature and head consistency."""
    from projections.ledger.tree_heads import InvalidSigningKey
    from projections.ledger.verify import BundleError, verify_bundle_file

    try:
        report = verify_bundle_file(bundle, public_keys)
    except (BundleError, InvalidSigningKey) as error:
        click.echo(f"FAILED: {error}")
        sys.exit(1)
    click.echo(report.text())
    sys.exit(0 if report.ok else 1)


class CheckCannotRun(click.ClickException):
    """The check could not start; its own exit code, apart from any finding."""

    exit_code = EXIT_CANNOT_CHECK


def _exit_codes_epilog() -> str:
    lines = [
        f"{code}  {textwrap.fill(text, 70, subsequent_indent='   ')}"
        for code, text in sorted(EXIT_CODES.items())
    ]
    return "\b\nExit codes:\n" + "\n".join(lines)


@audit.command("check", epilog=_exit_codes_epilog())
@click.argument("district")
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    help="Trust this key (default: the configured signing key); repeatable.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the check keeps the newest head it verified per district, and demands it "
    f"back next time (default: <data dir>/{STATE_FILE}).",
)
@click.option(
    "--last-head",
    help="A signed head verified before (JSON text, or a file holding it, as "
    "GET …/audit/ledger/head answers): it must still be there, extended by the newest head.",
)
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    help="Seconds beyond CANXIE_SIGN_SECONDS an event may wait for a signed head before it "
    "counts as a missing signature (default: CANXIE_SWEEP_SECONDS + 60).",
)
def check(
    district: str,
    public_keys: tuple[str, ...],
    state_file: Path | None,
    last_head: str | None,
    grace: float | None,
) -> None:
    """Verify DISTRICT's live store against its signed heads and locate every change.

    It also fails when signed heads are missing (events older than the signing interval
    plus the grace that no head covers) and when a head verified before (kept in the state
    file, or given with --last-head) is gone or not extended by the newest head.
    """
    from projections.ledger.monitor import check_signed_in_time, exit_code, remember

    settings, snap, keys, report, overdue = _verify_live_store(district, public_keys)
    allowed = settings.sweep_seconds + 60 if grace is None else grace
    check_signed_in_time(
        report, overdue, now=datetime.now(UTC), interval=settings.sign_seconds, grace=allowed
    )
    state = state_file or settings.data_dir / STATE_FILE
    _compare_with_last_heads(report, snap, keys, state, last_head)
    code = exit_code(report)
    if code in (EXIT_OK, EXIT_UNSIGNED):
        remember(state, district, report.verified[-1] if report.verified else None)
    click.echo(report.text())
    sys.exit(code)


def _verify_live_store(district: str, public_keys: tuple[str, ...]) -> tuple[Any, ...]:
    """Snapshot DISTRICT's store and verify it against its signed heads.

    Returns the settings, the snapshot, the trusted keys, the report and the unsigned events.
    """
    from projections.ledger.ledger import snapshot, uncovered_entries
    from projections.ledger.monitor import Overdue
    from projections.ledger.verify import verify_ledger

    runtime = _runtime()
    try:
        keys = _check_keys(runtime, district, public_keys)
        settings = runtime.settings
        snap = snapshot(runtime.db, district)
        heads = [h.to_dict() for h in snap.heads]
        report = verify_ledger(district, snap.records, snap.recorded_leaves, heads, keys)
        after = report.covered_through if report.covered_through is not None else -1
        overdue = Overdue(*uncovered_entries(runtime.db, district, after))
    finally:
        runtime.close()
    return settings, snap, keys, report, overdue


def _check_keys(runtime, district: str, public_keys: tuple[str, ...]) -> list:  # type: ignore[no-untyped-def]
    """The trusted keys of a check: those given, else the configured signing key."""
    from projections.ledger.tree_heads import InvalidSigningKey, load_public_key
    from workers.signing import signing_key

    try:
        _known(runtime, district)
        try:
            keys = [load_public_key(k) for k in public_keys]
        except InvalidSigningKey as error:
            raise click.ClickException(str(error)) from None
        if not keys:
            key = signing_key(runtime.settings)
            if key.public_key is None:
                raise click.ClickException(
                    "no signing key is configured: pass --public-key with the published key"
                )
            keys = [load_public_key(key.public_key)]
    except click.ClickException as error:
        raise CheckCannotRun(error.message) from None
    return keys


def _compare_with_last_heads(report, snap, keys, state: Path, last_head: str | None) -> None:  # type: ignore[no-untyped-def]
    """Demand back the head the state file remembers and the one given with --last-head."""
    from projections.ledger.monitor import MonitorError, check_last_head, load_state, read_head
    from projections.ledger.verify import leaf_from_hex

    try:
        remembered = [(f"the state file {state}", load_state(state).get(report.district))]
        if last_head:
            remembered.append(("--last-head", read_head(last_head)))
        leaf_sets = [
            [leaf_from_hex(h) or bytes(32) for _, h in snap.recorded_leaves],
            [r.leaf_hash() for r in sorted(snap.records, key=lambda r: r.position)],
        ]
        for what, head in remembered:
            if head is not None:
                check_last_head(report, head, keys, leaf_sets, what=what)
    except MonitorError as error:
        raise CheckCannotRun(str(error)) from None


@audit.command("sign")
@click.argument("district", required=False)
def sign(district: str | None) -> None:
    """Sign a new tree head now for DISTRICT (or every district) whose log grew."""
    from projections.ledger.ledger import LedgerError
    from workers.signing import sign_all, sign_district, signing_key

    runtime = _runtime()
    try:
        key = signing_key(runtime.settings)
        if not key.enabled:
            raise click.ClickException(key.source)
        if district:
            _known(runtime, district)
            try:
                head = sign_district(runtime, district)
            except LedgerError as error:
                raise click.ClickException(str(error)) from None
            results = {district: head.tree_size if head else None}
        else:
            results = sign_all(runtime)
    finally:
        runtime.close()
    for code, size in results.items():
        click.echo(f"{code}: " + (f"signed head of size {size}" if size else "nothing new"))


@audit.command("public-key")
def public_key() -> None:
    """Print the public key that signs tree heads (base64) and its key id."""
    from workers.settings import Settings
    from workers.signing import signing_key

    key = signing_key(Settings.from_environ())
    if not key.enabled:
        raise click.ClickException(key.source)
    click.echo(f"{key.public_key}\t{key.key_id}")


@audit.command("keygen")
def keygen() -> None:
    """Print a new random signing-key seed (base64) for CANXIE_SIGNING_KEY."""
    from projections.ledger.tree_heads import new_private_key_seed

    click.echo(new_private_key_seed())
