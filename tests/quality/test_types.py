"""The domain and the read side stay typed: the test command fails on any finding of
``mypy`` run with the project's configuration (``[tool.mypy]`` in pyproject.toml: strict on
aggregates/ and projections/)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.quality.tools import installed

REPO = Path(__file__).resolve().parents[2]


def test_mypy_strict_finds_nothing(tmp_path: Path) -> None:
    # The cache goes to a temporary folder so that the tree stays clean.
    done = subprocess.run(
        [*installed("mypy"), "--cache-dir", str(tmp_path / "mypy"), "--no-error-summary"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
