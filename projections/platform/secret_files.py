"""Secrets an embedded deployment keeps in files of its data folder (the ledger's signing
key, the key ring's wrapping key): made once, readable by the owner only (0600)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def secret_file(path: Path, make: Callable[[], str]) -> tuple[str, bool]:
    """The secret in ``path``, made by ``make`` (exclusively) the first time; and whether
    this call made it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it right now
            text = path.read_text().strip()
            if text:
                return text, False
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty") from None
    with os.fdopen(fd, "w") as f:
        f.write(make() + "\n")
    return path.read_text().strip(), True
