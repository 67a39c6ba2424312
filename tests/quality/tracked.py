"""The files git knows in this tree, for the checks that read or copy the whole repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tracked_files(*patterns: str, new_too: bool = False) -> list[str]:
    """Tracked paths matching ``patterns`` (all if none); ``new_too``: untracked, not ignored."""
    extra = ["--others", "--exclude-standard"] if new_too else []
    listed = subprocess.run(
        ["git", "ls-files", "--cached", *extra, "-z", "--", *patterns],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name]
