"""The tree stays clean: the test command fails on any ruff finding or unformatted file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.quality.tools import installed

REPO = Path(__file__).resolve().parents[2]


def test_ruff_check_finds_nothing() -> None:
    done = subprocess.run(
        [*installed("ruff"), "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    done = subprocess.run(
        [*installed("ruff"), "format", "--check", "--no-cache", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
