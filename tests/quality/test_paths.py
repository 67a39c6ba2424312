"""The repository owns what it reads: no code, test or script names a path outside it.

A clone in an empty folder must work, so the reference folder beside the repository, the
development machine's work folder or any other absolute path of it may not appear in a tracked
Python, shell or TOML file (nor in an extension-less script such as ``.ci/run``).  This file's own
examples are assembled from pieces, so that it names no such path either.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.quality.tracked import REPO, tracked_files

HERE = Path(__file__).resolve().relative_to(REPO).as_posix()
#: The pieces of the examples below (the whole paths may not stand in this file either).
UP, SHARED, WORK = "..", "shared", "work"

#: Reaching out of the tree, or into a developer's machine.
OUTSIDE = re.compile(
    r"""\.\./+shared"""  # the reference folder beside the repository
    r"""|["']shared["']\s*/"""  # ... or built with pathlib: parent / "shared" / ...
    r"""|(?<![\w.:/])/(?:work|home|Users|root|mnt|srv|opt|data)/"""  # absolute machine paths
)


def _tracked() -> list[str]:
    """Python, shell and TOML files, and scripts without an extension under ``.ci``."""
    names = tracked_files("*.py", "*.sh", "*.toml", ".ci/*", new_too=True)
    return [name for name in names if name != HERE]  # its own examples would match


def test_the_check_reads_every_source_file() -> None:
    assert len(_tracked()) > 100


def test_no_file_names_a_path_outside_the_repository() -> None:
    found = []
    for name in _tracked():
        text = (REPO / name).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "paths outside the repository:\n" + "\n".join(found)


def test_the_pattern_catches_each_way_of_leaving_the_tree() -> None:
    for line in (
        f'Path("{UP}/{SHARED}/data/x.csv")',
        f'REPO.parent / "{SHARED}" / "data"',
        f'DISTRICTS = Path("/{WORK}/{SHARED}/data/zhengzhou-districts.csv")',
        "open('/home/someone/canxie/x')",
    ):
        assert OUTSIDE.search(line), line
    for line in (f"https://example.org/{WORK}/x", f"a/{WORK}/b", "import shared_pool"):
        assert not OUTSIDE.search(line), line
