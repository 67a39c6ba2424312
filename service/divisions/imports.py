"""Reading a division CSV: ``code,name`` with optional ``district_code`` and ``effective_on``.

The city-wide file of township-level units (``zhengzhou-townships.csv``: code, name,
district_code) can be given as is: rows of other districts are skipped and counted.  Villages
(12-digit codes) may be listed in the same file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from aggregates.association.commands import DivisionImportRefused, DivisionRow


@dataclass(frozen=True)
class ParsedFile:
    """The rows for the district and how many rows belonged to other districts."""

    rows: list[DivisionRow]
    skipped: int


def parse_division_csv(text: str, district: str, effective_on: date | None) -> ParsedFile:
    """The file's rows for ``district``; problems of shape are refused with their line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _parse_rows(reader, district, effective_on)
    except csv.Error as error:  # e.g. a bare carriage return inside a field
        raise DivisionImportRefused(
            rows=[{"line": reader.line_num, "field": "csv", "message": f"not CSV: {error}"}]
        ) from None


def _parse_rows(
    reader: csv.DictReader[str], district: str, effective_on: date | None
) -> ParsedFile:
    """The rows of an open reader (see :func:`parse_division_csv`)."""
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        raise DivisionImportRefused(
            rows=[{"line": 1, "field": c, "message": "missing column"} for c in missing]
        )
    rows: list[DivisionRow] = []
    problems: list[dict[str, object]] = []
    skipped = 0
    for line, raw in enumerate(reader, start=2):
        record = {
            (k or "").strip(): (v or "").strip()
            for k, v in raw.items()
            if isinstance(v, str | None)
        }
        owner = record.get("district_code")
        if owner and owner != district:
            skipped += 1
            continue
        code, name = record.get("code", ""), record.get("name", "")
        if not code or not name:
            problems.append(
                {
                    "line": line,
                    "field": "code" if not code else "name",
                    "message": "must not be empty",
                }
            )
            continue
        when = effective_on
        if record.get("effective_on"):
            try:
                when = date.fromisoformat(record["effective_on"])
            except ValueError:
                problems.append(
                    {
                        "line": line,
                        "field": "effective_on",
                        "message": "must be a date like 2021-03-01",
                    }
                )
                continue
        rows.append(DivisionRow(line=line, code=code, name=name, effective_on=when))
    if problems:
        raise DivisionImportRefused(rows=problems)
    return ParsedFile(rows=rows, skipped=skipped)
