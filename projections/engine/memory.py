"""Read-model tables held in memory: where as-of replays put the rows they build.

The row changes come from the same projection handlers and the same :class:`UnitOfWork` as
the live tables; only the place they are written differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Key = tuple[Any, ...]


class MemoryTables:
    """Tables as dicts of rows by key, with the little querying replays need."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Key, dict[str, Any]]] = {}

    def table(self, name: str) -> dict[Key, dict[str, Any]]:
        """The rows of a table by key (an empty table if nothing was written to it)."""
        return self.tables.setdefault(name, {})

    def rows(self, name: str) -> Iterator[dict[str, Any]]:
        """Every row of a table."""
        return iter(self.tables.get(name, {}).values())

    def where(self, name: str, **equal: Any) -> list[dict[str, Any]]:
        """Rows whose columns equal the given values."""
        return [row for row in self.rows(name) if all(row.get(k) == v for k, v in equal.items())]

    def upsert(self, name: str, key: Key, row: dict[str, Any]) -> None:
        """Write a whole row."""
        self.table(name)[key] = dict(row)

    def patch(
        self, name: str, key: Key, values: dict[str, Any], increments: dict[str, int]
    ) -> None:
        """Change fields of an existing row; like SQL UPDATE, a missing row stays missing."""
        row = self.tables.get(name, {}).get(key)
        if row is None:
            return
        row.update(values)
        for column, step in increments.items():
            row[column] = (row.get(column) or 0) + step

    def delete(self, name: str, key: Key) -> None:
        """Remove a row if it is there."""
        self.tables.get(name, {}).pop(key, None)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(rows) for name, rows in sorted(self.tables.items())}
