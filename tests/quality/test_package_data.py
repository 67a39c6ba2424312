"""The city's division files travel inside the wheel, not only in a checkout.

A wheel is built from a copy of the files git knows (as a fresh clone has them: no egg-info
left by an editable install, which setuptools would read its file list from) and imported as
a zip with no checkout on the path: the accessor of :mod:`service.divisions.city_data` must read
both files from it through ``importlib.resources``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from service.divisions.city_data import DISTRICTS, TOWNSHIPS, city_file, city_rows
from tests.quality.tracked import REPO, tracked_files

#: The web UI's files that must travel in the wheel: templates, vendored and own static
#: files, and the compiled catalog.
WEB_FILES = {
    "service/web/templates/base.html",
    "service/web/templates/macros/forms.html",
    "service/web/static/canxie.css",
    "service/web/static/vendor/htmx-2.0.11/htmx.min.js",
    "service/web/static/vendor/pico-2.1.1/pico.min.css",
    "service/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
}

READ_FROM_THE_WHEEL = """
import service, service.divisions.city_data as data
print(service.__file__)
print(len(data.city_rows(data.DISTRICTS)), len(data.city_rows(data.TOWNSHIPS)))
"""


def test_the_city_files_are_read_through_the_package() -> None:
    assert len(city_rows(DISTRICTS)) == 15
    townships = city_rows(TOWNSHIPS)
    assert len(townships) == 208
    assert {row["district_code"] for row in townships} <= {r["code"] for r in city_rows(DISTRICTS)}
    assert city_file(TOWNSHIPS).startswith("code,name,district_code\n")
    with pytest.raises(ValueError):
        city_file("../pyproject.toml")


def _clean_copy(into: Path) -> Path:
    """The tracked (and new, not ignored) files of the tree, nothing a build left behind."""
    for name in tracked_files(new_too=True):
        source = REPO / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


@pytest.mark.slow
def test_a_built_wheel_carries_the_city_files(tmp_path: Path) -> None:
    tree = _clean_copy(tmp_path / "tree")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(tree)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("canxie-*.whl")
    with zipfile.ZipFile(wheel) as packed:
        names = set(packed.namelist())
    assert names >= WEB_FILES, WEB_FILES - names  # the pages work from an installed wheel
    # -S: no site-packages, so neither the editable install nor the checkout can answer.
    read = subprocess.run(
        [sys.executable, "-S", "-c", READ_FROM_THE_WHEEL],
        cwd=tmp_path,
        env={"PYTHONPATH": str(wheel)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.returncode == 0, read.stderr
    where, counts = read.stdout.splitlines()
    assert where.startswith(str(wheel))
    assert counts == "15 208"
