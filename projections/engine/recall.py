"""Which rows the temporal twins hold no version of, known without asking the store.

Folding a batch's row changes into a twin needs each row's stored versions from the batch's
first day on (:func:`projections.engine.history.write_history`); reading them back is an
indexed lookup per row and clock, and many rows a batch touches are new (a visit, an officer,
a person).  A :class:`Recall` lives as long as one catch-up or rebuild and knows two kinds of
new rows without a lookup:

- when the twins started empty (a rebuild, a district's first catch-up), every row it has
  not written yet;
- within a batch, the rows the recorded twin has never held: a row with any version has an
  open one on every clock (a removal is an open version of nothing), and both clocks get
  every change, so such a row has no version on the effective clock either.

Keeping the written versions themselves in memory was measured too and dropped: it saved
lookups only of rows written in the batch before, and its upkeep cost more than they did
(docs/PERFORMANCE.md).  A caller that finds the district's positions moved by another
worker between two batches calls :meth:`Recall.forget`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Key = tuple[Any, ...]


@dataclass
class Recall:
    """What a run of batches knows of the rows its twins hold no version of."""

    #: The twins held nothing when the run began: a key outside ``seen`` has no versions.
    empty: bool = False
    seen: dict[str, set[Key]] = field(default_factory=dict)
    #: This batch's keys, by live table, that the recorded twin has no version of.
    unheld: dict[str, set[Key]] = field(default_factory=dict)

    def new(self, twin: str, live: str, keys: Iterable[Key]) -> set[Key]:
        """Those of ``keys`` that ``twin`` (of the live table ``live``) has no version of."""
        unheld = self.unheld.get(live, set())
        if not self.empty:
            return {k for k in keys if k in unheld}
        seen = self.seen.get(twin, set())
        return {k for k in keys if k in unheld or k not in seen}

    def wrote(self, twin: str, keys: Iterable[Key]) -> None:
        """``twin`` now holds versions of ``keys``."""
        if self.empty:
            self.seen.setdefault(twin, set()).update(keys)

    def forget(self) -> None:
        """Another writer may have changed the twins: know nothing but what a lookup says."""
        self.empty = False
        self.seen.clear()
        self.unheld.clear()
