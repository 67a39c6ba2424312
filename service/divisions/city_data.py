"""The city's division files, shipped inside the distribution (``service/data/``).

Read through :mod:`importlib.resources`, so an installed wheel, an editable install and a
clone with nothing beside it all find the same files; their source is in the folder's README.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files

DISTRICTS = "zhengzhou-districts.csv"
TOWNSHIPS = "zhengzhou-townships.csv"


def city_file(name: str) -> str:
    """The text of one of the city's files (``DISTRICTS`` or ``TOWNSHIPS``)."""
    if name not in (DISTRICTS, TOWNSHIPS):
        raise ValueError(f"no city file {name!r}")
    return files("service").joinpath("data", name).read_text(encoding="utf-8")


def city_rows(name: str) -> list[dict[str, str]]:
    """The rows of one of the city's files, by column name."""
    return list(csv.DictReader(io.StringIO(city_file(name))))
