"""A page of a long list, cut on the server (no list or select ever holds a whole district)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Rows per page on a phone.
PAGE_SIZE = 20


def offset_of(args: Mapping[str, str]) -> int:
    """The ``offset`` query argument, never negative (junk counts as 0)."""
    value = args.get("offset", "0")
    return max(int(value), 0) if value.isdigit() else 0


@dataclass(frozen=True)
class Page:
    """Rows of one page, the total and the query that the pager's links keep."""

    items: list[Any]
    total: int
    offset: int
    limit: int = PAGE_SIZE
    query: dict[str, str] = field(default_factory=dict)
