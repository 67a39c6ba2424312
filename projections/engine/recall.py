"""What a run of batches knows of the temporal twins' stored versions without reading them.

Folding a batch's row changes into a twin needs each row's stored versions from the batch's
first day on (:func:`projections.engine.history.write_history`).  Reading them back costs an
indexed lookup per row and clock, and most rows a batch touches are either new (a visit, an
officer) or were written by the batch before.  A :class:`Recall` lives as long as one catch-up
or rebuild and remembers:

- the versions it wrote for the rows it touched last (bounded, least recently written
  forgotten first), which are exactly what a lookup would return;
- when the twins started empty (a rebuild, a district's first catch-up), which rows have any
  version at all;
- within a batch, the rows the recorded twin has never held: on every clock a row that has any
  version has an open one (a removal is an open version of nothing), and both clocks get every
  change, so such a row has no version on the effective clock either.

It is only right while nobody else writes the twins: a caller that finds the district's
positions moved by another worker between two batches calls :meth:`Recall.forget`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projections.engine.history import Version

Key = tuple[Any, ...]

#: Rows (twin and key) whose versions a run keeps in memory: about 60 MB at most.
RECALL_ROWS = 20_000


@dataclass
class Kept:
    """A row's stored versions that hold on ``since`` or later, oldest first."""

    since: date
    versions: list[Version]

    def holding(self, first: date) -> list[Version] | None:
        """Those that hold on ``first`` or later, as the lookup would read them (None when
        the memory starts after ``first``)."""
        if first < self.since:
            return None
        kept = self.versions
        return [v for i, v in enumerate(kept) if i + 1 == len(kept) or kept[i + 1].since >= first]


@dataclass
class Recall:
    """The stored versions a run of batches knows of, by twin and key."""

    #: The twins held nothing when the run began: a key outside ``seen`` has no versions.
    empty: bool = False
    seen: dict[str, set[Key]] = field(default_factory=dict)
    kept: OrderedDict[tuple[str, Key], Kept] = field(default_factory=OrderedDict)
    #: This batch's keys, by live table, that the recorded twin has no version of.
    unheld: dict[str, set[Key]] = field(default_factory=dict)
    limit: int = field(default_factory=lambda: RECALL_ROWS)

    def known(self, twin: str, keys: Iterable[Key], first: date) -> dict[Key, list[Version]]:
        """The versions from ``first`` on of those ``keys`` that need no lookup."""
        seen = self.seen.get(twin, set()) if self.empty else None
        found: dict[Key, list[Version]] = {}
        for key in keys:
            kept = self.kept.get((twin, key))
            versions = kept.holding(first) if kept is not None else None
            if versions is not None:
                found[key] = versions
            elif seen is not None and key not in seen:
                found[key] = []
        return found

    def wrote(self, twin: str, key: Key, first: date, versions: list[Version]) -> None:
        """Remember a row's versions from ``first`` on, as the batch left them."""
        if self.empty:
            self.seen.setdefault(twin, set()).add(key)
        self.kept[(twin, key)] = Kept(first, versions)
        self.kept.move_to_end((twin, key))
        while len(self.kept) > self.limit:
            self.kept.popitem(last=False)

    def forget(self) -> None:
        """Another writer may have changed the twins: know nothing but what a lookup says."""
        self.empty = False
        self.seen.clear()
        self.kept.clear()
        self.unheld.clear()
