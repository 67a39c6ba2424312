"""Finding the checkers the quality tests run (ruff, mypy): both are in the test extras."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def installed(name: str) -> list[str]:
    """The command ``name`` from the same environment as the tests, else the one on the PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    assert found, f"{name} is not installed (it is in the test extras)"
    return [found]
