"""Read-model table definitions, written once for PostgreSQL and SQLite."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

#: Portable column types: name -> (PostgreSQL, SQLite).
TYPES = {
    "text": ("TEXT", "TEXT"),
    "int": ("BIGINT", "INTEGER"),
    "bool": ("BOOLEAN", "BOOLEAN"),  # SQLite: read back as bool (see database.py)
    "json": ("TEXT", "TEXT"),  # JSON text: portable, and read models are rebuilt, not queried by it
    "date": ("TEXT", "TEXT"),  # ISO dates sort and compare as text
    "timestamp": ("TEXT", "TEXT"),  # ISO 8601 UTC
    "bytes": ("BYTEA", "BLOB"),  # raw digests: half the bytes of hex text, compared as bytes
}


def _as_text(value: Any) -> str:
    """Dates (ISO) and UUIDs (hyphenated) inside a JSON column, as the read models show them."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


#: One encoder for JSON columns with Chinese text kept readable: ``json.dumps`` with any
#: keyword builds a new encoder on every call (a replay writes tens of thousands of these).
_JSON_TEXT = json.JSONEncoder(ensure_ascii=False, default=_as_text)


def json_text(value: Any) -> str:
    """A value for a ``json`` column: ``json.dumps(value, ensure_ascii=False)``, with dates
    and UUIDs anywhere inside written as text."""
    return _JSON_TEXT.encode(value)


def columns(spec: str) -> dict[str, str]:
    """Columns written as SQL writes them (``"user_id text, login text, set_at timestamp"``),
    in order: a table reads as its DDL does, rather than as a dict of a line per column."""
    named = dict(pair.split() for pair in spec.split(",") if pair.strip())
    unknown = sorted(set(named.values()) - set(TYPES))
    if unknown:
        raise ValueError(f"unknown column types {unknown}; portable types are {sorted(TYPES)}")
    return named


def copied(event: object, names: str) -> dict[str, Any]:
    """The event's fields ``names`` (space-separated) as the row's columns of the same names:
    a handler names once what it copies as it is, and spells out only what it changes."""
    return {name: getattr(event, name) for name in names.split()}


@dataclass(frozen=True)
class Table:
    """A read-model table: its columns (name -> portable type), key, and indexes."""

    name: str
    columns: dict[str, str]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = field(default=())
    unique: tuple[tuple[str, ...], ...] = field(default=())
    #: A column the unit of work numbers 0, 1, 2, ... in key order as rows are first written
    #: (an append-only table such as the audit trail, whose leaves are numbered so): the row
    #: is written once, already numbered, instead of inserted and then updated.
    numbered: str | None = None
    #: Columns holding personal data: PostgreSQL never samples them into its planner
    #: statistics (an ANALYZE, by hand or by autovacuum), so an erasure leaves no copy there.
    personal: tuple[str, ...] = ()

    def ddl(self, dialect: str) -> list[str]:
        """CREATE statements (idempotent), with ``{s}`` for the schema prefix."""
        col = 0 if dialect == "postgresql" else 1
        cols = ", ".join(f"{name} {TYPES[kind][col]}" for name, kind in self.columns.items())
        constraints = [f"PRIMARY KEY ({', '.join(self.key)})"]
        constraints += [f"UNIQUE ({', '.join(u)})" for u in self.unique]
        statements = [
            f"CREATE TABLE IF NOT EXISTS {{s}}{self.name} ({cols}, {', '.join(constraints)})"
        ]
        for index in self.indexes:
            index_name = f"{self.name}_{'_'.join(index)}_idx"
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {index_name} ON {{s}}{self.name} ({', '.join(index)})"
            )
        if dialect == "postgresql":  # SQLite's statistics are row counts only
            statements += [
                f"ALTER TABLE {{s}}{self.name} ALTER COLUMN {column} SET STATISTICS 0"
                for column in self.personal
            ]
        return statements
