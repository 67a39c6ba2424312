"""What every ``canxie`` subcommand reaches for: the settings, and the operator it acts as."""

from __future__ import annotations

import getpass
import uuid
from pathlib import Path

from aggregates.provenance import Provenance
from workers.settings import Settings


def cli_settings(data_dir: Path | None = None) -> Settings:
    """The environment's settings, with the data dir given on the command line if any."""
    return Settings.from_environ().with_overrides(data_dir=data_dir)


def as_operator(reason: str | None = None) -> Provenance:
    """Commands run on the server act as the operator, with a request id per run."""
    return Provenance(
        actor=f"cli:{getpass.getuser()}",
        role="operator",
        request_id=uuid.uuid4().hex,
        reason=reason,
    )
