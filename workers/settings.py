"""Configuration, read from the environment in this one place."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from aggregates.clock import SYSTEM_CLOCK, Clock

N = TypeVar("N", int, float)


def _number(env: Mapping[str, str], name: str, default: N, kind: Callable[[str], N]) -> N:
    """``name``'s value read as ``kind`` (``int`` or ``float``), or ``default`` when unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, not {raw!r}") from None


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float)


def _where(url: str | None) -> str:
    """host:port/database of a database URL, leaving out whoever logs in and how."""
    parts = urlsplit(url or "")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or 'localhost'}{port}{parts.path or '/'}"


def _city_prefix(env: Mapping[str, str]) -> str:
    raw = env.get("CANXIE_CITY_PREFIX")
    if raw is None:
        return "4101"
    prefix = raw.strip()
    if len(prefix) > 6 or not all(c in "0123456789" for c in prefix):
        raise ValueError(f"CANXIE_CITY_PREFIX must be up to 6 digits, not {raw!r}")
    return prefix


def _count(env: Mapping[str, str], name: str) -> int:
    value = _int(env, name, 0)
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return value


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    value = _float(env, name, default)
    if value <= 0:
        raise ValueError(f"{name} must be more than 0, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Every setting canxie reads; the names are the environment variables without prefix."""

    database_url: str | None = None  # CANXIE_DATABASE_URL: postgresql://...; unset = embedded
    broker_url: str | None = None  # CANXIE_BROKER_URL: amqp://...; unset = in-process worker
    data_dir: Path = Path("data")  # CANXIE_DATA_DIR: the embedded store
    queue: str = "canxie"  # CANXIE_QUEUE: the Celery queue of projection work
    sweep_seconds: float = 30.0  # CANXIE_SWEEP_SECONDS: catch every district up this often
    batch_size: int = 1000  # CANXIE_PROJECTION_BATCH: events per projection transaction
    pool_max: int = 8  # CANXIE_DB_POOL_MAX: PostgreSQL connections per process
    read_wait_seconds: float = 3.0  # CANXIE_READ_WAIT_SECONDS: longest wait for min_position
    log_format: str = "text"  # CANXIE_LOG_FORMAT: text or json
    log_level: str = "INFO"  # CANXIE_LOG_LEVEL
    bootstrap_token: str | None = None  # CANXIE_BOOTSTRAP_TOKEN: a city administrator's token
    encryption_key: str | None = None  # CANXIE_ENCRYPTION_KEY: base64 key; events encrypted
    # CANXIE_SIGNING_KEY: Ed25519 seed (base64 or hex) signing the ledger's tree heads; unset:
    # embedded keeps a generated key in the data dir, hosted signs nothing.
    signing_key: str | None = field(default=None, repr=False)
    # CANXIE_SECRET_KEY: signs the web pages' form cookie (CSRF); every server of a deployment
    # needs the same.  Unset: the key is generated once and kept in the data dir.
    secret_key: str | None = field(default=None, repr=False)
    sign_seconds: float = 300.0  # CANXIE_SIGN_SECONDS: sign every district's new head this often
    # CANXIE_TASK_MAX_BATCHES: batches one catch-up task may run before it re-queues itself,
    # so a district with a long backlog takes turns with the others instead of holding a worker.
    task_max_batches: int = 10
    # CANXIE_METRICS_TOKEN: when set, GET /metrics needs "Authorization: Bearer <it>".
    metrics_token: str | None = field(default=None, repr=False)
    # PROMETHEUS_MULTIPROC_DIR: where gunicorn's worker processes share their metrics; unset:
    # a folder per gunicorn master under the temporary directory.
    metrics_dir: Path | None = None
    # CANXIE_CITY_PREFIX: every district code starts with it (4101, Zhengzhou); empty: any
    # district of the country.
    city_prefix: str = "4101"
    # CANXIE_TRUSTED_PROXIES: how many proxies (an ingress, a load balancer) stand in front of
    # the server; their X-Forwarded-For names the client.  0: the header is ignored.
    trusted_proxies: int = 0
    # Signed-in browser sessions end after this long unused (CANXIE_SESSION_IDLE_MINUTES) and
    # this long after signing in, used or not (CANXIE_SESSION_LIFETIME_HOURS).
    session_idle_minutes: float = 30.0
    session_lifetime_hours: float = 12.0
    # CANXIE_SIGN_IN_LOCK_FAILURES failed sign-ins in a row lock the account (that one only)
    # for CANXIE_SIGN_IN_LOCK_MINUTES; from the third on, each failure makes the next wait longer.
    sign_in_lock_failures: int = 10
    sign_in_lock_minutes: float = 15.0
    # Not from the environment: "today" and the events' timestamps (tests pass a SetClock).
    clock: Clock = field(default=SYSTEM_CLOCK, repr=False, compare=False)

    @property
    def embedded(self) -> bool:
        """No broker: projection runs on a thread inside the serving process."""
        return not self.broker_url

    @property
    def mode(self) -> str:
        """What runs, as ``/api/v1/health`` and ``canxie serve`` name it.

        ``embedded`` (SQLite, projector thread) and ``hosted`` (PostgreSQL, Celery workers) are
        the two documented set-ups; the other two combinations work and say so.
        """
        if self.database_url:
            return "postgresql-in-process" if self.embedded else "hosted"
        return "embedded" if self.embedded else "sqlite-workers"

    def describe(self) -> str:
        """The mode with its store and projector, for people (no password, no user name)."""
        store = (
            f"PostgreSQL at {_where(self.database_url)}"
            if self.database_url
            else f"SQLite in {self.data_dir}"
        )
        projector = (
            "projector in this process, no broker"
            if self.embedded
            else f"projection by Celery workers of queue {self.queue} via the broker"
        )
        return f"{self.mode} ({store}; {projector})"

    @classmethod
    def from_environ(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the ``CANXIE_*`` variables."""
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("CANXIE_DATABASE_URL") or None,
            broker_url=env.get("CANXIE_BROKER_URL") or None,
            data_dir=Path(env.get("CANXIE_DATA_DIR") or "data"),
            queue=env.get("CANXIE_QUEUE") or "canxie",
            sweep_seconds=_float(env, "CANXIE_SWEEP_SECONDS", 30.0),
            batch_size=_int(env, "CANXIE_PROJECTION_BATCH", 1000),
            pool_max=_int(env, "CANXIE_DB_POOL_MAX", 8),
            read_wait_seconds=_float(env, "CANXIE_READ_WAIT_SECONDS", 3.0),
            log_format=env.get("CANXIE_LOG_FORMAT") or "text",
            log_level=env.get("CANXIE_LOG_LEVEL") or "INFO",
            bootstrap_token=env.get("CANXIE_BOOTSTRAP_TOKEN") or None,
            encryption_key=env.get("CANXIE_ENCRYPTION_KEY") or None,
            signing_key=env.get("CANXIE_SIGNING_KEY") or None,
            secret_key=env.get("CANXIE_SECRET_KEY") or None,
            sign_seconds=_float(env, "CANXIE_SIGN_SECONDS", 300.0),
            task_max_batches=max(_int(env, "CANXIE_TASK_MAX_BATCHES", 10), 1),
            metrics_token=env.get("CANXIE_METRICS_TOKEN") or None,
            metrics_dir=Path(env["PROMETHEUS_MULTIPROC_DIR"])
            if env.get("PROMETHEUS_MULTIPROC_DIR")
            else None,
            city_prefix=_city_prefix(env),
            trusted_proxies=_count(env, "CANXIE_TRUSTED_PROXIES"),
            session_idle_minutes=_positive(env, "CANXIE_SESSION_IDLE_MINUTES", 30.0),
            session_lifetime_hours=_positive(env, "CANXIE_SESSION_LIFETIME_HOURS", 12.0),
            sign_in_lock_failures=max(_int(env, "CANXIE_SIGN_IN_LOCK_FAILURES", 10), 1),
            sign_in_lock_minutes=_positive(env, "CANXIE_SIGN_IN_LOCK_MINUTES", 15.0),
        )

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with command-line options applied on top of the environment."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
