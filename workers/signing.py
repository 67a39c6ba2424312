"""Signing the districts' tree heads: the key from configuration, the periodic task.

The key is ``CANXIE_SIGNING_KEY`` (a base64 or hex Ed25519 seed).  Unset, the embedded
deployment generates one once and keeps it in ``<data dir>/ledger-signing-key`` (mode 0600),
so the default install signs heads with nothing to configure; unset in a hosted deployment,
nothing is signed (every worker would otherwise invent its own key) and the head endpoint
says so.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.ledger.ledger import LedgerError, StoredHead, key_id, sign_head
from projections.ledger.tree_heads import load_private_key, new_private_key_seed, public_key_base64
from projections.platform.secret_files import secret_file
from workers.celery_app import celery
from workers.runtime import Runtime, current_runtime
from workers.settings import Settings

log = logging.getLogger(__name__)

SIGN_HEADS = "canxie.sign_heads"
KEY_FILE = "ledger-signing-key"
DISABLED_MESSAGE = (
    "tree-head signing is disabled: CANXIE_SIGNING_KEY is not set in this hosted deployment "
    "(generate a seed with `canxie audit keygen` and configure it on every process)"
)


@dataclass(frozen=True)
class SigningKey:
    """The deployment's signing key, or why there is none."""

    private_key: Ed25519PrivateKey | None
    source: str  # "configured", "generated <path>", "file <path>" or the disabled message

    @property
    def enabled(self) -> bool:
        """Whether heads can be signed."""
        return self.private_key is not None

    @property
    def public_key(self) -> str | None:
        """Base64 of the raw public key."""
        return public_key_base64(self.private_key) if self.private_key else None

    @property
    def key_id(self) -> str | None:
        """The public key's fingerprint."""
        return key_id(self.private_key) if self.private_key else None


_keys: dict[tuple[str | None, str, bool], SigningKey] = {}
_keys_lock = threading.Lock()


def _key_file(data_dir: Path) -> tuple[Ed25519PrivateKey, str]:
    """Read the embedded key file, creating it (0600, exclusively) the first time."""
    path = data_dir / KEY_FILE
    seed, made = secret_file(path, new_private_key_seed)
    if not made:
        return load_private_key(seed), f"file {path}"
    log.warning("generated a ledger signing key in %s; back it up", path)
    return load_private_key(seed), f"generated {path}"


def signing_key(settings: Settings) -> SigningKey:
    """The signing key this deployment uses (cached per process)."""
    token = (settings.signing_key, str(settings.data_dir), settings.embedded)
    with _keys_lock:
        key = _keys.get(token)
        if key is None:
            if settings.signing_key:
                key = SigningKey(load_private_key(settings.signing_key), "configured")
            elif settings.embedded:
                private, source = _key_file(settings.data_dir)
                key = SigningKey(private, source)
            else:
                key = SigningKey(None, DISABLED_MESSAGE)
            _keys[token] = key
    return key


def sign_district(runtime: Runtime, district: str) -> StoredHead | None:
    """Sign a new head of one district if its log grew (None: nothing new, or disabled)."""
    key = signing_key(runtime.settings)
    if key.private_key is None:
        return None
    return sign_head(runtime.db, district, key.private_key)


def sign_all(runtime: Runtime) -> dict[str, int | None]:
    """Sign every district whose log grew: district -> new head size (None: unchanged)."""
    key = signing_key(runtime.settings)
    if key.private_key is None:
        log.warning(DISABLED_MESSAGE)
        return {}
    signed: dict[str, int | None] = {}
    for district in runtime.tenancy.districts():
        try:
            head = sign_head(runtime.db, district.code, key.private_key)
        except LedgerError as error:
            log.error("district %s: %s", district.code, error)
            signed[district.code] = None
            continue
        signed[district.code] = head.tree_size if head else None
    return signed


class PeriodicSigner:
    """For the embedded projector's sweep: signs every ``sign_seconds`` at most."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._next = 0.0

    def __call__(self) -> None:
        """Sign if due; never raises (a sweep must go on)."""
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.runtime.settings.sign_seconds
        try:
            sign_all(self.runtime)
        except Exception:
            log.exception("signing tree heads failed")


@celery.task(name=SIGN_HEADS)
def sign_heads() -> dict[str, int | None]:
    """Beat's periodic task: a signed head for every district whose log grew."""
    return sign_all(current_runtime())
