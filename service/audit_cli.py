"""``canxie audit``: export, verify offline, check the live store, sign heads, keys.

``verify`` imports nothing but the pure verifier: it runs with no database, server or
broker, on any machine that has the bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


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
    from projections.ledger import write_bundle
    from projections.tree_heads import load_public_key
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
    from projections.ledger_verify import BundleError, verify_bundle_file
    from projections.tree_heads import InvalidSigningKey

    try:
        report = verify_bundle_file(bundle, public_keys)
    except (BundleError, InvalidSigningKey) as error:
        click.echo(f"FAILED: {error}")
        sys.exit(1)
    click.echo(report.text())
    sys.exit(0 if report.ok else 1)


@audit.command("check")
@click.argument("district")
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    help="Trust this key (default: the configured signing key); repeatable.",
)
def check(district: str, public_keys: tuple[str, ...]) -> None:
    """Verify DISTRICT's live store against its signed heads and locate every change."""
    from projections.ledger import snapshot
    from projections.ledger_verify import verify_ledger
    from projections.tree_heads import InvalidSigningKey, load_public_key
    from workers.signing import signing_key

    runtime = _runtime()
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
        snap = snapshot(runtime.db, district)
    finally:
        runtime.close()
    report = verify_ledger(
        district,
        snap.records,
        snap.recorded_leaves,
        [h.to_dict() for h in snap.heads],
        keys,
    )
    click.echo(report.text())
    sys.exit(0 if report.ok else 1)


@audit.command("sign")
@click.argument("district", required=False)
def sign(district: str | None) -> None:
    """Sign a new tree head now for DISTRICT (or every district) whose log grew."""
    from projections.ledger import LedgerError
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
    from projections.tree_heads import new_private_key_seed

    click.echo(new_private_key_seed())
